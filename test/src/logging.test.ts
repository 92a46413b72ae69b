import t from 'tap'
import { prettyLogging } from '../../src/logging.js'

t.test('pretty output only on a TTY', async (t) => {
  t.same(prettyLogging(false), {}, 'JSON lines when stdout is not a terminal')
  t.match(prettyLogging(true), { transport: { target: 'pino-pretty' } }, 'pino-pretty at a terminal (it is installed in development)')
})
