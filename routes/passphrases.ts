import type { FastifyPluginAsync } from 'fastify'
import { WORDLIST, generatePassphrases, passphraseEntropy, strengthOf } from '../src/generator/index.js'
import { registerGeneratorEndpoint } from '../src/http/generator-routes.js'
import { PassphraseQuery, PassphraseRequest, PassphraseResponse, type PassphraseRequestBody, type PassphraseResponseBody } from '../src/schemas/passphrase.js'

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

// POST and GET /api/passphrase: diceware-style passphrases from the EFF large wordlist.
const passphrases: FastifyPluginAsync = async function passphrases (app) {
  registerGeneratorEndpoint<Required<PassphraseRequestBody>>(app, {
    path: '/api/passphrase',
    operationId: 'generatePassphrase',
    tag: 'passphrases',
    noun: 'passphrases',
    description,
    example: 'curl -s -H "Accept: text/plain" "localhost:5000/api/passphrase?words=5&separator=%20"',
    body: PassphraseRequest,
    query: PassphraseQuery,
    response: PassphraseResponse,
    badRequest: 'Invalid options: a value out of range or of the wrong type, or an unknown field.',
    generate,
    counter: (app) => app.metrics.passphrasesGenerated
  })
}

export default passphrases
