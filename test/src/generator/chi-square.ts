// Pearson's chi-square goodness-of-fit test for the generator's statistical tests.
//
// False-alarm rate: every test asserts p-value >= ALPHA = 1e-6, so a correct generator fails any one such assertion
// with probability 1e-6; with a few dozen of them per run the suite flakes about once in tens of thousands of
// runs. The p-value is exact (regularised upper incomplete gamma function), not a normal or Wilson–Hilferty
// approximation, so the stated rate holds for any degrees of freedom.

export const ALPHA = 1e-6

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error about 1e-15). */
function logGamma (x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7]
  if (x < 0.5) {
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  }
  const z = x - 1
  let sum = c[0]!
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

/** Q(a, x) = Γ(a, x) / Γ(a): series for x < a + 1, Lentz's continued fraction otherwise (Numerical Recipes 6.2). */
export function regularizedGammaQ (a: number, x: number): number {
  if (x <= 0) return 1
  const prefix = Math.exp(-x + a * Math.log(x) - logGamma(a))
  if (x < a + 1) {
    let term = 1 / a
    let sum = term
    for (let n = 1; n < 100_000; n++) {
      term *= x / (a + n)
      sum += term
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break
    }
    return 1 - sum * prefix
  }
  const tiny = 1e-300
  let b = x + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return h * prefix
}

/** P(X >= statistic) for X chi-square distributed with `df` degrees of freedom. */
export function chiSquarePValue (statistic: number, df: number): number {
  return regularizedGammaQ(df / 2, statistic / 2)
}

export interface ChiSquareResult {
  statistic: number
  df: number
  pValue: number
}

/**
 * Goodness of fit of observed counts to expected probabilities (which must sum to 1). Cells are not merged, so
 * callers choose sample sizes that give every cell an expected count of at least 5 (checked).
 */
export function chiSquare (observed: ArrayLike<number>, probabilities: ArrayLike<number>): ChiSquareResult {
  if (observed.length !== probabilities.length || observed.length < 2) {
    throw new Error('chiSquare needs matching observed and probability arrays of at least 2 cells')
  }
  let n = 0
  let total = 0
  for (let i = 0; i < observed.length; i++) {
    n += observed[i]!
    total += probabilities[i]!
  }
  if (Math.abs(total - 1) > 1e-9) {
    throw new Error(`probabilities sum to ${total}, not 1`)
  }
  let statistic = 0
  for (let i = 0; i < observed.length; i++) {
    const expected = n * probabilities[i]!
    if (expected < 5) {
      throw new Error(`cell ${i} expects only ${expected} observations: sample more`)
    }
    statistic += (observed[i]! - expected) ** 2 / expected
  }
  const df = observed.length - 1
  return { statistic, df, pValue: chiSquarePValue(statistic, df) }
}

/** Uniform probabilities over `cells` cells. */
export function uniform (cells: number): number[] {
  return new Array<number>(cells).fill(1 / cells)
}

export function describe (result: ChiSquareResult): string {
  return `chi-square ${result.statistic.toFixed(1)} on ${result.df} df, p = ${result.pValue.toExponential(3)}`
}
