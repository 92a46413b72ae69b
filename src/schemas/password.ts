import { Type, type Static } from 'typebox'
import { ref } from './ref.js'
import { CrackTimes, StrengthLabel } from './strength.js'

// The options, shared by the JSON body (POST) and the query string (GET); defaults are those of the old service.
const passwordOptions = {
  length: Type.Optional(Type.Integer({ minimum: 4, maximum: 128, default: 12, description: 'Number of characters.' })),
  uppercase: Type.Optional(Type.Boolean({ default: true, description: 'Use A-Z.' })),
  lowercase: Type.Optional(Type.Boolean({ default: true, description: 'Use a-z.' })),
  digits: Type.Optional(Type.Boolean({ default: true, description: 'Use 0-9.' })),
  symbols: Type.Optional(Type.Boolean({ default: true, description: 'Use the 32 ASCII punctuation characters !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' })),
  excludeAmbiguous: Type.Optional(Type.Boolean({ default: false, description: 'Leave out look-alike characters (the set is listed in the README and under GET /api/generate).' })),
  exclude: Type.Optional(Type.String({ default: '', maxLength: 256, description: 'Characters to leave out.' })),
  requireEachClass: Type.Optional(Type.Boolean({ default: true, description: 'Every enabled class appears at least once; all such passwords stay equally likely.' })),
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 1, description: 'How many passwords to generate.' }))
}

export const PasswordRequest = Type.Object(passwordOptions, {
  $id: 'PasswordRequest',
  additionalProperties: false,
  description: 'Every field is optional. The body of the old service, {length, uppercase, lowercase, digits, symbols}, is accepted as it was.',
  examples: [{ length: 20, symbols: false }, { length: 16, excludeAmbiguous: true, count: 5 }]
})

export const PasswordQuery = Type.Object(passwordOptions, { additionalProperties: false })

export type PasswordRequestBody = Static<typeof PasswordRequest>

export const PasswordResponse = Type.Object({
  success: Type.Literal(true),
  password: Type.String({ description: 'The (first) password.' }),
  length: Type.Integer(),
  options: Type.Object({
    uppercase: Type.Boolean(),
    lowercase: Type.Boolean(),
    digits: Type.Boolean(),
    symbols: Type.Boolean(),
    excludeAmbiguous: Type.Boolean(),
    exclude: Type.String(),
    requireEachClass: Type.Boolean()
  }, { additionalProperties: false }),
  passwords: Type.Optional(Type.Array(Type.String(), { description: 'All the passwords, when count > 1.' })),
  entropyBits: Type.Number({ description: 'log2 of the number of equally likely passwords these options allow.' }),
  strength: ref(StrengthLabel),
  crackTimes: ref(CrackTimes)
}, {
  $id: 'PasswordResponse',
  additionalProperties: false,
  examples: [{
    success: true,
    password: 'q7#Vd2!mLx9@Tc4&Wb',
    length: 18,
    options: { uppercase: true, lowercase: true, digits: true, symbols: true, excludeAmbiguous: false, exclude: '', requireEachClass: true },
    entropyBits: 117.69,
    strength: 'strong',
    crackTimes: {
      onlineThrottled: { guessesPerSecond: 0.0278, seconds: 4.6e36, display: 'centuries' },
      offlineSlowHash: { guessesPerSecond: 10000, seconds: 1.3e31, display: 'centuries' },
      offlineFastHash: { guessesPerSecond: 10000000000, seconds: 1.3e25, display: 'centuries' }
    }
  }]
})

export type PasswordResponseBody = Static<typeof PasswordResponse>
