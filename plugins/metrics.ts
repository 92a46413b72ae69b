import cluster from 'node:cluster'
import fp from 'fastify-plugin'
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { METRICS_REQUEST, METRICS_RESPONSE, isMessage, type MetricsRequest, type MetricsResponse } from '../src/cluster-messages.js'

export interface Metrics {
  /** Prometheus text of this process, or of every worker when this is a cluster worker. */
  scrape: () => Promise<{ contentType: string, text: string }>
  passwordsGenerated: Counter
  passphrasesGenerated: Counter
  rateLimitRejections: Counter<'route'>
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}

let nextRequestId = 0

// A cluster worker cannot see its siblings' figures: it asks the primary, which gathers every worker's registry
// (prom-client's AggregatorRegistry) and answers over IPC, so one scrape sees the whole service.
async function scrapeCluster (): Promise<{ contentType: string, text: string }> {
  const id = ++nextRequestId
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { finish(); reject(new Error('the primary did not answer the metrics request')) }, 5000)
    const onMessage = (message: unknown): void => {
      if (isMessage<MetricsResponse>(message, METRICS_RESPONSE) && message.id === id) {
        finish()
        if (message.text === undefined) {
          reject(new Error(message.error ?? 'metrics unavailable'))
        } else {
          resolve({ contentType: message.contentType ?? AggregatorRegistry.PROMETHEUS_CONTENT_TYPE, text: message.text })
        }
      }
    }
    function finish (): void {
      clearTimeout(timer)
      process.off('message', onMessage)
    }
    process.on('message', onMessage)
    process.send?.({ type: METRICS_REQUEST, id } satisfies MetricsRequest)
  })
}

// Decorates `app.metrics` (prom-client, one registry per app): request count and duration by route and status,
// secrets generated, rate-limit rejections, Redis up, and Node's process metrics.
export default fp(async function metrics (app) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const labelNames = ['method', 'route', 'status_code'] as const
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by route pattern and status.', labelNames, registers: [registry] })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route pattern and status.',
    labelNames,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry]
  })
  const redis = app.redis
  new Gauge({ // eslint-disable-line no-new -- registered in `registry`, read on each scrape
    name: 'redis_up',
    help: '1 while the Redis connection is ready (in a cluster: in every worker), 0 while it is down; absent without Redis.',
    registers: redis === null ? [] : [registry],
    // Summed over the workers, the gauge would read 2, 3 ...; the service is only fully up if every worker is.
    aggregator: 'min',
    collect () { this.set(redis?.status === 'ready' ? 1 : 0) }
  })
  if (cluster.isWorker) {
    // prom-client starts answering the primary's requests only once an AggregatorRegistry exists in the worker.
    new AggregatorRegistry() // eslint-disable-line no-new -- installs the worker's IPC listener
    AggregatorRegistry.setRegistries([registry])
  }
  app.decorate('metrics', {
    scrape: cluster.isWorker ? scrapeCluster : async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
    passwordsGenerated: new Counter({ name: 'passwords_generated_total', help: 'Passwords generated.', registers: [registry] }),
    passphrasesGenerated: new Counter({ name: 'passphrases_generated_total', help: 'Passphrases generated.', registers: [registry] }),
    rateLimitRejections: new Counter({ name: 'rate_limit_rejections_total', help: 'Requests answered 429 by the rate limit.', labelNames: ['route'] as const, registers: [registry] })
  })
  // The labelled series of each method, route and status, looked up once: prom-client hashes a label object on every
  // call otherwise. Bounded: methods and route patterns are the server's, status codes a few dozen.
  const series = new Map<string, { count: { inc: () => void }, time: { observe: (seconds: number) => void } }>()
  app.addHook('onResponse', function countResponse (request, reply, done) {
    // The route pattern, never the raw URL: labels must not grow with what clients send.
    const route = request.routeOptions.url ?? 'unmatched'
    const key = `${request.method} ${reply.statusCode} ${route}`
    let labelled = series.get(key)
    if (labelled === undefined) {
      const labels = { method: request.method, route, status_code: reply.statusCode }
      labelled = { count: requests.labels(labels), time: duration.labels(labels) }
      series.set(key, labelled)
    }
    labelled.count.inc()
    labelled.time.observe(reply.elapsedTime / 1000)
    done()
  })
}, { name: 'metrics', fastify: '5.x', dependencies: ['redis'] })
