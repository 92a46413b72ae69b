import { countValidPasswords, type PasswordPolicy } from '../../../src/generator/index.js'

/**
 * With requireEachClass every valid password is equally likely, so the chance of a given character at a given
 * position is the share of valid passwords that have it there: the other length - 1 characters may be anything but
 * must supply every other class, counted by inclusion–exclusion over the other classes they might miss. The same
 * for every position and for every character of a class; one probability per character of `policy.alphabet`.
 */
export function characterMarginals (policy: PasswordPolicy): number[] {
  const sizes = policy.classes.map((c) => c.characters.length)
  const total = sizes.reduce((a, b) => a + b, 0)
  const { length } = policy.options
  const valid = countValidPasswords(sizes, length, true)
  const perCharacter = sizes.map((_, i) => {
    const others = sizes.filter((_, j) => j !== i)
    let completions = 0n
    for (let missed = 0; missed < 1 << others.length; missed++) {
      let remaining = total
      let sign = 1n
      others.forEach((size, j) => { if (((missed >> j) & 1) === 1) { remaining -= size; sign = -sign } })
      completions += sign * BigInt(remaining) ** BigInt(length - 1)
    }
    return Number(completions) / Number(valid)
  })
  return policy.classes.flatMap((c, i) => [...c.characters].map(() => perCharacter[i]!))
}
