import { Type, type Static } from 'typebox'
import { ref } from './ref.js'
import { CrackTimes, StrengthLabel } from './strength.js'

const passphraseOptions = {
  words: Type.Optional(Type.Integer({ minimum: 3, maximum: 20, default: 6, description: 'Number of words from the EFF large wordlist (7,776 words).' })),
  // Control characters (newlines above all) would split a passphrase across lines of the text/plain answer.
  separator: Type.Optional(Type.String({ default: '-', maxLength: 8, pattern: '^\\P{Cc}*$', description: 'Text placed between words (may be empty; no control characters such as newlines or tabs).' })),
  capitalize: Type.Optional(Type.Boolean({ default: false, description: 'Capitalise the first letter of every word (adds no entropy).' })),
  includeNumber: Type.Optional(Type.Boolean({ default: false, description: 'Append one random digit to one random word (adds log2(10 x words) bits).' })),
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 1, description: 'How many passphrases to generate.' }))
}

export const PassphraseRequest = Type.Object(passphraseOptions, {
  $id: 'PassphraseRequest',
  additionalProperties: false,
  description: 'Every field is optional.',
  examples: [{ words: 6 }, { words: 5, separator: ' ', capitalize: true, includeNumber: true }]
})

export const PassphraseQuery = Type.Object(passphraseOptions, { additionalProperties: false })

export type PassphraseRequestBody = Static<typeof PassphraseRequest>

export const PassphraseResponse = Type.Object({
  success: Type.Literal(true),
  passphrase: Type.String({ description: 'The (first) passphrase.' }),
  words: Type.Integer(),
  separator: Type.String(),
  capitalize: Type.Boolean(),
  includeNumber: Type.Boolean(),
  passphrases: Type.Optional(Type.Array(Type.String(), { description: 'All the passphrases, when count > 1.' })),
  entropyBits: Type.Number({ description: 'words x log2(7776), plus log2(10 x words) with includeNumber.' }),
  strength: ref(StrengthLabel),
  crackTimes: ref(CrackTimes)
}, {
  $id: 'PassphraseResponse',
  additionalProperties: false,
  examples: [{
    success: true,
    passphrase: 'cactus-unfasten-dreamy-rebel-snowplow-obtain',
    words: 6,
    separator: '-',
    capitalize: false,
    includeNumber: false,
    entropyBits: 77.55,
    strength: 'strong',
    crackTimes: {
      onlineThrottled: { guessesPerSecond: 0.0278, seconds: 3.8e24, display: 'centuries' },
      offlineSlowHash: { guessesPerSecond: 10000, seconds: 1.1e19, display: 'centuries' },
      offlineFastHash: { guessesPerSecond: 10000000000, seconds: 1.1e13, display: 'centuries' }
    }
  }]
})

export type PassphraseResponseBody = Static<typeof PassphraseResponse>
