// `npm run bench`: builds, then measures in one run, side by side on this machine:
//   the engine alone (bench/engine.js, in a child process),
//   the baselines of bench/minimal.js (bare, + @fastify/rate-limit in memory, + @fastify/rate-limit on Redis),
//   the service (npm start's command: node, its V8 flags, dist/src/server.js) with WORKERS=1 in memory, WORKERS=1 on
//   Redis, WORKERS=2 on Redis,
// each started here on 127.0.0.1, warmed up, then loaded with wrk (one thread) at 10 and 100 connections for a fixed
// time. Prints the table and writes it into BENCHMARKS.md between the bench:run markers (BENCH_WRITE=0 to skip).
//
// Settings (environment): BENCH_SECONDS (10) per measurement, BENCH_WARMUP (3) seconds of warm-up before each,
// BENCH_CONNECTIONS (10,100), BENCH_ONLY (comma-separated target keys), BENCH_ENGINE=0 to skip the engine.
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { engineTable } from './engine.js'
import {
  BENCH_RATE_LIMIT, benchDir, cpuSeconds, freePort, loadAverage, machine, removeDir, root, rssMb, runWrk, scratchDir, serviceArgs, serviceCommand, serviceEnv, sleep, startRedis,
  startTarget
} from './lib.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3)
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '10,100').split(',').map(Number)
const ONLY = process.env.BENCH_ONLY?.split(',') ?? null
const WRITE = process.env.BENCH_WRITE !== '0'

const TARGETS = [
  { key: 'minimal', label: 'minimal', kind: 'minimal', store: 'none' },
  { key: 'minimal-memory', label: 'minimal + rate-limit (memory)', kind: 'minimal', store: 'memory' },
  { key: 'service-1-memory', label: 'service, WORKERS=1, in-memory', kind: 'service', workers: 1, store: 'memory' },
  { key: 'minimal-redis', label: 'minimal + rate-limit (Redis)', kind: 'minimal', store: 'redis' },
  { key: 'service-1-redis', label: 'service, WORKERS=1, Redis', kind: 'service', workers: 1, store: 'redis' },
  { key: 'service-2-redis', label: 'service, WORKERS=2, Redis', kind: 'service', workers: 2, store: 'redis' }
].filter((target) => ONLY === null || ONLY.includes(target.key))

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const pct = (n) => `${fmt(n * 100)}%`

