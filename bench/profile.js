// Where the service spends its CPU under the bench's load: starts `node --cpu-prof dist/src/server.js` (WORKERS=1,
// the bench's settings; BENCH_PROFILE_REDIS=1 for the Redis store; BENCH_PROFILE_TARGET=minimal profiles the
// baseline of bench/minimal.js instead, with BENCH_STORE as there), loads it with wrk for BENCH_SECONDS (10) at
// BENCH_CONNECTIONS (100), stops it with SIGTERM (which writes the .cpuprofile) and prints the top frames by self
// time, and self time summed per package / source directory. The profile is kept for Chrome DevTools.
// BENCH_PROFILE_ENTRY=<path of a server.js> profiles another build (a patched copy of dist/, say); extra variables
// for the target can be passed as BENCH_PROFILE_ENV='{"LOG_LEVEL":"warn"}'.
// Usage: npm run build && node bench/profile.js
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { benchDir, freePort, runWrk, scratchDir, serviceArgs, serviceEnv, startRedis, startTarget } from './lib.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100)
const useRedis = process.env.BENCH_PROFILE_REDIS === '1'
const TOP = Number(process.env.BENCH_PROFILE_TOP ?? 30)

function where (url) {
  if (url === '') return '(native / V8)'
  const modules = url.lastIndexOf('node_modules/')
  if (modules !== -1) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/')
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
  }
  if (url.startsWith('node:')) return url
  const dist = url.indexOf('/dist/')
  if (dist !== -1) return url.slice(dist + 1).split('/').slice(0, -1).join('/') || 'dist'
  return url.replace(/^file:\/\//, '')
}

function summarise (profile) {
  const total = profile.samples.length
  const counts = new Map()
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1)
  const byFrame = new Map()
  const byPlace = new Map()
  for (const node of profile.nodes) {
    const hits = counts.get(node.id) ?? 0
    if (hits === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    const file = url === '' ? '' : url.replace(/^.*\/(node_modules|dist)\//, '$1/')
    const frame = `${functionName || '(anonymous)'} ${file}${url === '' ? '' : `:${lineNumber + 1}`}`
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + hits)
    const place = where(url)
    byPlace.set(place, (byPlace.get(place) ?? 0) + hits)
  }
  // Native and node: internal time charged to the nearest caller in a package or in our code (so writev lands on
  // whoever wrote the response, a JSON.stringify on its caller); idle, GC and (program) stay as they are.
  const parent = new Map()
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const byCaller = new Map()
  for (const [id, hits] of counts) {
    let place = where(nodes.get(id).callFrame.url)
    const name = nodes.get(id).callFrame.functionName
    if (!['(idle)', '(garbage collector)', '(program)'].includes(name)) {
      for (let at = id; at !== undefined; at = parent.get(at)) {
        const candidate = where(nodes.get(at).callFrame.url)
        if (candidate !== '(native / V8)' && !candidate.startsWith('node:')) { place = candidate; break }
      }
    } else {
      place = name
    }
    byCaller.set(place, (byCaller.get(place) ?? 0) + hits)
  }
  const share = (n) => `${(100 * n / total).toFixed(1).padStart(5)}%`
  const lines = [`${total} samples`, '', 'Self time by package / directory:']
  for (const [place, n] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`${share(n)}  ${place}`)
  lines.push('', 'Time by package / directory, native and node: internals charged to their nearest caller:')
  for (const [place, n] of [...byCaller].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`${share(n)}  ${place}`)
  // Inclusive time (a frame and everything it called) of the frames in packages and in our code: which hook,
  // plugin or handler the time goes to. A frame that appears twice on one stack is counted once.
  const inclusive = new Map()
  const frameOf = (node) => {
    const { functionName, url, lineNumber } = node.callFrame
    return `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`
  }
  for (const [id, hits] of counts) {
    const seen = new Set()
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const node = nodes.get(at)
      const place = where(node.callFrame.url)
      if (place === '(native / V8)' || place.startsWith('node:')) continue
      const frame = frameOf(node)
      if (seen.has(frame)) continue
      seen.add(frame)
      inclusive.set(frame, (inclusive.get(frame) ?? 0) + hits)
    }
  }
  lines.push('', `Top ${TOP} frames of packages and our code by inclusive time:`)
  for (const [frame, n] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, TOP)) lines.push(`${share(n)}  ${frame}`)
  lines.push('', `Top ${TOP} frames by self time:`)
  for (const [frame, n] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, TOP)) lines.push(`${share(n)}  ${frame}`)
  return lines.join('\n')
}

const dir = scratchDir()
const port = await freePort()
const redis = useRedis ? await startRedis() : null
const profileDir = join(dir, 'profile')
const env = {
  ...serviceEnv({ port, workers: 1, ...(redis === null ? {} : { redisUrl: redis.url }) }),
  ...JSON.parse(process.env.BENCH_PROFILE_ENV ?? '{}')
}
const minimal = process.env.BENCH_PROFILE_TARGET === 'minimal'
if (minimal) env.BENCH_STORE = process.env.BENCH_STORE ?? (redis === null ? 'none' : 'redis')
const service = await startTarget({
  name: 'service',
  args: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...(minimal ? [join(benchDir, 'minimal.js')] : process.env.BENCH_PROFILE_ENTRY === undefined ? serviceArgs() : [process.env.BENCH_PROFILE_ENTRY])],
  env,
  port,
  readyPath: minimal ? '/ready' : '/health/ready',
  dir
})
const url = `http://127.0.0.1:${port}/api/generate`
await runWrk({ url, connections: CONNECTIONS, seconds: 3 })
const result = await runWrk({ url, connections: CONNECTIONS, seconds: SECONDS })
await service.stop()
await redis?.stop()
const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'))
const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8'))
console.log(`${minimal ? `minimal (store ${env.BENCH_STORE})` : 'service'}, ${useRedis ? 'Redis' : 'in-memory'} store, ${CONNECTIONS} connections: ${Math.round(result.rps)} requests/s under the profiler; profile in ${join(profileDir, file)}`)
console.log(summarise(profile))
