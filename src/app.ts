import { randomUUID } from 'node:crypto'
import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import configPlugin from '../plugins/config.js'
import errorsPlugin from '../plugins/errors.js'
import healthPlugin from '../plugins/health.js'
import metricsPlugin from '../plugins/metrics.js'
import rateLimitPlugin from '../plugins/rate-limit.js'
import redisPlugin from '../plugins/redis.js'
import schemasPlugin from '../plugins/schemas.js'
import securityHeadersPlugin from '../plugins/security-headers.js'
import swaggerPlugin from '../plugins/swagger.js'
import validationPlugin from '../plugins/validation.js'
import healthRoutes from '../routes/health.js'
import metricsRoutes from '../routes/metrics.js'
import passphraseRoutes from '../routes/passphrases.js'
import pageRoutes from '../routes/page.js'
import passwordRoutes from '../routes/passwords.js'
import { trustProxy, type Config } from './config.js'
import { logOutput } from './logging.js'
import { PROBLEM_CONTENT_TYPE, problem, sendProblem } from './problems.js'

export interface BuildOptions {
  /** Where logs go (tests capture them); stdout when absent. */
  logStream?: NodeJS.WritableStream
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

// An incoming X-Request-Id is kept when it is a sane token (a proxy's or a caller's), else replaced: ids end up in logs.
function requestId (request: IncomingMessage): string {
  const incoming = request.headers['x-request-id']
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
}

// One line per request when it completes (method, url, status, time) instead of Fastify's two. Routes with a raised
// logLevel (the probes) stay out of the info log. Bodies are never logged: they carry the secrets.
class RequestLog extends LogController {
  override incomingRequest (): void {}

  override requestCompleted (error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 1000) / 1000 }
    if (error === null || error === undefined) {
      reply.log.info(line, 'request completed')
    } else {
      reply.log.error({ ...line, err: error }, 'request errored')
    }
  }
}

// Errors Node's HTTP parser finds before there is a request (malformed HTTP, headers over 16 KB, REQUEST_TIMEOUT
// exceeded) leave as problem+json too, written straight to the socket; a client's mistake logs no stack.
function clientErrorHandler (this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) {
    return
  }
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
  const detail = status === 408
    ? 'The request was not received in time (REQUEST_TIMEOUT).'
    : status === 431 ? 'The request headers are larger than this service accepts.' : 'The request is not valid HTTP/1.1.'
  this.log.debug({ code: error.code, status }, 'client error')
  if (socket.writable) {
    const body = JSON.stringify({ ...problem(status, detail), requestId: randomUUID() })
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy()
}

// A path that is not valid percent-encoded UTF-8 (/docs/%zz) is found by the router before any hook or handler runs.
function frameworkErrors (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 400
  void sendProblem(request, reply, problem(status, 'The path is not valid percent-encoded UTF-8.'))
}

/** The only place Fastify() is called: every server option lives here. */
export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const logger: FastifyServerOptions['logger'] = {
    level: config.LOG_LEVEL,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    ...(options.logStream === undefined ? logOutput() : { stream: options.logStream })
  }
  const app = Fastify({
    logger,
    bodyLimit: config.BODY_LIMIT,
    logController: new RequestLog({ requestIdLogLabel: 'reqId' }),
    requestIdHeader: false,
    genReqId: requestId,
    trustProxy: trustProxy(config),
    requestTimeout: config.REQUEST_TIMEOUT * 1000,
    // Node checks request deadlines every connectionsCheckingInterval (30 s by default): without this a slow client
    // outlives REQUEST_TIMEOUT by up to 30 s. (headersTimeout follows: min(60 s, requestTimeout).)
    http: { requestTimeout: config.REQUEST_TIMEOUT * 1000, connectionsCheckingInterval: Math.min(1000, config.REQUEST_TIMEOUT * 250) },
    clientErrorHandler,
    frameworkErrors,
    // In-flight and keep-alive requests are still served while closing (with Connection: close), never refused.
    return503OnClosing: false
  }).withTypeProvider<TypeBoxTypeProvider>()

  // Set when the request arrives (synchronously: no promise per request), so every answer carries it, errors too.
  app.addHook('onRequest', function echoRequestId (request, reply, done) {
    reply.header('x-request-id', request.id)
    done()
  })
  // JSON is the only body the API takes; without this, text/plain bodies would reach validation instead of a 415.
  app.removeContentTypeParser('text/plain')

  await app.register(configPlugin, { config })
  await app.register(schemasPlugin)
  await app.register(validationPlugin)
  await app.register(errorsPlugin)
  await app.register(healthPlugin)
  await app.register(redisPlugin)
  await app.register(metricsPlugin)
  await app.register(securityHeadersPlugin)
  await app.register(rateLimitPlugin)
  await app.register(swaggerPlugin)

  await app.register(healthRoutes)
  await app.register(metricsRoutes)
  await app.register(passwordRoutes)
  await app.register(passphraseRoutes)
  await app.register(pageRoutes)
  return app
}
