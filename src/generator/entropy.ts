// Exact entropy of the generator's outputs and a plain-words reading of it.
//
// Every generator output is drawn uniformly from a finite set, so its entropy is exactly log2 of the size of that
// set: no estimates, no pattern matching. The sizes are counted exactly with BigInt and only the final log2 is a
// float.

/** The largest number of character classes countValidPasswords accepts (it sums over all 2^k subsets). */
const MAX_CLASSES = 16

function checkCount (value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${value}`)
  }
}

/**
 * The number of strings of `length` characters over the union of disjoint classes of the given sizes; with
 * `requireEachClass`, only those that contain at least one character of every class.
 *
 * Inclusion–exclusion over the set T of classes a string misses: sum over T of (-1)^|T| (S - sum_{i in T} s_i)^length,
 * where S is the total alphabet size. Exact for any input (BigInt throughout).
 */
export function countValidPasswords (classSizes: readonly number[], length: number, requireEachClass: boolean): bigint {
  checkCount(length, 'length')
  if (classSizes.length > MAX_CLASSES) {
    throw new RangeError(`at most ${MAX_CLASSES} classes are supported, got ${classSizes.length}`)
  }
  let total = 0
  for (const size of classSizes) {
    checkCount(size, 'a class size')
    total += size
  }
  const exponent = BigInt(length)
  if (!requireEachClass) {
    return BigInt(total) ** exponent
  }
  let count = 0n
  for (let missed = 0; missed < 1 << classSizes.length; missed++) {
    let remaining = total
    let parity = 0
    for (let i = 0; i < classSizes.length; i++) {
      if ((missed & (1 << i)) !== 0) {
        remaining -= classSizes[i]!
        parity ^= 1
      }
    }
    const term = BigInt(remaining) ** exponent
    count += parity === 0 ? term : -term
  }
  return count
}

function bitLength (x: bigint): number {
  return x.toString(2).length
}

/**
 * log2 of a positive BigInt of any size. The integer part comes from the bit length, the fraction from the top 53
 * bits, so the absolute error stays below 1e-15 however large x is.
 */
export function log2BigInt (x: bigint): number {
  if (x <= 0n) {
    throw new RangeError(`log2BigInt needs a positive number, got ${x}`)
  }
  const shift = bitLength(x) - 53
  if (shift <= 0) {
    return Math.log2(Number(x))
  }
  return Math.log2(Number(x >> BigInt(shift))) + shift
}

/** numerator / denominator as a float, for BigInts too large for Number; accurate to about 1e-16 relative. */
export function bigIntRatio (numerator: bigint, denominator: bigint): number {
  if (numerator < 0n || denominator <= 0n) {
    throw new RangeError('bigIntRatio needs a non-negative numerator and a positive denominator')
  }
  if (numerator === 0n) {
    return 0
  }
  // Scale so that the integer quotient has about 64 significant bits.
  const shift = Math.max(0, bitLength(denominator) - bitLength(numerator) + 64)
  return Number((numerator << BigInt(shift)) / denominator) * 2 ** -shift
}

/** Entropy in bits of a password drawn uniformly from the strings countValidPasswords counts. */
export function passwordEntropyBits (classSizes: readonly number[], length: number, requireEachClass: boolean): number {
  const count = countValidPasswords(classSizes, length, requireEachClass)
  if (count === 0n) {
    throw new RangeError('no password satisfies these class sizes and length')
  }
  return log2BigInt(count)
}

/**
 * The probability that a string drawn uniformly from the whole alphabet contains every class: the acceptance rate
 * of the generator's rejection sampling under requireEachClass.
 */
export function acceptanceProbability (classSizes: readonly number[], length: number): number {
  const all = countValidPasswords(classSizes, length, false)
  if (all === 0n) {
    throw new RangeError('the alphabet is empty')
  }
  return bigIntRatio(countValidPasswords(classSizes, length, true), all)
}

export interface PassphraseShape {
  readonly words: number
  readonly capitalize: boolean
  readonly includeNumber: boolean
}

/**
 * Entropy in bits of a passphrase of `words` words drawn uniformly (with repetition) from a list of `listSize`
 * words:
 *   - words x log2(listSize) for the words;
 *   - capitalize adds 0 bits: it capitalises the first letter of every word, which is deterministic;
 *   - includeNumber adds log2(10 x words): one digit 0-9 uniformly, appended to one uniformly chosen word.
 * This is exact, not a bound, because different draws never produce the same text: the EFF large wordlist is
 * prefix-free (no word is the start of another) and contains no digits, so a passphrase can be read back into its
 * words, its digit and the digit's position whatever the separator, even the empty one. See wordlist.ts.
 */
export function passphraseEntropyBits ({ words, includeNumber }: PassphraseShape, listSize: number): number {
  if (!Number.isSafeInteger(words) || words < 1) {
    throw new RangeError(`words must be a positive integer, got ${words}`)
  }
  if (!Number.isSafeInteger(listSize) || listSize < 1) {
    throw new RangeError(`listSize must be a positive integer, got ${listSize}`)
  }
  return words * Math.log2(listSize) + (includeNumber ? Math.log2(10 * words) : 0)
}

export type StrengthLabel = 'very weak' | 'weak' | 'fair' | 'strong' | 'very strong'

/**
 * Strength bands by entropy: a secret with at least `minBits` bits (and fewer than the next band's) gets `label`.
 * The common five-band scale, which lines up with the crack times below:
 *   below 28 bits  very weak    an offline attack on a slow hash (1e4 guesses/s) expects to succeed within 4 hours
 *   28 to 35       weak         the same attack needs at most 40 days; a fast hash falls in seconds
 *   36 to 59       fair         slow hash: 40 days to 1.8 million years; fast hash (1e10/s): up to 1.8 years
 *   60 to 127      strong       fast hash: 1.8 years or more
 *   128 and above  very strong  beyond any brute force; the security level of a 128-bit key
 */
export const STRENGTH_THRESHOLDS: ReadonlyArray<{ readonly label: StrengthLabel, readonly minBits: number }> = Object.freeze([
  Object.freeze({ label: 'very weak', minBits: 0 }),
  Object.freeze({ label: 'weak', minBits: 28 }),
  Object.freeze({ label: 'fair', minBits: 36 }),
  Object.freeze({ label: 'strong', minBits: 60 }),
  Object.freeze({ label: 'very strong', minBits: 128 })
] as const)

/**
 * Guessing rates (guesses per second) for the crack-time estimates:
 *   onlineThrottled  100 guesses per hour: a login form with rate limiting or lock-out
 *   offlineSlowHash  1e4 per second: a stolen database hashed with bcrypt, scrypt or Argon2 at sane cost settings
 *   offlineFastHash  1e10 per second: a stolen database of unsalted fast hashes (MD5, SHA-1, NTLM) on a GPU rig
 */
export const GUESS_RATES = Object.freeze({
  onlineThrottled: 100 / 3600,
  offlineSlowHash: 1e4,
  offlineFastHash: 1e10
})

export interface CrackTime {
  readonly guessesPerSecond: number
  /** Expected time to find the secret: half the search space, 2^(bits - 1) guesses, at guessesPerSecond. */
  readonly seconds: number
  readonly display: string
}

export interface Strength {
  readonly label: StrengthLabel
  readonly crackTimes: {
    readonly onlineThrottled: CrackTime
    readonly offlineSlowHash: CrackTime
    readonly offlineFastHash: CrackTime
  }
}

const MINUTE = 60
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const YEAR = 365.25 * DAY
const MONTH = YEAR / 12

function plural (value: number, unit: string): string {
  const whole = Math.floor(value)
  return `${whole} ${unit}${whole === 1 ? '' : 's'}`
}

function groupThousands (whole: number): string {
  return String(whole).replace(/\B(?=(\d{3})+$)/g, ',')
}

/**
 * A duration in plain words, rounded down to a whole number of the largest unit that fits: "less than a second",
 * "3 hours", "12 days", "4 months", "12,345 years", "7 million years", "13 billion years", and from 10^12 years on
 * "more than a trillion years". Deterministic (no locale).
 */
export function formatDuration (seconds: number): string {
  if (Number.isNaN(seconds) || seconds < 0) {
    throw new RangeError(`a duration must be a non-negative number of seconds, got ${seconds}`)
  }
  if (seconds < 1) return 'less than a second'
  if (seconds < MINUTE) return plural(seconds, 'second')
  if (seconds < HOUR) return plural(seconds / MINUTE, 'minute')
  if (seconds < DAY) return plural(seconds / HOUR, 'hour')
  if (seconds < MONTH) return plural(seconds / DAY, 'day')
  if (seconds < YEAR) return plural(seconds / MONTH, 'month')
  const years = seconds / YEAR
  if (years < 1e6) {
    const whole = Math.floor(years)
    return `${groupThousands(whole)} year${whole === 1 ? '' : 's'}`
  }
  if (years < 1e9) return `${Math.floor(years / 1e6)} million years`
  if (years < 1e12) return `${Math.floor(years / 1e9)} billion years`
  return 'more than a trillion years'
}

function crackTime (bits: number, guessesPerSecond: number): CrackTime {
  // Past about 1024 bits the float overflows; JSON has no Infinity, so the largest finite number stands in.
  const seconds = Math.min(2 ** (bits - 1) / guessesPerSecond, Number.MAX_VALUE)
  return Object.freeze({ guessesPerSecond, seconds, display: formatDuration(seconds) })
}

/** The strength label and expected crack times of a secret with `bits` bits of entropy. */
export function strengthOf (bits: number): Strength {
  if (!Number.isFinite(bits) || bits < 0) {
    throw new RangeError(`entropy must be a finite number of bits >= 0, got ${bits}`)
  }
  let label: StrengthLabel = 'very weak'
  for (const threshold of STRENGTH_THRESHOLDS) {
    if (bits >= threshold.minBits) label = threshold.label
  }
  return Object.freeze({
    label,
    crackTimes: Object.freeze({
      onlineThrottled: crackTime(bits, GUESS_RATES.onlineThrottled),
      offlineSlowHash: crackTime(bits, GUESS_RATES.offlineSlowHash),
      offlineFastHash: crackTime(bits, GUESS_RATES.offlineFastHash)
    })
  })
}
