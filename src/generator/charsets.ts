export type CharacterClassName = 'lowercase' | 'uppercase' | 'digits' | 'symbols'

export interface CharacterClass {
  readonly name: CharacterClassName
  readonly characters: string
}

/**
 * The four character classes, in the fixed order in which they make up a password's alphabet. `symbols` is the
 * 32 printable ASCII punctuation characters (every printable, non-space ASCII character that is not a letter or a
 * digit), so all four together are the 94 printable ASCII characters other than space.
 */
export const CHARACTER_CLASSES: readonly CharacterClass[] = Object.freeze([
  Object.freeze({ name: 'lowercase', characters: 'abcdefghijklmnopqrstuvwxyz' }),
  Object.freeze({ name: 'uppercase', characters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' }),
  Object.freeze({ name: 'digits', characters: '0123456789' }),
  Object.freeze({ name: 'symbols', characters: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' })
] as const)

export const CHARACTER_CLASS_NAMES: readonly CharacterClassName[] = Object.freeze(CHARACTER_CLASSES.map((c) => c.name))

/**
 * The characters `excludeAmbiguous` drops: only true look-alikes, characters that a person reading a password
 * off a screen or a sheet of paper can mistake for one another in common fonts.
 *
 *   I l 1 |   capital i, small L, one and the vertical bar: a single vertical stroke in many sans-serif fonts
 *   O 0 o     capital o, zero and small o
 *   ' " `     apostrophe, double quote (reads as two apostrophes) and backtick (reads as an apostrophe)
 *
 * Deliberately not included: pairs such as 5/S, 2/Z, 8/B and 6/G, which are distinct in the fonts people
 * actually use, and punctuation that is merely awkward to type or quote ({}[]()/\;:.,~ and so on). Removing
 * those would cost entropy without preventing misreadings; whoever needs them gone has the `exclude` option.
 */
export const AMBIGUOUS_CHARACTERS = 'Il1|O0o\'"`'
