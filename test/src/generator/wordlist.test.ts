import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { WORDLIST, WORDLIST_PATH, WORDS, loadWordlist, parseWordlist } from '../../../src/generator/wordlist.js'
import { packageRoot as root } from '../../../src/paths.js'
const text = readFileSync(join(root, 'data', 'eff_large_wordlist.txt'), 'utf8')

t.test('the shipped file is the EFF large wordlist, byte for byte', async (t) => {
  t.equal(WORDLIST_PATH, join(root, 'data', 'eff_large_wordlist.txt'))
  const sha256 = createHash('sha256').update(readFileSync(WORDLIST_PATH)).digest('hex')
  t.equal(sha256, 'addd35536511597a02fa0a9ff1e5284677b8883b83e986e43f15a3db996b903e')
  t.equal(WORDLIST.sha256, sha256)
  t.equal(WORDLIST.size, 7776)
  t.equal(WORDLIST.name, 'EFF large wordlist (eff_large_wordlist.txt, 2016-07-18)')
  t.ok(Object.isFrozen(WORDLIST))
})

t.test('WORDS holds the 7,776 distinct words in dice order', async (t) => {
  t.equal(WORDS.length, 7776)
  t.equal(new Set(WORDS).size, 7776)
  t.equal(WORDS[0], 'abacus')
  t.equal(WORDS[7775], 'zoom')
  t.ok(Object.isFrozen(WORDS))
  t.same(WORDS.filter((word) => word.includes('-')), ['drop-down', 'felt-tip', 't-shirt', 'yo-yo'])
  t.ok(WORDS.every((word) => /^[a-z](?:[a-z-]*[a-z])?$/.test(word)), 'lowercase letters and inner hyphens only')
})

t.test('the list is prefix-free, so passphrases read back unambiguously', async (t) => {
  const words = new Set(WORDS)
  const prefixes = WORDS.flatMap((word) => [...word].map((_, end) => word.slice(0, end)).filter((p) => words.has(p)))
  t.same(prefixes, [])
  // Splitting on "-" is what breaks for the hyphenated words, not decoding: none of their halves that start a
  // word is itself a word.
  t.same(['drop', 'felt', 't', 'yo'].filter((half) => words.has(half)), [])
})

t.test('parseWordlist accepts the real text and rejects damaged ones', async (t) => {
  t.same(parseWordlist(text), WORDS)
  t.same(parseWordlist(text.slice(0, -1)), WORDS, 'a missing final newline is fine')
  const lines = text.slice(0, -1).split('\n')
  const variant = (edit: (lines: string[]) => string[]): string => edit([...lines]).join('\n') + '\n'
  t.throws(() => parseWordlist(variant((l) => l.slice(1))), { message: 'wordlist has 7775 words, expected 7776' })
  t.throws(() => parseWordlist(variant((l) => [...l, '66667\tzzz'])), /line 7777 is not/)
  t.throws(() => parseWordlist(variant((l) => { l[1] = '11111\tabacus'; return l })), { message: 'wordlist has 1 duplicate words' })
  t.throws(() => parseWordlist(variant((l) => { l[1] = '11112\taba'; return l })), { message: 'wordlist is not prefix-free: "aba" begins "abacus"' })
  t.throws(() => parseWordlist(variant((l) => { l[5] = '11116 abroad'; return l })), /line 6 is not "<5 dice digits><TAB><word>": "11116 abroad"/)
  t.throws(() => parseWordlist(variant((l) => { l[5] = '11116\tabroad7'; return l })), /line 6/, 'no digits in words')
  t.throws(() => parseWordlist(variant((l) => { l[5] = '11116\tabroad\r'; return l })), /line 6/, 'no CRLF')
})

t.test('loadWordlist refuses a file whose SHA-256 differs', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'wordlist-'))
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  const path = join(base, 'eff_large_wordlist.txt')
  writeFileSync(path, text.replace('\tzoom\n', '\tzoo\n'))
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex')
  t.throws(() => loadWordlist(path), {
    message: `${path} has SHA-256 ${sha256}, expected ${WORDLIST.sha256}: it must be eff_large_wordlist.txt exactly as EFF publishes it`
  })
  writeFileSync(path, text)
  t.same(loadWordlist(path), WORDS)
})
