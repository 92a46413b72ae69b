import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AMBIGUOUS_CHARACTERS, createPasswordPolicy, generatePasswords, strengthOf } from '../src/generator/index.js'
import { API_ERRORS, emptyBodyMeansDefaults, problemResponses, secretMediaType, secretResponse, sendSecrets } from '../src/http/secret-reply.js'
import { PasswordQuery, PasswordRequest, PasswordResponse, type PasswordRequestBody, type PasswordResponseBody } from '../src/schemas/password.js'
import { ref } from '../src/schemas/ref.js'

function generate (request: Required<PasswordRequestBody>): { body: PasswordResponseBody, secrets: string[] } {
  const { count, ...options } = request
  const policy = createPasswordPolicy(options)
  const passwords = generatePasswords(policy, count)
  const strength = strengthOf(policy.entropyBits)
  const body: PasswordResponseBody = {
    success: true,
    password: passwords[0] as string,
    length: options.length,
    options: {
      uppercase: options.uppercase,
      lowercase: options.lowercase,
      digits: options.digits,
      symbols: options.symbols,
      excludeAmbiguous: options.excludeAmbiguous,
      exclude: options.exclude,
      requireEachClass: options.requireEachClass
    },
    entropyBits: Math.round(policy.entropyBits * 100) / 100,
    strength: strength.label,
    crackTimes: strength.crackTimes
  }
  if (count > 1) {
    body.passwords = passwords
  }
  return { body, secrets: passwords }
}

const description = 'Draws each password uniformly from every password the options allow: the effective alphabet is ' +
  `the enabled classes less \`exclude\` (and, with \`excludeAmbiguous\`, less \`${AMBIGUOUS_CHARACTERS}\`); with ` +
  '`requireEachClass` (default) candidates missing a class are rejected and drawn again, so all valid passwords stay ' +
  'equally likely. `entropyBits` is log2 of their exact number. Impossible options (no class, a class entirely ' +
  'excluded) are a 400 that says what to change.'

const errors = {
  400: 'Invalid options: a value out of range or of the wrong type, an unknown field, or options no password can satisfy.',
  ...API_ERRORS
}

// POST and GET /api/generate: the old service's endpoint, same body and field names, plus the new options.
const passwords: FastifyPluginAsyncTypebox = async function passwords (app) {
  app.post('/api/generate', {
    config: { rateLimited: true },
    preValidation: emptyBodyMeansDefaults,
    schema: {
      operationId: 'generatePassword',
      tags: ['passwords'],
      summary: 'Generate passwords (JSON body)',
      description,
      body: ref(PasswordRequest),
      response: {
        200: secretResponse(PasswordResponse, 'The passwords, one per line.'),
        ...problemResponses({
          ...errors,
          413: 'The body is larger than BODY_LIMIT.',
          415: 'The body is not application/json.'
        })
      }
    }
  }, async function generateFromBody (request, reply) {
    const mediaType = secretMediaType(request)
    const { body, secrets } = generate(request.body as Required<PasswordRequestBody>)
    app.metrics.passwordsGenerated.inc(secrets.length)
    return sendSecrets(reply, mediaType, body, secrets)
  })

  app.get('/api/generate', {
    config: { rateLimited: true },
    schema: {
      operationId: 'generatePasswordFromQuery',
      tags: ['passwords'],
      summary: 'Generate passwords (query string)',
      description: description + ' Example: `curl -s -H "Accept: text/plain" "localhost:5000/api/generate?length=24&symbols=false"`.',
      querystring: PasswordQuery,
      response: {
        200: secretResponse(PasswordResponse, 'The passwords, one per line.'),
        ...problemResponses(errors)
      }
    }
  }, async function generateFromQuery (request, reply) {
    const mediaType = secretMediaType(request)
    const { body, secrets } = generate(request.query as Required<PasswordRequestBody>)
    app.metrics.passwordsGenerated.inc(secrets.length)
    return sendSecrets(reply, mediaType, body, secrets)
  })
}

export default passwords
