import t from 'tap'
import { WORDS } from '../../src/generator/index.js'
import { buildTestApp } from '../helpers/app.js'

const words = new Set(WORDS)

t.test('POST with defaults: six words from the EFF list joined by "-"', async (t) => {
  const { app } = await buildTestApp(t)
  for (const request of [{ payload: {} }, {}]) {
    const res = await app.inject({ method: 'POST', url: '/api/passphrase', ...request })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'no-store')
    const body = res.json()
    t.match(body, { success: true, words: 6, separator: '-', capitalize: false, includeNumber: false, strength: 'strong' })
    t.equal(body.entropyBits, 77.55)
    // EFF words may contain a hyphen (t-shirt), so check the word count via the list rather than by splitting alone.
    t.ok(body.passphrase.length > 6 * 3, body.passphrase)
    t.ok(body.passphrase.split('-').every((part: string) => words.has(part) || WORDS.some((w) => w.includes('-') && w.includes(part))))
  }
})

t.test('GET with options: separator, capitalize, includeNumber, count', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/api/passphrase?words=5&separator=%20&capitalize=true&includeNumber=true&count=4' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.passphrases.length, 4)
  t.equal(body.passphrase, body.passphrases[0])
  t.equal(body.entropyBits, Math.round((5 * Math.log2(7776) + Math.log2(50)) * 100) / 100)
  for (const phrase of body.passphrases as string[]) {
    const parts = phrase.split(' ')
    t.equal(parts.length, 5, phrase)
    t.ok(parts.every((part) => /^[A-Z]/.test(part)), 'capitalised')
    t.equal(phrase.replace(/\D/g, '').length, 1, 'exactly one digit')
    t.ok(parts.every((part) => words.has(part.replace(/\d$/, '').toLowerCase())), 'words from the list')
  }
})

t.test('text/plain answers one passphrase per line', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/api/passphrase', headers: { accept: 'text/plain' }, payload: { count: 2, separator: '.' } })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain/)
  const lines = res.body.trimEnd().split('\n')
  t.equal(lines.length, 2)
  t.ok(lines.every((line) => line.split('.').length >= 6))
})

t.test('bad input names the field', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [payload, field] of [[{ words: 2 }, 'words'], [{ words: 21 }, 'words'], [{ separator: '123456789' }, 'separator'], [{ capitalize: 'yes' }, 'capitalize'], [{ word: 5 }, 'word']] as const) {
    const res = await app.inject({ method: 'POST', url: '/api/passphrase', payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.json().errors[0].field, field)
  }
})

t.test('a separator with a control character is refused: it would split the text/plain answer\'s lines', async (t) => {
  const { app } = await buildTestApp(t)
  for (const separator of ['\n', '\r\n', '\t', ' \u0000 ', '\u007f', '\u0085']) {
    const res = await app.inject({ method: 'POST', url: '/api/passphrase', headers: { accept: 'text/plain' }, payload: { separator } })
    t.equal(res.statusCode, 400, JSON.stringify(separator))
    t.match(res.json(), { errors: [{ in: 'body', field: 'separator' }] })
  }
  const query = await app.inject({ url: '/api/passphrase?words=3&separator=%0A', headers: { accept: 'text/plain' } })
  t.equal(query.statusCode, 400, 'in the query string too')
  for (const separator of ['', ' ', '·', ' – ', '🔑']) {
    const res = await app.inject({ method: 'POST', url: '/api/passphrase', headers: { accept: 'text/plain' }, payload: { separator, words: 3, count: 2 } })
    t.equal(res.statusCode, 200, `${JSON.stringify(separator)} is fine`)
    t.equal(res.body.split('\n').length, 3, 'two lines, one per passphrase')
  }
})

t.test('passphrases never reach the logs', async (t) => {
  const { app, rawLogs } = await buildTestApp(t, { LOG_LEVEL: 'trace' })
  const secrets: string[] = []
  for (let i = 0; i < 10; i++) {
    secrets.push(...(await app.inject({ method: 'POST', url: '/api/passphrase', payload: { count: 5 } })).json().passphrases)
  }
  const raw = rawLogs()
  t.ok(raw.includes('request completed'))
  t.equal(secrets.filter((secret) => raw.includes(secret)).length, 0)
})
