import { passphraseEntropyBits } from './entropy.js'
import { GeneratorError, checkCount } from './errors.js'
import { randomIndex } from './random.js'
import { WORDS } from './wordlist.js'

export interface PassphraseOptions {
  /** How many words, each drawn uniformly and independently from the EFF large wordlist. */
  words: number
  /** Put between words; any string, including the empty one (the list is prefix-free, so it stays readable). */
  separator: string
  /** Capitalise the first letter of every word (deterministic: adds no entropy). */
  capitalize: boolean
  /** Append one random digit 0-9 to one randomly chosen word (adds log2(10 x words) bits). */
  includeNumber: boolean
}

/** The most words the engine puts in a passphrase; the HTTP layer allows far fewer. */
export const MAX_PASSPHRASE_WORDS = 1024

const CAPITALIZED_WORDS: readonly string[] = Object.freeze(WORDS.map((word) => word.charAt(0).toUpperCase() + word.slice(1)))

function checkOptions (options: PassphraseOptions): void {
  const { words } = options
  if (!Number.isSafeInteger(words) || words < 1 || words > MAX_PASSPHRASE_WORDS) {
    throw new GeneratorError('words', `words must be a whole number from 1 to ${MAX_PASSPHRASE_WORDS}`)
  }
  if (typeof options.separator !== 'string') {
    throw new GeneratorError('separator', 'separator must be a string')
  }
  for (const flag of ['capitalize', 'includeNumber'] as const) {
    if (typeof options[flag] !== 'boolean') {
      throw new GeneratorError(flag, `${flag} must be true or false`)
    }
  }
}

function draw ({ words, separator, capitalize, includeNumber }: PassphraseOptions): string {
  const list = capitalize ? CAPITALIZED_WORDS : WORDS
  const chosen = new Array<string>(words)
  for (let i = 0; i < words; i++) {
    chosen[i] = list[randomIndex(list.length)]!
  }
  if (includeNumber) {
    const position = randomIndex(words)
    chosen[position] += String(randomIndex(10))
  }
  return chosen.join(separator)
}

/** One passphrase; throws GeneratorError for invalid options. */
export function generatePassphrase (options: PassphraseOptions): string {
  checkOptions(options)
  return draw(options)
}

/** `count` independent passphrases, each as from generatePassphrase. */
export function generatePassphrases (options: PassphraseOptions, count: number): string[] {
  checkOptions(options)
  checkCount(count)
  const passphrases = new Array<string>(count)
  for (let i = 0; i < count; i++) {
    passphrases[i] = draw(options)
  }
  return passphrases
}

/** Exact entropy in bits of a passphrase made with these options (see passphraseEntropyBits). */
export function passphraseEntropy (options: PassphraseOptions): number {
  checkOptions(options)
  return passphraseEntropyBits(options, WORDS.length)
}
