// Metrics of a cluster with real processes: requests spread over two workers, and any worker that answers a scrape
// reports the figures of the whole service (aggregated by the primary); METRICS_TOKEN guards the endpoint.
import { request } from 'node:http'
import t from 'tap'
import { describe, runLoad, tally } from '../helpers/load.js'
import { startRedis } from '../helpers/redis.js'
import { pidsByRequestId, startService, waitForLog } from '../helpers/service.js'

const MAX = 50
const N = 60
const TOKEN = 'scrape-me-0123456789'

// A scrape on a connection of its own, so the cluster hands successive scrapes to different workers.
async function scrape (url: string, authorization?: string): Promise<{ status: number, type: string, body: string, authenticate?: string }> {
  return await new Promise((resolve, reject) => {
    const req = request(`${url}/metrics`, { agent: false, headers: authorization === undefined ? {} : { authorization } }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => {
        const authenticate = res.headers['www-authenticate']
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body, ...(authenticate === undefined ? {} : { authenticate }) })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

function sample (text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`) || (labels === '' && candidate.startsWith(`${name} `)))
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

t.test('one scrape of any worker sees the whole cluster', async (t) => {
  const redis = await startRedis(t)
  // A generous command timeout: on a starved runner a late answer would fail open and skew the counts.
  const service = await startService(t, { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT: '5000', WORKERS: '2', RATE_LIMIT_MAX: String(MAX), METRICS_TOKEN: TOKEN }, { workers: 2, timeoutMs: 60_000 })

  const outcomes = await runLoad({ url: service.url, path: '/api/generate?count=2', clients: 20, count: N })
  const figures = tally(outcomes)
  t.comment(describe(figures))
  t.same(figures.statuses, { 200: MAX, 429: N - MAX }, `${MAX} generated, ${N - MAX} limited`)
  await waitForLog(service, () => pidsByRequestId(service).size >= N, 5000)
  const byPid = new Map<number, number>()
  for (const outcome of outcomes) {
    const pid = pidsByRequestId(service).get(outcome.requestId ?? '')
    if (pid !== undefined) byPid.set(pid, (byPid.get(pid) ?? 0) + 1)
  }
  t.comment(`requests per worker pid: ${JSON.stringify(Object.fromEntries(byPid))}`)
  t.equal(byPid.size, 2, 'both workers answered part of the requests')

  const withToken = `Bearer ${TOKEN}`
  const scrapes = []
  for (let i = 0; i < 6; i++) {
    scrapes.push(await scrape(service.url, withToken))
  }
  for (const [i, result] of scrapes.entries()) {
    const ok = sample(result.body, 'http_requests_total', 'method="GET",route="/api/generate",status_code="200"')
    const limited = sample(result.body, 'http_requests_total', 'method="GET",route="/api/generate",status_code="429"')
    const rejections = sample(result.body, 'rate_limit_rejections_total', 'route="/api/generate"')
    const passwords = sample(result.body, 'passwords_generated_total', '')
    t.comment(`scrape ${i + 1}: ${result.status}; http_requests_total 200=${String(ok)} 429=${String(limited)}; rate_limit_rejections_total=${String(rejections)}; passwords_generated_total=${String(passwords)}`)
    t.equal(result.status, 200, `scrape ${i + 1}: 200`)
    t.match(result.type, /^text\/plain; version=0\.0\.4/, `scrape ${i + 1}: Prometheus text format`)
    t.equal(ok, MAX, `scrape ${i + 1}: http_requests_total for GET /api/generate 200 is the total over both workers`)
    t.equal(limited, N - MAX, `scrape ${i + 1}: ... and for 429`)
    t.equal(rejections, N - MAX, `scrape ${i + 1}: rate_limit_rejections_total is the total`)
    t.equal(passwords, 2 * MAX, `scrape ${i + 1}: passwords_generated_total is the total (2 per request)`)
  }
  t.equal(sample(scrapes[0]?.body ?? '', 'redis_up', ''), 1, 'redis_up 1 (aggregated over the workers)')

  const anonymous = await scrape(service.url)
  t.equal(anonymous.status, 401, 'without the token: 401')
  t.equal(anonymous.authenticate, 'Bearer realm="metrics"', 'with WWW-Authenticate')
  t.match(anonymous.type, /^application\/problem\+json/)
  t.notMatch(anonymous.body, /http_requests_total/, 'and no figures')
  t.equal((await scrape(service.url, 'Bearer wrong-token')).status, 401, 'with a wrong token: 401')
})
