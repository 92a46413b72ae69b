// The production start, rehearsed without Docker: the runtime stage's files (production dependencies only, the
// build output, the COPY list of the Dockerfile) in a fresh directory owned by root, started as the image's
// unprivileged uid with the Kubernetes production settings and a real Redis, checked by the black-box suite, then
// stopped with SIGTERM. A runtime dependency missing from `dependencies`, a file the Dockerfile forgets, or a write
// outside /tmp fails here before an image is ever built.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { packageRoot } from '../../src/paths.js'
import { freePort, waitFor } from '../helpers/ports.js'
import { startRedis } from '../helpers/redis.js'
import { mustRun } from './commands.js'
import { contextCopies, readDockerfile } from './dockerfile.js'

// npm ci of the production dependencies plus a compile: half a minute on an idle machine, minutes on a busy one.
t.setTimeout(360_000)

const stages = readDockerfile()
const runtime = stages.at(-1)?.instructions ?? []
const [uid, gid] = (runtime.filter((i) => i.keyword === 'USER').at(-1)?.args ?? '').split(':').map(Number)
// The image's command, flags included: ["node", ...V8 flags, "dist/src/server.js"].
const command = JSON.parse(runtime.filter((i) => i.keyword === 'CMD').at(-1)?.args ?? '[]') as string[]

function configMapData (file: string): Record<string, string> {
  return (parse(readFileSync(join(packageRoot, file), 'utf8')) as { data: Record<string, string> }).data
}

t.test('the production build starts as the image user, passes the black-box suite and stops cleanly', async (t) => {
  t.same(runtime.filter((i) => i.keyword === 'COPY' && i.args.startsWith('--from=')).map((i) => i.args), [
    '--from=deps /app/node_modules ./node_modules',
    '--from=build /app/dist ./dist'
  ], 'the runtime stage takes node_modules from deps and dist from build, as rehearsed below')
  t.ok(Number.isInteger(uid) && uid !== 0 && Number.isInteger(gid), `the image user is ${String(uid)}:${String(gid)}`)

  const app = mkdtempSync(join(tmpdir(), 'pg-rehearsal-'))
  t.teardown(() => { rmSync(app, { recursive: true, force: true }) })
  for (const [source, destination] of contextCopies(stages.at(-1))) {
    cpSync(join(packageRoot, source), join(app, destination.endsWith('/') ? join(destination, basename(source)) : destination), { recursive: true })
  }
  mustRun(app, 'npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], 300_000)
  mustRun(packageRoot, process.execPath, [join(packageRoot, 'node_modules/typescript/bin/tsc'), '-p', join(packageRoot, 'tsconfig.build.json'), '--outDir', join(app, 'dist')], 300_000)
  // Like the image: owned by root, readable by everyone, writable by no one else.
  chmodSync(app, 0o755)

  const asRoot = process.getuid?.() === 0
  if (!asRoot) {
    t.comment(`not root, so the service runs as uid ${String(process.getuid?.())} instead of ${String(uid)}`)
  }
  const redis = await startRedis(t)
  const port = await freePort()
  const production = { ...configMapData('k8s/base/configmap.yaml'), ...configMapData('k8s/overlays/production/configmap.yaml') }
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: '/nonexistent',
    NODE_ENV: 'production',
    ...production,
    HOST: '127.0.0.1',
    PORT: String(port),
    REDIS_URL: redis.url,
    APP_VERSION: '2.0.0-rehearsal',
    GIT_COMMIT: 'rehearsal'
  }
  // Through env(1) without NODE_OPTIONS: tap adds its coverage loader there, which would write into .tap/ as the
  // unprivileged user; the container runs plain node, with the image's command.
  t.equal(command[0], 'node', 'the image runs node itself')
  const child = spawn('env', ['-u', 'NODE_OPTIONS', process.execPath, ...command.slice(1)], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'], ...(asRoot ? { uid, gid } : {}) })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  t.teardown(() => { child.kill('SIGKILL') })

  const baseUrl = `http://127.0.0.1:${port}`
  const ready = await Promise.race([waitFor(async () => (await fetch(`${baseUrl}/health/ready`)).status === 200, 20_000), exited.then(() => false)])
  t.ok(ready, 'ready within 20 s', { output })
  if (!ready) {
    return
  }

  // The suite file runs as a plain subprocess (what `npm run test:black-box` runs through tap): a nested tap run in
  // this directory would reset the outer run's coverage data in .tap/.
  await t.spawn(process.execPath, ['--import', 'tsx', 'test/black-box/suite.ts'], {
    cwd: packageRoot,
    env: { ...process.env, BASE_URL: baseUrl, EXPECT_VERSION: env.APP_VERSION, EXPECT_ENVIRONMENT: production.APP_ENV ?? '' }
  }, 'black-box suite')

  const signalledAt = Date.now()
  child.kill('SIGTERM')
  const [code, signal] = await exited
  const ms = Date.now() - signalledAt
  t.same({ code, signal }, { code: 0, signal: null }, 'SIGTERM ends the service with exit code 0', { output })
  t.ok(ms < Number(production.SHUTDOWN_TIMEOUT) * 1000, `within SHUTDOWN_TIMEOUT (${ms} ms)`)
  const logs = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number, msg: string })
  t.same(logs.filter((line) => line.level >= 50).map((line) => line.msg), [], 'no error logged from start to exit')
  t.ok(logs.some((line) => /shutting down/.test(line.msg)), 'the shutdown was the graceful one')
})
