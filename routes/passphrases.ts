import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { WORDLIST, generatePassphrases, passphraseEntropy, strengthOf } from '../src/generator/index.js'
import { API_ERRORS, emptyBodyMeansDefaults, problemResponses, secretMediaType, secretResponse, sendSecrets } from '../src/http/secret-reply.js'
import { PassphraseQuery, PassphraseRequest, PassphraseResponse, type PassphraseRequestBody, type PassphraseResponseBody } from '../src/schemas/passphrase.js'
import { ref } from '../src/schemas/ref.js'

function generate (request: Required<PassphraseRequestBody>): { body: PassphraseResponseBody, secrets: string[] } {
  const { count, ...options } = request
  const passphrases = generatePassphrases(options, count)
  const entropyBits = passphraseEntropy(options)
  const strength = strengthOf(entropyBits)
  const body: PassphraseResponseBody = {
    success: true,
    passphrase: passphrases[0] as string,
    words: options.words,
    separator: options.separator,
    capitalize: options.capitalize,
    includeNumber: options.includeNumber,
    entropyBits: Math.round(entropyBits * 100) / 100,
    strength: strength.label,
    crackTimes: strength.crackTimes
  }
  if (count > 1) {
    body.passphrases = passphrases
  }
  return { body, secrets: passphrases }
}

const description = `Draws each word uniformly from the ${WORDLIST.name} (${WORDLIST.size} words, SHA-256 ` +
  `${WORDLIST.sha256}). \`entropyBits\` = words x log2(${WORDLIST.size}), plus log2(10 x words) with ` +
  '`includeNumber`; `capitalize` adds nothing (every word is capitalised).'

const errors = {
  400: 'Invalid options: a value out of range or of the wrong type, or an unknown field.',
  ...API_ERRORS
}

// POST and GET /api/passphrase: diceware-style passphrases from the EFF large wordlist.
const passphrases: FastifyPluginAsyncTypebox = async function passphrases (app) {
  app.post('/api/passphrase', {
    config: { rateLimited: true },
    preValidation: emptyBodyMeansDefaults,
    schema: {
      operationId: 'generatePassphrase',
      tags: ['passphrases'],
      summary: 'Generate passphrases (JSON body)',
      description,
      body: ref(PassphraseRequest),
      response: {
        200: secretResponse(PassphraseResponse, 'The passphrases, one per line.'),
        ...problemResponses({ ...errors, 413: 'The body is larger than BODY_LIMIT.', 415: 'The body is not application/json.' })
      }
    }
  }, async function passphraseFromBody (request, reply) {
    const mediaType = secretMediaType(request)
    const { body, secrets } = generate(request.body as Required<PassphraseRequestBody>)
    app.metrics.passphrasesGenerated.inc(secrets.length)
    return sendSecrets(reply, mediaType, body, secrets)
  })

  app.get('/api/passphrase', {
    config: { rateLimited: true },
    schema: {
      operationId: 'generatePassphraseFromQuery',
      tags: ['passphrases'],
      summary: 'Generate passphrases (query string)',
      description: description + ' Example: `curl -s -H "Accept: text/plain" "localhost:5000/api/passphrase?words=5&separator=%20"`.',
      querystring: PassphraseQuery,
      response: {
        200: secretResponse(PassphraseResponse, 'The passphrases, one per line.'),
        ...problemResponses(errors)
      }
    }
  }, async function passphraseFromQuery (request, reply) {
    const mediaType = secretMediaType(request)
    const { body, secrets } = generate(request.query as Required<PassphraseRequestBody>)
    app.metrics.passphrasesGenerated.inc(secrets.length)
    return sendSecrets(reply, mediaType, body, secrets)
  })
}

export default passphrases
