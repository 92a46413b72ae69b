import t from 'tap'
import {
  GUESS_RATES, STRENGTH_THRESHOLDS, acceptanceProbability, bigIntRatio, countValidPasswords, formatDuration, log2BigInt,
  passphraseEntropyBits, passwordEntropyBits, strengthOf
} from '../../../src/generator/entropy.js'

/** Counts by enumerating every string: class i is represented by the characters i*10 .. i*10 + size - 1. */
function bruteForce (classSizes: number[], length: number, requireEachClass: boolean): bigint {
  const alphabet = classSizes.flatMap((size, i) => Array.from({ length: size }, () => i))
  const indices = new Array<number>(length).fill(0)
  let count = 0n
  if (alphabet.length === 0) return length === 0 && !(requireEachClass && classSizes.length > 0) ? 1n : 0n
  for (;;) {
    const seen = new Set(indices.map((index) => alphabet[index]))
    if (!requireEachClass || seen.size === classSizes.length) count++
    let position = 0
    while (position < length && ++indices[position]! === alphabet.length) indices[position++] = 0
    if (position === length) return count
  }
}

t.test('countValidPasswords matches brute-force enumeration', async (t) => {
  const cases: number[][] = [[1], [3], [2, 3], [1, 1, 2], [1, 2, 1, 1], [2, 2, 2], [4, 1]]
  for (const sizes of cases) {
    for (let length = 0; length <= 5; length++) {
      for (const requireEachClass of [false, true]) {
        t.equal(countValidPasswords(sizes, length, requireEachClass), bruteForce(sizes, length, requireEachClass),
          `sizes [${sizes}], length ${length}, requireEachClass ${requireEachClass}`)
      }
    }
  }
})

t.test('countValidPasswords handles empty classes and rejects bad input', async (t) => {
  t.equal(countValidPasswords([0, 5], 3, true), 0n, 'an empty class can never appear')
  t.equal(countValidPasswords([0, 5], 3, false), 125n)
  t.equal(countValidPasswords([], 3, false), 0n)
  t.equal(countValidPasswords([26, 26, 10, 32], 4096, false), 94n ** 4096n)
  for (const [sizes, length] of [[[1, -1], 3], [[1.5], 3], [[2], -1], [[2], 0.5], [new Array(17).fill(1), 20]] as const) {
    t.throws(() => countValidPasswords(sizes, length, true), RangeError)
  }
})

t.test('16 characters from all 94 with every class required matches a float computation', async (t) => {
  // Independent: the complement probabilities in plain floats, summed over the 16 subsets of missed classes.
  const sizes = [26, 26, 10, 32]
  let probability = 0
  for (let missed = 0; missed < 16; missed++) {
    let remaining = 94
    let sign = 1
    sizes.forEach((size, i) => { if ((missed >> i) & 1) { remaining -= size; sign = -sign } })
    probability += sign * (remaining / 94) ** 16
  }
  const expected = 16 * Math.log2(94) + Math.log2(probability)
  t.ok(Math.abs(passwordEntropyBits(sizes, 16, true) - expected) < 1e-9, `${passwordEntropyBits(sizes, 16, true)} vs ${expected}`)
  t.ok(Math.abs(passwordEntropyBits(sizes, 16, false) - 16 * Math.log2(94)) < 1e-12)
  t.ok(Math.abs(acceptanceProbability(sizes, 16) - probability) < 1e-12)
  t.ok(Math.abs(passwordEntropyBits(sizes, 16, false) - 104.87) < 0.005, '16 characters from 94: 104.87 bits')
})

t.test('passwordEntropyBits refuses option sets with no valid password', async (t) => {
  t.throws(() => passwordEntropyBits([0, 5], 3, true), { message: 'no password satisfies these class sizes and length' })
  t.throws(() => passwordEntropyBits([3, 3], 1, true), RangeError, 'two classes never fit in one character')
})

t.test('log2BigInt is accurate for any size', async (t) => {
  t.equal(log2BigInt(1n), 0)
  t.equal(log2BigInt(1024n), 10)
  t.equal(log2BigInt(2n ** 4000n), 4000)
  t.equal(log2BigInt(2n ** 53n + 1n), 53 + Math.log2(1 + 2 ** -53))
  for (const [base, exponent] of [[3, 1], [3, 1000], [94, 4096], [7776, 6], [10, 30]] as const) {
    const exact = exponent * Math.log2(base)
    const relative = Math.abs(log2BigInt(BigInt(base) ** BigInt(exponent)) - exact) / exact
    t.ok(relative < 1e-12, `${base}^${exponent}: relative error ${relative}`)
  }
  t.throws(() => log2BigInt(0n), RangeError)
  t.throws(() => log2BigInt(-8n), RangeError)
})

t.test('bigIntRatio divides huge numbers to float precision', async (t) => {
  t.equal(bigIntRatio(0n, 5n), 0)
  t.equal(bigIntRatio(5n, 5n), 1)
  t.equal(bigIntRatio(1n, 3n), 1 / 3)
  t.equal(bigIntRatio(768n, 1_500_625n), 768 / 1_500_625)
  t.ok(Math.abs(bigIntRatio(7n * 10n ** 400n, 3n * 10n ** 400n) - 7 / 3) < 1e-15)
  t.ok(Math.abs(bigIntRatio(1n, 3n * 2n ** 500n) / (2 ** -500 / 3) - 1) < 1e-15)
  t.throws(() => bigIntRatio(-1n, 2n), RangeError)
  t.throws(() => bigIntRatio(1n, 0n), RangeError)
})

