import cluster, { type Worker } from 'node:cluster'
import { pino } from 'pino'
import { AggregatorRegistry } from 'prom-client'
import { METRICS_REQUEST, METRICS_RESPONSE, SHUTDOWN, isMessage, type MetricsRequest, type MetricsResponse, type ShutdownMessage } from './cluster-messages.js'
import type { Config } from './config.js'
import { logOutput } from './logging.js'

/**
 * Workers dying this many times within CRASH_WINDOW_MS, or this many in a row before they could listen (however slowly
 * they fail: a worker that takes 15 s to fail would never reach the limit within the window), mean a crash loop: the
 * primary gives up.
 */
const CRASH_LIMIT = 5
const CRASH_WINDOW_MS = 60_000
const MAX_RESPAWN_DELAY_MS = 5_000

/**
 * The node:cluster primary: forks `count` workers of this same entry on one port, respawns a worker that dies
 * unexpectedly (backing off, and giving up on a crash loop), turns SIGTERM/SIGINT into a graceful shutdown of every
 * worker, and exits after the last one has exited. It never builds an app.
 */
export function runPrimary (config: Config, count: number): void {
  const output = logOutput()
  const options = { level: config.LOG_LEVEL, base: { pid: process.pid, role: 'primary' } }
  const log = 'stream' in output ? pino(options, output.stream) : pino({ ...options, transport: output.transport })
  const aggregator = new AggregatorRegistry()
  const crashes: number[] = []
  const listened = new WeakSet<Worker>()
  let failedStarts = 0
  const respawnTimers = new Set<NodeJS.Timeout>()
  let stopping = false
  let failed = false

  const fork = (): Worker => {
    const worker = cluster.fork()
    worker.once('listening', () => {
      listened.add(worker)
      failedStarts = 0
    })
    return worker
  }

  const exitWhenAllGone = (): void => {
    if (Object.keys(cluster.workers ?? {}).length === 0) {
      log.info({ failed }, 'all workers exited')
      process.exit(failed ? 1 : 0)
    }
  }

  const stop = (reason: string, forced: boolean): void => {
    stopping = true
    for (const timer of respawnTimers) {
      clearTimeout(timer)
    }
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined)
    log.info({ reason, workers: workers.length }, forced ? 'killing workers' : 'stopping workers gracefully')
    for (const worker of workers) {
      if (forced) {
        worker.process.kill('SIGKILL')
      } else {
        worker.send({ type: SHUTDOWN } satisfies ShutdownMessage)
      }
    }
    // Workers force themselves out after SHUTDOWN_TIMEOUT; this is the backstop if one cannot.
    setTimeout(() => {
      log.error('workers did not exit in time; killing them')
      failed = true
      for (const worker of Object.values(cluster.workers ?? {})) {
        worker?.process.kill('SIGKILL')
      }
    }, config.SHUTDOWN_TIMEOUT * 1000 + 2000).unref()
    exitWhenAllGone()
  }

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (code !== 0) {
        failed = true
      }
      log.info({ worker: worker.process.pid, code, signal }, 'worker exited')
      exitWhenAllGone()
      return
    }
    const now = Date.now()
    crashes.push(now)
    while (crashes.length > 0 && (crashes[0] as number) < now - CRASH_WINDOW_MS) {
      crashes.shift()
    }
    if (!listened.has(worker)) {
      failedStarts++
    }
    if (crashes.length >= CRASH_LIMIT || failedStarts >= CRASH_LIMIT) {
      const why = crashes.length >= CRASH_LIMIT ? `workers died ${crashes.length} times within ${CRASH_WINDOW_MS / 1000} s` : `${failedStarts} workers in a row died before they could listen`
      log.fatal({ worker: worker.process.pid, code, signal, crashes: crashes.length, failedStarts }, `${why}: giving up`)
      failed = true
      stop('crash loop', false)
      return
    }
    const delay = Math.min(100 * 2 ** (Math.max(crashes.length, failedStarts) - 1), MAX_RESPAWN_DELAY_MS)
    log.error({ worker: worker.process.pid, code, signal, respawnInMs: delay }, 'worker died unexpectedly; respawning')
    const timer = setTimeout(() => {
      respawnTimers.delete(timer)
      fork()
    }, delay)
    respawnTimers.add(timer)
  })

  // A worker still booting when the shutdown began may have missed the message: tell it again once it listens.
  cluster.on('listening', (worker) => {
    if (stopping) {
      worker.send({ type: SHUTDOWN } satisfies ShutdownMessage)
    }
  })

  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, METRICS_REQUEST)) {
      return
    }
    const reply = (answer: Omit<MetricsResponse, 'type' | 'id'>): void => {
      if (worker.isConnected()) {
        worker.send({ type: METRICS_RESPONSE, id: message.id, ...answer } satisfies MetricsResponse)
      }
    }
    aggregator.clusterMetrics().then(
      (text) => { reply({ text, contentType: aggregator.contentType }) },
      (error: Error) => { reply({ error: error.message }) }
    )
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) {
        failed = true
        stop(`second ${signal}`, true)
        return
      }
      stop(signal, false)
    })
  }

  log.info({ workers: count, port: config.PORT }, 'starting workers')
  for (let i = 0; i < count; i++) {
    fork()
  }
}
