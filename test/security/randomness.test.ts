import { randomBytes } from 'node:crypto'
import t from 'tap'
import { WORDS, createPasswordPolicy, generatePassphrases, generatePasswords, type PasswordOptions, type PasswordPolicy } from '../../src/generator/index.js'
import { ALPHA, chiSquare, uniform, type ChiSquareResult } from '../src/generator/chi-square.js'
import { characterMarginals } from '../src/generator/marginals.js'

// Randomness at scale, through the engine's public API. test/src/generator/ already checks each position against
// the alphabet with about 10^4 passwords per option set, the digit count, full enumerations of tiny policies and
// word buckets over 72,000 words; this file draws far more (about 4 million characters and 2.4 million words) and
// tests the joint tables those tests cannot afford: (position, character), adjacent character pairs, every one of
// the 7,776 words, and (position, word bucket).
//
// False-alarm rate: each chi-square assertion fails a correct generator with probability ALPHA = 1e-6 (exact
// p-values, test/src/generator/chi-square.ts). The critical values printed beside each statistic are the
// Wilson–Hilferty approximation of the 1 - 1e-6 quantile, chi2 ~ df * (1 - 2/(9 df) + z sqrt(2/(9 df)))^3 with
// z = 4.753424 (the standard normal's upper 1e-6 point): within a fraction of a percent of the exact quantile for
// the dozens to thousands of degrees of freedom used here. This file makes 9 such assertions, so it flakes about
// once in 100,000 runs.

const Z_1E6 = 4.753424308822899

/** Wilson–Hilferty approximation of the chi-square critical value at ALPHA = 1e-6. */
function criticalValue (df: number): number {
  const a = 2 / (9 * df)
  return df * (1 - a + Z_1E6 * Math.sqrt(a)) ** 3
}

function report (result: ChiSquareResult): string {
  return `chi2 = ${result.statistic.toFixed(1)} on ${result.df} df, critical ${criticalValue(result.df).toFixed(1)} (alpha 1e-6), p = ${result.pValue.toExponential(2)}`
}

const ALL: PasswordOptions = { length: 16, lowercase: true, uppercase: true, digits: true, symbols: true, excludeAmbiguous: false, exclude: '', requireEachClass: false }

/** `count` passwords in batches of 100 (the HTTP maximum), as the service draws them. */
function draw (policy: PasswordPolicy, count: number): string[] {
  const passwords: string[] = []
  while (passwords.length < count) passwords.push(...generatePasswords(policy, Math.min(100, count - passwords.length)))
  return passwords
}

/** Counts of (position, alphabet index), flattened row by row, and the number of characters seen. */
function positionTable (policy: PasswordPolicy, passwords: readonly string[]): { table: Float64Array, characters: number } {
  const { length } = policy.options
  const size = policy.alphabet.length
  const index = new Map([...policy.alphabet].map((character, i) => [character, i]))
  const table = new Float64Array(length * size)
  let characters = 0
  for (const password of passwords) {
    for (let position = 0; position < length; position++) {
      const i = index.get(password[position]!)
      if (i === undefined) throw new Error(`${JSON.stringify(password[position])} is not in the alphabet`)
      table[position * size + i]!++
      characters++
    }
  }
  return { table, characters }
}

function columnSums (table: Float64Array, rows: number, columns: number): Float64Array {
  const sums = new Float64Array(columns)
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) sums[c]! += table[r * columns + c]!
  return sums
}

let totalCharacters = 0

t.test('without requireEachClass: characters, (position, character) and adjacent pairs are uniform', async (t) => {
  const cases: Array<[string, PasswordOptions, number]> = [
    ['all 94 characters, length 16', ALL, 100_000],
    ['no symbols, excludeAmbiguous, exclude "XYZ789", length 24', { ...ALL, length: 24, symbols: false, excludeAmbiguous: true, exclude: 'XYZ789' }, 30_000]
  ]
  for (const [label, options, count] of cases) {
    const policy = createPasswordPolicy(options)
    const size = policy.alphabet.length
    const passwords = draw(policy, count)
    const { table, characters } = positionTable(policy, passwords)
    totalCharacters += characters
    const byCharacter = chiSquare(columnSums(table, options.length, size), uniform(size))
    t.ok(byCharacter.pValue >= ALPHA, `${label}, ${characters} characters, by character: ${report(byCharacter)}`)
    const byPosition = chiSquare(table, uniform(table.length))
    t.ok(byPosition.pValue >= ALPHA, `${label}, (position, character) over ${table.length} cells: ${report(byPosition)}`)
    if (size === 94) {
      // Independence of neighbours: every ordered pair of adjacent characters equally likely.
      const index = new Map([...policy.alphabet].map((character, i) => [character, i]))
      const pairs = new Float64Array(size * size)
      for (const password of passwords) {
        for (let position = 1; position < password.length; position++) pairs[index.get(password[position - 1]!)! * size + index.get(password[position]!)!]!++
      }
      const byPair = chiSquare(pairs, uniform(pairs.length))
      t.ok(byPair.pValue >= ALPHA, `${label}, ${passwords.length * (options.length - 1)} adjacent pairs over ${pairs.length} cells: ${report(byPair)}`)
    }
  }
})

