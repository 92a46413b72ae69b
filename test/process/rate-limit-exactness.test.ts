// Exactness of the shared rate limit with real processes: a concurrent burst from one client, spread over two cluster
// workers or over two separate services sharing one redis-server, gets exactly RATE_LIMIT_MAX answers of 200.
import t, { type Test } from 'tap'
import { describe, runLoad, tally, type Outcome } from '../helpers/load.js'
import { startRedis } from '../helpers/redis.js'
import { pidsByRequestId, startService, waitForLog, type Service } from '../helpers/service.js'

const MAX = 50
const WINDOW = 60
const BURST = 200
// The command timeout is generous here: this proves the count is atomic, and on a starved runner an answer later than
// the default 250 ms would fail open (pass uncounted), which redis-outage.test.ts covers.
const limits = { RATE_LIMIT_MAX: String(MAX), RATE_LIMIT_WINDOW: String(WINDOW), REDIS_COMMAND_TIMEOUT: '5000' }

function checkBurst (t: Test, outcomes: Outcome[]): void {
  const figures = tally(outcomes)
  t.comment(describe(figures))
  t.equal(figures.sent, BURST, 'every request of the burst was sent')
  t.same(figures.errors, {}, 'no connection errors')
  t.equal(figures.statuses[200], MAX, `exactly ${MAX} answers of 200`)
  t.equal(figures.statuses[429], BURST - MAX, `exactly ${BURST - MAX} answers of 429`)

  const ok = outcomes.filter((outcome) => outcome.status === 200)
  const remaining = ok.map((outcome) => {
    t.equal(outcome.headers?.['ratelimit-policy'], `"api";q=${MAX};w=${WINDOW}`, 'a 200 carries RateLimit-Policy')
    const match = /^"api";r=(\d+);t=(\d+)$/.exec(String(outcome.headers?.ratelimit))
    return match === null ? -1 : Number(match[1])
  }).sort((a, b) => a - b)
  // The count is atomic: each allowed request saw its own counter value, so `remaining` runs through 0..MAX-1 once.
  t.same(remaining, Array.from({ length: MAX }, (_, i) => i), 'the 200s carry RateLimit with r = 49 down to 0, each once')

  const rejected = outcomes.filter((outcome) => outcome.status === 429)
  const bad = rejected.filter((outcome) => {
    const retryAfter = Number(outcome.headers?.['retry-after'])
    const body = JSON.parse(outcome.body ?? '{}') as Record<string, unknown>
    return !(retryAfter >= 1 && retryAfter <= WINDOW) ||
      !String(outcome.headers?.['content-type']).startsWith('application/problem+json') ||
      body.status !== 429 || body.success !== false || typeof body.detail !== 'string' ||
      !/^"api";r=0;t=\d+$/.test(String(outcome.headers?.ratelimit))
  })
  t.equal(bad.length, 0, 'every 429 carries Retry-After (1..60 s), RateLimit with r=0 and a problem+json body')
  t.match(JSON.parse(rejected[0]?.body ?? '{}'), { type: 'urn:password-generator:problem:rate-limited', title: 'Too many requests', detail: /Rate limit of 50 requests per 60 s exceeded/ })
}

// One request per client, all at once: BURST concurrent connections from 127.0.0.1.
async function burst (pickUrl: (client: number) => string): Promise<Outcome[]> {
  const byUrl = new Map<string, number[]>()
  for (let client = 0; client < BURST; client++) {
    const url = pickUrl(client)
    byUrl.set(url, [...(byUrl.get(url) ?? []), client])
  }
  const runs = [...byUrl].map(async ([url, clients]) => await runLoad({ url, path: '/api/generate?length=16', clients: clients.length, count: clients.length, keepResponses: true }))
  return (await Promise.all(runs)).flat()
}

async function pidsOf (services: Service[], outcomes: Outcome[]): Promise<Map<number, number>> {
  // The 'request completed' lines may trail the answers by a moment.
  await waitForLog(services[0] as Service, () => services.reduce((sum, service) => sum + pidsByRequestId(service).size, 0) >= outcomes.length, 5000)
  const byPid = new Map<number, number>()
  const pids = new Map(services.flatMap((service) => [...pidsByRequestId(service)]))
  for (const outcome of outcomes) {
    const pid = pids.get(outcome.requestId ?? '')
    if (pid !== undefined) {
      byPid.set(pid, (byPid.get(pid) ?? 0) + 1)
    }
  }
  return byPid
}

t.test('exactly RATE_LIMIT_MAX of a concurrent burst succeed', async (t) => {
  const redis = await startRedis(t)

  t.test('WORKERS=2: two cluster workers share the Redis counter', async (t) => {
    const service = await startService(t, { ...limits, REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'exact-workers:', WORKERS: '2' }, { workers: 2, timeoutMs: 60_000 })
    const outcomes = await burst(() => service.url)
    const byPid = await pidsOf([service], outcomes)
    t.comment(`answered by worker pids: ${JSON.stringify(Object.fromEntries(byPid))}`)
    t.equal(byPid.size, 2, 'both workers answered part of the burst')
    checkBurst(t, outcomes)
    t.equal(redis.cli('GET', 'exact-workers:rate-limit:127.0.0.1').trim(), String(BURST), 'Redis counted every request of the client once')
  })

  t.test('two separate single-worker services share the Redis counter', async (t) => {
    const env = { ...limits, REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'exact-services:', WORKERS: '1' }
    const [a, b] = await Promise.all([startService(t, env, { timeoutMs: 60_000 }), startService(t, env, { timeoutMs: 60_000 })]) as [Service, Service]
    const outcomes = await burst((client) => client % 2 === 0 ? a.url : b.url)
    await pidsOf([a, b], outcomes)
    const perService = [a, b].map((service) => tally(outcomes.filter((outcome) => pidsByRequestId(service).has(outcome.requestId ?? ''))))
    t.comment(`service A: ${describe(perService[0] as ReturnType<typeof tally>)}`)
    t.comment(`service B: ${describe(perService[1] as ReturnType<typeof tally>)}`)
    t.ok(perService.every((figures) => figures.sent === BURST / 2), 'each service answered half of the burst')
    checkBurst(t, outcomes)
  })
})
