import { Type, type Static } from 'typebox'
import { ref } from './ref.js'

export const FieldError = Type.Object({
  in: Type.String({ description: 'Part of the request: body, querystring, headers or params.', examples: ['body'] }),
  field: Type.String({ description: 'Name of the offending field; empty for the whole part.', examples: ['length'] }),
  message: Type.String({ examples: ['must be <= 128'] })
}, { $id: 'FieldError', additionalProperties: false })

// RFC 9457 problem details; `success: false` keeps clients of the old service, which test `success`, working.
export const Problem = Type.Object({
  type: Type.String({ description: 'URI reference naming the kind of problem; `about:blank` when the status says it all.', examples: ['urn:password-generator:problem:validation'] }),
  title: Type.String({ description: 'Short summary of the kind of problem.', examples: ['Invalid request'] }),
  status: Type.Integer({ minimum: 400, maximum: 599, examples: [400] }),
  detail: Type.String({ description: 'What went wrong with this request and what to change.', examples: ['body/length must be <= 128'] }),
  success: Type.Literal(false),
  requestId: Type.Optional(Type.String({ description: 'The X-Request-Id of the request, for support.' })),
  errors: Type.Optional(Type.Array(ref(FieldError), { description: 'Each invalid field (validation errors only).' }))
}, {
  $id: 'Problem',
  additionalProperties: false,
  description: 'An error, as application/problem+json (RFC 9457).',
  examples: [{ type: 'urn:password-generator:problem:validation', title: 'Invalid request', status: 400, detail: 'body/length must be <= 128', success: false, requestId: 'req-1', errors: [{ in: 'body', field: 'length', message: 'must be <= 128' }] }]
})

export type ProblemBody = Static<typeof Problem>
