import { Type, type Static } from 'typebox'

export const CrackTime = Type.Object({
  guessesPerSecond: Type.Number({ description: 'Attacker speed assumed.' }),
  seconds: Type.Number({ description: 'Expected time to find the secret: half the keyspace at that speed.' }),
  display: Type.String({ examples: ['centuries'] })
}, { $id: 'CrackTime', additionalProperties: false })

export const CrackTimes = Type.Object({
  onlineThrottled: Type.Unsafe<Static<typeof CrackTime>>({ $ref: 'CrackTime', description: 'A login form that allows 100 guesses per hour.' }),
  offlineSlowHash: Type.Unsafe<Static<typeof CrackTime>>({ $ref: 'CrackTime', description: 'A stolen bcrypt/scrypt/Argon2 hash: 10^4 guesses per second.' }),
  offlineFastHash: Type.Unsafe<Static<typeof CrackTime>>({ $ref: 'CrackTime', description: 'A stolen fast hash (e.g. unsalted SHA-256) on a GPU rig: 10^10 guesses per second.' })
}, { $id: 'CrackTimes', additionalProperties: false, description: 'Expected time to guess the secret, derived from entropyBits.' })

export const StrengthLabel = Type.Union(
  [Type.Literal('very weak'), Type.Literal('weak'), Type.Literal('fair'), Type.Literal('strong'), Type.Literal('very strong')],
  { $id: 'StrengthLabel', description: 'Label derived from entropyBits: <28 very weak, <36 weak, <60 fair, <128 strong, otherwise very strong.' }
)
