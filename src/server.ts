import cluster from 'node:cluster'
import type { Server } from 'node:http'
import { Server as NetServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { SHUTDOWN, isMessage, type ShutdownMessage } from './cluster-messages.js'
import { ConfigError, loadConfig, workerCount, type Config } from './config.js'
import { runPrimary } from './primary.js'

function loadConfigOrExit (): Config {
  try {
    return loadConfig(process.env)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`password-generator: ${error.message}\n`)
      process.exit(78) // EX_CONFIG
    }
    throw error
  }
}

/** How long, once shutdown begins, open keep-alive connections get to carry one last request before they are closed. */
const KEEP_ALIVE_DRAIN_MS = 1000

async function openConnections (server: Server): Promise<number> {
  return await new Promise((resolve) => { server.getConnections((error, count) => { resolve(error === null ? count : 0) }) })
}

// http's server.close() destroys idle keep-alive connections at once, so a client that is just sending its next request
// on one gets ECONNRESET: a lost request. Instead stop accepting (net's close leaves open connections alone) and let
// each connection end after one more answer, which carries Connection: close while Fastify is closing. Connections
// still idle after `ms` are closed by Fastify's server.close() next.
async function drainKeepAlive (server: Server, ms: number): Promise<void> {
  if (!server.listening) {
    return
  }
  NetServer.prototype.close.call(server)
  const deadline = Date.now() + ms
  while (Date.now() < deadline && await openConnections(server) > 0) {
    await sleep(10)
  }
}

// One worker: install close-with-grace before listening (a signal during boot is still graceful), then listen.
// Shutdown: readiness turns 503 (preClose), the server stops accepting, in-flight requests finish, keep-alive connections
// end after one more answer, Redis quits, exit 0; after SHUTDOWN_TIMEOUT the process is forced out with a log line; a
// second signal exits at once.
async function runWorker (config: Config): Promise<void> {
  const building = buildApp(config)
  const inCluster = cluster.isWorker
  const graceful = closeWithGrace({
    delay: config.SHUTDOWN_TIMEOUT * 1000,
    logger: { error: (message: unknown) => { process.stderr.write(`${JSON.stringify({ level: 50, time: Date.now(), pid: process.pid, msg: String(message) })}\n`) } },
    // In a cluster the primary decides when workers stop (a terminal's Ctrl-C reaches every process of the group).
    ...(inCluster ? { skip: ['SIGTERM', 'SIGINT'] } : {})
  }, async function close ({ signal, err }) {
    const app = await building
    if (err !== undefined) {
      app.log.error({ err }, 'shutting down after an unexpected error')
    } else {
      app.log.info({ signal: signal ?? 'primary' }, 'shutting down gracefully')
    }
    await app.close()
    app.log.info('closed; exiting')
  })
  if (inCluster) {
    process.on('SIGTERM', () => {})
    process.on('SIGINT', () => {})
    process.on('message', (message: unknown) => {
      if (isMessage<ShutdownMessage>(message, SHUTDOWN)) {
        void graceful.close()
      }
    })
  }
  const app = await building
  // Registered after the health plugin's preClose: readiness is already 503 while connections drain.
  // At most half the grace delay, so that idle clients alone never make the shutdown time out.
  app.addHook('preClose', async () => { await drainKeepAlive(app.server, Math.min(KEEP_ALIVE_DRAIN_MS, config.SHUTDOWN_TIMEOUT * 500)) })
  app.addHook('onClose', async () => { graceful.uninstall() })
  await app.listen({ port: config.PORT, host: config.HOST })
}

const config = loadConfigOrExit()
const workers = workerCount(config)
if (cluster.isPrimary && workers > 1) {
  runPrimary(config, workers)
} else {
  await runWorker(config)
}
