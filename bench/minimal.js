// The baselines the service is measured against: a bare Fastify app with one POST route that parses the same JSON
// body, builds a 16-character password with crypto.randomInt and replies JSON; nothing else (no logger, no
// validation schema, no headers plugins). With BENCH_STORE=memory or BENCH_STORE=redis the same route sits behind
// @fastify/rate-limit with that store, configured like the service (same max, window and per-IP key).
//
// Started by bench/run.js as its own process: PORT, BENCH_STORE (none | memory | redis), REDIS_URL,
// RATE_LIMIT_MAX, RATE_LIMIT_WINDOW (seconds).
import { randomInt } from 'node:crypto'
import Fastify from 'fastify'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'

const port = Number(process.env.PORT ?? 0)
const store = process.env.BENCH_STORE ?? 'none'
const app = Fastify({ logger: false })

let redis = null
if (store === 'memory' || store === 'redis') {
  const options = {
    global: true,
    max: Number(process.env.RATE_LIMIT_MAX ?? 1000000000),
    timeWindow: Number(process.env.RATE_LIMIT_WINDOW ?? 60) * 1000
  }
  if (store === 'redis') {
    const { Redis } = await import('ioredis')
    redis = new Redis(process.env.REDIS_URL, { maxRetriesPerRequest: 1 })
    options.redis = redis
    options.nameSpace = 'minimal-rate-limit:'
  }
  await app.register((await import('@fastify/rate-limit')).default, options)
}

app.post('/api/generate', async function generate (request) {
  const length = Number(request.body?.length ?? 16)
  let password = ''
  for (let i = 0; i < length; i++) password += ALPHABET[randomInt(ALPHABET.length)]
  return { success: true, password, length }
})

// Only the bench's readiness poll uses this; it is never loaded.
app.get('/ready', async () => ({ ready: true }))

app.addHook('onClose', async () => { await redis?.quit() })
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
}
await app.listen({ port, host: '127.0.0.1' })
