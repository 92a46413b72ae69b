import type { FastifyPluginAsync } from 'fastify'
import { AMBIGUOUS_CHARACTERS, createPasswordPolicy, generatePasswords, strengthOf } from '../src/generator/index.js'
import { registerGeneratorEndpoint } from '../src/http/generator-routes.js'
import { PasswordQuery, PasswordRequest, PasswordResponse, type PasswordRequestBody, type PasswordResponseBody } from '../src/schemas/password.js'

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

// POST and GET /api/generate: the old service's endpoint, same body and field names, plus the new options.
const passwords: FastifyPluginAsync = async function passwords (app) {
  registerGeneratorEndpoint<Required<PasswordRequestBody>>(app, {
    path: '/api/generate',
    operationId: 'generatePassword',
    tag: 'passwords',
    noun: 'passwords',
    description,
    example: 'curl -s -H "Accept: text/plain" "localhost:5000/api/generate?length=24&symbols=false"',
    body: PasswordRequest,
    query: PasswordQuery,
    response: PasswordResponse,
    badRequest: 'Invalid options: a value out of range or of the wrong type, an unknown field, or options no password can satisfy.',
    generate,
    counter: (app) => app.metrics.passwordsGenerated
  })
}

export default passwords
