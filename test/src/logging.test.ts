import t from 'tap'
import { prettyTransport } from '../../src/logging.js'

t.test('pretty output only on a TTY', async (t) => {
  t.equal(prettyTransport(false), undefined, 'JSON lines when stdout is not a terminal')
  t.match(prettyTransport(true), { target: 'pino-pretty' }, 'pino-pretty at a terminal (it is installed in development)')
})
