// Black-box checks of a running service, from the outside, over HTTP only: `BASE_URL=https://... npm run
// test:black-box`. The pipeline's verify stage runs it against production and test/delivery/rehearsal.test.ts
// against the production build. Optional: EXPECT_VERSION (the version /version must report, e.g. the release tag)
// and EXPECT_ENVIRONMENT (APP_ENV). It makes about a dozen requests, well inside any sane rate limit.
// Not named *.test.ts: the normal test run has no BASE_URL.
import t from 'tap'

const baseUrl = (process.env.BASE_URL ?? '').replace(/\/+$/, '')
if (!/^https?:\/\/\S+$/.test(baseUrl)) {
  throw new Error(`BASE_URL must be the service's http(s) URL, e.g. BASE_URL=http://localhost:8080 npm run test:black-box (got ${JSON.stringify(process.env.BASE_URL ?? '')})`)
}

async function get (path: string, headers: Record<string, string> = {}): Promise<Response> {
  return await fetch(baseUrl + path, { headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) })
}

async function post (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return await fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) })
}

async function json (response: Response): Promise<Record<string, any>> {
  return await response.json() as Record<string, any>
}

t.test('liveness and readiness', async (t) => {
  const live = await get('/health/live')
  t.equal(live.status, 200, '/health/live')
  t.same(await json(live), { status: 'ok' })
  const ready = await get('/health/ready')
  t.equal(ready.status, 200, '/health/ready')
  t.same(await json(ready), { status: 'ready' })
  t.equal(ready.headers.get('cache-control'), 'no-store', 'probes are never cached')
})

t.test('health report', async (t) => {
  const response = await get('/health')
  t.equal(response.status, 200)
  const body = await json(response)
  t.equal(body.status, 'healthy', 'every dependency is up')
  t.equal(body.service, 'password-generator')
  t.match(body.version, /^\S+$/)
  t.ok(Number.isNaN(Date.parse(body.timestamp)) === false, 'timestamp')
  for (const [name, check] of Object.entries(body.checks as Record<string, { status: string }>)) {
    t.equal(check.status, 'up', `${name} is up`)
  }
})

t.test('version', async (t) => {
  const body = await json(await get('/version'))
  t.equal(body.service, 'password-generator')
  t.match(body.version, /^\S+$/)
  t.match(body.node, /^v\d+\./)
  if (process.env.EXPECT_VERSION !== undefined && process.env.EXPECT_VERSION !== '') {
    t.equal(body.version, process.env.EXPECT_VERSION, 'the deployed release is the expected one')
  }
  if (process.env.EXPECT_ENVIRONMENT !== undefined && process.env.EXPECT_ENVIRONMENT !== '') {
    t.equal(body.environment, process.env.EXPECT_ENVIRONMENT)
  }
})

t.test('POST /api/generate with the old body', async (t) => {
  const response = await post('/api/generate', { length: 20, uppercase: true, lowercase: true, digits: true, symbols: false })
  t.equal(response.status, 200)
  t.match(response.headers.get('content-type'), /^application\/json/)
  t.equal(response.headers.get('cache-control'), 'no-store', 'a secret is never cached')
  const body = await json(response)
  t.equal(body.success, true)
  t.match(body.password, /^[A-Za-z0-9]{20}$/)
  t.equal(body.length, 20)
  t.ok(body.entropyBits > 100)
})

t.test('GET /api/generate as plain text', async (t) => {
  const response = await get('/api/generate?length=16&count=3&symbols=false', { accept: 'text/plain' })
  t.equal(response.status, 200)
  t.match(response.headers.get('content-type'), /^text\/plain/)
  const lines = (await response.text()).trimEnd().split('\n')
  t.equal(lines.length, 3)
  t.equal(new Set(lines).size, 3, 'three different passwords')
  lines.forEach((line) => t.match(line, /^[A-Za-z0-9]{16}$/))
})

t.test('invalid options are a problem+json 400', async (t) => {
  const response = await post('/api/generate', { length: 2 })
  t.equal(response.status, 400)
  t.match(response.headers.get('content-type'), /^application\/problem\+json/)
  const body = await json(response)
  t.equal(body.success, false)
  t.equal(body.status, 400)
  t.match(body.detail, /length/)
})

t.test('passphrases, POST and GET', async (t) => {
  const posted = await post('/api/passphrase', { words: 5, separator: '-' })
  t.equal(posted.status, 200)
  const body = await json(posted)
  t.equal(body.success, true)
  t.equal(body.passphrase.split('-').length, 5)
  t.equal(posted.headers.get('cache-control'), 'no-store')
  const fetched = await get('/api/passphrase?words=4&separator=.', { accept: 'text/plain' })
  t.equal(fetched.status, 200)
  t.equal((await fetched.text()).trim().split('.').length, 4)
})

t.test('rate-limit headers on /api/generate, counted in the shared store', async (t) => {
  const first = await get('/api/generate')
  const second = await get('/api/generate')
  t.equal(second.status, 200)
  const policy = second.headers.get('ratelimit-policy') ?? ''
  t.match(policy, /^"[\w-]+";q=\d+;w=\d+$/, 'RateLimit-Policy: "name";q=<quota>;w=<window>')
  const state = (response: Response): { r: number, t: number } => {
    const match = /^"[\w-]+";r=(\d+);t=(\d+)$/.exec(response.headers.get('ratelimit') ?? '')
    return { r: Number(match?.[1] ?? NaN), t: Number(match?.[2] ?? NaN) }
  }
  const [before, after] = [state(first), state(second)]
  t.ok(Number.isInteger(after.r) && Number.isInteger(after.t), `RateLimit: "name";r=<remaining>;t=<reset> (got ${String(second.headers.get('ratelimit'))})`)
  t.ok(after.r <= Number(/q=(\d+)/.exec(policy)?.[1]), 'remaining is within the quota')
  // Behind several replicas only a shared store (Redis) makes the second request see the first one's count.
  t.ok(after.r < before.r || after.t > before.t, `remaining went down from ${before.r} to ${after.r} (or a new window began)`)
})

t.test('OpenAPI document and Swagger UI', async (t) => {
  const spec = await get('/docs/json')
  t.equal(spec.status, 200)
  const document = await json(spec)
  t.match(document.openapi, /^3\./)
  for (const path of ['/api/generate', '/api/passphrase', '/health', '/version']) {
    t.ok(document.paths?.[path], `documents ${path}`)
  }
  const ui = await get('/docs/')
  t.equal(ui.status, 200)
  t.match(await ui.text(), /swagger/i)
})

t.test('the web page', async (t) => {
  const page = await get('/')
  t.equal(page.status, 200)
  t.match(page.headers.get('content-type'), /^text\/html/)
  t.match(await page.text(), /<html/i)
  t.ok(page.headers.get('content-security-policy'), 'served with a content security policy')
})
