import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { AMBIGUOUS_CHARACTERS, CHARACTER_CLASSES, WORDS } from '../../src/generator/index.js'
import { buildTestApp } from '../helpers/app.js'

// Property-based tests over the request schemas: bodies and query strings built field by field from a mix of
// valid and invalid values (plus unknown fields). An independent model of the schemas says whether each request
// is acceptable; the answer must then be a 200 whose secrets satisfy every requested constraint, or else a 400
// problem+json; never anything else. Fixed seeds make every run (and every failure) reproducible: fast-check
// prints the seed and path of a counterexample, and `seed` below replays it.

const SEED = 0x5ec0de
const RUNS = 500

interface Outcomes { accepted: number, rejected: number }

// --- Value mixes: valid values, near misses, and the wrong types ---

const junk = fc.oneof(
  fc.constant(null), fc.boolean(), fc.string({ maxLength: 6 }), fc.double({ noNaN: true }), fc.integer(),
  fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 })
)
const integerIn = (min: number, max: number): fc.Arbitrary<unknown> => fc.oneof(
  { arbitrary: fc.integer({ min, max }), weight: 16 },
  { arbitrary: fc.constantFrom(min - 1, max + 1, 0, -1, min + 0.5, 1e21, Number.MAX_SAFE_INTEGER + 2), weight: 1 },
  { arbitrary: fc.integer({ min, max }).map(String), weight: 1 },
  { arbitrary: junk, weight: 1 }
)
const flag = (): fc.Arbitrary<unknown> => fc.oneof(
  { arbitrary: fc.boolean(), weight: 20 },
  { arbitrary: fc.constantFrom('true', 'false', 0, 1, null), weight: 1 },
  { arbitrary: junk, weight: 1 }
)
// Text of every kind: ASCII (often the class characters themselves), any code point, lone surrogates.
const text = (maxLength: number): fc.Arbitrary<string> => fc.oneof(
  { arbitrary: fc.string({ maxLength }), weight: 5 },
  { arbitrary: fc.string({ unit: 'binary', maxLength }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary-ascii', maxLength: maxLength * 2 }), weight: 1 }
)
const textField = (maxLength: number): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: text(maxLength), weight: 12 }, { arbitrary: junk, weight: 1 })
const unknownFields = fc.dictionary(fc.constantFrom('foo', 'Length', 'length ', '__proto__', 'constructor', 'prototype', 'options', ''), junk, { maxKeys: 1 })

/** A request object with some of `fields` present, each from its arbitrary, and now and then an unknown field. */
function requestObject (fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(fc.record(fields, { requiredKeys: [] }), fc.oneof({ arbitrary: fc.constant({}), weight: 8 }, { arbitrary: unknownFields, weight: 1 }))
    .map(([known, extra]) => Object.fromEntries([...Object.entries(known), ...Object.entries(extra)]))
}

