import { timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HttpProblem } from '../src/problems.js'
import { problemResponses } from '../src/http/secret-reply.js'

function sameToken (given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

// GET /metrics: Prometheus text for the whole service (all workers). Never rate limited; behind a bearer token when
// METRICS_TOKEN is set.
const metrics: FastifyPluginAsyncTypebox = async function metrics (app) {
  const token = app.config.METRICS_TOKEN
  app.get('/metrics', {
    logLevel: 'warn',
    schema: {
      operationId: 'metrics',
      tags: ['health'],
      summary: 'Prometheus metrics',
      security: [{ metricsToken: [] }, {}],
      description: 'Request counts and durations by route and status, passwords and passphrases generated, rate-limit rejections, Redis up, process metrics; aggregated over all workers. Needs `Authorization: Bearer <METRICS_TOKEN>` when that setting is set.',
      response: {
        200: { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } },
        ...problemResponses({ 401: 'METRICS_TOKEN is set and the request did not carry it.', 503: 'The figures could not be gathered from the workers.' })
      }
    }
  }, async function scrape (request, reply) {
    if (token !== '') {
      const header = request.headers.authorization ?? ''
      if (!header.startsWith('Bearer ') || !sameToken(header.slice(7), token)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"')
        throw new HttpProblem(401, 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.')
      }
    }
    let result
    try {
      result = await app.metrics.scrape()
    } catch (error) {
      request.log.error({ err: error }, 'metrics scrape failed')
      throw new HttpProblem(503, 'The metrics of the workers could not be gathered; try again.')
    }
    return reply.header('cache-control', 'no-store').type(result.contentType).send(result.text)
  })
}

export default metrics