async function startOne (target, dir, redis) {
  const port = await freePort()
  const env = { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', PORT: String(port) }
  if (target.kind === 'minimal') {
    Object.assign(env, { BENCH_STORE: target.store, ...BENCH_RATE_LIMIT, REDIS_URL: redis?.url ?? '' })
    return { port, process: await startTarget({ name: target.key, args: [join(benchDir, 'minimal.js')], env, port, readyPath: '/ready', dir }) }
  }
  // The service's log goes to a file in the scratch directory.
  const serviceSettings = serviceEnv({ port, workers: target.workers, ...(target.store === 'redis' ? { redisUrl: redis.url, keyPrefix: `bench-${target.key}:` } : {}) })
  const started = await startTarget({ name: target.key, args: serviceArgs(), env: serviceSettings, port, readyPath: '/health/ready', dir, listeners: target.workers })
  return { port, process: started }
}

/**
 * Waits until the target is quiet: a second, then until its count of "request completed" log lines stops moving
 * (the logger writes asynchronously). Returns that count (0 for the baselines, which do not log).
 */
async function settled (target, started) {
  await sleep(1000)
  if (target.kind !== 'service') return 0
  let count = started.process.logLines('"request completed"')
  for (let i = 0; i < 25; i++) {
    await sleep(200)
    const now = started.process.logLines('"request completed"')
    if (now === count) break
    count = now
  }
  return count
}

/** Warm-up, then one measured wrk run with CPU, RSS and Redis command statistics around it. */
async function measure (target, started, connections, redis) {
  const url = `http://127.0.0.1:${started.port}/api/generate`
  const warmup = await runWrk({ url, connections, seconds: WARMUP })
  // Let the warm-up's last requests (and their log lines) finish, so the counts below belong to the measured run.
  const answeredBefore = await settled(target, started)
  const pids = started.process.pids()
  if (redis !== null) pids.push({ label: 'redis-server', pid: redis.pid })
  const cpuBefore = pids.map(({ pid }) => cpuSeconds(pid))
  const peak = new Map(pids.map(({ pid }) => [pid, 0]))
  const statsBefore = redis === null ? null : await redis.commandStats()
  const loadBefore = loadAverage()
  const result = await runWrk({
    url,
    connections,
    seconds: SECONDS,
    onSample () {
      for (const { pid } of pids) peak.set(pid, Math.max(peak.get(pid), rssMb(pid) ?? 0))
    }
  })
  const cpu = pids.map(({ pid }, i) => ((cpuSeconds(pid) ?? cpuBefore[i]) - cpuBefore[i]) / result.seconds)
  const answeredAfter = await settled(target, started)
  const statsAfter = redis === null ? null : await redis.commandStats()
  const commands = {}
  if (statsAfter !== null) {
    statsAfter.info -= 1 // the INFO that read statsBefore is counted in statsAfter
    for (const [name, calls] of Object.entries(statsAfter)) {
      const delta = calls - (statsBefore[name] ?? 0)
      if (delta > 0) commands[name] = delta
    }
  }
  const processes = pids.map(({ label, pid }, i) => ({ label, pid, peakRssMb: peak.get(pid), cpu: cpu[i] }))
  const serviceCpu = processes.filter((p) => p.label !== 'redis-server').reduce((sum, p) => sum + p.cpu, 0)
  return {
    key: target.key,
    label: target.label,
    connections,
    ...result,
    processes,
    targetCpu: serviceCpu,
    requestsPerCpuSecond: result.rps / serviceCpu,
    commands,
    warmupRequests: warmup.requests,
    // Requests the service answered in the measured run, from its own log: wrk does not count the answers still in
    // flight at its deadline, but Redis saw their commands.
    answered: target.kind === 'service' ? answeredAfter - answeredBefore : null,
    load: `${loadBefore} -> ${loadAverage()}`
  }
}

async function runEngine () {
  const { stdout } = await promisify(execFile)(process.execPath, [join(benchDir, 'engine.js'), '--json'], {
    cwd: root,
    env: { ...process.env, BENCH_ENGINE_ROUND_MS: process.env.BENCH_ENGINE_ROUND_MS ?? '400' },
    maxBuffer: 1 << 20
  })
  return JSON.parse(stdout.trim().split('\n').at(-1))
}

/** Redis round trips per request: every command a client sent, not those the rate-limit script ran inside Redis. */
function roundTrips (row) {
  const c = row.commands
  const scripts = (c.evalsha ?? 0) + (c.eval ?? 0)
  // The @fastify/rate-limit script runs INCR, then PEXPIRE (new window) or PTTL, once per EVALSHA/EVAL.
  const inside = Math.min(c.incr ?? 0, scripts) + Math.min((c.pexpire ?? 0) + (c.pttl ?? 0), scripts)
  const total = Object.values(c).reduce((sum, n) => sum + n, 0)
  return (total - inside) / (row.answered ?? row.requests)
}

function mainTable (rows) {
  const lines = [
    '| target | conns | requests/s | p50 ms | p99 ms | errors / non-2xx | target CPU | req per CPU-s | wrk CPU | peak RSS MB per process | load avg (1/5/15 min, before -> after) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|'
  ]
  for (const r of rows) {
    const rss = r.processes.map((p) => `${p.label} ${fmt(p.peakRssMb)}`).join(', ')
    lines.push(`| ${r.label} | ${r.connections} | ${fmt(r.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.socketErrors} / ${r.non2xx} | ` +
      `${pct(r.targetCpu)} | ${fmt(r.requestsPerCpuSecond)} | ${pct(r.wrkCpu / r.seconds)} | ${rss} | ${r.load} |`)
  }
  return lines.join('\n')
}

function redisTable (rows) {
  const redisRows = rows.filter((r) => Object.keys(r.commands).length > 0)
  if (redisRows.length === 0) return ''
  const names = [...new Set(redisRows.flatMap((r) => Object.keys(r.commands)))].sort()
  const lines = [
    `| target | conns | requests answered | ${names.map((n) => `${n} / req`).join(' | ')} | round trips / req |`,
    `|---|---:|---:|${names.map(() => '---:').join('|')}|---:|`
  ]
  for (const r of redisRows) {
    const answered = r.answered ?? r.requests
    lines.push(`| ${r.label} | ${r.connections} | ${fmt(answered)}${r.answered === null ? ' (wrk)' : ' (log)'} | ${names.map((n) => fmt((r.commands[n] ?? 0) / answered, 4)).join(' | ')} | ${fmt(roundTrips(r), 4)} |`)
  }
  return lines.join('\n')
}

function checks (rows, engine) {
  const find = (key, connections) => rows.find((r) => r.key === key && r.connections === connections)
  const out = []
  const verdict = (ok) => ok ? 'MET' : 'MISSED'
  const ratio = (label, a, b, goal) => {
    if (a === undefined || b === undefined) return
    const value = a.rps / b.rps
    out.push(`- ${label} at ${a.connections} connections: ${fmt(a.rps)} / ${fmt(b.rps)} = ${pct(value)} (target >= ${pct(goal)}) -> ${verdict(value >= goal)}` +
      `; per CPU-second ${fmt(a.requestsPerCpuSecond)} / ${fmt(b.requestsPerCpuSecond)} = ${pct(a.requestsPerCpuSecond / b.requestsPerCpuSecond)}`)
  }
  ratio('Service WORKERS=1 in-memory vs minimal', find('service-1-memory', 100), find('minimal', 100), 0.7)
  const p99 = find('service-1-memory', 10)
  if (p99 !== undefined) out.push(`- Service WORKERS=1 in-memory p99 at 10 connections: ${fmt(p99.p99, 2)} ms (target < 5 ms) -> ${verdict(p99.p99 < 5)}`)
  for (const connections of CONNECTIONS) ratio('Service WORKERS=1 Redis vs minimal + Redis rate-limit', find('service-1-redis', connections), find('minimal-redis', connections), 0.85)
  for (const r of rows.filter((row) => row.key.startsWith('service') && row.key.endsWith('redis'))) {
    const trips = roundTrips(r)
    // 0.5% slack: a few requests at the edges of the measured window reach Redis in it but are logged outside it.
    out.push(`- Redis round trips per request, ${r.label}, ${r.connections} connections: ${fmt(trips, 4)} (target <= 1) -> ${verdict(trips <= 1.005)}`)
  }
  for (const connections of CONNECTIONS) {
    const two = find('service-2-redis', connections)
    const one = find('service-1-redis', connections)
    if (two !== undefined && one !== undefined) {
      out.push(`- WORKERS=2 vs WORKERS=1 (Redis) at ${connections} connections: ${fmt(two.rps)} / ${fmt(one.rps)} = ${pct(two.rps / one.rps)} (target > 100%) -> ${verdict(two.rps > one.rps)}`)
    }
  }
  if (engine !== null) {
    for (const [length, r] of Object.entries(engine.ratios)) {
      out.push(`- Engine vs generate-password at ${length} chars: ${r.policyReused.toFixed(2)}x (target >= 2x) -> ${verdict(r.policyReused >= 2)} ` +
        `(${r.ours.toFixed(2)}x including createPasswordPolicy on every call)`)
    }
  }
  return out.join('\n')
}

async function main () {
  const info = await machine()
  const started = new Date()
  console.error(`bench: ${info.nproc} CPUs (${info.model}), node ${info.node}, ${info.wrk}; ${SECONDS} s per measurement after ${WARMUP} s of warm-up`)
  const engine = process.env.BENCH_ENGINE === '0' ? null : await runEngine()
  if (engine !== null) console.error(engineTable(engine))

  const dir = scratchDir()
  const redis = TARGETS.some((t) => t.store === 'redis') ? await startRedis() : null
  const rows = []
  const logging = []
  try {
    for (const target of TARGETS) {
      const started = await startOne(target, dir, redis)
      try {
        for (const connections of CONNECTIONS) {
          const row = await measure(target, started, connections, target.store === 'redis' ? redis : null)
          rows.push(row)
          console.error(`${target.label.padEnd(32)} c=${String(connections).padStart(3)}  ${fmt(row.rps).padStart(7)} req/s  p50 ${fmt(row.p50, 2)} ms  p99 ${fmt(row.p99, 2)} ms  errors ${row.socketErrors}/${row.non2xx}  cpu ${pct(row.targetCpu)}`)
        }
      } finally {
        const exit = await started.process.stop()
        if (exit !== null && exit.code !== 0 && exit.signal !== 'SIGTERM') console.error(`${target.label} exited with ${JSON.stringify(exit)}`)
      }
      if (target.kind === 'service') {
        // Proof that request logging was on: one "request completed" line per answered request (wrk counts only the
        // answers it saw before its deadline, so the log may hold a few more).
        const answered = rows.filter((r) => r.key === target.key).reduce((sum, r) => sum + r.requests + r.warmupRequests, 0)
        logging.push(`- ${target.label}: ${fmt(started.process.logLines('"request completed"'))} "request completed" log lines for ${fmt(answered)} requests counted by wrk`)
      }
    }
  } finally {
    await redis?.stop()
    removeDir(dir)
  }

  const report = [
    `Run of ${started.toISOString().replace(/\.\d+Z$/, 'Z')}: ${info.nproc} CPUs (${info.model}), ${info.memoryGb} GB, node ${info.node}, ` +
      `Linux ${info.kernel}, ${info.wrk}, redis-server ${info.redis}. Each row: ${WARMUP} s warm-up, then ${SECONDS} s of ` +
      '`wrk -t1 -c<conns> -s bench/post.lua` (POST /api/generate, body `{"length":16}`). The service: ' +
      `${serviceCommand()}.`,
    '',
    mainTable(rows),
    '',
    redisTable(rows),
    '',
    engine === null ? '' : engineTable(engine),
    '',
    checks(rows, engine),
    '',
    'Request logging (LOG_LEVEL=info, stdout to a file):',
    logging.join('\n')
  ].join('\n')
  console.log(report)
  writeFileSync(join(benchDir, 'last-run.json'), JSON.stringify({ machine: info, started, seconds: SECONDS, warmup: WARMUP, rows, engine }, null, 2) + '\n')
  if (WRITE) {
    const path = join(root, 'BENCHMARKS.md')
    const text = readFileSync(path, 'utf8')
    const start = '<!-- bench:run:start -->'
    const end = '<!-- bench:run:end -->'
    const from = text.indexOf(start)
    const to = text.indexOf(end)
    if (from === -1 || to === -1) {
      console.error('BENCHMARKS.md has no bench:run markers; the table was not written there')
    } else {
      writeFileSync(path, text.slice(0, from + start.length) + '\n' + report + '\n' + text.slice(to))
      console.error('bench: table written to BENCHMARKS.md')
    }
  }
}

await main()
