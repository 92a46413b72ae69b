import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import * as api from '../../../src/generator/index.js'
import * as charsets from '../../../src/generator/charsets.js'
import * as entropy from '../../../src/generator/entropy.js'
import * as errors from '../../../src/generator/errors.js'
import * as passphrases from '../../../src/generator/passphrases.js'
import * as passwords from '../../../src/generator/passwords.js'
import * as random from '../../../src/generator/random.js'
import * as wordlist from '../../../src/generator/wordlist.js'

const here = dirname(fileURLToPath(import.meta.url))
const source = join(here, '..', '..', '..', 'src', 'generator')

t.test('the index exports the public API, and only that', async (t) => {
  t.same(Object.keys(api).sort(), [
    'AMBIGUOUS_CHARACTERS', 'CHARACTER_CLASSES', 'CHARACTER_CLASS_NAMES', 'GUESS_RATES', 'GeneratorError',
    'MAX_PASSPHRASE_WORDS', 'MAX_PASSWORD_LENGTH', 'STRENGTH_THRESHOLDS', 'WORDLIST', 'WORDS', 'acceptanceProbability',
    'countValidPasswords', 'createPasswordPolicy', 'formatDuration', 'generatePassphrase', 'generatePassphrases',
    'generatePassword', 'generatePasswords', 'log2BigInt', 'passphraseEntropy', 'passphraseEntropyBits',
    'passwordEntropyBits', 'randomChoice', 'randomIndex', 'strengthOf'
  ])
  const modules: Record<string, unknown>[] = [charsets, entropy, errors, passphrases, passwords, random, wordlist]
  for (const [name, value] of Object.entries(api)) {
    t.ok(modules.some((module) => module[name] === value), `${name} is the module's own export`)
  }
})

t.test('the generator imports nothing but node: built-ins and its own modules', async (t) => {
  const files = readdirSync(source).filter((file) => file.endsWith('.ts'))
  t.ok(files.length >= 8)
  for (const file of files) {
    const text = readFileSync(join(source, file), 'utf8')
    const specifiers = [...text.matchAll(/^(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((match) => match[1]!)
    // ../paths.js finds the package root (for the wordlist); it imports only node: built-ins itself.
    const foreign = specifiers.filter((specifier) => !specifier.startsWith('node:') && !/^\.\/[a-z-]+\.js$/.test(specifier) && specifier !== '../paths.js')
    t.same(foreign, [], `${file} imports only node:, ./*.js and ../paths.js`)
  }
})

t.test('nothing in the generator or its tests uses a non-cryptographic random source', async (t) => {
  const forbidden = 'Math' + '.random'
  for (const directory of [source, here]) {
    for (const file of readdirSync(directory).filter((name) => name.endsWith('.ts'))) {
      t.notOk(readFileSync(join(directory, file), 'utf8').includes(forbidden), `${file}`)
    }
  }
})
