import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import t from 'tap'
import { logOutput } from '../../src/logging.js'

t.test('pretty output only on a TTY', async (t) => {
  t.match(logOutput(true), { transport: { target: 'pino-pretty' } }, 'pino-pretty at a terminal (it is installed in development)')
  t.notOk('transport' in logOutput(false), 'JSON lines when stdout is not a terminal')
})

t.test('each JSON line is written before the logging call returns: nothing queues in memory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pg-logging-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'out.log')
  const output = logOutput(false, file)
  if (!('stream' in output)) {
    t.fail('a stream when stdout is not a terminal')
    return
  }
  const log = pino({ base: null }, output.stream)
  for (let line = 1; line <= 3; line++) {
    log.info({ line }, 'request completed')
    // Read without yielding to the event loop: an asynchronous writer would not have written the line yet.
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((text) => JSON.parse(text) as { line: number, msg: string })
    t.same(lines.map(({ line }) => line), Array.from({ length: line }, (_, i) => i + 1), `line ${line} is in the file at once`)
  }
})
