import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

type Test = { teardown: (fn: () => unknown) => void }

export interface TestApp {
  app: FastifyInstance
  /** Every log line the app wrote, parsed. */
  logs: Array<Record<string, unknown>>
  /** The raw log output, for scanning for secrets. */
  rawLogs: () => string
}

/** Builds the app through the same factory as production, with explicit settings and captured logs. */
export async function buildTestApp (t: Test, settings: Record<string, string> = {}, beforeReady?: (app: FastifyInstance) => void): Promise<TestApp> {
  const chunks: string[] = []
  const logs: TestApp['logs'] = []
  const logStream = new Writable({
    write (chunk: Buffer, _encoding, callback) {
      const text = chunk.toString()
      chunks.push(text)
      for (const line of text.split('\n').filter(Boolean)) {
        logs.push(JSON.parse(line) as Record<string, unknown>)
      }
      callback()
    }
  })
  const app = await buildApp(loadConfig(settings), { logStream })
  beforeReady?.(app)
  t.teardown(() => app.close())
  await app.ready()
  return { app, logs, rawLogs: () => chunks.join('') }
}
