// Graceful shutdown with real signals and sockets, for one worker and for a cluster of two: nothing that was sent is
// lost under a steady keep-alive load, readiness turns 503 at once, an in-flight request finishes, SIGINT is SIGTERM,
// a second signal exits at once and SHUTDOWN_TIMEOUT forces a stuck shutdown out.
import { Agent, request, type IncomingHttpHeaders } from 'node:http'
import t, { type Test } from 'tap'
import { describe, startLoad, tally } from '../helpers/load.js'
import { sleep } from '../helpers/ports.js'
import { startRedis, type RedisServer } from '../helpers/redis.js'
import { logsWith, startService, waitForLog, type Service } from '../helpers/service.js'

interface Answer { status?: number, error?: string, reused: boolean, headers?: IncomingHttpHeaders, body?: string }

async function get (url: string, agent: Agent): Promise<Answer> {
  return await new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => { resolve({ status: res.statusCode, reused: req.reusedSocket, headers: res.headers, body }) })
    })
    req.on('error', (error: NodeJS.ErrnoException) => { resolve({ error: error.code ?? error.message, reused: req.reusedSocket }) })
    req.end()
  })
}

/** A POST whose body arrives in two parts: the request stays in flight until `finish()`. */
function slowRequest (service: Service): { finish: () => void, answer: Promise<Answer> } {
  const body = JSON.stringify({ length: 24, count: 1 })
  const split = 10
  const req = request(`${service.url}/api/generate`, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: 'application/json' }
  })
  const answer = new Promise<Answer>((resolve) => {
    req.on('response', (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => { text += chunk.toString() })
      res.on('end', () => { resolve({ status: res.statusCode, reused: false, headers: res.headers, body: text }) })
    })
    req.on('error', (error: NodeJS.ErrnoException) => { resolve({ error: error.code ?? error.message, reused: false }) })
  })
  req.write(body.slice(0, split))
  return { finish: () => { req.end(body.slice(split)) }, answer }
}

function settings (workers: number, redis: RedisServer, extra: Record<string, string> = {}): Record<string, string> {
  return { WORKERS: String(workers), RATE_LIMIT_MAX: '1000000', ...(workers > 1 ? { REDIS_URL: redis.url } : {}), ...extra }
}

const shuttingDown = (service: Service): Array<Record<string, unknown>> => logsWith(service, 'shutting down gracefully')

