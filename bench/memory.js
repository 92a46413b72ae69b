// `npm run bench:memory`: the long memory run, separate from `npm run bench`. Starts the built service (WORKERS=1
// in memory; then WORKERS=2 on a throwaway Redis unless BENCH_MEMORY_VARIANTS says otherwise), loads it with wrk
// (one thread, 100 connections, in 5 s chunks) until BENCH_MEMORY_REQUESTS (2,000,000) requests have been answered,
// and samples the RSS (/proc/<pid>/status VmRSS) of every service process once a second: the primary and each
// worker found as its children. Asserts, per process, peak RSS < 120 MB and less than 10% growth between the first
// and the second half of the run (median RSS of the second half's samples over the first half's, halves by time). Exits 1 when a
// check fails. Request logging stays on (info), written to a scratch file that is deleted afterwards.
// The service runs with npm start's V8 flags; BENCH_SERVICE_FLAGS replaces them (to compare other heap settings).
import { cpuSeconds, freePort, loadAverage, removeDir, rssMb, runWrk, scratchDir, serviceArgs, serviceCommand, serviceEnv, sleep, startRedis, startTarget } from './lib.js'

const TOTAL = Number(process.env.BENCH_MEMORY_REQUESTS ?? 2_000_000)
const CONNECTIONS = Number(process.env.BENCH_MEMORY_CONNECTIONS ?? 100)
const MAX_SECONDS = Number(process.env.BENCH_MEMORY_MAX_SECONDS ?? 600) // per variant: a slow machine stops early
const VARIANTS = (process.env.BENCH_MEMORY_VARIANTS ?? '1-memory,2-redis').split(',')
const LIMIT_MB = 120
const GROWTH_LIMIT = 0.10
const CHUNK_SECONDS = 5

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]
}
const fmt = (n, digits = 1) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

async function runVariant (variant, dir) {
  const [workers, store] = variant.split('-')
  const redis = store === 'redis' ? await startRedis() : null
  const port = await freePort()
  const env = serviceEnv({ port, workers, ...(redis === null ? {} : { redisUrl: redis.url }) })
  const service = await startTarget({ name: `memory-${variant}`, args: serviceArgs(), env, port, readyPath: '/health/ready', dir, listeners: Number(workers) })
  const url = `http://127.0.0.1:${port}/api/generate`
  const label = `WORKERS=${workers}, ${store === 'redis' ? 'Redis' : 'in-memory'}`
  try {
    await runWrk({ url, connections: CONNECTIONS, seconds: 3 }) // warm-up, not counted
    const processes = service.pids()
    const samples = [] // one array per second: RSS in MB of each process
    const startRss = processes.map(({ pid }) => rssMb(pid))
    const cpuStart = processes.map(({ pid }) => cpuSeconds(pid))
    let requests = 0
    let errors = 0
    let non2xx = 0
    const started = Date.now()
    let lastSample = 0
    while (requests < TOTAL && (Date.now() - started) / 1000 < MAX_SECONDS) {
      const chunk = await runWrk({
        url,
        connections: CONNECTIONS,
        seconds: CHUNK_SECONDS,
        onSample () {
          if (Date.now() - lastSample < 1000) return
          lastSample = Date.now()
          samples.push(processes.map(({ pid }) => rssMb(pid)))
        }
      })
      requests += chunk.requests
      errors += chunk.socketErrors
      non2xx += chunk.non2xx
      process.stderr.write(`\r${label}: ${fmt(requests, 0)} requests, ${fmt(chunk.rps, 0)} req/s, RSS ${processes.map(({ label: l, pid }) => `${l} ${fmt(rssMb(pid) ?? 0, 0)}`).join(', ')} MB   `)
    }
    process.stderr.write('\n')
    await sleep(1000)
    const seconds = (Date.now() - started) / 1000
    const endRss = processes.map(({ pid }) => rssMb(pid))
    const rows = processes.map(({ label: processLabel, pid }, i) => {
      // Halves by time: the load is steady, so the first half of the samples covers the first half of the requests.
      const half = Math.floor(samples.length / 2)
      const first = samples.slice(0, half).map((s) => s[i])
      const second = samples.slice(half).map((s) => s[i])
      const peak = Math.max(...samples.map((s) => s[i] ?? 0))
      const growth = median(second) / median(first) - 1
      return {
        process: processLabel,
        pid,
        startRss: startRss[i],
        firstHalfMedian: median(first),
        secondHalfMedian: median(second),
        peak,
        end: endRss[i],
        growth,
        cpuSeconds: (cpuSeconds(pid) ?? cpuStart[i]) - cpuStart[i],
        ok: peak < LIMIT_MB && growth < GROWTH_LIMIT,
        peakOk: peak < LIMIT_MB,
        growthOk: growth < GROWTH_LIMIT
      }
    })
    return { variant: label, requests, seconds, rps: requests / seconds, errors, non2xx, complete: requests >= TOTAL, samples: samples.length, rows, load: loadAverage() }
  } finally {
    await service.stop()
    await redis?.stop()
  }
}

const dir = scratchDir()
const results = []
try {
  for (const variant of VARIANTS) results.push(await runVariant(variant, dir))
} finally {
  removeDir(dir)
}

const lines = [
  `Memory run: ${fmt(TOTAL, 0)} requests per variant (wrk -t1 -c${CONNECTIONS}, POST /api/generate {"length":16}), RSS sampled once a second` +
    `; the service started as ${serviceCommand()}.`,
  '',
  '| variant | process | requests | req/s | errors / non-2xx | CPU µs per request | RSS at start MB | median 1st half | median 2nd half | growth | peak | end | < 120 MB | growth < 10% |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|'
]
for (const result of results) {
  for (const row of result.rows) {
    lines.push(`| ${result.variant} | ${row.process} | ${fmt(result.requests, 0)}${result.complete ? '' : ' (time limit)'} | ${fmt(result.rps, 0)} | ${result.errors} / ${result.non2xx} | ${fmt(row.cpuSeconds * 1e6 / result.requests)} | ` +
      `${fmt(row.startRss)} | ${fmt(row.firstHalfMedian)} | ${fmt(row.secondHalfMedian)} | ${fmt(row.growth * 100)}% | ${fmt(row.peak)} | ${fmt(row.end)} | ` +
      `${row.peakOk ? 'yes' : 'NO'} | ${row.growthOk ? 'yes' : 'NO'} |`)
  }
}
console.log(lines.join('\n'))
const failed = results.flatMap((r) => r.rows.filter((row) => !row.ok).map((row) => `${r.variant} ${row.process}`))
if (failed.length > 0) {
  console.log(`\nFAILED: ${failed.join('; ')}`)
  process.exitCode = 1
} else {
  console.log('\nAll memory checks passed.')
}
