import t from 'tap'
import { request, sendRaw, type RawResponse } from '../helpers/raw-http.js'
import { sleep } from '../helpers/ports.js'
import { startService } from '../helpers/service.js'
import { CLIENT_LEAK_PATTERNS, CORPUS, leaksIn, type HostileCase } from './corpus.js'

// The hostile corpus against a real process (raw bytes on a real socket, nothing normalised on the way), at the
// trace log level so that every log line the requests can cause is scanned too. The rate limit is lifted so that no
// case is answered 429 instead of its own status.

const CASE_BOUND_MS = 2000
const REQUEST_TIMEOUT_S = 2

const service = await startService(t, { LOG_LEVEL: 'trace', REQUEST_TIMEOUT: String(REQUEST_TIMEOUT_S), RATE_LIMIT_MAX: '1000000' })

function expected (item: HostileCase): number[] {
  return Array.isArray(item.expect) ? item.expect : [item.expect]
}

/** What is wrong with the answer to `item`, as readable lines; empty when it is right. */
function judge (item: HostileCase, response: RawResponse): string[] {
  const problems: string[] = []
  const status = response.status ?? 0
  const body = response.body.toString('utf8')
  if (response.timedOut) problems.push(`no answer within ${CASE_BOUND_MS} ms`)
  if (!expected(item).includes(status)) problems.push(`status ${status === 0 ? '(connection closed)' : status}, expected ${expected(item).join(' or ')}`)
  if (status >= 500) problems.push('a 5xx')
  if (status >= 400 && body.length > 0) {
    if (!/^application\/problem\+json/.test(response.headers['content-type'] ?? '')) {
      problems.push(`error with Content-Type ${response.headers['content-type'] ?? '(none)'}, not application/problem+json`)
    } else {
      try {
        const problem = JSON.parse(body) as { status?: unknown, success?: unknown, errors?: Array<{ field?: unknown }> }
        if (problem.status !== status || problem.success !== false) problems.push('problem body without the matching status and success: false')
        if (item.field !== undefined && !(problem.errors ?? []).some((error) => error.field === item.field)) {
          problems.push(`errors[] does not name the field ${JSON.stringify(item.field)}`)
        }
      } catch {
        problems.push('problem body is not JSON')
      }
    }
  }
  if (item.method === 'HEAD' && response.body.length > 0) problems.push('HEAD answered with a body')
  if (item.header !== undefined) {
    const [name, pattern] = item.header
    if (!pattern.test(response.headers[name] ?? '')) problems.push(`header ${name}: ${JSON.stringify(response.headers[name])} does not match ${String(pattern)}`)
  }
  if (item.mustNotContain !== undefined && response.raw.toString('latin1').includes(item.mustNotContain)) problems.push(`the answer contains ${JSON.stringify(item.mustNotContain)}`)
  if (item.bodyMatch !== undefined && !item.bodyMatch.test(body)) problems.push(`body does not match ${String(item.bodyMatch)}`)
  // Documentation pages legitimately contain words like TypeError in their JavaScript; answers to the API may not.
  // A 404 names the path it was asked for; that echo is the client's own text, not a leak.
  const answer = response.raw.toString('latin1').replaceAll(item.path, '')
  const leaks = /^text\/html|javascript/.test(response.headers['content-type'] ?? '') ? [] : leaksIn(answer, CLIENT_LEAK_PATTERNS)
  if (leaks.length > 0) problems.push(`the answer leaks: ${leaks.join(', ')}`)
  return problems
}

