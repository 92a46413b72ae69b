import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../paths.js'

// The EFF large wordlist (https://www.eff.org/dice), shipped in data/ exactly as EFF publishes it: 7,776 lines of
// "<five dice digits><TAB><word>\n". It is read once at module load and pinned by its SHA-256, so a truncated,
// re-encoded or edited copy stops the service at start-up instead of silently weakening every passphrase.
//
// Properties the passphrase entropy relies on (checked by parseWordlist on every load):
//   - 7,776 distinct words, so a word carries exactly log2(7776) = 12.925 bits;
//   - words are lowercase letters and hyphens, start and end with a letter and contain no digit;
//   - the list is prefix-free: no word is the beginning of another.
// Four words contain a hyphen: drop-down, felt-tip, t-shirt and yo-yo. With "-" as the separator a passphrase can
// therefore not be split back into words on "-" alone (it would show "t" and "shirt"), but that changes only
// parseability, not entropy: words are still drawn uniformly from all 7,776, and no two different draws can give
// the same text. Reading from the left, exactly one list word can start the text, because the list is prefix-free;
// after it comes either the separator or a digit and then the separator, which a word (starting with a letter)
// never confuses; and so on to the end. That holds for every separator, the empty one included, so the stated
// entropy is exact, not an upper bound.

export const WORDLIST = Object.freeze({
  name: 'EFF large wordlist (eff_large_wordlist.txt, 2016-07-18)',
  size: 7776,
  sha256: 'addd35536511597a02fa0a9ff1e5284677b8883b83e986e43f15a3db996b903e'
})

const LINE = /^[1-6]{5}\t([a-z](?:[a-z-]*[a-z])?)$/

/** Parses the wordlist text and checks its shape: line format, word count, uniqueness, prefix-freeness. */
export function parseWordlist (text: string): string[] {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n')
  const words = lines.map((line, index) => {
    const match = LINE.exec(line)
    if (match === null) {
      throw new Error(`wordlist line ${index + 1} is not "<5 dice digits><TAB><word>": ${JSON.stringify(line.slice(0, 40))}`)
    }
    return match[1] as string
  })
  if (words.length !== WORDLIST.size) {
    throw new Error(`wordlist has ${words.length} words, expected ${WORDLIST.size}`)
  }
  const distinct = new Set(words)
  if (distinct.size !== words.length) {
    throw new Error(`wordlist has ${words.length - distinct.size} duplicate words`)
  }
  for (const word of words) {
    for (let end = 1; end < word.length; end++) {
      if (distinct.has(word.slice(0, end))) {
        throw new Error(`wordlist is not prefix-free: "${word.slice(0, end)}" begins "${word}"`)
      }
    }
  }
  return words
}

/** Reads the wordlist at `path`, verifies its SHA-256 against WORDLIST.sha256 and parses it. */
export function loadWordlist (path: string): string[] {
  const bytes = readFileSync(path)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  if (sha256 !== WORDLIST.sha256) {
    throw new Error(`${path} has SHA-256 ${sha256}, expected ${WORDLIST.sha256}: ` +
      'it must be eff_large_wordlist.txt exactly as EFF publishes it')
  }
  return parseWordlist(bytes.toString('utf8'))
}

export const WORDLIST_PATH = join(packageRoot, 'data', 'eff_large_wordlist.txt')

/** The 7,776 words in list order (dice order). */
export const WORDS: readonly string[] = Object.freeze(loadWordlist(WORDLIST_PATH))
