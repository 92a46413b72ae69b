// Shared by bench/run.js and bench/memory.js: free ports, a throwaway redis-server, starting and stopping targets,
// /proc readings (RSS, CPU time, child processes), wrk runs and Redis command statistics. Linux only (/proc).
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, tmpdir, totalmem } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const benchDir = dirname(fileURLToPath(import.meta.url))
export const root = join(benchDir, '..')
const run = promisify(execFile)
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const CLOCK_TICKS = 100 // USER_HZ on Linux

export function scratchDir () {
  return mkdtempSync(join(tmpdir(), 'password-generator-bench-'))
}

export function removeDir (dir) {
  rmSync(dir, { recursive: true, force: true })
}

export async function freePort () {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  server.close()
  await once(server, 'close')
  return port
}

/** VmRSS of a process in MB, or null when it is gone. */
export function rssMb (pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match === null ? null : Number(match[1]) / 1024
  } catch {
    return null
  }
}

/** User + system CPU time of a process in seconds, or null when it is gone. */
export function cpuSeconds (pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS // utime, stime (fields 14 and 15 of stat)
  } catch {
    return null
  }
}

/** Direct children of a process (cluster workers of a primary), from /proc/<pid>/task/<tid>/children. */
export function childPids (pid) {
  const children = []
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim()
      if (text !== '') children.push(...text.split(' ').map(Number))
    }
  } catch {}
  return children
}

export function loadAverage () {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
}