t.test('with requireEachClass: (position, character) follows the exact uniform-over-valid law', async (t) => {
  const cases: Array<[string, PasswordOptions, number]> = [
    ['defaults at length 20', { ...ALL, length: 20, requireEachClass: true }, 60_000],
    ['length 6, digits cut to "01", symbols cut to "!@"', { ...ALL, length: 6, requireEachClass: true, exclude: '23456789' + '"#$%&\'()*+,-./:;<=>?[\\]^_`{|}~' }, 40_000]
  ]
  for (const [label, options, count] of cases) {
    const policy = createPasswordPolicy(options)
    const perCharacter = characterMarginals(policy)
    const sum = perCharacter.reduce((a, b) => a + b, 0)
    t.ok(Math.abs(sum - 1) < 1e-9, `${label}: the exact probabilities sum to 1 (${sum})`)
    const { length } = options
    const probabilities = Array.from({ length: length * perCharacter.length }, (_, cell) => perCharacter[cell % perCharacter.length]! / length)
    const { table, characters } = positionTable(policy, draw(policy, count))
    totalCharacters += characters
    const result = chiSquare(table, probabilities)
    t.ok(result.pValue >= ALPHA, `${label}, ${characters} characters over ${table.length} cells: ${report(result)}`)
  }
})

t.test('in all, at least 1,000,000 characters were tested', async (t) => {
  t.ok(totalCharacters >= 1_000_000, `${totalCharacters.toLocaleString('en')} characters`)
})

t.test('passphrase words are uniform over all 7,776 words, and at every position', async (t) => {
  const wordsPerPassphrase = 20
  const passphrases = 120_000
  const index = new Map(WORDS.map((word, i) => [word, i]))
  const byWord = new Float64Array(WORDS.length)
  const bucketSize = 96 // 7,776 = 81 x 96
  const buckets = WORDS.length / bucketSize
  const byPosition = new Float64Array(wordsPerPassphrase * buckets)
  let drawn = 0
  for (let made = 0; made < passphrases; made += 100) {
    for (const passphrase of generatePassphrases({ words: wordsPerPassphrase, separator: ' ', capitalize: false, includeNumber: false }, 100)) {
      const parts = passphrase.split(' ')
      for (let position = 0; position < parts.length; position++) {
        const i = index.get(parts[position]!)
        if (i === undefined) throw new Error(`${parts[position]} is not a list word`)
        byWord[i]!++
        byPosition[position * buckets + Math.floor(i / bucketSize)]!++
        drawn++
      }
    }
  }
  t.equal(drawn, passphrases * wordsPerPassphrase)
  const words = chiSquare(byWord, uniform(WORDS.length))
  t.ok(words.pValue >= ALPHA, `${drawn.toLocaleString('en')} words over 7,776 cells (${(drawn / WORDS.length).toFixed(0)} expected each): ${report(words)}`)
  t.ok(byWord.every((count) => count > 0), 'every word occurs')
  const positions = chiSquare(byPosition, uniform(byPosition.length))
  t.ok(positions.pValue >= ALPHA, `(position, bucket of 96 words) over ${byPosition.length} cells: ${report(positions)}`)
})

t.test('the tests have teeth: a modulo-biased source fails', async (t) => {
  // byte % 94 over 0..255 makes 68 of the 94 characters 3/256 likely and 26 of them 2/256. At 640,000 draws the
  // expected statistic is about 17,000 against a critical value of 173.
  const draws = 640_000
  const bytes = randomBytes(draws)
  const counts = new Float64Array(94)
  for (let i = 0; i < draws; i++) counts[bytes[i]! % 94]!++
  const result = chiSquare(counts, uniform(94))
  t.ok(result.pValue < ALPHA, `byte % 94: ${report(result)}`)
})
