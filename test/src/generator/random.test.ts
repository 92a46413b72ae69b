import { randomBytes } from 'node:crypto'
import t from 'tap'
import { randomChoice, randomIndex } from '../../../src/generator/random.js'
import { ALPHA, chiSquare, describe, uniform } from './chi-square.js'

function histogram (n: number, samples: number, draw: (n: number) => number): Uint32Array {
  const counts = new Uint32Array(n)
  for (let i = 0; i < samples; i++) counts[draw(n)]!++
  return counts
}

t.test('rejects n outside 1..2^32 and non-integers', async (t) => {
  for (const n of [0, -1, 1.5, Number.NaN, Infinity, 2 ** 32 + 1, 2 ** 53]) {
    t.throws(() => randomIndex(n), RangeError, `n = ${n}`)
  }
})

t.test('stays in range at every width boundary', async (t) => {
  t.equal(randomIndex(1), 0)
  for (const n of [2, 255, 256, 257, 65_535, 65_536, 65_537, 2 ** 31, 2 ** 32 - 1, 2 ** 32]) {
    let max = 0
    for (let i = 0; i < 2000; i++) {
      const value = randomIndex(n)
      if (!Number.isInteger(value) || value < 0 || value >= n) {
        t.fail(`randomIndex(${n}) gave ${value}`)
        return
      }
      max = Math.max(max, value)
    }
    // 2,000 draws all in the lower half of the range would be a 2^-2000 event, unless the top is unreachable.
    t.ok(max >= n / 2, `randomIndex(${n}) reaches the upper half`)
  }
})

t.test('is uniform for n = 3, 10, 94 and 7776 (chi-square, alpha 1e-6 each)', async (t) => {
  for (const [n, samples] of [[3, 30_000], [10, 50_000], [94, 94_000], [7776, 311_040]] as const) {
    const result = chiSquare(histogram(n, samples, randomIndex), uniform(n))
    t.ok(result.pValue >= ALPHA, `n = ${n}: ${describe(result)}`)
  }
})

t.test('has no modulo bias on the 2- and 4-byte paths (100 equal buckets)', async (t) => {
  // 40,000 and 3e9 are the cases where a bare `% n` is worst: 65536 % 40000 and 2^32 % 3e9 leave the lowest 39%
  // and 30% of values twice as likely. Rejection sampling must keep every bucket at 1%.
  for (const n of [40_000, 3e9]) {
    const bucket = n / 100
    const counts = histogram(100, 100_000, () => Math.floor(randomIndex(n) / bucket))
    const result = chiSquare(counts, uniform(100))
    t.ok(result.pValue >= ALPHA, `n = ${n}: ${describe(result)}`)
  }
})

t.test('the uniformity test has teeth: a bare modulo fails it', async (t) => {
  // byte % 200 makes 0..55 twice as likely as 56..199. With 50,000 draws the expected statistic is about 6,300
  // against a critical value near 290, so this assertion essentially never fails by chance either.
  const bytes = randomBytes(50_000)
  let next = 0
  const result = chiSquare(histogram(200, 50_000, (n) => bytes[next++]! % n), uniform(200))
  t.ok(result.pValue < ALPHA, `modulo-biased source: ${describe(result)}`)
})

t.test('keeps going across pool refills', async (t) => {
  // 8 KiB pool: 30,000 two-byte draws and 20,000 four-byte draws cross many refills, with the pool boundary
  // falling at every alignment; values must stay in range and cover the whole range.
  const seen = new Set<number>()
  for (let i = 0; i < 30_000; i++) {
    randomIndex(255)
    seen.add(randomIndex(300))
    randomIndex(70_000)
  }
  t.equal(seen.size, 300)
})

t.test('is fast enough for the hot path', async (t) => {
  const draws = 2_000_000
  const start = performance.now()
  let sum = 0
  for (let i = 0; i < draws; i++) sum += randomIndex(94)
  const seconds = (performance.now() - start) / 1000
  t.comment(`${(draws / seconds / 1e6).toFixed(1)} million indices per second`)
  // The target is several million per second; the bound is loose so a busy CI machine does not flake.
  t.ok(draws / seconds > 1e6, 'at least a million indices per second')
  t.ok(sum > 0)
})

t.test('randomChoice picks uniformly from the items', async (t) => {
  const items = ['a', 'b', 'c', 'd', 'e'] as const
  const counts = new Array<number>(items.length).fill(0)
  for (let i = 0; i < 25_000; i++) counts[items.indexOf(randomChoice(items))]!++
  const result = chiSquare(counts, uniform(items.length))
  t.ok(result.pValue >= ALPHA, describe(result))
  t.equal(randomChoice([42]), 42)
  t.throws(() => randomChoice([]), RangeError)
})
