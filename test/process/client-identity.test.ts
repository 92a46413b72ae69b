// Who a client is, with real sockets: the socket address unless TRUST_PROXY names the proxy, then X-Forwarded-For
// (IPv6 grouped by /64); the allow-list; and the endpoints that are never limited.
import t from 'tap'
import { describe, runLoad, tally } from '../helpers/load.js'
import { startService, type Service } from '../helpers/service.js'

const MAX = 5
const limits = { RATE_LIMIT_MAX: String(MAX), RATE_LIMIT_WINDOW: '60', WORKERS: '1' }

async function generate (service: Service, count: number): Promise<Record<string, number>> {
  return tally(await runLoad({ url: service.url, path: '/api/generate', clients: 1, count })).statuses
}

// Sequential requests with a different X-Forwarded-For each.
async function generateAs (service: Service, addresses: string[]): Promise<number[]> {
  const statuses: number[] = []
  for (const address of addresses) {
    const [outcome] = await runLoad({ url: service.url, path: '/api/generate', clients: 1, count: 1, headers: { 'x-forwarded-for': address } })
    statuses.push(outcome?.status ?? 0)
  }
  return statuses
}

t.test('client identity and exemptions', async (t) => {
  const [direct, proxied] = await Promise.all([
    startService(t, { ...limits }, { timeoutMs: 60_000 }),
    startService(t, { ...limits, TRUST_PROXY: '127.0.0.1', RATE_LIMIT_ALLOW_LIST: '198.51.100.0/24' }, { timeoutMs: 60_000 })
  ]) as [Service, Service]

  t.test('TRUST_PROXY off: a forged X-Forwarded-For does not change the key', async (t) => {
    const forged = Array.from({ length: 3 * MAX }, (_, i) => `203.0.113.${i + 1}`)
    const statuses = await generateAs(direct, forged)
    t.comment(`${forged.length} requests, each with another X-Forwarded-For: ${statuses.join(' ')}`)
    t.same(statuses, [...Array(MAX).fill(200), ...Array(2 * MAX).fill(429)], `the socket address is the key: ${MAX} pass, the rest get 429`)
  })

  t.test('health, version, docs and metrics are never limited (the budget of 127.0.0.1 is spent)', async (t) => {
    t.same(await generate(direct, 1), { 429: 1 }, 'the API answers 429 to this client now')
    for (const path of ['/health', '/health/live', '/health/ready', '/version', '/docs/json', '/metrics']) {
      const figures = tally(await runLoad({ url: direct.url, path, clients: 4, count: 10 * MAX }))
      t.comment(`${path}: ${describe(figures)}`)
      t.same(figures.statuses, { 200: 10 * MAX }, `${path}: ${10 * MAX} requests, all 200, never 429`)
    }
  })

  t.test('TRUST_PROXY=127.0.0.1: X-Forwarded-For is the key', async (t) => {
    const first = await generateAs(proxied, Array(MAX + 1).fill('203.0.113.1'))
    const second = await generateAs(proxied, Array(MAX + 1).fill('203.0.113.2'))
    t.comment(`client 203.0.113.1: ${first.join(' ')}; client 203.0.113.2: ${second.join(' ')}`)
    t.same(first, [...Array(MAX).fill(200), 429], 'the first forwarded client gets its budget, then 429')
    t.same(second, [...Array(MAX).fill(200), 429], 'another forwarded client has a budget of its own')
    // The proxy's own address (no X-Forwarded-For) is yet another client.
    t.same(await generate(proxied, 1), { 200: 1 }, 'the proxy itself is a separate client')
  })

  t.test('IPv6 clients behind the proxy are grouped by /64', async (t) => {
    const sameNetwork = Array.from({ length: MAX + 1 }, (_, i) => `2001:db8:0:7::${i + 1}`)
    const statuses = await generateAs(proxied, sameNetwork)
    const otherNetwork = await generateAs(proxied, ['2001:db8:0:8::1'])
    t.comment(`six addresses of 2001:db8:0:7::/64: ${statuses.join(' ')}; 2001:db8:0:8::1: ${otherNetwork.join(' ')}`)
    t.same(statuses, [...Array(MAX).fill(200), 429], 'addresses of one /64 share a budget')
    t.same(otherNetwork, [200], 'the next /64 has its own')
  })

  t.test('RATE_LIMIT_ALLOW_LIST: an allowed client is never limited', async (t) => {
    const outcomes = await runLoad({ url: proxied.url, path: '/api/generate', clients: 2, count: 4 * MAX, headers: { 'x-forwarded-for': '198.51.100.7' }, keepResponses: true })
    t.comment(`198.51.100.7 (in 198.51.100.0/24): ${describe(tally(outcomes))}`)
    t.same(tally(outcomes).statuses, { 200: 4 * MAX }, `${4 * MAX} requests, all 200`)
    t.notOk(outcomes.some((outcome) => outcome.headers?.ratelimit !== undefined), 'no RateLimit header for an allowed client')
  })
})