t.test('shutdown', async (t) => {
  const redis = await startRedis(t)

  // SIGTERM for one worker (close-with-grace), SIGINT for the cluster (the primary): both are a graceful shutdown.
  for (const [workers, signal] of [[1, 'SIGTERM'], [2, 'SIGINT']] as const) {
    t.test(`WORKERS=${workers}: ${signal} under a steady keep-alive load loses no request`, async (t) => {
      const service = await startService(t, settings(workers, redis), { workers, timeoutMs: 60_000 })
      // 20 keep-alive clients; four of them poll readiness, the others generate passwords.
      const readiness = (client: number): boolean => client % 5 === 0
      const load = startLoad({ url: service.url, path: (client) => readiness(client) ? '/health/ready' : '/api/generate', clients: 20, durationMs: 20_000, keepResponses: true })
      await sleep(1000)
      const exit = await service.stop(signal)
      await sleep(200) // clients keep trying: new connections are refused now
      load.stop()
      const outcomes = await load.done

      const api = tally(outcomes.filter((o) => !readiness(o.client)))
      const probes = outcomes.filter((o) => readiness(o.client))
      t.comment(`exit ${JSON.stringify(exit)}`)
      t.comment(`API: ${describe(api)}`)
      t.comment(`readiness: ${describe(tally(probes))}`)
      t.equal(exit.code, 0, 'exit code 0')
      t.ok(exit.ms < 10_000, `exits well before SHUTDOWN_TIMEOUT (10 s): ${exit.ms} ms`)
      t.ok((api.statuses[200] ?? 0) > 100, 'the load was served before the signal')
      t.equal(api.serverErrors, 0, 'zero 5xx')
      const all = tally(outcomes)
      t.equal(all.errorsOnReusedSockets, 0, 'no request sent on an open keep-alive connection was lost (no ECONNRESET, no EPIPE)')

      const stops = shuttingDown(service)
      t.equal(stops.length, workers, 'every worker logged the graceful shutdown')
      const firstStop = Math.min(...stops.map((line) => line.time as number))
      const lastStop = Math.max(...stops.map((line) => line.time as number))
      // Once the listener closes, new connections are refused; one that the kernel (or the cluster primary) had
      // queued but no worker had accepted yet is reset instead. Either way the service never read that request.
      const failed = outcomes.filter((o) => o.error !== undefined)
      const resetNew = failed.filter((o) => o.error === 'ECONNRESET' && !o.reused)
      t.comment(`connection errors: ECONNREFUSED ${all.errors.ECONNREFUSED ?? 0}, ECONNRESET on a new connection ${resetNew.length}, other ${failed.length - (all.errors.ECONNREFUSED ?? 0) - resetNew.length}`)
      t.ok(failed.every((o) => o.error === 'ECONNREFUSED' || (o.error === 'ECONNRESET' && !o.reused)), 'the only connection errors are refused or reset new connections')
      t.ok(failed.every((o) => o.startedAt >= firstStop - 5), 'and only for connections opened after the shutdown had begun')
      const notReady = probes.filter((o) => o.status === 503)
      t.ok(notReady.length > 0 && notReady.every((o) => JSON.parse(o.body ?? '{}').reason === 'shutting down'), `readiness answered 503 "shutting down" during the shutdown (${notReady.length} times)`)
      t.notOk(probes.some((o) => o.status === 200 && o.startedAt > lastStop + 50), 'readiness never answered 200 once shutdown had begun')
      const inOrder = stops.every((stop) => {
        const own = service.logLines().filter((line) => line.pid === stop.pid).map((line) => line.msg)
        return own.includes('closed; exiting') && own.indexOf('shutting down gracefully') < own.indexOf('closed; exiting')
      })
      t.ok(inOrder, 'logs of each worker: shutting down gracefully, then closed; exiting')
      if (workers > 1) {
        t.match(logsWith(service, 'stopping workers gracefully')[0], { role: 'primary', reason: signal, workers: 2 })
        t.match(logsWith(service, 'all workers exited')[0], { role: 'primary', failed: false })
      }
    })

  }

  // Three services at once to save time; generous start-up bounds for a busy runner.
  t.test('WORKERS=1: SIGINT finishes the in-flight request; a second signal exits at once; SHUTDOWN_TIMEOUT forces the exit', async (t) => {
    const [graceful, impatient, stuck] = await Promise.all([
      startService(t, settings(1, redis), { timeoutMs: 60_000 }),
      startService(t, settings(1, redis), { timeoutMs: 60_000 }),
      startService(t, settings(1, redis, { SHUTDOWN_TIMEOUT: '1', REQUEST_TIMEOUT: '30' }), { timeoutMs: 60_000 })
    ]) as [Service, Service, Service]
    await Promise.all([inFlightFinishes(t, graceful, 1, 'SIGINT'), secondSignalExitsAtOnce(t, impatient, 1), timeoutForcesExit(t, stuck, 1)])
  })

  t.test('WORKERS=2: SIGTERM finishes the in-flight request; a second signal exits at once; SHUTDOWN_TIMEOUT forces the exit', async (t) => {
    const [graceful, impatient, stuck] = await Promise.all([
      startService(t, settings(2, redis), { workers: 2, timeoutMs: 60_000 }),
      startService(t, settings(2, redis), { workers: 2, timeoutMs: 60_000 }),
      startService(t, settings(2, redis, { SHUTDOWN_TIMEOUT: '1', REQUEST_TIMEOUT: '30' }), { workers: 2, timeoutMs: 60_000 })
    ]) as [Service, Service, Service]
    await Promise.all([inFlightFinishes(t, graceful, 2, 'SIGTERM'), secondSignalExitsAtOnce(t, impatient, 2), timeoutForcesExit(t, stuck, 2)])
  })
})

