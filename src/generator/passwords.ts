import { AMBIGUOUS_CHARACTERS, CHARACTER_CLASSES } from './charsets.js'
import type { CharacterClassName } from './charsets.js'
import { countValidPasswords, bigIntRatio, log2BigInt } from './entropy.js'
import { GeneratorError, checkCount } from './errors.js'
import { randomIndex } from './random.js'

export interface PasswordOptions {
  length: number
  lowercase: boolean
  uppercase: boolean
  digits: boolean
  symbols: boolean
  excludeAmbiguous: boolean
  exclude: string
  requireEachClass: boolean
}

export interface PasswordPolicy {
  /** A frozen copy of the options the policy was made from. */
  readonly options: PasswordOptions
  /** Every character a password can contain: the enabled classes, in class order, less the exclusions. */
  readonly alphabet: string
  /** The enabled classes with their remaining characters; none is empty. */
  readonly classes: ReadonlyArray<{ readonly name: CharacterClassName, readonly characters: string }>
  /** log2 of the exact number of passwords the policy allows (all of them equally likely). */
  readonly entropyBits: number
  /** The share of uniformly drawn candidates that satisfy requireEachClass (1 without it). */
  readonly acceptanceProbability: number
}

/** The longest password the engine makes; the HTTP layer allows far less. */
export const MAX_PASSWORD_LENGTH = 4096

/** How many distinct option sets createPasswordPolicy remembers. */
export const POLICY_CACHE_SIZE = 256

// How requireEachClass stays uniform, and what it costs.
//
// A valid password is one of the length-L strings over the effective alphabet (size S) that contain at least one
// character of each of the k enabled classes. The generator draws each candidate uniformly from all S^L strings and
// rejects those missing a class. Conditioning a uniform distribution on an event leaves it uniform on that event,
// so every valid password is exactly equally likely. (The common "put one character of each class, fill the rest,
// shuffle" method is not: it weights each password by the product of its per-class character counts, which
// over-represents the small classes, e.g. digits at length 16. The tests show both.)
// A candidate is abandoned as soon as its prefix can no longer be completed (fewer positions left than classes
// missing): that decides nothing the full draw would not, it only skips the hopeless rest.
//
// The acceptance probability p = valid / S^L is computed exactly per policy (entropy.ts). Draws are capped at the
// smallest number of attempts A with (1 - p)^A < 2^-100, so reaching the cap is astronomically unlikely; if it ever
// happens, generation throws a plain Error (a bug or a broken random source, not a user mistake).
//
// Worst case over every option set the engine accepts. p grows with L (a string that contains every class still
// does when a character is appended), so the worst case has L = k, where p = k! * s_1 * ... * s_k / S^k. An
// exhaustive search over all class subsets and all class sizes that exclusions can leave (1..26, 1..26, 1..10,
// 1..32; the tests repeat it) finds the minimum at all four classes, L = 4, three classes cut to one character
// each and all 32 symbols kept (S = 35):
//   p = 4! * 32 / 35^4 = 768 / 1,500,625 = 5.118e-4, so 1,954 candidates per password on average;
//   thanks to the early abandon a candidate costs 2.175 random draws on average (not 4), so about 4,250 draws,
//   some 0.06 ms per password on one core; the cap is A = 135,403 candidates.
// The worst cases with fewer classes are far milder: k = 3 (1, 1, 32 at L = 3) gives p = 4.885e-3, k = 2 (1, 32 at
// L = 2) gives p = 5.88e-2. With excludeAmbiguous the symbols shrink to 28 and the worst p is 7.276e-4. Unrestricted
// defaults are cheap: all 94 characters at L = 4 give p = 6.65e-2, at L = 16 p = 0.823.
const FAILURE_BITS = 100
const ATTEMPT_CEILING = 1_000_000

/**
 * The attempt cap for rejection sampling with `valid` accepted outcomes out of `total`: the least A with
 * (1 - valid/total)^A < 2^-FAILURE_BITS, never more than ATTEMPT_CEILING (which no option set reaches).
 */
export function attemptLimit (valid: bigint, total: bigint): number {
  if (valid <= 0n || valid > total) {
    throw new RangeError('attemptLimit needs 0 < valid <= total')
  }
  if (valid === total) {
    return 1
  }
  // -log2(1 - p) from the exact complement, so p close to 0 or 1 loses no precision.
  const bitsPerAttempt = log2BigInt(total) - log2BigInt(total - valid)
  return Math.min(ATTEMPT_CEILING, Math.floor(FAILURE_BITS / bitsPerAttempt) + 1)
}

interface Sampler {
  readonly alphabet: string
  readonly size: number
  readonly length: number
  /** Bit (1 << class position) of the class of each alphabet character. */
  readonly classBits: Uint8Array
  /** Number of classes each candidate must contain; 1 means every candidate is accepted. */
  readonly classCount: number
  readonly maxAttempts: number
}

const samplers = new WeakMap<PasswordPolicy, Sampler>()
const cache = new Map<number | string, PasswordPolicy>()
/** The key used last: a repeat of it is already at the back of the Map's order and needs no re-insertion. */
let lastKey: number | string | undefined

const FLAGS = ['lowercase', 'uppercase', 'digits', 'symbols', 'excludeAmbiguous', 'requireEachClass'] as const

function checkOptions (options: PasswordOptions): void {
  const { length } = options
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_PASSWORD_LENGTH) {
    throw new GeneratorError('length', `length must be a whole number from 1 to ${MAX_PASSWORD_LENGTH}`)
  }
  for (const flag of FLAGS) {
    if (typeof options[flag] !== 'boolean') {
      throw new GeneratorError(flag, `${flag} must be true or false`)
    }
  }
  if (typeof options.exclude !== 'string') {
    throw new GeneratorError('exclude', 'exclude must be a string of characters')
  }
}

