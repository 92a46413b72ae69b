import type { FastifyInstance, InjectOptions } from 'fastify'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { waitFor } from '../helpers/ports.js'
import { startRedis } from '../helpers/redis.js'

async function burst (app: FastifyInstance, n: number, request: InjectOptions) {
  const statuses: number[] = []
  for (let i = 0; i < n; i++) {
    statuses.push((await app.inject(request)).statusCode)
  }
  return statuses
}

t.test('in memory: RATE_LIMIT_MAX per window, then 429 problem+json with Retry-After and the draft headers', async (t) => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '30' })
  const first = await app.inject({ url: '/api/generate' })
  t.equal(first.statusCode, 200)
  t.equal(first.headers['ratelimit-policy'], '"api";q=3;w=30')
  t.match(first.headers.ratelimit, /^"api";r=2;t=(30|29)$/)
  t.equal((await app.inject({ method: 'POST', url: '/api/passphrase' })).headers.ratelimit?.toString().startsWith('"api";r=1;'), true, 'generate and passphrase share one budget')
  t.equal((await app.inject({ url: '/api/generate' })).statusCode, 200)
  const limited = await app.inject({ url: '/api/generate' })
  t.equal(limited.statusCode, 429)
  t.match(limited.headers['content-type'], /^application\/problem\+json/)
  t.match(limited.headers['retry-after'], /^(30|29)$/)
  t.match(limited.headers.ratelimit, /^"api";r=0;t=/)
  t.match(limited.json(), { status: 429, success: false, type: 'urn:password-generator:problem:rate-limited', detail: /Rate limit of 3 requests per 30 s exceeded; retry in \d+ s/ })
})

t.test('probes, version, docs and metrics are never limited', async (t) => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_MAX: '1' })
  await app.inject({ url: '/api/generate' })
  t.equal((await app.inject({ url: '/api/generate' })).statusCode, 429)
  for (const url of ['/health', '/health/live', '/health/ready', '/version', '/metrics', '/docs/json']) {
    const statuses = await burst(app, 5, { url })
    t.same(statuses, [200, 200, 200, 200, 200], url)
    t.notOk((await app.inject({ url })).headers.ratelimit, `${url} has no RateLimit header`)
  }
})

t.test('client identity: the socket address; a forged X-Forwarded-For changes nothing while TRUST_PROXY is off', async (t) => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_MAX: '2' })
  const forged = await burst(app, 3, { url: '/api/generate', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '1.1.1.1' } })
  const forgedAgain = await burst(app, 1, { url: '/api/generate', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '2.2.2.2' } })
  t.same([...forged, ...forgedAgain], [200, 200, 429, 429])
  t.same(await burst(app, 1, { url: '/api/generate', remoteAddress: '10.0.0.2' }), [200], 'another client has its own budget')
})

t.test('behind a trusted proxy the forwarded client is the key', async (t) => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_MAX: '2', TRUST_PROXY: '10.0.0.0/8' })
  const proxy = '10.1.2.3'
  t.same(await burst(app, 3, { url: '/api/generate', remoteAddress: proxy, headers: { 'x-forwarded-for': '203.0.113.7' } }), [200, 200, 429])
  t.same(await burst(app, 2, { url: '/api/generate', remoteAddress: proxy, headers: { 'x-forwarded-for': '203.0.113.8' } }), [200, 200], 'each real client has its own budget')
  t.same(await burst(app, 1, { url: '/api/generate', remoteAddress: '198.51.100.1', headers: { 'x-forwarded-for': '203.0.113.8' } }), [200], 'an untrusted peer is keyed by its own address')
})

t.test('IPv6 clients are grouped by /64', async (t) => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_MAX: '2' })
  t.same(await burst(app, 1, { url: '/api/generate', remoteAddress: '2001:db8:1:2::1' }), [200])
  t.same(await burst(app, 2, { url: '/api/generate', remoteAddress: '2001:db8:1:2:ffff::9' }), [200, 429], 'same /64')
  t.same(await burst(app, 1, { url: '/api/generate', remoteAddress: '2001:db8:1:3::1' }), [200], 'another /64')
})

