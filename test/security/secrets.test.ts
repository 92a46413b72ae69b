import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { startService } from '../helpers/service.js'

// Generated secrets must leave the service in exactly one place: the response that carries them. This runs a request
// mix (passwords and passphrases, JSON and text/plain answers, bodies and query strings, counts up to 100, and errors
// of every kind) at the most verbose log levels, collects every secret handed out, and scans every log line, every
// /metrics line and every error body for any of them. Secrets are at least 16 characters long, so a chance match
// in a megabyte of text has a probability below 1e-20.

interface MixRequest { method: 'GET' | 'POST', url: string, headers?: Record<string, string>, body?: string }

const JSON_TYPE = { 'content-type': 'application/json' }

/** The request mix: `rounds` times each kind of request. */
function requestMix (rounds: number): MixRequest[] {
  const mix: MixRequest[] = []
  for (let i = 0; i < rounds; i++) {
    const length = 16 + (i % 60)
    const count = [1, 2, 7, 100][i % 4]!
    mix.push(
      { method: 'POST', url: '/api/generate', headers: JSON_TYPE, body: JSON.stringify({ length, count, symbols: i % 3 !== 0, excludeAmbiguous: i % 2 === 0 }) },
      { method: 'POST', url: '/api/generate', headers: { ...JSON_TYPE, accept: 'text/plain' }, body: JSON.stringify({ length, count: 3, exclude: 'abc' }) },
      { method: 'GET', url: `/api/generate?length=${length}&count=${count}&digits=${i % 2 === 0}` },
      { method: 'GET', url: `/api/generate?length=${length}&count=5`, headers: { accept: 'text/plain' } },
      { method: 'POST', url: '/api/passphrase', headers: JSON_TYPE, body: JSON.stringify({ words: 3 + (i % 18), count, capitalize: i % 2 === 0, includeNumber: i % 3 === 0, separator: ['-', ' ', '', '::'][i % 4] }) },
      { method: 'GET', url: `/api/passphrase?words=${4 + (i % 10)}&count=4&includeNumber=true`, headers: { accept: 'text/plain' } },
      // Errors of every kind, none of which may carry a secret either.
      { method: 'POST', url: '/api/generate', headers: JSON_TYPE, body: JSON.stringify({ length: 3 }) },
      { method: 'POST', url: '/api/generate', headers: JSON_TYPE, body: JSON.stringify({ uppercase: false, lowercase: false, digits: false, symbols: false }) },
      { method: 'POST', url: '/api/passphrase', headers: JSON_TYPE, body: '{"words":' },
      { method: 'POST', url: '/api/generate', headers: { 'content-type': 'text/plain' }, body: '{}' },
      { method: 'GET', url: '/api/passphrase?words=99' },
      { method: 'GET', url: '/api/generate', headers: { accept: 'image/png' } },
      { method: 'GET', url: '/api/nothing-here' },
      { method: 'POST', url: '/api/generate', headers: JSON_TYPE, body: `{"exclude":"${'x'.repeat(5000)}"}` }
    )
    if (i % 10 === 0) mix.push({ method: 'GET', url: '/metrics' }, { method: 'GET', url: '/health' })
  }
  return mix
}

/** Every secret in a 200 answer to a secret-carrying route. */
function secretsOf (url: string, contentType: string, body: string): string[] {
  if (!url.startsWith('/api/')) return []
  if (contentType.startsWith('text/plain')) return body.split('\n').filter((line) => line !== '')
  const parsed = JSON.parse(body) as { password?: string, passwords?: string[], passphrase?: string, passphrases?: string[] }
  return [...(parsed.passwords ?? (parsed.password === undefined ? [] : [parsed.password])), ...(parsed.passphrases ?? (parsed.passphrase === undefined ? [] : [parsed.passphrase]))]
}

/** The secrets found in `texts`, raw or as escaped inside a JSON string. */
function findSecrets (secrets: ReadonlySet<string>, texts: readonly string[]): string[] {
  const hits: string[] = []
  for (const text of texts) {
    for (const secret of secrets) {
      if (text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1))) hits.push(secret)
    }
  }
  return hits
}