async function inFlightFinishes (t: Test, service: Service, workers: number, signal: NodeJS.Signals): Promise<void> {
  // An open keep-alive connection and a request in flight when the signal comes.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.equal((await get(`${service.url}/health/ready`, agent)).status, 200, `${signal}: ready before the signal`)
  const slow = slowRequest(service)
  await sleep(300)
  const signalledAt = Date.now()
  service.child.kill(signal)
  t.ok(await waitForLog(service, () => shuttingDown(service).length === workers, 5000), `${signal}: every worker logged the graceful shutdown`)
  t.match(shuttingDown(service)[0], { signal: workers > 1 ? 'primary' : signal })
  if (workers > 1) {
    t.match(logsWith(service, 'stopping workers gracefully')[0], { role: 'primary', reason: signal })
  }
  const probe = await get(`${service.url}/health/ready`, agent)
  t.comment(`${signal}: readiness on the open connection ${Date.now() - signalledAt} ms after the signal: ${String(probe.status ?? probe.error)} ${probe.body ?? ''}`)
  t.equal(probe.status, 503, `${signal}: readiness answers 503 at once on an open keep-alive connection`)
  t.match(JSON.parse(probe.body ?? '{}'), { status: 'not ready', reason: 'shutting down' })
  t.equal(probe.headers?.connection, 'close', `${signal}: ... and closes that connection politely (Connection: close)`)
  t.equal(service.child.exitCode, null, `${signal}: still running while a request is in flight`)
  slow.finish()
  const answer = await slow.answer
  t.equal(answer.status, 200, `${signal}: the in-flight request is answered 200`)
  t.match(JSON.parse(answer.body ?? '{}'), { success: true, password: /^.{24}$/ })
  const exit = { ...await service.exited, ms: Date.now() - signalledAt }
  t.comment(`${signal}: exit ${JSON.stringify(exit)}`)
  t.equal(exit.code, 0, `${signal}: exit code 0 after the in-flight request`)
  agent.destroy()
}

async function secondSignalExitsAtOnce (t: Test, service: Service, workers: number): Promise<void> {
  const slow = slowRequest(service)
  await sleep(300)
  service.child.kill('SIGTERM')
  t.ok(await waitForLog(service, () => shuttingDown(service).length === workers, 5000), 'second signal: the first started a graceful shutdown')
  await sleep(200)
  t.equal(service.child.exitCode, null, 'second signal: still waiting for the in-flight request')
  const exit = await service.stop('SIGTERM')
  t.comment(`second signal: exit ${JSON.stringify(exit)}; in-flight request: ${JSON.stringify(await slow.answer).slice(0, 80)}`)
  t.equal(exit.code, 1, 'second signal: exit code 1')
  t.ok(exit.ms < 1000, `second signal: exits at once (${exit.ms} ms)`)
  if (workers > 1) {
    t.match(logsWith(service, 'killing workers')[0], { role: 'primary', reason: 'second SIGTERM' })
  } else {
    t.match(service.output(), /second SIGTERM, exiting/)
  }
}

async function timeoutForcesExit (t: Test, service: Service, workers: number): Promise<void> {
  // SHUTDOWN_TIMEOUT=1 < REQUEST_TIMEOUT=30: the request that never completes holds the shutdown until the timeout.
  const slow = slowRequest(service)
  await sleep(300)
  const exit = await service.stop('SIGTERM')
  t.comment(`timeout: exit ${JSON.stringify(exit)}; in-flight request: ${JSON.stringify(await slow.answer).slice(0, 80)}`)
  t.equal(exit.code, 1, 'timeout: exit code 1')
  t.ok(exit.ms >= 1000 && exit.ms < 4000, `timeout: forced out after SHUTDOWN_TIMEOUT (${exit.ms} ms)`)
  t.match(service.output(), /killed by timeout \(1000ms\)/, 'timeout: the log says so')
  if (workers > 1) {
    t.match(logsWith(service, 'all workers exited')[0], { role: 'primary', failed: true })
  }
}
