import t from 'tap'
import { AMBIGUOUS_CHARACTERS } from '../../src/generator/index.js'
import { buildTestApp } from '../helpers/app.js'

const SYMBOLS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'
const only = (text: string, allowed: string): boolean => [...text].every((c) => allowed.includes(c))
const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const UPPER = LOWER.toUpperCase()
const DIGITS = '0123456789'

t.test('the old body gets the old fields, plus the new ones', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/api/generate', payload: { length: 16, uppercase: true, lowercase: true, digits: true, symbols: false } })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers.pragma, 'no-cache')
  const body = res.json()
  t.equal(body.success, true)
  t.equal(body.length, 16)
  t.equal(body.password.length, 16)
  t.ok(only(body.password, LOWER + UPPER + DIGITS), 'no symbols')
  t.same({ ...body.options }, { uppercase: true, lowercase: true, digits: true, symbols: false, excludeAmbiguous: false, exclude: '', requireEachClass: true })
  t.ok(body.entropyBits > 94 && body.entropyBits < 95.3, `entropy ${body.entropyBits}`)
  t.equal(body.strength, 'strong')
  t.equal(body.crackTimes.offlineFastHash.guessesPerSecond, 1e10)
  t.notOk('passwords' in body, 'no passwords array for one password')
})

t.test('defaults: an empty object and no body at all give 12 characters of every class', async (t) => {
  const { app } = await buildTestApp(t)
  for (const request of [{ payload: {} }, {}]) {
    const res = await app.inject({ method: 'POST', url: '/api/generate', ...request })
    t.equal(res.statusCode, 200)
    const { password } = res.json()
    t.equal(password.length, 12)
    for (const set of [LOWER, UPPER, DIGITS, SYMBOLS]) {
      t.ok([...password].some((c) => set.includes(c)), `has one of ${set.slice(0, 5)}...`)
    }
  }
})

t.test('count returns several distinct passwords, the first repeated as password', async (t) => {
  const { app } = await buildTestApp(t)
  const body = (await app.inject({ method: 'POST', url: '/api/generate', payload: { count: 5, length: 20 } })).json()
  t.equal(body.passwords.length, 5)
  t.equal(body.password, body.passwords[0])
  t.equal(new Set(body.passwords).size, 5)
  t.ok(body.passwords.every((p: string) => p.length === 20))
})

t.test('GET takes the same options from the query string', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/api/generate?length=20&symbols=false&digits=false' })
  t.equal(res.statusCode, 200)
  const { password, options } = res.json()
  t.equal(password.length, 20)
  t.ok(only(password, LOWER + UPPER))
  t.equal(options.symbols, false)
})

t.test('Accept: text/plain answers the passwords one per line', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/api/generate?length=24&count=3', headers: { accept: 'text/plain' } })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain/)
  t.equal(res.headers['cache-control'], 'no-store')
  const lines = res.body.split('\n')
  t.equal(lines.length, 4, 'three lines and a final newline')
  t.equal(lines[3], '')
  t.ok(lines.slice(0, 3).every((line) => line.length === 24))
  for (const [accept, type] of <Array<[string, string]>>[['text/html;q=0.9, application/json', 'application/json'], ['*/*', 'application/json'], ['application/*', 'application/json'], ['text/*', 'text/plain'], ['text/html, */*;q=0.8', 'application/json'], ['text/plain;q=0, */*', 'application/json']]) {
    const res = await app.inject({ url: '/api/generate', headers: { accept } })
    t.equal(res.statusCode, 200, accept)
    t.equal(res.headers['content-type']?.toString().split(';')[0], type, `${accept} => ${type}`)
  }
})

t.test('406 for a media type we cannot give', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/api/generate', headers: { accept: 'application/xml' } })
  t.equal(res.statusCode, 406)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), { status: 406, success: false, detail: /application\/json or text\/plain/ })
})

t.test('exclusions are honoured', async (t) => {
  const { app } = await buildTestApp(t)
  const ambiguous = (await app.inject({ method: 'POST', url: '/api/generate', payload: { length: 128, count: 20, excludeAmbiguous: true } })).json()
  t.ok(ambiguous.passwords.every((p: string) => ![...p].some((c) => AMBIGUOUS_CHARACTERS.includes(c))), 'no look-alikes')
  const excluded = (await app.inject({ method: 'POST', url: '/api/generate', payload: { length: 128, count: 20, exclude: 'aeiouAEIOU0!' } })).json()
  t.ok(excluded.passwords.every((p: string) => ![...p].some((c) => 'aeiouAEIOU0!'.includes(c))), 'no excluded character')
  t.ok(excluded.entropyBits < ambiguous.entropyBits + 100)
})