interface Collected { secrets: Set<string>, errorBodies: string[], metrics: string[], headers: string[], statuses: Map<number, number> }

function collect (collected: Collected, url: string, status: number, contentType: string, body: string): void {
  collected.statuses.set(status, (collected.statuses.get(status) ?? 0) + 1)
  if (status === 200) {
    for (const secret of secretsOf(url, contentType, body)) collected.secrets.add(secret)
    if (url === '/metrics') collected.metrics.push(body)
  } else {
    collected.errorBodies.push(body)
  }
}

function summary (collected: Collected, logText: string): string {
  const statuses = [...collected.statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`).join(', ')
  const metricLines = collected.metrics.join('\n').split('\n').filter((line) => line !== '').length
  return `${collected.secrets.size} distinct secrets; scanned ${logText.split('\n').filter((line) => line !== '').length} log lines, ` +
    `${metricLines} metrics lines (${collected.metrics.length} scrapes), ${collected.errorBodies.length} error bodies; answers ${statuses}`
}

for (const level of ['debug', 'trace']) {
  t.test(`no generated secret reaches a log line, /metrics or an error body (LOG_LEVEL=${level}, inject)`, async (t) => {
    const { app, rawLogs } = await buildTestApp(t, { LOG_LEVEL: level, RATE_LIMIT_MAX: '1000000' })
    const collected: Collected = { secrets: new Set(), errorBodies: [], metrics: [], headers: [], statuses: new Map() }
    for (const request of requestMix(40)) {
      const res = await app.inject({ method: request.method, url: request.url, headers: request.headers ?? {}, ...(request.body === undefined ? {} : { payload: request.body }) })
      collect(collected, request.url, res.statusCode, String(res.headers['content-type'] ?? ''), res.body)
      collected.headers.push(JSON.stringify(res.headers))
    }
    const scrape = await app.inject({ url: '/metrics' })
    collect(collected, '/metrics', scrape.statusCode, String(scrape.headers['content-type']), scrape.body)
    const logText = rawLogs()
    t.ok(collected.secrets.size > 2000, `${collected.secrets.size} secrets collected`)
    t.ok(collected.errorBodies.length >= 8 * 40, 'every kind of error was answered')
    t.ok(logText.includes('"level":20'), 'debug lines were written')
    t.comment(summary(collected, logText))
    t.same(findSecrets(collected.secrets, [logText]).slice(0, 3), [], 'no secret in the logs')
    t.same(findSecrets(collected.secrets, collected.metrics).slice(0, 3), [], 'no secret in /metrics')
    t.same(findSecrets(collected.secrets, collected.errorBodies).slice(0, 3), [], 'no secret in an error body')
    t.same(findSecrets(collected.secrets, [collected.headers.join('\n')]).slice(0, 3), [], 'no secret in a response header')
    // The scan itself works: a secret planted in the texts is found.
    const planted = [...collected.secrets][7]!
    t.equal(findSecrets(collected.secrets, [`x${JSON.stringify({ msg: planted })}x`]).length, 1, 'a planted secret is found')
  })
}

t.test('no generated secret reaches the output of a real process (LOG_LEVEL=trace)', async (t) => {
  const service = await startService(t, { LOG_LEVEL: 'trace', RATE_LIMIT_MAX: '1000000' })
  const collected: Collected = { secrets: new Set(), errorBodies: [], metrics: [], headers: [], statuses: new Map() }
  for (const request of requestMix(12)) {
    const res = await fetch(service.url + request.url, {
      method: request.method,
      headers: { accept: 'application/json', ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(5000)
    })
    collect(collected, request.url, res.status, res.headers.get('content-type') ?? '', await res.text())
  }
  const output = service.output()
  t.ok(collected.secrets.size > 500, `${collected.secrets.size} secrets collected`)
  t.comment(summary(collected, output))
  t.same(findSecrets(collected.secrets, [output]).slice(0, 3), [], 'no secret in stdout or stderr')
  t.same(findSecrets(collected.secrets, collected.metrics).slice(0, 3), [], 'no secret in /metrics')
  t.same(findSecrets(collected.secrets, collected.errorBodies).slice(0, 3), [], 'no secret in an error body')
})
