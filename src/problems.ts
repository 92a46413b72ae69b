import { STATUS_CODES } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ProblemBody } from './schemas/problem.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

/** The problem types this service defines; anything else is `about:blank` with the HTTP status' own title. */
export const PROBLEM_TYPES = {
  validation: { type: 'urn:password-generator:problem:validation', title: 'Invalid request' },
  impossibleOptions: { type: 'urn:password-generator:problem:impossible-options', title: 'Options cannot be satisfied' },
  rateLimited: { type: 'urn:password-generator:problem:rate-limited', title: 'Too many requests' },
  unavailable: { type: 'urn:password-generator:problem:unavailable', title: 'Service unavailable' }
} as const

export function problem (status: number, detail: string, kind?: { type: string, title: string }): ProblemBody {
  return {
    type: kind?.type ?? 'about:blank',
    title: kind?.title ?? STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    success: false
  }
}

/** Sends `body` as the answer to `request`, with its status, the problem media type and the request id. */
export function sendProblem (request: FastifyRequest, reply: FastifyReply, body: ProblemBody): FastifyReply {
  body.requestId = request.id
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body)
}

/** An error that leaves as exactly this problem: thrown by routes and hooks, turned into the reply by the error handler. */
export class HttpProblem extends Error {
  constructor (readonly statusCode: number, detail: string, readonly kind?: { type: string, title: string }) {
    super(detail)
  }
}
