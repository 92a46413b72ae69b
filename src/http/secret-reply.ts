import Negotiator from 'negotiator'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TSchema } from 'typebox'
import { HttpProblem } from '../problems.js'
import { ref } from '../schemas/ref.js'
import { Problem } from '../schemas/problem.js'

const MEDIA_TYPES = ['application/json', 'text/plain'] as const
type MediaType = typeof MEDIA_TYPES[number]

/** Picks JSON or plain text from the Accept header; no header means JSON. Throws a 406 for anything else. */
export function secretMediaType (request: FastifyRequest): MediaType {
  const accept = request.headers.accept
  if (accept === undefined || accept === '') {
    return 'application/json'
  }
  const chosen = new Negotiator({ headers: { accept } }).mediaType([...MEDIA_TYPES]) as MediaType | undefined
  if (chosen === undefined) {
    throw new HttpProblem(406, `Cannot answer with ${accept.slice(0, 100)}: this endpoint answers application/json or text/plain.`)
  }
  return chosen
}

/** Sends generated secrets: never cacheable, JSON or one secret per line. */
export function sendSecrets (reply: FastifyReply, mediaType: MediaType, body: object, secrets: readonly string[]): FastifyReply {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache').header('vary', 'Accept')
  if (mediaType === 'text/plain') {
    return reply.type('text/plain; charset=utf-8').send(secrets.join('\n') + '\n')
  }
  return reply.send(body)
}

const problemContent = { 'application/problem+json': { schema: ref(Problem) } }

/** The documented error answers of an endpoint, all with the shared problem schema. */
export function problemResponses (statuses: Record<number, string>) {
  return Object.fromEntries(Object.entries(statuses).map(([status, description]) => [status, { description, content: problemContent }]))
}

/** The errors every rate-limited API endpoint can answer, besides its own. */
export const API_ERRORS = {
  406: 'The Accept header allows neither application/json nor text/plain.',
  429: 'Rate limit exceeded: Retry-After says when to try again; RateLimit and RateLimit-Policy describe the budget.',
  500: 'Unexpected error; details are logged under the request id.',
  503: 'The rate-limit store (Redis) is unreachable and RATE_LIMIT_FAIL_OPEN is false.'
}

const rateLimitHeaders = {
  RateLimit: { type: 'string', description: 'Remaining requests and seconds until the window resets (IETF draft), e.g. `"api";r=99;t=60`.' },
  'RateLimit-Policy': { type: 'string', description: 'The quota: requests per window in seconds (IETF draft), e.g. `"api";q=100;w=60`.' }
}

/** The success answer of a secret-carrying endpoint in both media types. */
export function secretResponse (schema: TSchema, textDescription: string) {
  return {
    description: 'Generated. JSON by default; with `Accept: text/plain` just the secrets, one per line. Never cacheable.',
    headers: { 'Cache-Control': { type: 'string', description: 'Always `no-store`.' }, ...rateLimitHeaders },
    content: {
      'application/json': { schema: ref(schema) },
      'text/plain': { schema: Type.String({ description: textDescription }) }
    }
  }
}

/** A POST without any body gets the defaults, like `{}`: every option is optional. */
export function emptyBodyMeansDefaults (request: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  if (request.body === undefined || request.body === null) {
    request.body = {}
  }
  done()
}
