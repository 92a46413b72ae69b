import cors from '@fastify/cors'
import helmet from 'helmet'
import fp from 'fastify-plugin'

/** The Content-Security-Policy of every response: only our own origin, no inline code, no framing. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  upgradeInsecureRequests: null
}

// Sets helmet's headers (nosniff, frame denial, CSP, referrer policy) on every response, and registers @fastify/cors
// when CORS_ORIGIN allows other origins (off by default: the web page and the docs are same-origin).
// helmet is used directly, built once: @fastify/helmet rebuilds every helmet middleware on each request, which cost
// several per cent of the service's throughput in the benchmark's CPU profile.
export default fp(async function securityHeaders (app) {
  const setHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS belongs to whoever terminates TLS (the proxy), not to a service that speaks plain HTTP.
    strictTransportSecurity: false
  })
  app.addHook('onRequest', function securityHeaders (request, reply, done) {
    setHeaders(request.raw, reply.raw, (error?: unknown) => { done(error as Error | undefined) })
  })
  const origin = app.config.CORS_ORIGIN
  if (origin !== '') {
    await app.register(cors, {
      origin: origin === '*' ? '*' : origin.split(','),
      methods: ['GET', 'POST'],
      exposedHeaders: ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Request-Id'],
      maxAge: 600
    })
  }
}, { name: 'security-headers', fastify: '5.x', dependencies: ['config'] })
