import { randomInt } from 'node:crypto'
import t from 'tap'
import { countValidPasswords } from '../../../src/generator/entropy.js'
import { GeneratorError } from '../../../src/generator/errors.js'
import {
  MAX_PASSWORD_LENGTH, POLICY_CACHE_SIZE, attemptLimit, createPasswordPolicy, generatePassword, generatePasswordWithin,
  generatePasswords
} from '../../../src/generator/passwords.js'
import type { PasswordOptions, PasswordPolicy } from '../../../src/generator/passwords.js'
import { ALPHA, chiSquare, describe, uniform } from './chi-square.js'
import { characterMarginals } from './marginals.js'

// The classes and the ambiguous set written out independently of charsets.ts.
const CLASSES = [
  ['lowercase', 'abcdefghijklmnopqrstuvwxyz'],
  ['uppercase', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
  ['digits', '0123456789'],
  ['symbols', '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~']
] as const
type ClassName = typeof CLASSES[number][0]
const AMBIGUOUS = 'Il1|O0o\'"`'
const ALL = CLASSES.map(([, characters]) => characters).join('')

const defaults: PasswordOptions = {
  length: 16, lowercase: true, uppercase: true, digits: true, symbols: true, excludeAmbiguous: false, exclude: '', requireEachClass: true
}

function options (overrides: Partial<PasswordOptions>): PasswordOptions {
  return { ...defaults, ...overrides }
}

/** Keeps only the given characters of the classes: everything else of ALL goes into `exclude`. */
function keepOnly (characters: string): string {
  return [...ALL].filter((character) => !characters.includes(character)).join('')
}

/** The enabled classes with their remaining characters, computed from the option semantics. */
function expectedClasses (o: PasswordOptions): Array<{ name: ClassName, characters: string }> {
  const dropped = (o.excludeAmbiguous ? AMBIGUOUS : '') + o.exclude
  return CLASSES.filter(([name]) => o[name]).map(([name, characters]) => ({
    name, characters: [...characters].filter((character) => !dropped.includes(character)).join('')
  }))
}

/** Why a password breaks the policy's rules, or undefined if it keeps them. */
function violation (password: string, o: PasswordOptions): string | undefined {
  const classes = expectedClasses(o)
  const alphabet = classes.map((c) => c.characters).join('')
  if (password.length !== o.length) return `length ${password.length}, expected ${o.length}`
  const stray = [...password].find((character) => !alphabet.includes(character))
  if (stray !== undefined) return `contains ${JSON.stringify(stray)}, not in ${JSON.stringify(alphabet)}`
  if (o.requireEachClass) {
    const missing = classes.find((c) => ![...password].some((character) => c.characters.includes(character)))
    if (missing !== undefined) return `has no ${missing.name} character`
  }
  return undefined
}

function describeOptions (o: PasswordOptions): string {
  const on = CLASSES.filter(([name]) => o[name]).map(([name]) => name).join('+')
  return `${on} length ${o.length}${o.requireEachClass ? ' requireEachClass' : ''}${o.excludeAmbiguous ? ' excludeAmbiguous' : ''}` +
    (o.exclude === '' ? '' : ` exclude ${JSON.stringify(o.exclude)}`)
}

t.test('every combination of classes, requireEachClass and excludeAmbiguous at several lengths', async (t) => {
  let checked = 0
  for (let mask = 1; mask < 16; mask++) {
    const flags = Object.fromEntries(CLASSES.map(([name], i) => [name, (mask & (1 << i)) !== 0]))
    for (const requireEachClass of [false, true]) {
      for (const excludeAmbiguous of [false, true]) {
        for (const length of [4, 7, 32]) {
          const o = options({ ...flags, requireEachClass, excludeAmbiguous, length })
          const policy = createPasswordPolicy(o)
          const classes = expectedClasses(o)
          const sizes = classes.map((c) => c.characters.length)
          t.same(policy.classes, classes, `${describeOptions(o)}: classes`)
          t.equal(policy.alphabet, classes.map((c) => c.characters).join(''), `${describeOptions(o)}: alphabet`)
          const valid = countValidPasswords(sizes, length, requireEachClass)
          const expectedBits = requireEachClass ? Math.log2(Number(valid)) : length * Math.log2(policy.alphabet.length)
          t.ok(Math.abs(policy.entropyBits - expectedBits) < 1e-9 * expectedBits, `${describeOptions(o)}: entropy`)
          const problems = generatePasswords(policy, 25).map((password) => violation(password, o)).filter((v) => v !== undefined)
          t.same(problems, [], `${describeOptions(o)}: passwords keep the rules`)
          checked++
        }
      }
    }
  }
  t.equal(checked, 15 * 2 * 2 * 3)
})

t.test('requireEachClass holds at the shortest lengths it allows', async (t) => {
  for (const [flags, length] of [[{ uppercase: false, digits: false, symbols: false }, 1], [{ digits: false, symbols: false }, 2],
    [{ symbols: false }, 3], [{}, 4]] as const) {
    const o = options({ ...flags, length })
    const policy = createPasswordPolicy(o)
    const problems = generatePasswords(policy, 500).map((password) => violation(password, o)).filter((v) => v !== undefined)
    t.same(problems, [], describeOptions(o))
  }
})

t.test('without requireEachClass, passwords may miss a class', async (t) => {
  // 4 characters from a-z0-9 miss the digits with probability (26/36)^4 = 0.27; 300 passwords that all contain a
  // digit would be a 1e-41 event unless the rule were applied regardless.
  const policy = createPasswordPolicy(options({ length: 4, uppercase: false, symbols: false, requireEachClass: false }))
  t.equal(policy.acceptanceProbability, 1)
  t.ok(generatePasswords(policy, 300).some((password) => !/[0-9]/.test(password)))
})

t.test('random exclude sets are honoured, or refused with the right field and message', async (t) => {
  const junk = ['😀', 'é', ' ', '\t', '\u0000', '\ud800', 'ẞ', '€']
  const outcomes = { ok: 0, error: 0 }
  for (let round = 0; round < 300; round++) {
    const rate = [0, 0.2, 0.6, 0.95, 1][randomInt(5)]!
    let exclude = [...ALL].filter(() => randomInt(1_000_000) < rate * 1_000_000).join('')
    exclude += exclude.slice(0, randomInt(exclude.length + 1)) // duplicates
    exclude += junk.filter(() => randomInt(2) === 1).join('')
    const o = options({
      length: 1 + randomInt(12),
      lowercase: randomInt(2) === 1,
      uppercase: randomInt(2) === 1,
      digits: randomInt(2) === 1,
      symbols: randomInt(2) === 1,
      excludeAmbiguous: randomInt(2) === 1,
      requireEachClass: randomInt(2) === 1,
      exclude
    })
    const classes = expectedClasses(o)
    const empty = classes.find((c) => c.characters === '')
    let expected: { field: string, message: string } | undefined
    if (classes.length === 0) {
      expected = { field: 'lowercase', message: 'enable at least one of lowercase, uppercase, digits, symbols' }
    } else if (empty !== undefined) {
      expected = { field: 'exclude', message: `every ${empty.name} character is excluded: disable ${empty.name} or exclude fewer characters` }
    } else if (o.requireEachClass && classes.length > o.length) {
      expected = {
        field: 'length',
        message: `length ${o.length} is shorter than the ${classes.length} classes that must each appear: raise length or set requireEachClass to false`
      }
    }
    if (expected !== undefined) {
      t.throws(() => createPasswordPolicy(o), { name: 'GeneratorError', ...expected }, describeOptions(o))
      outcomes.error++
      continue
    }
    const policy = createPasswordPolicy(o)
    t.equal(policy.alphabet, classes.map((c) => c.characters).join(''), describeOptions(o))
    const problems = generatePasswords(policy, 20).map((password) => violation(password, o)).filter((v) => v !== undefined)
    t.same(problems, [], describeOptions(o))
    outcomes.ok++
  }
  t.ok(outcomes.ok > 50 && outcomes.error > 50, `both outcomes exercised: ${JSON.stringify(outcomes)}`)
})

t.test('characters outside every class, duplicates and any Unicode in exclude change nothing', async (t) => {
  const plain = createPasswordPolicy(options({}))
  const noisy = createPasswordPolicy(options({ exclude: '😀é \t\n\u0000\ud800€€€ẞ' }))
  t.equal(noisy.alphabet, plain.alphabet)
  t.equal(noisy.entropyBits, plain.entropyBits)
  t.equal(noisy.options.exclude, '😀é \t\n\u0000\ud800€€€ẞ', 'the options are kept as given')
  const twice = createPasswordPolicy(options({ exclude: 'aaaa%%%%', excludeAmbiguous: true }))
  t.equal(twice.alphabet, [...ALL].filter((c) => !'a%'.includes(c) && !AMBIGUOUS.includes(c)).join(''))
  t.equal(twice.alphabet.length, 94 - 2 - 10)
})

t.test('options no password can satisfy are GeneratorErrors naming the field to change', async (t) => {
  const cases: Array<[Partial<PasswordOptions>, string, string]> = [
    [{ lowercase: false, uppercase: false, digits: false, symbols: false }, 'lowercase',
      'enable at least one of lowercase, uppercase, digits, symbols'],
    [{ exclude: '0123456789' }, 'exclude', 'every digits character is excluded: disable digits or exclude fewer characters'],
    [{ exclude: '23456789', excludeAmbiguous: true }, 'exclude',
      'every digits character is excluded: disable digits or exclude fewer characters'],
    [{ exclude: keepOnly('aA0'), symbols: true }, 'exclude',
      'every symbols character is excluded: disable symbols or exclude fewer characters'],
    [{ length: 3 }, 'length', 'length 3 is shorter than the 4 classes that must each appear: raise length or set requireEachClass to false'],
    [{ length: 1, symbols: false, digits: false }, 'length',
      'length 1 is shorter than the 2 classes that must each appear: raise length or set requireEachClass to false'],
    [{ length: 0 }, 'length', `length must be a whole number from 1 to ${MAX_PASSWORD_LENGTH}`],
    [{ length: -4 }, 'length', `length must be a whole number from 1 to ${MAX_PASSWORD_LENGTH}`],
    [{ length: 8.5 }, 'length', `length must be a whole number from 1 to ${MAX_PASSWORD_LENGTH}`],
    [{ length: Number.NaN }, 'length', `length must be a whole number from 1 to ${MAX_PASSWORD_LENGTH}`],
    [{ length: MAX_PASSWORD_LENGTH + 1 }, 'length', `length must be a whole number from 1 to ${MAX_PASSWORD_LENGTH}`],
    [{ length: '16' as unknown as number }, 'length', `length must be a whole number from 1 to ${MAX_PASSWORD_LENGTH}`],
    [{ digits: 'yes' as unknown as boolean }, 'digits', 'digits must be true or false'],
    [{ requireEachClass: undefined as unknown as boolean }, 'requireEachClass', 'requireEachClass must be true or false'],
    [{ excludeAmbiguous: 1 as unknown as boolean }, 'excludeAmbiguous', 'excludeAmbiguous must be true or false'],
    [{ exclude: ['a'] as unknown as string }, 'exclude', 'exclude must be a string of characters']
  ]
  for (const [overrides, field, message] of cases) {
    t.throws(() => createPasswordPolicy(options(overrides)), { name: 'GeneratorError', field, message }, JSON.stringify(overrides))
    try {
      createPasswordPolicy(options(overrides))
    } catch (error) {
      t.ok(error instanceof GeneratorError)
    }
  }
  // The same length is fine once the rule is off.
  t.equal(generatePassword(createPasswordPolicy(options({ length: 3, requireEachClass: false }))).length, 3)
})

t.test('policies are immutable, memoised and evicted least recently used first', async (t) => {
  const o = options({ length: 21, exclude: 'xyz' })
  const policy = createPasswordPolicy(o)
  t.ok(Object.isFrozen(policy) && Object.isFrozen(policy.options) && Object.isFrozen(policy.classes))
  t.ok(policy.classes.every((c) => Object.isFrozen(c)))
  t.not(policy.options, o, 'the options are copied')
  t.same(policy.options, o)
  t.equal(createPasswordPolicy({ ...o }), policy, 'equal options give the same policy')
  const extra = { ...o, count: 5 } as PasswordOptions
  t.equal(createPasswordPolicy(extra), policy, 'unknown properties play no part')
  t.same(Object.keys(policy.options).sort(), Object.keys(o).sort())
  t.not(createPasswordPolicy(options({ length: 21, exclude: 'xy' })), policy)

  // Fill the cache with fresh option sets, touching `policy` half-way: it survives, an untouched one does not.
  const untouched = createPasswordPolicy(options({ length: 22, exclude: 'xyz' }))
  for (let i = 0; i < POLICY_CACHE_SIZE; i++) {
    if (i === POLICY_CACHE_SIZE / 2) t.equal(createPasswordPolicy(o), policy)
    createPasswordPolicy(options({ length: 100 + i, exclude: 'evict' }))
  }
  t.equal(createPasswordPolicy(o), policy, 'recently used entry survives')
  const rebuilt = createPasswordPolicy(options({ length: 22, exclude: 'xyz' }))
  t.not(rebuilt, untouched, 'least recently used entry was evicted')
  t.same(rebuilt, untouched, '...and is rebuilt equal')
})

t.test('the recency order holds when the same options come many times in a row (the common case)', async (t) => {
  // Keys with and without `exclude` (numbers and strings inside): the first and the third set differ only there.
  const [first, second, third] = [options({ length: 31 }), options({ length: 32 }), options({ length: 31, exclude: 'q' })]
  const policies = [first, second, third].map((o) => createPasswordPolicy(o))
  t.equal(new Set(policies).size, 3, 'three option sets, three policies')
  for (let i = 0; i < 5; i++) t.equal(createPasswordPolicy(first), policies[0], `repeat ${i + 1} of the first`)
  for (let i = 0; i < POLICY_CACHE_SIZE - 2; i++) createPasswordPolicy(options({ length: 200 + i }))
  // Of the three, the second is now the least recently used (then the third): the first was used last.
  t.equal(createPasswordPolicy(first), policies[0], 'the repeatedly used set survives')
  t.not(createPasswordPolicy(second), policies[1], 'the least recently used one was evicted')
})

t.test('generatePasswords and generatePassword guard their inputs', async (t) => {
  const policy = createPasswordPolicy(options({}))
  const passwords = generatePasswords(policy, 50)
  t.equal(passwords.length, 50)
  t.equal(new Set(passwords).size, 50, '50 random 16-character passwords do not repeat')
  for (const count of [0, -1, 2.5, Number.NaN]) {
    t.throws(() => generatePasswords(policy, count), { name: 'GeneratorError', field: 'count' })
  }
  const forged = { ...policy }
  t.throws(() => generatePassword(forged), { name: 'TypeError', message: 'the policy must come from createPasswordPolicy' })
  t.throws(() => generatePasswords(forged, 1), TypeError)
})

t.test('reaching the attempt cap is an internal error, not a GeneratorError', async (t) => {
  const policy = createPasswordPolicy(options({ length: 4 }))
  let thrown: unknown
  try {
    generatePasswordWithin(policy, 0)
  } catch (error) {
    thrown = error
  }
  t.ok(thrown instanceof Error && !(thrown instanceof GeneratorError), 'a plain Error')
  t.equal((thrown as Error).message, 'no password satisfying every class after 0 attempts; the random source is suspect')
  t.equal(generatePasswordWithin(policy, 1_000_000).length, 4)
})

t.test('attemptLimit: the least A with (1 - p)^A < 2^-100', async (t) => {
  for (const [valid, total] of [[768n, 1_500_625n], [1n, 2n], [528n, 625n], [999n, 1000n], [1n, 1000n]] as const) {
    const limit = attemptLimit(valid, total)
    const p = Number(valid) / Number(total)
    const log2Failure = (attempts: number): number => attempts * Math.log2(1 - p)
    t.ok(log2Failure(limit) < -100 && log2Failure(limit - 1) >= -100, `${valid}/${total}: ${limit}`)
  }
  t.equal(attemptLimit(1n, 2n), 101)
  t.equal(attemptLimit(5n, 5n), 1, 'nothing to reject')
  t.equal(attemptLimit(1n, 10n ** 12n), 1_000_000, 'the hard ceiling')
  t.throws(() => attemptLimit(0n, 5n), RangeError)
  t.throws(() => attemptLimit(6n, 5n), RangeError)
})

t.test('the worst case of rejection sampling is what passwords.ts documents', async (t) => {
  // Acceptance is smallest at length = number of classes (it only grows with length, checked below), where it is
  // k! * product of sizes / S^k. Search every class subset and every size exclusions can leave.
  const maxima = [26, 26, 10, 32]
  let worst = { p: 1, sizes: [] as number[] }
  const visit = (sizes: number[], remaining: number[]): void => {
    if (remaining.length === 0) {
      if (sizes.length === 0) return
      let p = 1
      const total = sizes.reduce((a, b) => a + b, 0)
      sizes.forEach((size, i) => { p *= (i + 1) * size / total })
      if (p < worst.p) worst = { p, sizes }
      return
    }
    const [max, ...rest] = remaining
    visit(sizes, rest) // class disabled
    for (let size = 1; size <= max!; size++) visit([...sizes, size], rest)
  }
  visit([], maxima)
  t.same(worst.sizes, [1, 1, 1, 32])

  const policy = createPasswordPolicy(options({ length: 4, exclude: keepOnly('aA0' + CLASSES[3][1]) }))
  t.equal(policy.alphabet.length, 35)
  t.equal(policy.acceptanceProbability, 768 / 1_500_625)
  t.ok(Math.abs(policy.acceptanceProbability - 5.118e-4) < 1e-7, 'p = 5.118e-4')
  t.ok(Math.abs(policy.acceptanceProbability - worst.p) < 1e-15, 'the search and the policy agree')
  t.equal(attemptLimit(768n, 1_500_625n), 135_403, 'cap 135,403 attempts, well under the hard ceiling')
  const ambiguous = createPasswordPolicy(options({ length: 4, excludeAmbiguous: true, exclude: keepOnly('aA2' + CLASSES[3][1]) }))
  t.ok(Math.abs(ambiguous.acceptanceProbability - 7.276e-4) < 1e-7, `with excludeAmbiguous: ${ambiguous.acceptanceProbability}`)

  let previous = 0
  for (let length = 4; length <= 64; length++) {
    const p = createPasswordPolicy(options({ length, exclude: keepOnly('aA0' + CLASSES[3][1]) })).acceptanceProbability
    t.ok(p >= previous, `p grows with length (${length}: ${p})`)
    previous = p
  }

  const start = performance.now()
  const problems = generatePasswords(policy, 300).map((password) => violation(password, policy.options)).filter((v) => v !== undefined)
  const milliseconds = (performance.now() - start) / 300
  t.same(problems, [])
  t.comment(`worst case: ${milliseconds.toFixed(3)} ms per password`)
  t.ok(milliseconds < 20, 'worst case stays cheap')
})

t.test('the engine is correct far beyond the HTTP bounds', async (t) => {
  const o = options({ length: MAX_PASSWORD_LENGTH })
  const policy = createPasswordPolicy(o)
  const password = generatePassword(policy)
  t.equal(violation(password, o), undefined)
  t.ok(Math.abs(policy.entropyBits - MAX_PASSWORD_LENGTH * Math.log2(94)) < 1e-6, 'every class is near-certain at this length')
  t.equal(policy.acceptanceProbability, 1, 'p is within 1e-16 of 1')
})

// --- Statistical tests. Each asserts p-value >= ALPHA (1e-6), see chi-square.ts. ---

/** Counts of (position, alphabet index) over `samples` passwords. */
function positionCounts (policy: PasswordPolicy, samples: number, make: () => string = () => generatePassword(policy)): Uint32Array[] {
  const { length } = policy.options
  const counts = Array.from({ length }, () => new Uint32Array(policy.alphabet.length))
  const index = new Map([...policy.alphabet].map((character, i) => [character, i]))
  for (let i = 0; i < samples; i++) {
    const password = make()
    for (let position = 0; position < length; position++) counts[position]![index.get(password[position]!)!]!++
  }
  return counts
}

/** "One of each class, fill from the whole alphabet, shuffle": the popular method, and biased. */
function placeFillShuffle (policy: PasswordPolicy): string {
  const characters = policy.classes.map((c) => c.characters[randomInt(c.characters.length)]!)
  while (characters.length < policy.options.length) characters.push(policy.alphabet[randomInt(policy.alphabet.length)]!)
  for (let i = characters.length - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    ;[characters[i], characters[j]] = [characters[j]!, characters[i]!]
  }
  return characters.join('')
}

t.test('without requireEachClass every position is uniform over the effective alphabet', async (t) => {
  const cases = [
    options({ length: 12, requireEachClass: false }),
    options({ length: 8, lowercase: false, symbols: false, excludeAmbiguous: true, exclude: 'XYZ789%😀', requireEachClass: false }),
    options({ length: 3, uppercase: false, digits: false, symbols: false, exclude: 'aeiou', requireEachClass: false })
  ]
  for (const o of cases) {
    const policy = createPasswordPolicy(o)
    const counts = positionCounts(policy, 12_000)
    counts.forEach((row, position) => {
      const result = chiSquare(row, uniform(policy.alphabet.length))
      t.ok(result.pValue >= ALPHA, `${describeOptions(o)}, position ${position}: ${describe(result)}`)
    })
  }
})

t.test('with requireEachClass every position follows the exact uniform-over-valid marginal', async (t) => {
  for (const o of [options({ length: 6, exclude: 'abcdefghijklmnopqrs' }), options({ length: 5, symbols: false, exclude: '2345678' })]) {
    const policy = createPasswordPolicy(o)
    const marginals = characterMarginals(policy)
    t.ok(Math.abs(marginals.reduce((a, b) => a + b, 0) - 1) < 1e-12, 'the marginals form a distribution')
    positionCounts(policy, 15_000).forEach((row, position) => {
      const result = chiSquare(row, marginals)
      t.ok(result.pValue >= ALPHA, `${describeOptions(o)}, position ${position}: ${describe(result)}`)
    })
  }
})

function binomial (n: number, k: number): number {
  let result = 1
  for (let i = 0; i < k; i++) result = result * (n - i) / (i + 1)
  return result
}

t.test('with requireEachClass the number of digits per password is distributed as uniformity predicts', async (t) => {
  // The default policy (16 characters, all 94). Among valid passwords, the share with exactly d digits is
  // C(16, d) * 10^d * (valid 16-d character strings over the other three classes) / (all valid passwords).
  // Place-fill-shuffle gives 1 + Binomial(12, 10/94) digits instead: 26% of its passwords have one digit where
  // uniformity says 38%, which this test must notice (expected statistic about 680 against a critical value
  // near 40 at 10,000 samples).
  const policy = createPasswordPolicy(defaults)
  const sizes = [26, 26, 32]
  const valid = Number(countValidPasswords([26, 26, 10, 32], 16, true))
  const probabilities: number[] = []
  for (let digits = 1; digits <= 13; digits++) {
    probabilities.push(binomial(16, digits) * 10 ** digits * Number(countValidPasswords(sizes, 16 - digits, true)) / valid)
  }
  const samples = 10_000
  // Merge the tail into one cell so that every cell expects at least 5 observations.
  let cells = probabilities.length
  while (samples * probabilities.slice(cells - 1).reduce((a, b) => a + b, 0) < 5) cells--
  const merged = [...probabilities.slice(0, cells - 1), probabilities.slice(cells - 1).reduce((a, b) => a + b, 0)]
  for (const [label, make, expectFit] of [
    ['generator', () => generatePassword(policy), true],
    ['place-fill-shuffle', () => placeFillShuffle(policy), false]
  ] as const) {
    const counts = new Array<number>(merged.length).fill(0)
    for (let i = 0; i < samples; i++) {
      const digits = make().replace(/[^0-9]/g, '').length
      counts[Math.min(digits, merged.length) - 1]!++
    }
    const result = chiSquare(counts, merged)
    if (expectFit) {
      t.ok(result.pValue >= ALPHA, `${label}: ${describe(result)}`)
    } else {
      t.ok(result.pValue < ALPHA, `${label} is detected: ${describe(result)}`)
    }
  }
})

/** Every string of `length` over `alphabet`, for enumeration tests. */
function allStrings (alphabet: string, length: number): string[] {
  let strings = ['']
  for (let i = 0; i < length; i++) strings = strings.flatMap((prefix) => [...alphabet].map((c) => prefix + c))
  return strings
}

t.test('with requireEachClass every valid password is equally likely (full enumeration)', async (t) => {
  // Length 4 over a-c and 0-1: 5^4 = 625 strings, of which 625 - 3^4 - 2^4 = 528 have a letter and a digit.
  // Length 5 over a-b, 0 and !: 4^5 - (2^5 + 3^5 + 3^5) + (1^5 + 1^5 + 2^5) - 0^5 = 540 have all three classes.
  // (At length = classes + 1 the biased method happens to be uniform too; these lengths are chosen so it is not.)
  const cases: Array<[PasswordOptions, number]> = [
    [options({ length: 4, uppercase: false, symbols: false, exclude: keepOnly('abc01') }), 528],
    [options({ length: 5, uppercase: false, exclude: keepOnly('ab0!') }), 540]
  ]
  for (const [o, validCount] of cases) {
    const policy = createPasswordPolicy(o)
    const valid = allStrings(policy.alphabet, o.length).filter((password) => violation(password, o) === undefined)
    t.equal(valid.length, validCount, `${describeOptions(o)}: ${validCount} valid passwords`)
    t.ok(Math.abs(policy.entropyBits - Math.log2(validCount)) < 1e-12, 'entropy is log2 of their number')
    const cell = new Map(valid.map((password, i) => [password, i]))
    for (const [label, make, expectFit] of [
      ['generator', () => generatePassword(policy), true],
      ['place-fill-shuffle', () => placeFillShuffle(policy), false]
    ] as const) {
      const counts = new Uint32Array(valid.length)
      let invalid = 0
      for (let i = 0; i < 60_000; i++) {
        const index = cell.get(make())
        if (index === undefined) invalid++
        else counts[index]!++
      }
      const result = chiSquare(counts, uniform(valid.length))
      t.equal(invalid, 0, `${label}: only valid passwords`)
      if (expectFit) {
        t.ok(counts.every((count) => count > 0), `${label}: every valid password occurs`)
        t.ok(result.pValue >= ALPHA, `${label}: ${describe(result)}`)
      } else {
        // Proof that the test has teeth: the biased method's expected statistic is several times the critical value.
        t.ok(result.pValue < ALPHA, `${label} is detected: ${describe(result)}`)
      }
    }
  }
})
