import type { FastifyError } from 'fastify'
import fp from 'fastify-plugin'
import { GeneratorError } from '../src/generator/index.js'
import { HttpProblem, PROBLEM_TYPES, problem, sendProblem } from '../src/problems.js'
import type { ProblemBody } from '../src/schemas/problem.js'

// Fastify's own 4xx messages are written for clients and carry no secrets; these say what to do instead.
const CLIENT_ERROR_DETAILS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Send the options as a JSON body with Content-Type: application/json, or use GET with a query string.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The body is larger than this service accepts (BODY_LIMIT).',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Content-Type is application/json but the body is empty: send {} for the defaults.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body.'
}

type FieldError = NonNullable<ProblemBody['errors']>[number]

function fieldErrors (error: FastifyError): FieldError[] {
  const part = error.validationContext ?? 'body'
  return (error.validation ?? []).map((issue: { instancePath: string, params: unknown, message?: string }) => {
    const params = issue.params as Record<string, unknown>
    if (typeof params.additionalProperty === 'string') {
      return { in: part, field: params.additionalProperty, message: 'is not a known field' }
    }
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.')
    return { in: part, field: path, message: issue.message ?? 'is invalid' }
  })
}

// Sets the error and not-found handlers: every error leaves as application/problem+json with `success: false`;
// validation errors name the field, 5xx hide internals and are logged with the error.
export default fp(async function errors (app) {
  app.setErrorHandler(function handleError (error: FastifyError, request, reply) {
    if (error.validation !== undefined) {
      const issues = fieldErrors(error)
      const detail = issues.map((issue: FieldError) => `${issue.in}${issue.field === '' ? '' : '/' + issue.field} ${issue.message}`).join('; ')
      return sendProblem(request, reply, { ...problem(400, detail, PROBLEM_TYPES.validation), errors: issues })
    }
    if (error instanceof GeneratorError) {
      return sendProblem(request, reply, { ...problem(400, error.message, PROBLEM_TYPES.impossibleOptions), errors: [{ in: request.method === 'GET' ? 'querystring' : 'body', field: error.field, message: error.message }] })
    }
    if (error instanceof HttpProblem) {
      return sendProblem(request, reply, problem(error.statusCode, error.message, error.kind))
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      request.log.debug({ code: error.code, status }, 'client error')
      // Fastify's own 4xx messages (bad JSON, media type, body size) are written for clients and carry no secrets.
      return sendProblem(request, reply, problem(status, CLIENT_ERROR_DETAILS[error.code] ?? error.message))
    }
    request.log.error({ err: error }, 'request failed')
    const code = status >= 500 && status < 600 ? status : 500
    return sendProblem(request, reply, problem(code, 'The server could not complete the request. Quote the request id when reporting it.'))
  })

  // The methods of each fixed path, so that a path the service has, asked with a method it lacks, is a 405 with Allow
  // (RFC 9110 15.5.6) instead of a 404. Paths with parameters or wildcards (the page's /assets/*) stay 404s.
  const methodsOf = new Map<string, string[]>()
  app.addHook('onRoute', (route) => {
    if (/[:*]/.test(route.url)) {
      return
    }
    const methods = methodsOf.get(route.url) ?? []
    methodsOf.set(route.url, [...new Set([...methods, ...[route.method].flat()])].sort())
  })

  app.setNotFoundHandler(function handleNotFound (request, reply) {
    const path = request.url.split('?')[0] ?? ''
    const allowed = methodsOf.get(path)
    if (allowed !== undefined) {
      reply.header('allow', allowed.join(', '))
      return sendProblem(request, reply, problem(405, `${request.method} is not allowed on ${path}: use ${allowed.join(', ')}. The API is described at /docs.`))
    }
    return sendProblem(request, reply, problem(404, `There is no ${request.method} ${path.slice(0, 200)}. The API is described at /docs.`))
  })
}, { name: 'errors', fastify: '5.x' })
