// The password engine's public API. Plain functions over node: built-ins only: no Fastify, no I/O after the
// wordlist is read at load, nothing that cannot run in a benchmark or a fuzzer on its own.
export { AMBIGUOUS_CHARACTERS, CHARACTER_CLASSES, CHARACTER_CLASS_NAMES } from './charsets.js'
export type { CharacterClass, CharacterClassName } from './charsets.js'
export {
  GUESS_RATES,
  STRENGTH_THRESHOLDS,
  acceptanceProbability,
  countValidPasswords,
  formatDuration,
  log2BigInt,
  passphraseEntropyBits,
  passwordEntropyBits,
  strengthOf
} from './entropy.js'
export type { CrackTime, PassphraseShape, Strength, StrengthLabel } from './entropy.js'
export { GeneratorError } from './errors.js'
export { MAX_PASSPHRASE_WORDS, generatePassphrase, generatePassphrases, passphraseEntropy } from './passphrases.js'
export type { PassphraseOptions } from './passphrases.js'
export { MAX_PASSWORD_LENGTH, createPasswordPolicy, generatePassword, generatePasswords } from './passwords.js'
export type { PasswordOptions, PasswordPolicy } from './passwords.js'
export { randomChoice, randomIndex } from './random.js'
export { WORDLIST, WORDS } from './wordlist.js'
