// The limit through a real Redis Cluster: three `redis-server --cluster-enabled yes` nodes joined with
// `redis-cli --cluster create`, two workers connected through REDIS_CLUSTER_NODES.
import t from 'tap'
import { describe, runLoad, tally } from '../helpers/load.js'
import { startRedisCluster } from '../helpers/redis.js'
import { pidsByRequestId, startService, waitForLog } from '../helpers/service.js'

const MAX = 50
const BURST = 120

t.test('the limit holds through a three-node Redis Cluster', async (t) => {
  const cluster = await startRedisCluster(t, 3)
  t.comment(`cluster nodes ${cluster.nodes}`)
  const service = await startService(t, {
    REDIS_CLUSTER_NODES: cluster.nodes,
    REDIS_KEY_PREFIX: 'cluster-test:',
    RATE_LIMIT_MAX: String(MAX),
    RATE_LIMIT_WINDOW: '60',
    // Generous: this proves the count through the cluster; a late answer would fail open (see redis-outage.test.ts).
    REDIS_COMMAND_TIMEOUT: '5000',
    WORKERS: '2'
  }, { workers: 2, timeoutMs: 60_000 })

  const report = await (await fetch(`${service.url}/health`)).json() as Record<string, unknown>
  t.match(report, { status: 'healthy', checks: { redis: { status: 'up' } } }, '/health reports the cluster up')

  const outcomes = await runLoad({ url: service.url, path: '/api/generate', clients: BURST, count: BURST, keepResponses: true })
  const figures = tally(outcomes)
  t.comment(describe(figures))
  t.same(figures.errors, {}, 'no connection errors')
  t.equal(figures.statuses[200], MAX, `exactly ${MAX} of ${BURST} concurrent requests succeed`)
  t.equal(figures.statuses[429], BURST - MAX, `the other ${BURST - MAX} get 429`)
  t.ok(outcomes.filter((o) => o.status === 200).every((o) => o.headers?.['ratelimit-policy'] === `"api";q=${MAX};w=60`), 'the 200s carry RateLimit-Policy')

  await waitForLog(service, () => pidsByRequestId(service).size >= BURST, 5000)
  const pids = new Set(outcomes.map((o) => pidsByRequestId(service).get(o.requestId ?? '')))
  t.comment(`answered by worker pids ${[...pids].join(', ')}`)
  t.equal(pids.size, 2, 'both workers took part in the burst')

  const key = 'cluster-test:rate-limit:127.0.0.1'
  t.equal(cluster.cli('GET', key).trim(), String(BURST), 'the cluster holds one counter for the client, with every request counted')
  const slot = cluster.cli('CLUSTER', 'KEYSLOT', key).trim()
  t.comment(`counter ${key} in hash slot ${slot}`)
})