// A number when nothing is excluded (the common case: no string to build or hash), else a string; never equal.
function cacheKey (options: PasswordOptions): number | string {
  let key = options.length
  for (const flag of FLAGS) key = key * 2 + (options[flag] ? 1 : 0)
  return options.exclude === '' ? key : `${key} ${options.exclude}`
}

function buildPolicy (options: PasswordOptions): PasswordPolicy {
  const { length, requireEachClass } = options
  const enabled = CHARACTER_CLASSES.filter((characterClass) => options[characterClass.name])
  if (enabled.length === 0) {
    throw new GeneratorError('lowercase', 'enable at least one of lowercase, uppercase, digits, symbols')
  }
  // for...of splits by code point, so astral characters and lone surrogates are single entries that simply match
  // nothing; only characters of the classes can have an effect.
  const excluded = new Set(options.excludeAmbiguous ? [...AMBIGUOUS_CHARACTERS, ...options.exclude] : options.exclude)
  const classes = enabled.map(({ name, characters }) => {
    const kept = [...characters].filter((character) => !excluded.has(character)).join('')
    if (kept === '') {
      throw new GeneratorError('exclude', `every ${name} character is excluded: disable ${name} or exclude fewer characters`)
    }
    return Object.freeze({ name, characters: kept })
  })
  if (requireEachClass && classes.length > length) {
    throw new GeneratorError('length', `length ${length} is shorter than the ${classes.length} classes that must ` +
      'each appear: raise length or set requireEachClass to false')
  }

  const alphabet = classes.map((characterClass) => characterClass.characters).join('')
  const classBits = new Uint8Array(alphabet.length)
  let position = 0
  classes.forEach((characterClass, index) => {
    classBits.fill(1 << index, position, position + characterClass.characters.length)
    position += characterClass.characters.length
  })
  const sizes = classes.map((characterClass) => characterClass.characters.length)
  const total = countValidPasswords(sizes, length, false)
  const valid = requireEachClass ? countValidPasswords(sizes, length, true) : total

  const policy: PasswordPolicy = Object.freeze({
    options: Object.freeze({
      length,
      lowercase: options.lowercase,
      uppercase: options.uppercase,
      digits: options.digits,
      symbols: options.symbols,
      excludeAmbiguous: options.excludeAmbiguous,
      exclude: options.exclude,
      requireEachClass
    }),
    alphabet,
    classes: Object.freeze(classes),
    entropyBits: log2BigInt(valid),
    acceptanceProbability: bigIntRatio(valid, total)
  })
  samplers.set(policy, Object.freeze({
    alphabet,
    size: alphabet.length,
    length,
    classBits,
    classCount: requireEachClass ? classes.length : 1,
    maxAttempts: attemptLimit(valid, total)
  }))
  return policy
}

/**
 * Validates the options and precomputes everything generation needs. Throws GeneratorError, naming the option to
 * change, for options no password can satisfy. Results are immutable and remembered for the most recently used
 * POLICY_CACHE_SIZE option sets, so calling this per request costs a map lookup.
 */
export function createPasswordPolicy (options: PasswordOptions): PasswordPolicy {
  checkOptions(options)
  const key = cacheKey(options)
  const cached = cache.get(key)
  if (cached !== undefined) {
    if (key !== lastKey) {
      // Re-inserting moves the entry to the back of the Map's insertion order: least recently used goes first.
      cache.delete(key)
      cache.set(key, cached)
      lastKey = key
    }
    return cached
  }
  const policy = buildPolicy(options)
  cache.set(key, policy)
  lastKey = key
  if (cache.size > POLICY_CACHE_SIZE) {
    cache.delete(cache.keys().next().value as number | string)
  }
  return policy
}

function draw (sampler: Sampler, maxAttempts: number): string {
  const { alphabet, size, length, classBits, classCount } = sampler
  if (classCount === 1) {
    // Nothing to reject: every string over the alphabet is valid.
    let password = ''
    for (let position = 0; position < length; position++) password += alphabet[randomIndex(size)]!
    return password
  }
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    let password = ''
    let seen = 0
    let covered = 0
    let position = 0
    while (position < length) {
      const index = randomIndex(size)
      password += alphabet[index]!
      const bit = classBits[index]!
      if ((seen & bit) === 0) {
        seen |= bit
        covered++
      }
      position++
      if (classCount - covered > length - position) break
    }
    // Only a candidate that ran to full length can have covered every class (see the early abandon above).
    if (covered === classCount) {
      return password
    }
  }
  throw new Error(`no password satisfying every class after ${maxAttempts} attempts; the random source is suspect`)
}

function samplerOf (policy: PasswordPolicy): Sampler {
  const sampler = samplers.get(policy)
  if (sampler === undefined) {
    throw new TypeError('the policy must come from createPasswordPolicy')
  }
  return sampler
}

/** One password drawn uniformly from every password the policy allows. */
export function generatePassword (policy: PasswordPolicy): string {
  const sampler = samplerOf(policy)
  return draw(sampler, sampler.maxAttempts)
}

/** `count` independent passwords, each as from generatePassword. */
export function generatePasswords (policy: PasswordPolicy, count: number): string[] {
  const sampler = samplerOf(policy)
  checkCount(count)
  const passwords = new Array<string>(count)
  for (let i = 0; i < count; i++) {
    passwords[i] = draw(sampler, sampler.maxAttempts)
  }
  return passwords
}

/**
 * generatePassword with a caller-chosen attempt cap. Only for tests, which need to reach the cap that
 * generatePassword reaches with probability below 2^-100.
 */
export function generatePasswordWithin (policy: PasswordPolicy, maxAttempts: number): string {
  return draw(samplerOf(policy), maxAttempts)
}