t.test(`the hostile corpus (${CORPUS.length} requests): each gets its documented answer within ${CASE_BOUND_MS} ms, and nothing leaks`, async (t) => {
  t.ok(CORPUS.length >= 150, `${CORPUS.length} cases`)
  t.equal(new Set(CORPUS.map((item) => item.name)).size, CORPUS.length, 'case names are unique')
  const byStatus = new Map<string, number>()
  let failed = 0
  for (const item of CORPUS) {
    const response = item.raw === undefined
      ? await request(service.port, { method: item.method, path: item.path, headers: item.headers ?? [], ...(item.body === undefined ? {} : { body: item.body }), ...(item.contentLength === false ? { contentLength: false } : {}) }, { timeoutMs: CASE_BOUND_MS })
      : await sendRaw(service.port, item.raw, item.method, { timeoutMs: CASE_BOUND_MS })
    const key = response.timedOut ? 'timeout' : response.status === null ? 'closed' : String(response.status)
    byStatus.set(key, (byStatus.get(key) ?? 0) + 1)
    const problems = judge(item, response)
    if (problems.length > 0) failed++
    t.same(problems, [], item.name, { status: response.status, ms: response.ms, body: response.body.toString('utf8').slice(0, 300) })
  }
  const table = [...byStatus].sort(([a], [b]) => a.localeCompare(b)).map(([status, count]) => `${status.padEnd(8)} ${String(count).padStart(4)}`)
  t.comment(['status   count', ...table, `total    ${String(CORPUS.length).padStart(4)}   (cases with a problem: ${failed})`].join('\n'))

  // The process is still there and still serving.
  t.equal(service.child.exitCode, null, 'the process is still running')
  const live = await fetch(`${service.url}/health/live`, { signal: AbortSignal.timeout(2000) })
  t.equal(live.status, 200, '/health/live answers after the corpus')
  const defaults = await (await fetch(`${service.url}/api/generate`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(2000) })).json() as { password: string, options: Record<string, unknown> }
  t.equal(defaults.password.length, 12, 'the defaults are intact after the prototype-pollution attempts')
  t.same(Object.keys(defaults.options).sort(), ['digits', 'exclude', 'excludeAmbiguous', 'lowercase', 'requireEachClass', 'symbols', 'uppercase'])

  // Every log line the corpus caused.
  const lines = service.output().split('\n').filter((line) => line.trim() !== '')
  // Request lines name the path that was asked for (/src/app.ts, say): the client's own text, not a leak.
  const echoes = [...new Set(CORPUS.map((item) => JSON.stringify(item.path).slice(1, -1)).filter((path) => path.length > 1))].sort((a, b) => b.length - a.length)
  const withoutEchoes = (line: string): string => echoes.reduce((text, path) => text.replaceAll(path, ''), line)
  const leaking = lines.map((line) => ({ line: line.slice(0, 300), leaks: leaksIn(withoutEchoes(line)) })).filter(({ leaks }) => leaks.length > 0)
  t.comment(`${lines.length} log lines scanned, ${leaking.length} with a leak`)
  t.same(leaking.slice(0, 5), [], 'no log line carries a stack trace, an internal path or an internal error class')
  t.notOk(lines.some((line) => !line.startsWith('{')), 'every line the process wrote is a JSON log line')
})

t.test(`bodies and headers that never end are cut off after REQUEST_TIMEOUT (${REQUEST_TIMEOUT_S} s) while others are served`, async (t) => {
  const bound = REQUEST_TIMEOUT_S * 1000 + 1500
  const waitAtMost = bound + 3000
  const slow = {
    'chunked body that never ends': request(service.port, { method: 'POST', path: '/api/generate', headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']], body: '1\r\n{\r\n', contentLength: false }, { timeoutMs: waitAtMost }),
    'Content-Length larger than the body sent': request(service.port, { method: 'POST', path: '/api/generate', headers: [['Content-Type', 'application/json'], ['Content-Length', '100']], body: '{"len', contentLength: false }, { timeoutMs: waitAtMost }),
    'headers that never end': sendRaw(service.port, 'GET /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Partial: ', 'GET', { timeoutMs: waitAtMost }),
    'connection that sends nothing': sendRaw(service.port, '', 'GET', { timeoutMs: waitAtMost })
  }
  // Meanwhile a normal client keeps asking, one request at a time.
  const latencies: number[] = []
  const statuses: number[] = []
  const normal = (async () => {
    const deadline = Date.now() + bound
    while (Date.now() < deadline) {
      const started = Date.now()
      const response = await request(service.port, { method: 'POST', path: '/api/generate', headers: [['Content-Type', 'application/json']], body: '{"length":20}' }, { timeoutMs: 2000 })
      latencies.push(Date.now() - started)
      statuses.push(response.status ?? 0)
      await sleep(100)
    }
  })()
  const outcomes = await Promise.all(Object.values(slow))
  await normal
  Object.keys(slow).forEach((name, i) => {
    const outcome = outcomes[i]!
    const cut = outcome.closed || outcome.status === 408
    t.ok(cut && outcome.ms <= bound, `${name}: ${cut ? `cut off after ${outcome.ms} ms` : `still open after ${outcome.ms} ms`} (status ${outcome.status ?? 'none'}), bound ${bound} ms`)
    if (outcome.status !== null) t.ok([400, 408, 413].includes(outcome.status), `${name}: answered ${outcome.status}`)
  })
  t.ok(statuses.length >= 5, `the normal client made ${statuses.length} requests meanwhile`)
  t.ok(statuses.every((status) => status === 200), 'all of them succeeded')
  t.ok(Math.max(...latencies) < 500, `each within 500 ms (slowest ${Math.max(...latencies)} ms)`)
  t.equal(service.child.exitCode, null, 'the process is still running')
})