const passwordFields = {
  length: integerIn(4, 128),
  uppercase: flag(),
  lowercase: flag(),
  digits: flag(),
  symbols: flag(),
  excludeAmbiguous: flag(),
  exclude: fc.oneof({ arbitrary: fc.constantFrom('abcdefghijklmnopqrstuvwxyz', '0123456789', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~', 'x'.repeat(257)), weight: 1 }, { arbitrary: textField(40), weight: 12 }),
  requireEachClass: flag(),
  count: integerIn(1, 100)
}
const passphraseFields = {
  words: integerIn(3, 20),
  separator: textField(9),
  capitalize: flag(),
  includeNumber: flag(),
  count: integerIn(1, 100)
}
const acceptHeader = fc.constantFrom(undefined, 'application/json', 'text/plain')

// --- The model of the schemas ---

const codePoints = (value: string): number => [...value].length

type Check = (value: unknown) => boolean
const isInt = (min: number, max: number): Check => (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max
const isBool: Check = (value) => typeof value === 'boolean'
const isText = (max: number): Check => (value) => typeof value === 'string' && codePoints(value) <= max

const PASSWORD_MODEL: Record<string, Check> = {
  length: isInt(4, 128), uppercase: isBool, lowercase: isBool, digits: isBool, symbols: isBool, excludeAmbiguous: isBool, exclude: isText(256), requireEachClass: isBool, count: isInt(1, 100)
}
const PASSWORD_DEFAULTS = { length: 12, uppercase: true, lowercase: true, digits: true, symbols: true, excludeAmbiguous: false, exclude: '', requireEachClass: true, count: 1 }
// A separator has no control character: one would split the text/plain answer's lines.
const isSeparator: Check = (value) => isText(8)(value) && !/\p{Cc}/u.test(value as string)
const PASSPHRASE_MODEL: Record<string, Check> = { words: isInt(3, 20), separator: isSeparator, capitalize: isBool, includeNumber: isBool, count: isInt(1, 100) }
const PASSPHRASE_DEFAULTS = { words: 6, separator: '-', capitalize: false, includeNumber: false, count: 1 }

/** The options with defaults filled in, or null when the schema rejects the request. */
function accepted<T extends Record<string, unknown>> (request: Record<string, unknown>, model: Record<string, Check>, defaults: T): T | null {
  for (const [key, value] of Object.entries(request)) {
    const check = Object.hasOwn(model, key) ? model[key] : undefined
    if (check === undefined || !check(value)) return null
  }
  return { ...defaults, ...request }
}

type PasswordOptions = typeof PASSWORD_DEFAULTS

/** The character classes left after the exclusions, or null when the options cannot be satisfied. */
function effectiveClasses (o: PasswordOptions): string[] | null {
  const excluded = new Set([...o.exclude, ...(o.excludeAmbiguous ? AMBIGUOUS_CHARACTERS : '')])
  const classes = CHARACTER_CLASSES.filter((c) => o[c.name]).map((c) => [...c.characters].filter((ch) => !excluded.has(ch)).join(''))
  if (classes.length === 0 || classes.some((c) => c === '')) return null
  return classes
}

/** What is wrong with `password` under `o`; undefined when nothing is. */
function passwordViolation (password: string, o: PasswordOptions, classes: string[]): string | undefined {
  if (typeof password !== 'string') return 'not a string'
  if (password.length !== o.length) return `length ${password.length}, asked ${o.length}`
  const alphabet = classes.join('')
  const outside = [...password].find((ch) => !alphabet.includes(ch))
  if (outside !== undefined) return `${JSON.stringify(outside)} is not allowed`
  if (o.requireEachClass) {
    const missing = classes.findIndex((c) => ![...password].some((ch) => c.includes(ch)))
    if (missing !== -1) return `no character of class ${missing}`
  }
  return undefined
}

type PassphraseOptions = typeof PASSPHRASE_DEFAULTS

const WORD_SET = new Set(WORDS)
const WORD_LENGTHS = [...new Set(WORDS.map((word) => word.length))]

/**
 * Whether `passphrase` reads as `words` list words joined by the separator, capitalised when asked, with exactly
 * one digit appended to one word when includeNumber (and none otherwise). A search over every split, because a
 * separator may itself contain letters, hyphens or digits.
 */
function passphraseParses (passphrase: string, o: PassphraseOptions): boolean {
  const seen = new Set<string>()
  const search = (at: number, words: number, digit: boolean): boolean => {
    const key = `${at} ${words} ${digit}`
    if (seen.has(key)) return false
    seen.add(key)
    for (const length of WORD_LENGTHS) {
      const candidate = passphrase.slice(at, at + length)
      if (candidate.length !== length) continue
      const word = o.capitalize ? candidate.charAt(0).toLowerCase() + candidate.slice(1) : candidate
      if (!WORD_SET.has(word) || (o.capitalize && candidate.charAt(0) === word.charAt(0))) continue
      const ends = [{ end: at + length, digit }]
      if (o.includeNumber && !digit && /[0-9]/.test(passphrase.charAt(at + length))) ends.push({ end: at + length + 1, digit: true })
      for (const next of ends) {
        if (words + 1 === o.words) {
          if (next.end === passphrase.length && next.digit === o.includeNumber) return true
        } else if (passphrase.startsWith(o.separator, next.end) && search(next.end + o.separator.length, words + 1, next.digit)) {
          return true
        }
      }
    }
    return false
  }
  return search(0, 0, false)
}

// --- Sending ---

function queryString (request: Record<string, unknown>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(request)) params.append(key, String(value))
  return params.toString()
}

/** As a query string every value is text; the service coerces it as Ajv does (coerceTypes: true). */
function asQueryValues (request: Record<string, unknown>): Record<string, unknown> {
  // Lone surrogates cannot be percent-encoded (URLSearchParams would turn them into U+FFFD): replace them first.
  const wellFormed = (value: string): string => value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
  const textOf = (value: unknown): string => typeof value === 'object' && value !== null && !Array.isArray(value) ? JSON.stringify(value) : String(value)
  return Object.fromEntries(Object.entries(request).map(([key, value]) => [key, wellFormed(textOf(value))]))
}

const INTEGER_FIELDS = new Set(['length', 'count', 'words'])

/** Ajv's coercion of query text: "true"/"false" to booleans, numeric text (`x == +x`) to numbers, the rest kept. */
function coerceQuery (request: Record<string, unknown>, model: Record<string, Check>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(request).map(([key, raw]) => {
    const text = raw as string
    if (model[key] === isBool) return [key, text === 'true' ? true : text === 'false' ? false : text]
    // eslint-disable-next-line eqeqeq -- Ajv's own test for numeric text
    if (INTEGER_FIELDS.has(key)) return [key, text !== '' && text == (+text as unknown as string) ? +text : text]
    return [key, text]
  }))
}

type Via = 'POST' | 'GET'

interface Endpoint<Options> {
  path: string
  fields: Record<string, fc.Arbitrary<unknown>>
  seed: number
  /** The model's verdict on what the service received: the options it must generate with, or null for a 400. */
  acceptable: (received: Record<string, unknown>, via: Via) => Options | null
  /** Throws unless a 200 answer (already checked for status and Cache-Control) carries what `options` ask for. */
  checkSecrets: (res: LightMyRequestResponse, accept: string | undefined, options: Options) => void
}

/**
 * The property both endpoints must have, sent as a JSON body and as a query string: every generated request gets
 * either a 400 problem+json (when the model refuses it) or an uncacheable 200 whose secrets meet every constraint;
 * both outcomes are well represented, nothing is logged as an error and Object.prototype stays untouched.
 */
async function everyRequestGetsItsAnswer<Options> (t: Test, endpoint: Endpoint<Options>): Promise<void> {
  const { app, logs } = await buildTestApp(t, { RATE_LIMIT_MAX: '1000000', LOG_LEVEL: 'warn' })
  for (const via of ['POST', 'GET'] as const) {
    const outcomes: Outcomes = { accepted: 0, rejected: 0 }
    await fc.assert(fc.asyncProperty(requestObject(endpoint.fields), acceptHeader, async (generated, accept) => {
      // What the server sees: the JSON round trip (NaN and Infinity become null, -0 becomes 0) or query text.
      const sent = via === 'POST' ? JSON.parse(JSON.stringify(generated)) as Record<string, unknown> : asQueryValues(generated)
      const options = endpoint.acceptable(sent, via)
      const res = await app.inject({
        method: via,
        url: via === 'POST' ? endpoint.path : `${endpoint.path}?${queryString(sent)}`,
        headers: { ...(accept === undefined ? {} : { accept }), ...(via === 'POST' ? { 'content-type': 'application/json' } : {}) },
        ...(via === 'POST' ? { payload: JSON.stringify(sent) } : {})
      })
      if (options === null) {
        outcomes.rejected++
        if (res.statusCode !== 400) throw new Error(`expected 400, got ${res.statusCode}: ${res.body.slice(0, 300)}`)
        if (!/^application\/problem\+json/.test(String(res.headers['content-type']))) throw new Error('a 400 that is not problem+json')
        const problem = res.json() as { status: number, success: boolean }
        if (problem.status !== 400 || problem.success !== false) throw new Error(`bad problem body ${res.body}`)
        return
      }
      outcomes.accepted++
      if (res.statusCode !== 200) throw new Error(`expected 200, got ${res.statusCode}: ${res.body.slice(0, 300)}`)
      if (res.headers['cache-control'] !== 'no-store') throw new Error('a secret without Cache-Control: no-store')
      endpoint.checkSecrets(res, accept, options)
    }), { seed: endpoint.seed, numRuns: RUNS })
    t.comment(`${via}: ${RUNS} runs, seed ${endpoint.seed}: ${outcomes.accepted} accepted, ${outcomes.rejected} rejected`)
    t.ok(outcomes.accepted > RUNS / 5 && outcomes.rejected > RUNS / 5, `${via}: both outcomes are well represented`)
  }
  t.same(logs.filter((line) => Number(line.level) >= 50), [], 'no error was logged')
  t.equal(Object.keys(Object.prototype).length, 0, 'Object.prototype is untouched')
}

t.test('passwords: every body or query gets a 200 that meets every constraint, or a 400 problem', async (t) => {
  await everyRequestGetsItsAnswer<{ options: PasswordOptions, classes: string[] }>(t, {
    path: '/api/generate',
    fields: passwordFields,
    seed: SEED,
    acceptable (received, via) {
      const options = accepted(via === 'POST' ? received : coerceQuery(received, PASSWORD_MODEL), PASSWORD_MODEL, PASSWORD_DEFAULTS)
      const classes = options === null ? null : effectiveClasses(options)
      return options === null || classes === null ? null : { options, classes }
    },
    checkSecrets (res, accept, { options, classes }) {
      let passwords: string[]
      if (accept === 'text/plain') {
        passwords = res.body.split('\n').slice(0, -1)
      } else {
        const body = res.json() as { password: string, passwords?: string[], length: number, options: Record<string, unknown> }
        passwords = body.passwords ?? [body.password]
        if (body.password !== passwords[0]) throw new Error('password is not the first of passwords')
        if ((options.count > 1) !== (body.passwords !== undefined)) throw new Error('passwords[] present exactly when count > 1')
        if (body.length !== options.length) throw new Error('length echoed wrongly')
        const { count: _count, length: _length, ...echo } = options
        if (JSON.stringify(body.options) !== JSON.stringify({ uppercase: echo.uppercase, lowercase: echo.lowercase, digits: echo.digits, symbols: echo.symbols, excludeAmbiguous: echo.excludeAmbiguous, exclude: echo.exclude, requireEachClass: echo.requireEachClass })) {
          throw new Error(`options echoed wrongly: ${JSON.stringify(body.options)}`)
        }
      }
      if (passwords.length !== options.count) throw new Error(`${passwords.length} passwords, asked ${options.count}`)
      for (const password of passwords) {
        const violation = passwordViolation(password, options, classes)
        if (violation !== undefined) throw new Error(`${JSON.stringify(password)}: ${violation} (options ${JSON.stringify(options)})`)
      }
    }
  })
})

t.test('passphrases: every body or query gets a 200 that meets every constraint, or a 400 problem', async (t) => {
  await everyRequestGetsItsAnswer<PassphraseOptions>(t, {
    path: '/api/passphrase',
    fields: passphraseFields,
    seed: SEED + 1,
    acceptable: (received, via) => accepted(via === 'POST' ? received : coerceQuery(received, PASSPHRASE_MODEL), PASSPHRASE_MODEL, PASSPHRASE_DEFAULTS),
    checkSecrets (res, accept, options) {
      let passphrases: string[]
      if (accept === 'text/plain') {
        // One per line: no accepted separator contains a line break.
        passphrases = res.body.split('\n').slice(0, -1)
      } else {
        const body = res.json() as { passphrase: string, passphrases?: string[], words: number, separator: string, capitalize: boolean, includeNumber: boolean }
        passphrases = body.passphrases ?? [body.passphrase]
        if (body.passphrase !== passphrases[0]) throw new Error('passphrase is not the first of passphrases')
        if (body.words !== options.words || body.separator !== options.separator || body.capitalize !== options.capitalize || body.includeNumber !== options.includeNumber) {
          throw new Error(`options echoed wrongly: ${res.body.slice(0, 300)}`)
        }
      }
      if (passphrases.length !== options.count) throw new Error(`${passphrases.length} passphrases, asked ${options.count}`)
      for (const passphrase of passphrases) {
        if (!passphraseParses(passphrase, options)) throw new Error(`${JSON.stringify(passphrase)} is not ${options.words} words as asked (${JSON.stringify(options)})`)
      }
    }
  })
})

t.test('the passphrase model has teeth', async (t) => {
  const o = { ...PASSPHRASE_DEFAULTS, words: 3, separator: '-', includeNumber: true, capitalize: true }
  t.ok(passphraseParses('Drop-down-Yo-yo7-Abacus', o), 'hyphenated words with a hyphen separator')
  t.notOk(passphraseParses('Drop-down-Yo-yo-Abacus', o), 'includeNumber without a digit')
  t.notOk(passphraseParses('Drop-down7-Yo-yo7-Abacus', o), 'two digits')
  t.notOk(passphraseParses('drop-down-Yo-yo7-Abacus', o), 'a word not capitalised')
  t.notOk(passphraseParses('Drop-down-Yo-yo7', o), 'too few words')
  t.ok(passphraseParses('abacusabdomen', { ...PASSPHRASE_DEFAULTS, words: 2, separator: '' }), 'the empty separator')
  const p = { ...PASSWORD_DEFAULTS, length: 4, symbols: false, exclude: 'b' }
  const classes = effectiveClasses(p)!
  t.equal(passwordViolation('aB1c', p, classes), undefined)
  t.match(passwordViolation('ab1C', p, classes), /not allowed/)
  t.match(passwordViolation('aaa1', p, classes), /class 1/)
  t.match(passwordViolation('aB1!', p, classes), /not allowed/)
})
