// The node:cluster primary with real processes: two workers serve one port, a worker killed with SIGKILL is replaced
// while the service keeps answering, and workers that cannot start make the primary give up.
import { once } from 'node:events'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { describe, startLoad, tally } from '../helpers/load.js'
import { freePort } from '../helpers/ports.js'
import { startRedis } from '../helpers/redis.js'
import { listeningPids, logsWith, pidsByRequestId, startService, waitForLog } from '../helpers/service.js'

t.test('a worker killed with SIGKILL is replaced while the service keeps answering', async (t) => {
  const redis = await startRedis(t)
  const service = await startService(t, { REDIS_URL: redis.url, WORKERS: '2', RATE_LIMIT_MAX: '1000000' }, { workers: 2, timeoutMs: 60_000 })
  const [victim, survivor] = listeningPids(service) as [number, number]
  t.comment(`workers ${victim} and ${survivor}`)

  const load = startLoad({ url: service.url, path: '/api/generate', clients: 10, durationMs: 15_000 })
  await sleep(1000)
  const killedAt = Date.now()
  process.kill(victim, 'SIGKILL')
  t.ok(await waitForLog(service, () => listeningPids(service).length === 3, 15_000), 'a new worker started listening')
  const [replacement] = listeningPids(service).filter((pid) => pid !== victim && pid !== survivor)
  t.comment(`replacement worker ${String(replacement)} listening ${Date.now() - killedAt} ms after the kill`)
  // The load's keep-alive connections stay where they are; new connections are spread over both workers again.
  const fresh = startLoad({ url: service.url, path: '/api/generate', clients: 8, count: 80 })
  load.stop()
  const outcomes = [...await load.done, ...(await fresh.done).map((outcome) => ({ ...outcome, client: 100 + outcome.client }))]
  await waitForLog(service, () => pidsByRequestId(service).size >= outcomes.filter((o) => o.status !== undefined).length, 5000)

  const died = logsWith(service, 'worker died unexpectedly; respawning')
  t.equal(died.length, 1, 'the primary logged the death once')
  t.match(died[0], { level: 50, role: 'primary', worker: victim, signal: 'SIGKILL', respawnInMs: 100 }, 'with the pid, the signal and the back-off')

  const pids = pidsByRequestId(service)
  const byPid = new Map<number, number>()
  for (const outcome of outcomes) {
    const pid = pids.get(outcome.requestId ?? '')
    if (pid !== undefined) byPid.set(pid, (byPid.get(pid) ?? 0) + 1)
  }
  const figures = tally(outcomes)
  t.comment(describe(figures))
  t.comment(`answers per worker pid: ${JSON.stringify(Object.fromEntries(byPid))}`)
  t.equal(figures.serverErrors, 0, 'no 5xx')
  t.ok((byPid.get(victim) ?? 0) > 0 && (byPid.get(survivor) ?? 0) > 0, 'both original workers served before the kill')
  t.ok(replacement !== undefined && (byPid.get(replacement) ?? 0) > 0, 'the replacement worker serves')
  t.ok(outcomes.some((o) => o.status === 200 && o.startedAt > killedAt && pids.get(o.requestId ?? '') === survivor), 'the surviving worker kept answering after the kill')

  // A request can only fail if its client's connection was on the killed worker: for each failure, the client's last
  // answer came from the victim (a reset keep-alive socket), or it reconnected before the primary saw the death.
  const failures = outcomes.filter((o) => o.error !== undefined)
  // A client keeps one keep-alive socket until it fails, so its latest logged answer tells the worker of that socket
  // (the killed worker may have answered a last request without getting to log it).
  const lastAnswerBefore = (client: number, time: number): number | undefined => {
    const answered = outcomes.filter((o) => o.client === client && o.startedAt < time && pids.has(o.requestId ?? '')).sort((a, b) => b.startedAt - a.startedAt)
    return pids.get(answered[0]?.requestId ?? '')
  }
  const clientsOnVictim = new Set(outcomes.filter((o) => o.startedAt < killedAt && pids.get(o.requestId ?? '') === victim).map((o) => o.client))
  t.comment(`failed requests: ${failures.length} (${failures.map((o) => `client ${o.client}: ${String(o.error)}${o.reused ? ' on a reused socket' : ' on a new connection'}`).join('; ') || 'none'}); ` +
    `clients whose connection was on the killed worker: ${clientsOnVictim.size}`)
  t.ok(failures.every((o) => lastAnswerBefore(o.client, o.startedAt) === victim), 'every failed request was on a connection of the killed worker')
  t.ok(failures.length <= 2 * clientsOnVictim.size, 'at most the in-flight request (and one reconnect) per client of the killed worker failed')

  const exit = await service.stop('SIGTERM')
  t.equal(exit.code, 0, `the primary still shuts down cleanly (exit ${String(exit.code)} after ${exit.ms} ms)`)
})

t.test('workers that cannot start (port taken) make the primary give up', async (t) => {
  const port = await freePort()
  const squatter = createServer()
  squatter.listen(port, '127.0.0.1')
  await once(squatter, 'listening')
  t.teardown(() => { squatter.close() })
  const redis = await startRedis(t)
  const service = await startService(t, { REDIS_URL: redis.url, WORKERS: '2', PORT: String(port) }, { waitPath: null })
  // Each round boots workers that fail only at listen(): seconds per round on a busy runner.
  const exit = await Promise.race([service.exited, sleep(150_000, null, { ref: false })])
  const fatal = logsWith(service, 'giving up')
  const deaths = logsWith(service, 'worker died unexpectedly; respawning')
  t.comment(`exit ${JSON.stringify(exit)}; ${deaths.length} respawns, then: ${JSON.stringify(fatal[0] ?? null)}`)
  t.ok(exit !== null && exit.code !== 0, 'the primary exits non-zero')
  t.equal(fatal.length, 1, 'with one fatal line')
  t.match(fatal[0], { level: 60, role: 'primary', msg: /^(workers died 5 times within 60 s|5 workers in a row died before they could listen): giving up$/ })
  t.match(deaths.map((line) => line.respawnInMs), [100, 200, 400, 800], 'respawns back off: 100, 200, 400, 800 ms')
  t.match(service.output(), /EADDRINUSE/, 'the workers said why they could not start')
})
