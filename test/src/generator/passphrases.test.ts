import t from 'tap'
import {
  MAX_PASSPHRASE_WORDS, generatePassphrase, generatePassphrases, passphraseEntropy
} from '../../../src/generator/passphrases.js'
import type { PassphraseOptions } from '../../../src/generator/passphrases.js'
import { WORDS } from '../../../src/generator/wordlist.js'
import { ALPHA, chiSquare, describe, uniform } from './chi-square.js'

const defaults: PassphraseOptions = { words: 6, separator: '-', capitalize: false, includeNumber: false }
const capitalized = new Set(WORDS.map((word) => word[0]!.toUpperCase() + word.slice(1)))
const lowercase = new Set(WORDS)
const longest = Math.max(...WORDS.map((word) => word.length))

interface Reading { words: string[], digit?: { position: number, value: string } }

/**
 * Every way `text` can be read as `options.words` list words joined by the separator, with one digit after one
 * word when includeNumber is set. The generator's entropy claim is that there is always exactly one.
 */
function readings (text: string, options: PassphraseOptions): Reading[] {
  const list = options.capitalize ? capitalized : lowercase
  const found: Reading[] = []
  const walk = (at: number, words: string[], digit: Reading['digit']): void => {
    if (words.length === options.words) {
      if (at === text.length && (digit !== undefined) === options.includeNumber) found.push({ words, ...(digit === undefined ? {} : { digit }) })
      return
    }
    for (let end = at + 1; end <= Math.min(text.length, at + longest); end++) {
      const word = text.slice(at, end)
      if (!list.has(word)) continue
      const next = [...words, word]
      const tails: Array<[number, Reading['digit']]> = [[end, digit]]
      if (options.includeNumber && digit === undefined && /[0-9]/.test(text[end] ?? '')) {
        tails.push([end + 1, { position: words.length, value: text[end]! }])
      }
      for (const [after, withDigit] of tails) {
        if (next.length === options.words) walk(after, next, withDigit)
        else if (text.startsWith(options.separator, after)) walk(after + options.separator.length, next, withDigit)
      }
    }
  }
  walk(0, [], undefined)
  return found
}

t.test('passphrases read back into exactly one choice of words, for any separator', async (t) => {
  const separators = ['-', ' ', '', '_', ' :: ', '.', '1', '11', 'e', 'E', '😀']
  for (const separator of separators) {
    for (const capitalize of [false, true]) {
      for (const includeNumber of [false, true]) {
        for (const words of [1, 3, 6]) {
          const options = { words, separator, capitalize, includeNumber }
          const label = JSON.stringify(options)
          const problems: string[] = []
          for (const passphrase of generatePassphrases(options, 30)) {
            const found = readings(passphrase, options)
            if (found.length !== 1) problems.push(`${JSON.stringify(passphrase)} reads ${found.length} ways`)
          }
          t.same(problems, [], label)
        }
      }
    }
  }
})

t.test('words, separator, capitalisation and the digit are what the options say', async (t) => {
  const plain = generatePassphrase(defaults).split('-')
  // Four list words contain a hyphen, so splitting on "-" can give more than 6 parts; reading cannot.
  t.ok(plain.length >= 6)
  const spaced = generatePassphrase({ ...defaults, separator: ' ' }).split(' ')
  t.equal(spaced.length, 6)
  t.ok(spaced.every((word) => lowercase.has(word)))

  const capital = generatePassphrase({ ...defaults, separator: ' ', capitalize: true }).split(' ')
  t.ok(capital.every((word) => /^[A-Z]/.test(word) && lowercase.has(word.toLowerCase())), capital.join(' '))

  for (const passphrase of generatePassphrases({ ...defaults, separator: ' ', includeNumber: true }, 200)) {
    const digits = passphrase.match(/[0-9]/g) ?? []
    const parts = passphrase.split(' ')
    const withDigit = parts.filter((part) => /^[a-z-]+[0-9]$/.test(part) && lowercase.has(part.slice(0, -1)))
    if (digits.length !== 1 || withDigit.length !== 1 || parts.length !== 6) {
      t.fail(`one digit at the end of one word: ${passphrase}`)
      return
    }
  }
  t.pass('200 passphrases each have exactly one digit, at the end of one word')
  t.equal(generatePassphrase({ ...defaults, words: 1, separator: '' }).length > 2, true)
  t.notMatch(generatePassphrases({ ...defaults, words: 12, separator: '' }, 20).join(''), /[0-9A-Z]/, 'no digit or capital unless asked')
})

