import t from 'tap'
import { GeneratorError, checkCount } from '../../../src/generator/errors.js'

t.test('GeneratorError carries the field to change and a user-facing message', async (t) => {
  const error = new GeneratorError('exclude', 'every digits character is excluded')
  t.ok(error instanceof Error)
  t.ok(error instanceof GeneratorError)
  t.equal(error.name, 'GeneratorError')
  t.equal(error.field, 'exclude')
  t.equal(error.message, 'every digits character is excluded')
  t.match(String(error), /^GeneratorError: every digits/)
})

t.test('checkCount accepts whole numbers from 1 and names count otherwise', async (t) => {
  t.doesNotThrow(() => checkCount(1))
  t.doesNotThrow(() => checkCount(1000))
  for (const count of [0, -1, 1.5, Number.NaN, Infinity, 2 ** 53]) {
    t.throws(() => checkCount(count), { name: 'GeneratorError', field: 'count', message: 'count must be a whole number of at least 1' }, `count ${count}`)
  }
})
