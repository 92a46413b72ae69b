import { BlockList, isIPv4, isIPv6 } from 'node:net'
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { HttpProblem, PROBLEM_TYPES } from '../src/problems.js'

export interface RouteRateLimit {
  /** Requests per window for this route, in a bucket of its own (default: the shared RATE_LIMIT_MAX bucket). */
  max?: number
  /** Window in seconds (default RATE_LIMIT_WINDOW). */
  window?: number
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** true: the route counts against the client's shared budget; an object: its own limits. */
    rateLimited?: boolean | RouteRateLimit
  }
}

function allowList (entries: string): BlockList | null {
  if (entries === '') {
    return null
  }
  const list = new BlockList()
  for (const entry of entries.split(',')) {
    const [address = '', prefix] = entry.split('/')
    const family = isIPv6(address) ? 'ipv6' : 'ipv4'
    if (!isIPv4(address) && !isIPv6(address)) {
      throw new Error(`RATE_LIMIT_ALLOW_LIST: ${entry} is not an address or CIDR`)
    }
    if (prefix === undefined) {
      list.addAddress(address, family)
    } else {
      list.addSubnet(address, Number(prefix), family)
    }
  }
  return list
}

function allowed (list: BlockList, ip: string): boolean {
  return list.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4')
}

// Registers @fastify/rate-limit (Redis store when app.redis exists, else in memory; keyed by req.ip, IPv6 grouped by
// /64) and applies it to the routes whose config has `rateLimited`, answering with the IETF draft RateLimit and
// RateLimit-Policy fields, Retry-After and a problem+json 429. Store failures pass (fail open) or get a 503.
export default fp(async function rateLimitPlugin (app) {
  const { config } = app
  const allowedClients = allowList(config.RATE_LIMIT_ALLOW_LIST)
  await app.register(rateLimit, {
    global: false,
    max: config.RATE_LIMIT_MAX,
    timeWindow: config.RATE_LIMIT_WINDOW * 1000,
    ipv6Subnet: 64,
    // Store errors are handled below, where fail-open or fail-closed is decided and counted.
    skipOnError: false,
    // In memory, the LRU holds this many clients; the least recent are forgotten first.
    cache: 100_000,
    ...(app.redis === null ? {} : { redis: app.redis, nameSpace: `${config.REDIS_KEY_PREFIX}rate-limit:` }),
    ...(allowedClients === null ? {} : { allowList: (request: FastifyRequest) => allowed(allowedClients, request.ip) })
  })

  app.addHook('onRoute', (route) => {
    const setting = route.config?.rateLimited
    if (setting === undefined || setting === false) {
      return
    }
    const own = typeof setting === 'object'
    const max = own && setting.max !== undefined ? setting.max : config.RATE_LIMIT_MAX
    const window = own && setting.window !== undefined ? setting.window : config.RATE_LIMIT_WINDOW
    const limiter = app.createRateLimit(own ? { max, timeWindow: window * 1000 } : undefined)
    const name = own ? `${route.method}-${route.url}`.toLowerCase().replace(/[^a-z0-9-]/g, '') : 'api'
    const policy = `"${name}";q=${max};w=${window}`

    const enforceRateLimit: onRequestHookHandler = async function enforceRateLimit (request, reply) {
      let limit
      try {
        limit = await limiter(request)
      } catch {
        // The outage itself is logged once by the redis plugin and shown by /health.
        if (config.RATE_LIMIT_FAIL_OPEN) {
          return
        }
        throw new HttpProblem(503, 'The rate-limit store is unreachable, so requests are refused for now. Try again shortly.', PROBLEM_TYPES.unavailable)
      }
      if (limit.isAllowed) {
        return
      }
      reply.header('ratelimit-policy', policy)
      reply.header('ratelimit', `"${name}";r=${limit.remaining};t=${limit.ttlInSeconds}`)
      if (limit.isExceeded) {
        reply.header('retry-after', String(limit.ttlInSeconds))
        app.metrics.rateLimitRejections.inc({ route: route.url })
        throw new HttpProblem(429, `Rate limit of ${max} requests per ${window} s exceeded; retry in ${limit.ttlInSeconds} s.`, PROBLEM_TYPES.rateLimited)
      }
    }
    route.onRequest = [enforceRateLimit, ...[route.onRequest ?? []].flat()]
  })
}, { name: 'rate-limit', fastify: '5.x', dependencies: ['config', 'redis', 'metrics'] })