t.test('the digit, its position and the words are uniform (chi-square, alpha 1e-6 each)', async (t) => {
  const options = { ...defaults, separator: ' ', includeNumber: true }
  const values = new Array<number>(10).fill(0)
  const positions = new Array<number>(6).fill(0)
  const buckets = new Array<number>(81).fill(0) // 7,776 = 81 x 96 words
  const index = new Map(WORDS.map((word, i) => [word, i]))
  for (const passphrase of generatePassphrases(options, 12_000)) {
    passphrase.split(' ').forEach((part, position) => {
      const digit = /[0-9]$/.exec(part)
      if (digit !== null) {
        values[Number(digit[0])]!++
        positions[position]!++
      }
      buckets[Math.floor(index.get(part.replace(/[0-9]$/, ''))! / 96)]!++
    })
  }
  for (const [label, counts] of [['digit value', values], ['digit position', positions], ['word index, 81 buckets', buckets]] as const) {
    const result = chiSquare(counts, uniform(counts.length))
    t.ok(result.pValue >= ALPHA, `${label}: ${describe(result)}`)
  }
})

t.test('entropy is words x log2(7776), plus log2(10 x words) for the digit', async (t) => {
  const six = passphraseEntropy(defaults)
  t.equal(six, 6 * Math.log2(7776))
  t.equal(six.toFixed(2), '77.55')
  t.equal(passphraseEntropy({ ...defaults, capitalize: true }), six, 'capitalize adds nothing')
  t.equal(passphraseEntropy({ ...defaults, includeNumber: true }), six + Math.log2(60))
  t.equal(passphraseEntropy({ ...defaults, includeNumber: true }).toFixed(2), '83.46')
  t.equal(passphraseEntropy({ ...defaults, separator: '' }), six, 'the separator does not matter: the list is prefix-free')
  t.equal(passphraseEntropy({ ...defaults, words: 1, includeNumber: true }), Math.log2(77_760))
})

t.test('invalid options are GeneratorErrors naming the field', async (t) => {
  const cases: Array<[Partial<PassphraseOptions>, string, string]> = [
    [{ words: 0 }, 'words', `words must be a whole number from 1 to ${MAX_PASSPHRASE_WORDS}`],
    [{ words: 2.5 }, 'words', `words must be a whole number from 1 to ${MAX_PASSPHRASE_WORDS}`],
    [{ words: MAX_PASSPHRASE_WORDS + 1 }, 'words', `words must be a whole number from 1 to ${MAX_PASSPHRASE_WORDS}`],
    [{ words: '6' as unknown as number }, 'words', `words must be a whole number from 1 to ${MAX_PASSPHRASE_WORDS}`],
    [{ separator: 1 as unknown as string }, 'separator', 'separator must be a string'],
    [{ capitalize: 'true' as unknown as boolean }, 'capitalize', 'capitalize must be true or false'],
    [{ includeNumber: null as unknown as boolean }, 'includeNumber', 'includeNumber must be true or false']
  ]
  for (const [overrides, field, message] of cases) {
    const options = { ...defaults, ...overrides }
    const expected = { name: 'GeneratorError', field, message }
    t.throws(() => generatePassphrase(options), expected, JSON.stringify(overrides))
    t.throws(() => generatePassphrases(options, 2), expected)
    t.throws(() => passphraseEntropy(options), expected)
  }
  for (const count of [0, -1, 1.5]) {
    t.throws(() => generatePassphrases(defaults, count), { name: 'GeneratorError', field: 'count' })
  }
})

t.test('many passphrases, and long ones', async (t) => {
  const many = generatePassphrases(defaults, 100)
  t.equal(many.length, 100)
  t.equal(new Set(many).size, 100)
  const long = generatePassphrase({ ...defaults, words: MAX_PASSPHRASE_WORDS, separator: ' ' })
  t.equal(long.split(' ').length, MAX_PASSPHRASE_WORDS)
})
