import t from 'tap'
import { ALPHA, chiSquare, chiSquarePValue, uniform } from './chi-square.js'

// The statistical tests are only as good as this p-value, so it is checked against closed forms and tables.

t.test('matches the closed forms for 2 and 4 degrees of freedom', async (t) => {
  for (const x of [0.1, 1, 5, 20, 60]) {
    t.ok(Math.abs(chiSquarePValue(x, 2) - Math.exp(-x / 2)) < 1e-13 * Math.max(1, Math.exp(-x / 2)) + 1e-300, `df 2, x ${x}`)
    const q4 = Math.exp(-x / 2) * (1 + x / 2)
    t.ok(Math.abs(chiSquarePValue(x, 4) - q4) / q4 < 1e-12, `df 4, x ${x}`)
  }
  t.equal(chiSquarePValue(0, 3), 1)
})

t.test('matches published critical values', async (t) => {
  // [df, critical value, upper-tail probability] from standard chi-square tables (NIST/SEMATECH e-Handbook 1.3.6.7.4).
  const table: Array<[number, number, number]> = [
    [1, 10.828, 0.001], [5, 20.515, 0.001], [10, 23.209, 0.01], [10, 29.588, 0.001],
    [30, 59.703, 0.001], [100, 149.449, 0.001], [100, 135.807, 0.01]
  ]
  for (const [df, critical, alpha] of table) {
    const p = chiSquarePValue(critical, df)
    t.ok(Math.abs(p - alpha) / alpha < 2e-3, `df ${df}: P(X >= ${critical}) = ${p}, table says ${alpha}`)
  }
  // Large df, as used for the 7,776-cell test: the distribution is near normal with mean df and sd sqrt(2 df).
  const df = 7775
  const p = chiSquarePValue(df + 4.753424308822899 * Math.sqrt(2 * df), df)
  t.ok(p > 2e-7 && p < 5e-6, `df ${df}: 4.75 sd above the mean gives p = ${p}, near ${ALPHA}`)
})

t.test('chiSquare computes the statistic and guards its inputs', async (t) => {
  const result = chiSquare([30, 10], [0.5, 0.5])
  t.equal(result.statistic, 10)
  t.equal(result.df, 1)
  t.ok(result.pValue > 0.0015 && result.pValue < 0.0016)
  t.throws(() => chiSquare([1], [1]), /at least 2 cells/)
  t.throws(() => chiSquare([10, 10], [0.5, 0.6]), /sum to/)
  t.throws(() => chiSquare([2, 2], uniform(2)), /sample more/)
})