t.test('the allow list is never limited', async (t) => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_MAX: '1', RATE_LIMIT_ALLOW_LIST: '192.0.2.0/24,2001:db8::1' })
  t.same(await burst(app, 4, { url: '/api/generate', remoteAddress: '192.0.2.55' }), [200, 200, 200, 200])
  t.same(await burst(app, 3, { url: '/api/generate', remoteAddress: '2001:db8::1' }), [200, 200, 200])
  t.same(await burst(app, 2, { url: '/api/generate', remoteAddress: '192.0.3.1' }), [200, 429])
})

t.test('Redis store: the counter lives in Redis under the key prefix and is shared by two apps', async (t) => {
  const redis = await startRedis(t)
  const settings = { REDIS_URL: redis.url, RATE_LIMIT_MAX: '3', REDIS_KEY_PREFIX: 'test-shared:' }
  const one = await buildTestApp(t, settings)
  const two = await buildTestApp(t, settings)
  const statuses = [
    ...(await burst(one.app, 2, { url: '/api/generate' })),
    ...(await burst(two.app, 2, { url: '/api/generate' }))
  ]
  t.same(statuses, [200, 200, 200, 429])
  t.match(redis.cli('--scan', '--pattern', 'test-shared:rate-limit:*'), /test-shared:rate-limit:127\.0\.0\.1/)
  t.equal((await one.app.inject('/health')).json().checks.redis.status, 'up')
})

t.test('Redis down, fail open: requests pass, /health is degraded, ready stays 200, one log line', async (t) => {
  const redis = await startRedis(t)
  const { app, logs } = await buildTestApp(t, { REDIS_URL: redis.url, RATE_LIMIT_MAX: '2', REDIS_COMMAND_TIMEOUT: '100' })
  t.equal((await app.inject('/api/generate')).statusCode, 200)
  await redis.stop()
  const started = Date.now()
  t.same(await burst(app, 5, { url: '/api/generate' }), [200, 200, 200, 200, 200])
  t.ok(Date.now() - started < 2000, 'no request waits on the dead Redis')
  // The client learns of the dead socket asynchronously; on a busy machine that can take a moment.
  t.ok(await waitFor(async () => (await app.inject('/health')).json().status === 'degraded', 5000), 'the outage is noticed')
  const health = await app.inject('/health')
  t.equal(health.statusCode, 200)
  t.match(health.json(), { status: 'degraded', checks: { redis: { status: 'down', required: false } } })
  t.same(await burst(app, 3, { url: '/api/generate' }), [200, 200, 200], 'still answering once the outage is known')
  t.equal((await app.inject('/health/ready')).statusCode, 200)
  t.equal(logs.filter((line) => String(line.msg).startsWith('redis connection lost')).length, 1, 'the outage is logged once')
})

t.test('Redis down, fail closed: 503 problem, readiness 503; recovers when Redis returns', async (t) => {
  const redis = await startRedis(t)
  const { app } = await buildTestApp(t, { REDIS_URL: redis.url, RATE_LIMIT_MAX: '100', RATE_LIMIT_FAIL_OPEN: 'false', REDIS_COMMAND_TIMEOUT: '100' })
  t.equal((await app.inject('/api/generate')).statusCode, 200)
  await redis.stop()
  // The client learns of the dead socket asynchronously; on a busy machine that can take a moment.
  t.ok(await waitFor(async () => (await app.inject('/health/ready')).statusCode === 503, 5000), 'the outage is noticed')
  const refused = await app.inject('/api/generate')
  t.equal(refused.statusCode, 503)
  t.match(refused.json(), { status: 503, success: false, type: 'urn:password-generator:problem:unavailable' })
  t.equal((await app.inject('/health/ready')).statusCode, 503)
  t.match((await app.inject('/health')).json(), { status: 'unhealthy', checks: { redis: { status: 'down', required: true } } })
  await redis.start()
  const deadline = Date.now() + 10_000
  let status = 0
  while (Date.now() < deadline && (status = (await app.inject('/api/generate')).statusCode) !== 200) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(status, 200, 'recovered without a restart')
  t.equal((await app.inject('/health/ready')).statusCode, 200)
})

t.test('Redis unreachable at start-up does not stop the service', async (t) => {
  const { app, logs } = await buildTestApp(t, { REDIS_URL: 'redis://127.0.0.1:1', REDIS_COMMAND_TIMEOUT: '100' })
  t.equal((await app.inject('/api/generate')).statusCode, 200, 'fail open')
  t.ok(logs.some((line) => line.msg === 'redis unreachable at start-up; retrying in the background'))
})
