import type { IncomingMessage, ServerResponse } from 'node:http'
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

/**
 * The headers helmet sets with our options, asked of helmet once: they are the same for every response. `directives`
 * replaces the Content-Security-Policy (the docs add Swagger UI's style hash to ours).
 */
export function securityHeaderValues (directives: typeof CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader (name: string, value: unknown) { headers[name.toLowerCase()] = String(value) },
    removeHeader (name: string) { delete headers[name.toLowerCase()] }
  }
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS belongs to whoever terminates TLS (the proxy), not to a service that speaks plain HTTP.
    strictTransportSecurity: false
  })({} as IncomingMessage, response as unknown as ServerResponse, () => {})
  return headers
}

// Sets helmet's headers (nosniff, frame denial, CSP, referrer policy) on every response, and registers @fastify/cors
// when CORS_ORIGIN allows other origins (off by default: the web page and the docs are same-origin).
// helmet stays the source of truth but runs once, at start-up: @fastify/helmet rebuilds every helmet middleware on
// each request, and even a helmet built once costs eleven setHeader calls per request (see BENCHMARKS.md).
export default fp(async function securityHeaders (app) {
  const headers = securityHeaderValues()
  app.addHook('onRequest', function securityHeaders (_request, reply, done) {
    reply.headers(headers)
    done()
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
