// Redis failures under a steady load, with a real redis-server frozen (SIGSTOP), killed and started again: the service
// keeps answering within the command timeout, fails open (default) or closed (503), reports Redis in /health, logs
// the outage once and applies the limit again when Redis returns, without a restart.
import t from 'tap'
import { startLoad, type Outcome } from '../helpers/load.js'
import { sleep, waitFor } from '../helpers/ports.js'
import { startRedis } from '../helpers/redis.js'
import { logsWith, startService, type Service } from '../helpers/service.js'

const MAX = 20
// Above the default 250 ms, so that a starved 2-core runner does not fail open while Redis is up.
const COMMAND_TIMEOUT = 500
// Scheduling slack on a busy 2-core runner; a request held until Redis returned would take seconds.
const SLACK = 750

type Phase = 'up' | 'hung' | 'down' | 'back'

interface Window { phase: Phase, from: number, to: number }

async function health (service: Service, path: string): Promise<{ status: number, body: Record<string, unknown> }> {
  const response = await fetch(service.url + path)
  return { status: response.status, body: await response.json() as Record<string, unknown> }
}

t.test('Redis stops under load and comes back', async (t) => {
  const redis = await startRedis(t)
  const common = { REDIS_URL: redis.url, RATE_LIMIT_MAX: String(MAX), RATE_LIMIT_WINDOW: '60', REDIS_COMMAND_TIMEOUT: String(COMMAND_TIMEOUT), WORKERS: '1' }
  const [open, closed] = await Promise.all([
    startService(t, { ...common, REDIS_KEY_PREFIX: 'outage-open:' }, { timeoutMs: 60_000 }),
    startService(t, { ...common, REDIS_KEY_PREFIX: 'outage-closed:', RATE_LIMIT_FAIL_OPEN: 'false' }, { timeoutMs: 60_000 })
  ]) as [Service, Service]

  const loadStartedAt = Date.now()
  const loads = [open, closed].map((service) => startLoad({ url: service.url, path: '/api/generate', clients: 4, durationMs: 20_000, keepResponses: true }))
  const windows: Window[] = []
  const during = async (phase: Phase, ms: number): Promise<void> => {
    const from = Date.now()
    await sleep(ms)
    windows.push({ phase, from, to: Date.now() })
  }
  const probes: Record<string, Awaited<ReturnType<typeof health>>> = {}

  await sleep(1000)
  windows.push({ phase: 'up', from: loadStartedAt, to: Date.now() })

  redis.pause()
  await during('hung', 1200)
  redis.resume()
  await sleep(300)

  await redis.stop()
  await sleep(300) // the connection loss reaches both services
  await during('down', 1000)
  for (const [name, service] of [['open', open], ['closed', closed]] as const) {
    probes[`${name} /health`] = await health(service, '/health')
    probes[`${name} /health/ready`] = await health(service, '/health/ready')
  }
  await during('down', 700)

  // 'back' runs from the restart on: the service reconnects on its own within its back-off (at most 2 s).
  const restartedAt = Date.now()
  await redis.start()
  const reconnected = await waitFor(async () => {
    const reports = await Promise.all([open, closed].map(async (service) => await health(service, '/health')))
    return reports.every((report) => (report.body.checks as { redis: { status: string } }).redis.status === 'up')
  }, 8000)
  t.ok(reconnected, 'both services reconnected to Redis by themselves')
  t.comment(`reconnected ${Date.now() - restartedAt} ms after the restart`)
  await sleep(1000)
  windows.push({ phase: 'back', from: restartedAt, to: Date.now() })
  for (const load of loads) {
    load.stop()
  }
  const [openOutcomes, closedOutcomes] = await Promise.all(loads.map(async (load) => await load.done)) as [Outcome[], Outcome[]]

  const inPhase = (outcomes: Outcome[], phase: Phase): Outcome[] => outcomes.filter((outcome) =>
    windows.some((window) => window.phase === phase && outcome.startedAt >= window.from && outcome.startedAt + outcome.ms <= window.to))
  const report = (name: string, outcomes: Outcome[], phase: Phase, designed: number[]): Outcome[] => {
    const selected = inPhase(outcomes, phase)
    const count = (predicate: (outcome: Outcome) => boolean): number => selected.filter(predicate).length
    const slowest = Math.max(0, ...selected.map((outcome) => outcome.ms))
    t.comment(`${name}, Redis ${phase}: sent ${selected.length}, succeeded ${count((o) => o.status === 200)}, ` +
      `rejected as designed ${count((o) => designed.includes(o.status ?? 0))} (${designed.join('/')}), ` +
      `failed ${count((o) => o.status !== 200 && !designed.includes(o.status ?? 0))}; slowest ${slowest} ms`)
    t.ok(selected.length > 0, `${name}, Redis ${phase}: requests were answered`)
    t.equal(count((o) => o.status !== 200 && !designed.includes(o.status ?? 0)), 0, `${name}, Redis ${phase}: nothing failed (no connection error, no unexpected status)`)
    t.ok(slowest <= COMMAND_TIMEOUT + SLACK, `${name}, Redis ${phase}: no request waited longer than REDIS_COMMAND_TIMEOUT + ${SLACK} ms (slowest ${slowest} ms)`)
    return selected
  }

  t.test('fail open (default)', async (t) => {
    const up = report('fail open', openOutcomes, 'up', [429])
    t.equal(up.filter((o) => o.status === 200).length, MAX, `with Redis up exactly ${MAX} pass, then 429s`)
    const hung = report('fail open', openOutcomes, 'hung', [])
    t.ok(hung.every((o) => o.ms >= COMMAND_TIMEOUT - 20), `with Redis frozen each request waits for the command timeout, then passes (fastest ${Math.min(...hung.map((o) => o.ms))} ms)`)
    const down = report('fail open', openOutcomes, 'down', [])
    // Not held for the command timeout either: with the connection gone, commands fail at once.
    const median = down.map((o) => o.ms).sort((a, b) => a - b)[Math.floor(down.length / 2)] ?? 0
    t.ok(median < COMMAND_TIMEOUT / 2, `with Redis gone requests pass at once (median ${median} ms: no offline queue)`)
    const back = report('fail open', openOutcomes, 'back', [429])
    t.ok(back.some((o) => o.status === 429), 'once Redis is back the limit applies again (429s) without a restart')
    t.ok(Number(redis.cli('GET', 'outage-open:rate-limit:127.0.0.1')) > MAX, 'the restarted Redis holds the counter again')

    t.equal(probes['open /health']?.status, 200, '/health answers 200 while Redis is down')
    t.match(probes['open /health']?.body, { status: 'degraded', checks: { redis: { status: 'down', required: false } } }, '/health reports Redis down, service degraded')
    t.equal(probes['open /health/ready']?.status, 200, '/health/ready stays 200 (fail open)')
    t.equal(logsWith(open, 'redis connection lost').length, 1, 'the outage is logged once')
    t.equal(logsWith(open, 'redis connected').length, 2, 'connected at start and again after the outage')
    t.comment(`log lines 'redis connection lost': ${logsWith(open, 'redis connection lost').length}, 'redis connected': ${logsWith(open, 'redis connected').length}`)
  })

  t.test('fail closed (RATE_LIMIT_FAIL_OPEN=false)', async (t) => {
    const up = report('fail closed', closedOutcomes, 'up', [429])
    t.equal(up.filter((o) => o.status === 200).length, MAX, `with Redis up exactly ${MAX} pass, then 429s`)
    const hung = report('fail closed', closedOutcomes, 'hung', [503])
    const down = report('fail closed', closedOutcomes, 'down', [503])
    t.ok(hung.every((o) => o.status === 503) && down.every((o) => o.status === 503), 'while Redis is frozen or gone every request gets 503')
    const refused = down[0]
    t.ok(String(refused?.headers?.['content-type']).startsWith('application/problem+json'), 'the 503 is problem+json')
    t.match(JSON.parse(refused?.body ?? '{}'), { status: 503, success: false, detail: /rate-limit store is unreachable/ })
    const back = report('fail closed', closedOutcomes, 'back', [503, 429])
    const passed = back.filter((o) => o.status === 200).length
    t.equal(passed, MAX, `once Redis is back exactly ${MAX} requests pass (the new Redis counts from zero), then 429s`)
    t.ok(back.some((o) => o.status === 429), 'the limit applies again without a restart')

    t.equal(probes['closed /health']?.status, 503, '/health answers 503 while the required Redis is down')
    t.match(probes['closed /health']?.body, { status: 'unhealthy', checks: { redis: { status: 'down', required: true } } })
    t.equal(probes['closed /health/ready']?.status, 503, '/health/ready is 503 while Redis is down')
    t.match(probes['closed /health/ready']?.body, { status: 'not ready', reason: 'redis down' })
    t.equal((await health(closed, '/health/ready')).status, 200, '/health/ready is 200 again after Redis returned')
    t.equal(logsWith(closed, 'redis connection lost').length, 1, 'the outage is logged once')
  })
})
