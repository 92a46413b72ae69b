import t from 'tap'
import { AMBIGUOUS_CHARACTERS, CHARACTER_CLASSES, CHARACTER_CLASS_NAMES } from '../../../src/generator/charsets.js'

function asciiWhere (test: (character: string) => boolean): string {
  let out = ''
  for (let code = 0x21; code <= 0x7e; code++) {
    const character = String.fromCharCode(code)
    if (test(character)) out += character
  }
  return out
}

t.test('the four classes, in order, are the 94 printable non-space ASCII characters', async (t) => {
  t.same(CHARACTER_CLASS_NAMES, ['lowercase', 'uppercase', 'digits', 'symbols'])
  t.same(CHARACTER_CLASSES.map((c) => c.name), CHARACTER_CLASS_NAMES)
  const [lowercase, uppercase, digits, symbols] = CHARACTER_CLASSES.map((c) => c.characters)
  t.equal(lowercase, asciiWhere((c) => c >= 'a' && c <= 'z'))
  t.equal(uppercase, asciiWhere((c) => c >= 'A' && c <= 'Z'))
  t.equal(digits, asciiWhere((c) => c >= '0' && c <= '9'))
  t.equal(symbols, asciiWhere((c) => !/[a-zA-Z0-9]/.test(c)))
  t.equal(symbols, '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')
  t.same(CHARACTER_CLASSES.map((c) => c.characters.length), [26, 26, 10, 32])
  t.equal(new Set(CHARACTER_CLASSES.map((c) => c.characters).join('')).size, 94)
})

t.test('the classes cannot be changed at run time', async (t) => {
  t.ok(Object.isFrozen(CHARACTER_CLASSES))
  t.ok(CHARACTER_CLASSES.every((c) => Object.isFrozen(c)))
  t.ok(Object.isFrozen(CHARACTER_CLASS_NAMES))
})

t.test('the ambiguous set is the published look-alikes, each in some class', async (t) => {
  t.equal(AMBIGUOUS_CHARACTERS, 'Il1|O0o\'"`')
  t.equal(new Set(AMBIGUOUS_CHARACTERS).size, AMBIGUOUS_CHARACTERS.length, 'no duplicates')
  const all = CHARACTER_CLASSES.map((c) => c.characters).join('')
  for (const character of AMBIGUOUS_CHARACTERS) {
    t.ok(all.includes(character), `${character} belongs to a class`)
  }
  // No class may be emptied by excludeAmbiguous alone.
  for (const c of CHARACTER_CLASSES) {
    t.ok([...c.characters].some((character) => !AMBIGUOUS_CHARACTERS.includes(character)), `${c.name} survives`)
  }
})
