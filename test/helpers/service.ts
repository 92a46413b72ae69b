import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { packageRoot } from '../../src/paths.js'
import { freePort, waitFor } from './ports.js'

type Test = { teardown: (fn: () => unknown) => void }

export interface Exit { code: number | null, signal: NodeJS.Signals | null, ms: number }

export interface Service {
  url: string
  port: number
  child: ChildProcess
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string
  /** The JSON log lines so far. */
  logLines: () => Array<Record<string, unknown>>
  /** Resolves when the process exits, with how long it took after the last signal. */
  exited: Promise<Exit>
  /** Sends `signal` and waits for the exit. */
  stop: (signal?: NodeJS.Signals) => Promise<Exit>
}

export interface StartOptions {
  /** 'source' runs src/server.ts through tsx; 'dist' runs the build (npm run build first). */
  entry?: 'source' | 'dist'
  /** Wait until this path answers 200 (default /health/ready); null to return at once. */
  waitPath?: string | null
  timeoutMs?: number
  cwd?: string
  /** Also wait until this many workers have logged 'Server listening' (cluster mode: the first ready one answers). */
  workers?: number
}

/** Starts the real service as a child process on a free port of 127.0.0.1 and waits until it is ready. */
export async function startService (t: Test, env: Record<string, string> = {}, options: StartOptions = {}): Promise<Service> {
  const port = env.PORT === undefined ? await freePort() : Number(env.PORT)
  const cwd = options.cwd ?? packageRoot
  const args = options.entry === 'dist' ? [join(cwd, 'dist/src/server.js')] : ['--import', 'tsx', join(cwd, 'src/server.ts')]
  const child = spawn(process.execPath, args, {
    cwd,
    // No setting comes from the test's own environment: the service sees only what the test passes. tap's process
    // hook still loads its coverage recorder into every child; the service runs through tsx, whose source maps do not
    // merge with those of the tests' own loader (the whole report collapsed to one line per file), so it is told off.
    env: { _TAPJS_PROCESSINFO_COVERAGE_: '0', PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  // Kept apart as well, so that a log line is never cut by a chunk of the other stream.
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); stdout += chunk.toString() })
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); stderr += chunk.toString() })
  let signalledAt = Date.now()
  const exited: Promise<Exit> = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null, ms: Date.now() - signalledAt }))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  const url = `http://127.0.0.1:${port}`
  const service: Service = {
    url,
    port,
    child,
    output: () => output,
    logLines: () => [stdout, stderr].flatMap(completeJsonLines),
    exited,
    async stop (signal = 'SIGTERM') {
      signalledAt = Date.now()
      child.kill(signal)
      return await exited
    }
  }
  const waitPath = options.waitPath === undefined ? '/health/ready' : options.waitPath
  if (waitPath !== null) {
    const ready = await Promise.race([
      waitFor(async () => (await fetch(url + waitPath)).status === 200, options.timeoutMs ?? 20_000),
      exited.then(() => false)
    ])
    if (!ready) {
      const state = child.exitCode === null && child.signalCode === null ? 'still running' : `exited with code ${String(child.exitCode)}, signal ${String(child.signalCode)}`
      child.kill('SIGKILL')
      throw new Error(`service did not become ready on ${url}${waitPath} (${state}); output:\n${output}`)
    }
  }
  if (options.workers !== undefined) {
    const count = options.workers
    if (!await waitForLog(service, () => listeningPids(service).length >= count, options.timeoutMs ?? 20_000)) {
      child.kill('SIGKILL')
      throw new Error(`${count} workers did not start listening on ${url}; output:\n${output}`)
    }
  }
  return service
}

// Complete lines only: the last one may still be being written.
function completeJsonLines (text: string): Array<Record<string, unknown>> {
  return text.split('\n').slice(0, -1).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>)
}

/** The log lines whose msg contains `text`. */
export function logsWith (service: Service, text: string): Array<Record<string, unknown>> {
  return service.logLines().filter((line) => typeof line.msg === 'string' && line.msg.includes(text))
}

/** Waits until `condition` holds (polling the logs) or `timeoutMs` passes; returns whether it held. */
export async function waitForLog (service: Service, condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  return await waitFor(async () => condition(), timeoutMs, 25)
}

/** Pids of the processes that logged 'Server listening' (every worker that started, including replaced ones). */
export function listeningPids (service: Service): number[] {
  return [...new Set(logsWith(service, 'Server listening').map((line) => line.pid as number))]
}

/** Which pid answered each request, from the 'request completed' lines (by x-request-id). */
export function pidsByRequestId (service: Service): Map<string, number> {
  return new Map(logsWith(service, 'request completed').map((line) => [line.reqId as string, line.pid as number]))
}
