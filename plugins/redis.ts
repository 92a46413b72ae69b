import fp from 'fastify-plugin'
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis'
import { usesRedis, type Config } from '../src/config.js'

export type RedisClient = Redis | Cluster

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared Redis (single node or cluster), or null when the service runs on its in-memory store. */
    redis: RedisClient | null
  }
}

// Reconnect forever, backing off to 2 s: the service keeps answering meanwhile and recovers on its own.
const reconnectDelay = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 6), 2000)

function connect (config: Config): RedisClient {
  // No offline queue and a command timeout: a request never waits for Redis longer than REDIS_COMMAND_TIMEOUT,
  // and while Redis is unreachable commands fail at once instead of piling up until it returns.
  const common: RedisOptions = {
    enableOfflineQueue: false,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    lazyConnect: true
  }
  if (config.REDIS_CLUSTER_NODES === '') {
    return new Redis(config.REDIS_URL, { ...common, retryStrategy: reconnectDelay })
  }
  const nodes = config.REDIS_CLUSTER_NODES.split(',').map((node) => {
    const at = node.lastIndexOf(':')
    return { host: node.slice(0, at), port: Number(node.slice(at + 1)) }
  })
  const credentials = config.REDIS_URL === '' ? undefined : new URL(config.REDIS_URL)
  const redisOptions: ClusterOptions['redisOptions'] = {
    commandTimeout: config.REDIS_COMMAND_TIMEOUT,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    ...(credentials?.username ? { username: decodeURIComponent(credentials.username) } : {}),
    ...(credentials?.password ? { password: decodeURIComponent(credentials.password) } : {}),
    ...(credentials?.protocol === 'rediss:' ? { tls: {} } : {})
  }
  return new Cluster(nodes, { enableOfflineQueue: false, lazyConnect: true, clusterRetryStrategy: reconnectDelay, redisOptions })
}

// Decorates `app.redis` with the shared Redis client when REDIS_URL or REDIS_CLUSTER_NODES is set, reports it as a
// health dependency (required only when the rate limit fails closed), logs each outage once and quits on close.
export default fp(async function redis (app) {
  const { config } = app
  if (!usesRedis(config)) {
    app.decorate<RedisClient | null>('redis', null)
    return
  }
  const client = connect(config)
  let up = false
  let lastError = 'not connected yet'
  client.on('ready', () => {
    if (!up) {
      app.log.info('redis connected')
    }
    up = true
  })
  const down = (reason: string): void => {
    if (up) {
      app.log.warn({ reason }, 'redis connection lost; rate limiting %s until it returns', config.RATE_LIMIT_FAIL_OPEN ? 'is off (fail open)' : 'answers 503 (fail closed)')
    }
    up = false
    lastError = reason
  }
  // Every failed reconnection emits 'error'; only the transition is logged, so an outage is one line, not thousands.
  client.on('error', (error: Error) => { down(error.message) })
  client.on('close', () => { down('connection closed') })
  client.on('end', () => { down('connection ended') })

  app.decorate<RedisClient | null>('redis', client)
  app.health.addDependency({
    name: 'redis',
    required: !config.RATE_LIMIT_FAIL_OPEN,
    status: () => up ? { up } : { up, detail: lastError }
  })

  try {
    await client.connect()
  } catch (error) {
    // Not fatal: the service starts, reports Redis down and connects when Redis comes up.
    app.log.warn({ reason: (error as Error).message }, 'redis unreachable at start-up; retrying in the background')
  }

  app.addHook('onClose', async () => {
    const quit = client.quit().catch(() => undefined)
    const timeout = new Promise((resolve) => setTimeout(resolve, 1000).unref())
    await Promise.race([quit, timeout])
    client.disconnect()
  })
}, { name: 'redis', fastify: '5.x', dependencies: ['config', 'health'] })