t.test('bad input is a 400 problem that names the field', async (t) => {
  const { app } = await buildTestApp(t)
  const cases: Array<[unknown, string]> = [
    [{ length: 3 }, 'length'],
    [{ length: 129 }, 'length'],
    [{ length: '12' }, 'length'],
    [{ length: 12.5 }, 'length'],
    [{ length: [12] }, 'length'],
    [{ symbols: 'false' }, 'symbols'],
    [{ count: 101 }, 'count'],
    [{ exclude: 5 }, 'exclude'],
    [{ lenght: 12 }, 'lenght'],
    [{ uppercase: false, lowercase: false, digits: false, symbols: false }, 'lowercase'],
    [{ uppercase: false, lowercase: false, symbols: false, exclude: '0123456789' }, 'exclude']
  ]
  for (const [payload, field] of cases) {
    const res = await app.inject({ method: 'POST', url: '/api/generate', payload: payload as object })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    const body = res.json()
    t.match(body, { status: 400, success: false, type: /^urn:password-generator:problem:/, title: String, detail: String })
    t.equal(body.errors[0].field, field, `names ${field}`)
    t.match(body.detail, field === 'lowercase' ? /enable at least one/ : new RegExp(field))
  }
  const query = await app.inject({ url: '/api/generate?length=abc' })
  t.equal(query.statusCode, 400)
  t.match(query.json().errors[0], { in: 'querystring', field: 'length' })
  const repeated = await app.inject({ url: '/api/generate?length=10&length=11' })
  t.equal(repeated.statusCode, 400, 'a repeated parameter is not silently picked')
})

t.test('malformed, empty, oversized and non-JSON bodies', async (t) => {
  const { app } = await buildTestApp(t, { BODY_LIMIT: '1024' })
  const json = { 'content-type': 'application/json' }
  const malformed = await app.inject({ method: 'POST', url: '/api/generate', headers: json, payload: '{"length": 12' })
  t.equal(malformed.statusCode, 400)
  t.match(malformed.json(), { success: false, status: 400 })
  const empty = await app.inject({ method: 'POST', url: '/api/generate', headers: json, payload: '' })
  t.equal(empty.statusCode, 400)
  t.match(empty.json().detail, /send \{\}/)
  const huge = await app.inject({ method: 'POST', url: '/api/generate', headers: json, payload: JSON.stringify({ exclude: 'x'.repeat(2000) }) })
  t.equal(huge.statusCode, 413)
  t.match(huge.json(), { status: 413, success: false })
  const text = await app.inject({ method: 'POST', url: '/api/generate', headers: { 'content-type': 'text/plain' }, payload: 'length=12' })
  t.equal(text.statusCode, 415)
  t.match(text.json().detail, /application\/json/)
  const form = await app.inject({ method: 'POST', url: '/api/generate', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'length=12' })
  t.equal(form.statusCode, 415)
  const proto = await app.inject({ method: 'POST', url: '/api/generate', headers: json, payload: '{"__proto__": {"length": 5}}' })
  t.equal(proto.statusCode, 400)
  const wrongMethod = await app.inject({ method: 'DELETE', url: '/api/generate' })
  t.equal(wrongMethod.statusCode, 405)
  t.equal(wrongMethod.headers.allow, 'GET, HEAD, POST')
  t.match(wrongMethod.json(), { status: 405, success: false })
})

t.test('generated passwords never reach the logs, even at trace level', async (t) => {
  const { app, rawLogs, logs } = await buildTestApp(t, { LOG_LEVEL: 'trace' })
  const secrets: string[] = []
  for (let i = 0; i < 20; i++) {
    const res = await app.inject({ method: 'POST', url: '/api/generate', payload: { count: 10, length: 8 } })
    secrets.push(...res.json().passwords)
    const text = await app.inject({ url: '/api/generate?length=6', headers: { accept: 'text/plain' } })
    secrets.push(text.body.trim())
  }
  t.ok(logs.some((line) => line.msg === 'request completed'), 'requests are logged')
  const raw = rawLogs()
  t.equal(secrets.filter((secret) => raw.includes(secret)).length, 0, 'no secret in any log line')
})

t.test('request ids: a sane incoming X-Request-Id is kept and returned, anything else replaced', async (t) => {
  const { app, logs } = await buildTestApp(t)
  const kept = await app.inject({ url: '/api/generate', headers: { 'x-request-id': 'abc-123' } })
  t.equal(kept.headers['x-request-id'], 'abc-123')
  t.ok(logs.some((line) => line.reqId === 'abc-123'), 'the id is in the log line')
  const replaced = await app.inject({ url: '/api/generate', headers: { 'x-request-id': 'bad id\u0001<script>' } })
  t.match(replaced.headers['x-request-id'], /^[0-9a-f-]{36}$/)
})

t.test('security headers on every response', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of ['/api/generate', '/health', '/nope']) {
    const res = await app.inject({ url })
    t.equal(res.headers['x-content-type-options'], 'nosniff', url)
    t.equal(res.headers['x-frame-options'], 'DENY', url)
    t.match(res.headers['content-security-policy'], /default-src 'self'.*frame-ancestors 'none'/, url)
    t.notOk(res.headers['access-control-allow-origin'], 'CORS is off by default')
  }
})

t.test('CORS when configured', async (t) => {
  const { app } = await buildTestApp(t, { CORS_ORIGIN: 'https://app.example' })
  const res = await app.inject({ url: '/api/generate', headers: { origin: 'https://app.example' } })
  t.equal(res.headers['access-control-allow-origin'], 'https://app.example')
  const other = await app.inject({ url: '/api/generate', headers: { origin: 'https://evil.example' } })
  t.notOk(other.headers['access-control-allow-origin'])
})