export async function machine () {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8')
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown'
  const nproc = (await run('nproc')).stdout.trim()
  const wrk = (await run('wrk', ['--version']).catch((error) => ({ stdout: error.stdout ?? '' }))).stdout.split('\n')[0].replace(/ Copyright.*/, '').trim()
  const redis = (await run('redis-server', ['--version'])).stdout.trim().split(' ')[2]?.replace('v=', '') ?? 'unknown'
  return {
    nproc,
    model,
    memoryGb: (totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    wrk,
    redis,
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()
  }
}

/** A throwaway redis-server on a free port: no persistence, bound to 127.0.0.1. */
export async function startRedis () {
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const deadline = Date.now() + 10_000
  for (;;) {
    const pong = await run('redis-cli', ['-p', String(port), 'PING']).then((r) => r.stdout.trim(), () => '')
    if (pong === 'PONG') break
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer`)
    await sleep(100)
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    async commandStats () {
      const { stdout } = await run('redis-cli', ['-p', String(port), 'INFO', 'commandstats'])
      const stats = {}
      for (const match of stdout.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats[match[1]] = Number(match[2])
      return stats
    },
    async stop () {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  }
}

/**
 * Starts a target process with stdout and stderr going to files in `dir`, waits until `readyPath` answers 200 on
 * 127.0.0.1:`port` (and, when `listeners` > 1, until that many "Server listening" log lines are written), and
 * returns { pid, pids(), logLines(), stderr(), stop() }.
 */
export async function startTarget ({ name, args, env, port, readyPath, dir, listeners = 1, timeoutMs = 30_000 }) {
  const stdoutPath = join(dir, `${name}.stdout.log`)
  const stderrPath = join(dir, `${name}.stderr.log`)
  const out = openSync(stdoutPath, 'w')
  const err = openSync(stderrPath, 'w')
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', out, err] })
  closeSync(out)
  closeSync(err)
  let exited = null
  child.once('exit', (code, signal) => { exited = { code, signal } })
  const readFile = (path) => { try { return readFileSync(path, 'utf8') } catch { return '' } }
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (exited !== null) {
      throw new Error(`${name} exited during start-up (${JSON.stringify(exited)}): ${readFile(stderrPath).slice(-2000)}`)
    }
    const ready = await fetch(`http://127.0.0.1:${port}${readyPath}`).then((r) => r.status === 200, () => false)
    const listening = listeners <= 1 || (readFile(stdoutPath).match(/Server listening/g) ?? []).length >= listeners
    if (ready && listening) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${name} was not ready within ${timeoutMs} ms: ${readFile(stderrPath).slice(-2000)}`)
    }
    await sleep(100)
  }
  return {
    name,
    pid: child.pid,
    /** The process and its direct children (cluster workers), labelled. */
    pids () {
      const children = childPids(child.pid)
      if (children.length === 0) return [{ label: 'process', pid: child.pid }]
      return [{ label: 'primary', pid: child.pid }, ...children.map((pid, i) => ({ label: `worker ${i + 1}`, pid }))]
    },
    /** Lines of the target's stdout that contain `text` (all lines when absent). */
    logLines (text = '\n') {
      let count = 0
      const log = readFile(stdoutPath)
      for (let i = log.indexOf(text); i !== -1; i = log.indexOf(text, i + 1)) count++
      return count
    },
    stderr: () => readFile(stderrPath),
    async stop () {
      if (exited !== null) return exited
      const done = once(child, 'exit')
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await done
      clearTimeout(timer)
      return exited
    }
  }
}

/**
 * One wrk run (one thread) against `url` with bench/post.lua; returns wrk's own summary plus the wrk process' CPU
 * seconds (last reading before it exited, sampled every 250 ms).
 */
export async function runWrk ({ url, connections, seconds, onSample }) {
  const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s', '-s', join(benchDir, 'post.lua'), url], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk) => { stderr += chunk })
  let wrkCpu = 0
  const timer = setInterval(() => {
    wrkCpu = cpuSeconds(child.pid) ?? wrkCpu
    onSample?.()
  }, 250)
  const [code] = await once(child, 'exit')
  clearInterval(timer)
  const line = stdout.split('\n').find((l) => l.startsWith('WRK_JSON '))
  if (code !== 0 || line === undefined) {
    throw new Error(`wrk failed (exit ${code}): ${stderr}${stdout}`)
  }
  const result = JSON.parse(line.slice('WRK_JSON '.length))
  const seconds_ = result.duration_us / 1e6
  return {
    requests: result.requests,
    seconds: seconds_,
    rps: result.requests / seconds_,
    p50: result.p50_us / 1000,
    p90: result.p90_us / 1000,
    p99: result.p99_us / 1000,
    max: result.max_us / 1000,
    socketErrors: result.connect + result.read + result.write + result.timeout,
    non2xx: result.status,
    wrkCpu
  }
}

/**
 * How the bench starts the service: `npm start`'s command (the image's CMD too), i.e. its V8 flags and the built
 * entry; BENCH_SERVICE_FLAGS (space-separated, empty for none) replaces the flags to compare other V8 settings.
 */
export function serviceArgs () {
  const [, ...args] = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start.split(' ')
  const entry = args.pop()
  const flags = process.env.BENCH_SERVICE_FLAGS === undefined ? args : process.env.BENCH_SERVICE_FLAGS.split(' ').filter((flag) => flag !== '')
  return [...flags, join(root, entry)]
}

/** The service's command line as the reports print it: `node <flags> dist/src/server.js (npm start)`. */
export function serviceCommand () {
  const args = serviceArgs().map((arg) => arg.startsWith(root) ? relative(root, arg) : arg)
  return `\`node ${args.join(' ')}\` (${process.env.BENCH_SERVICE_FLAGS === undefined ? 'npm start' : 'BENCH_SERVICE_FLAGS'})`
}

/** A limit no bench run can reach in the 60 s window: nothing is rejected, but the counting is done on every request. */
export const BENCH_RATE_LIMIT = { RATE_LIMIT_MAX: '1000000000', RATE_LIMIT_WINDOW: '60' }

/** The environment of the service under a bench: production's log level, the bench's port and rate limit. */
export function serviceEnv ({ port, workers, redisUrl, keyPrefix }) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? '/tmp',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info', // production's level: one log line per request
    ...BENCH_RATE_LIMIT,
    WORKERS: String(workers),
    ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }),
    ...(keyPrefix === undefined ? {} : { REDIS_KEY_PREFIX: keyPrefix })
  }
}
