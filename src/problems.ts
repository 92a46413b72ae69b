import { STATUS_CODES } from 'node:http'
import type { ProblemBody } from './schemas/problem.js'

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

/** An error that leaves as exactly this problem: thrown by routes and hooks, turned into the reply by the error handler. */
export class HttpProblem extends Error {
  constructor (readonly statusCode: number, detail: string, readonly kind?: { type: string, title: string }) {
    super(detail)
  }
}
