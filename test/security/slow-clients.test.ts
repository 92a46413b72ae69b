import t from 'tap'
import { request, trickle, type RawResponse } from '../helpers/raw-http.js'
import { sleep } from '../helpers/ports.js'
import { startService } from '../helpers/service.js'

// Slow clients against a real process with REQUEST_TIMEOUT=2: 50 slowloris connections (request headers dribbled
// one byte every 500 ms, never finished) and 10 slow bodies (a Content-Length of 1,000 and one byte every 500 ms).
// A normal client must keep being served promptly throughout, and every slow connection must be cut off about
// REQUEST_TIMEOUT after it started: within REQUEST_TIMEOUT + 1.5 s (the slack covers Node's periodic check of
// request deadlines, at most a second when configured as it should be, and a busy 2-core machine).

const REQUEST_TIMEOUT_S = 2
const SLOWLORIS = 50
const SLOW_BODIES = 10
const INTERVAL_MS = 500
const CUT_BOUND_MS = REQUEST_TIMEOUT_S * 1000 + 1500
// How long the test waits for the cuts at most, so that it fails (and ends) when they never come.
const WAIT_MS = CUT_BOUND_MS + 4500
const NORMAL_LATENCY_MS = 500

t.test(`${SLOWLORIS} slowloris and ${SLOW_BODIES} slow-body connections neither starve others nor outlive REQUEST_TIMEOUT`, async (t) => {
  const service = await startService(t, { REQUEST_TIMEOUT: String(REQUEST_TIMEOUT_S), RATE_LIMIT_MAX: '1000000', LOG_LEVEL: 'warn' })
  const normalRequest = { method: 'POST', path: '/api/generate', headers: [['Content-Type', 'application/json'], ['Accept', 'application/json']] as Array<[string, string]>, body: '{"length":24}' }
  // Warm up first, so that what is measured below is the effect of the slow clients, not a cold start.
  for (let i = 0; i < 20; i++) await request(service.port, normalRequest)
  const head = 'GET /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\n'
  const bodyHead = 'POST /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n'
  const slow = [
    ...Array.from({ length: SLOWLORIS }, () => ({ kind: 'slowloris', trickle: trickle(service.port, head, 'X-Slow: 1\r\n', INTERVAL_MS, WAIT_MS) })),
    ...Array.from({ length: SLOW_BODIES }, () => ({ kind: 'slow body', trickle: trickle(service.port, bodyHead, ' ', INTERVAL_MS, WAIT_MS) }))
  ]
  let settled = 0
  const outcomes: Promise<RawResponse>[] = slow.map(({ trickle }) => trickle.result.finally(() => { settled++ }))

  // The normal client: one request after another until every slow connection is settled (or the wait is over).
  const latencies: number[] = []
  const failures: string[] = []
  const started = Date.now()
  while (settled < slow.length && Date.now() - started < WAIT_MS) {
    const response = await request(service.port, normalRequest, { timeoutMs: 2000 })
    latencies.push(response.ms)
    if (response.status !== 200) failures.push(`status ${response.status ?? 'none'} after ${response.ms} ms`)
    await sleep(50)
  }
  const results = await Promise.all(outcomes)
  for (const { trickle } of slow) trickle.stop()

  const sorted = [...latencies].sort((a, b) => a - b)
  const p = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
  t.comment(`normal client: ${latencies.length} requests while the slow ones were open, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${sorted.at(-1)} ms, failures ${failures.length}`)
  t.ok(latencies.length >= 10, `the normal client made ${latencies.length} requests`)
  t.same(failures, [], 'every normal request succeeded')
  t.ok((sorted.at(-1) ?? Infinity) < NORMAL_LATENCY_MS, `each within ${NORMAL_LATENCY_MS} ms`)

  for (const kind of ['slowloris', 'slow body']) {
    const mine = results.filter((_, i) => slow[i]!.kind === kind)
    const cut = mine.filter((result) => result.closed || result.status !== null)
    const times = cut.map((result) => result.ms).sort((a, b) => a - b)
    const statuses = [...new Set(mine.map((result) => result.timedOut ? 'still open' : result.status ?? 'closed'))].join(', ')
    t.comment(`${kind}: ${cut.length}/${mine.length} cut off; after ${times[0] ?? '-'} to ${times.at(-1) ?? '-'} ms; answers: ${statuses}`)
    t.equal(cut.length, mine.length, `every ${kind} connection was cut off within the ${WAIT_MS} ms the test waited`)
    t.ok(times.length > 0 && times.at(-1)! <= CUT_BOUND_MS, `every ${kind} connection was cut off within ${CUT_BOUND_MS} ms (REQUEST_TIMEOUT + 1.5 s): latest ${times.at(-1) ?? 'never'}`)
    t.ok(times.length > 0 && times[0]! >= REQUEST_TIMEOUT_S * 1000 - 250, `none before REQUEST_TIMEOUT: earliest ${times[0] ?? 'never'} ms`)
    t.ok(mine.every((result) => result.status === null || result.status === 408), `each got a 408 or just a closed connection (${statuses})`)
  }
  const live = await request(service.port, { method: 'GET', path: '/health/live' })
  t.equal(live.status, 200, 'the process still serves afterwards')
  t.equal(service.child.exitCode, null, 'and is still running')
})
