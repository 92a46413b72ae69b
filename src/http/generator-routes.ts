import type { FastifyInstance } from 'fastify'
import type { Counter } from 'prom-client'
import type { TSchema } from 'typebox'
import { ref } from '../schemas/ref.js'
import { API_ERRORS, emptyBodyMeansDefaults, problemResponses, secretMediaType, secretResponse, sendSecrets } from './secret-reply.js'

export interface GeneratorEndpoint<Options> {
  path: string
  /** operationId of the POST form; the GET form appends `FromQuery`. */
  operationId: string
  tag: string
  /** Plural noun for summaries: "passwords". */
  noun: string
  description: string
  /** A curl example for the GET form. */
  example: string
  /** The $id'd body schema, the same options without $id for the query string, and the $id'd JSON answer. */
  body: TSchema
  query: TSchema
  response: TSchema
  /** What a 400 means for this endpoint. */
  badRequest: string
  /** Generates from options whose defaults validation has filled in; returns the JSON answer and the secrets. */
  generate: (options: Options) => { body: object, secrets: string[] }
  /** The metric that counts the secrets generated. */
  counter: (app: FastifyInstance) => Counter
}

/**
 * Registers the POST (JSON body) and GET (query string) forms of a generator endpoint: both rate limited, both
 * answering JSON or text/plain with the secrets never cached, both documented with every error they can answer.
 */
export function registerGeneratorEndpoint<Options> (app: FastifyInstance, endpoint: GeneratorEndpoint<Options>): void {
  const errors = { 400: endpoint.badRequest, ...API_ERRORS }
  const ok = secretResponse(endpoint.response, `The ${endpoint.noun}, one per line.`)
  const counter = endpoint.counter(app)
  const common = { config: { rateLimited: true }, tags: [endpoint.tag] }

  // Synchronous on purpose: nothing here waits, and Fastify sends what a plain handler throws as the error answer.
  function answer (options: unknown, request: Parameters<typeof secretMediaType>[0], reply: Parameters<typeof sendSecrets>[0]): void {
    const mediaType = secretMediaType(request)
    const { body, secrets } = endpoint.generate(options as Options)
    counter.inc(secrets.length)
    sendSecrets(reply, mediaType, body, secrets)
  }

  app.post(endpoint.path, {
    config: common.config,
    preValidation: emptyBodyMeansDefaults,
    schema: {
      operationId: endpoint.operationId,
      tags: common.tags,
      summary: `Generate ${endpoint.noun} (JSON body)`,
      description: endpoint.description,
      body: ref(endpoint.body),
      response: {
        200: ok,
        ...problemResponses({ ...errors, 413: 'The body is larger than BODY_LIMIT.', 415: 'The body is not application/json.' })
      }
    }
  }, (request, reply) => { answer(request.body, request, reply) })

  app.get(endpoint.path, {
    config: common.config,
    schema: {
      operationId: `${endpoint.operationId}FromQuery`,
      tags: common.tags,
      summary: `Generate ${endpoint.noun} (query string)`,
      description: `${endpoint.description} Example: \`${endpoint.example}\`.`,
      querystring: endpoint.query,
      response: { 200: ok, ...problemResponses(errors) }
    }
  }, (request, reply) => { answer(request.query, request, reply) })
}