t.test('acceptanceProbability is valid strings over all strings', async (t) => {
  t.equal(acceptanceProbability([1, 1, 1, 32], 4), 768 / 1_500_625)
  t.equal(acceptanceProbability([26], 8), 1)
  t.equal(acceptanceProbability([3, 2], 4), 528 / 625)
  t.throws(() => acceptanceProbability([0, 0], 3), { message: 'the alphabet is empty' })
})

t.test('passphrase entropy: words x log2(list) plus exactly what the options add', async (t) => {
  const six = passphraseEntropyBits({ words: 6, capitalize: false, includeNumber: false }, 7776)
  t.equal(six, 6 * Math.log2(7776))
  t.equal(Math.round(six * 100) / 100, 77.55)
  t.equal(passphraseEntropyBits({ words: 6, capitalize: true, includeNumber: false }, 7776), six, 'capitalize adds nothing')
  const withNumber = passphraseEntropyBits({ words: 6, capitalize: true, includeNumber: true }, 7776)
  t.equal(withNumber, six + Math.log2(60))
  t.equal(Math.round(withNumber * 100) / 100, 83.46)
  t.equal(passphraseEntropyBits({ words: 1, capitalize: false, includeNumber: true }, 7776), Math.log2(77_760))
  for (const [words, listSize] of [[0, 7776], [1.5, 7776], [6, 0], [6, 1.5]]) {
    t.throws(() => passphraseEntropyBits({ words: words!, capitalize: false, includeNumber: false }, listSize!), RangeError)
  }
})

t.test('strength labels follow the published thresholds', async (t) => {
  t.same(STRENGTH_THRESHOLDS, [
    { label: 'very weak', minBits: 0 }, { label: 'weak', minBits: 28 }, { label: 'fair', minBits: 36 },
    { label: 'strong', minBits: 60 }, { label: 'very strong', minBits: 128 }
  ])
  const cases: Array<[number, string]> = [
    [0, 'very weak'], [27.99, 'very weak'], [28, 'weak'], [35.99, 'weak'], [36, 'fair'], [59.99, 'fair'],
    [60, 'strong'], [127.99, 'strong'], [128, 'very strong'], [5000, 'very strong']
  ]
  for (const [bits, label] of cases) t.equal(strengthOf(bits).label, label, `${bits} bits`)
  for (const bits of [-1, Number.NaN, Infinity]) t.throws(() => strengthOf(bits), RangeError)
})

t.test('crack times are the expected time, 2^(bits-1) guesses, at the documented rates', async (t) => {
  t.same(GUESS_RATES, { onlineThrottled: 100 / 3600, offlineSlowHash: 1e4, offlineFastHash: 1e10 })
  const { crackTimes } = strengthOf(40)
  t.same(crackTimes.onlineThrottled, { guessesPerSecond: 1 / 36, seconds: 2 ** 39 * 36, display: '627,145 years' })
  t.same(crackTimes.offlineSlowHash, { guessesPerSecond: 1e4, seconds: 2 ** 39 / 1e4, display: '1 year' })
  t.same(crackTimes.offlineFastHash, { guessesPerSecond: 1e10, seconds: 2 ** 39 / 1e10, display: '54 seconds' })
  t.equal(strengthOf(77.55).crackTimes.offlineFastHash.display, '350,543 years')
  t.equal(strengthOf(104.87).crackTimes.offlineFastHash.display, 'more than a trillion years')
  const huge = strengthOf(30_000).crackTimes.onlineThrottled
  t.equal(huge.seconds, Number.MAX_VALUE, 'stays finite, so it survives JSON')
  t.equal(JSON.parse(JSON.stringify(huge)).seconds, Number.MAX_VALUE)
})

t.test('formatDuration reads like words and never rounds up into the next unit', async (t) => {
  const minute = 60
  const hour = 3600
  const day = 86_400
  const year = 365.25 * day
  const cases: Array<[number, string]> = [
    [0, 'less than a second'], [0.999, 'less than a second'], [1, '1 second'], [59.9, '59 seconds'],
    [60, '1 minute'], [3599, '59 minutes'], [hour, '1 hour'], [3 * hour + 59 * minute, '3 hours'],
    [day, '1 day'], [12.5 * day, '12 days'], [31 * day, '1 month'], [4.9 * year / 12, '4 months'],
    [year, '1 year'], [4.2 * year, '4 years'], [12_345.6 * year, '12,345 years'], [999_999.9 * year, '999,999 years'],
    [1e6 * year, '1 million years'], [7.5e8 * year, '750 million years'], [1.38e10 * year, '13 billion years'],
    [1e12 * year, 'more than a trillion years'], [Infinity, 'more than a trillion years']
  ]
  for (const [seconds, display] of cases) t.equal(formatDuration(seconds), display, `${seconds} s`)
  t.throws(() => formatDuration(-1), RangeError)
  t.throws(() => formatDuration(Number.NaN), RangeError)
})
