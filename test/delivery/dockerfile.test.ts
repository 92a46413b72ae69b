import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { validate } from 'dockerfile-utils'
import t, { type Test } from 'tap'
import { packageRoot } from '../../src/paths.js'
import { contextCopies, dockerfilePath, parseDockerfile } from './dockerfile.js'

interface LintFinding { label?: string, message: string, line?: number }
interface LintResult { error: { count: number, data: LintFinding[] }, warn: { count: number, data: LintFinding[] } }
type Linter = new (rulesPath: string) => { validate: (content: string) => LintResult }

// dockerfile_lint is CommonJS without types.
const DockerfileLint = createRequire(import.meta.url)('dockerfile_lint') as Linter
const rulesPath = join(packageRoot, '.ci/dockerfile-rules.yaml')
const dockerfile = readFileSync(dockerfilePath, 'utf8')

function lint (content: string): LintResult {
  return new DockerfileLint(rulesPath).validate(content)
}

/** The Dockerfile with one piece replaced; fails the test if the piece is not there, so a negative case cannot pass vacuously. */
function broken (t: Test, search: string | RegExp, replacement: string): string {
  const changed = dockerfile.replace(search, replacement)
  t.not(changed, dockerfile, `the Dockerfile contains ${String(search)}`)
  return changed
}

t.test('dockerfile-utils finds no problem', async (t) => {
  t.same(validate(dockerfile).map((d) => `${d.range.start.line + 1}: ${d.message}`), [])
})

t.test('dockerfile-utils rejects a broken copy', async (t) => {
  t.ok(validate(broken(t, 'EXPOSE 5000', 'EXPOSE port5000')).length > 0, 'invalid port')
  t.ok(validate(broken(t, 'HEALTHCHECK --interval=10s', 'HEALTHCHECK --interval=often')).length > 0, 'invalid duration')
  t.ok(validate(broken(t, 'STOPSIGNAL SIGTERM', 'STOPSIGNAL')).length > 0, 'missing argument')
})

t.test('dockerfile_lint with the project rules finds no error or warning', async (t) => {
  const result = lint(dockerfile)
  t.same(result.error.data.map((f) => f.message), [], 'errors')
  t.same(result.warn.data.map((f) => f.message), [], 'warnings')
})

t.test('dockerfile_lint rejects each rule break', async (t) => {
  const cases: Array<[string, string | RegExp, string, string]> = [
    ['latest base', /FROM node:[^\s]+ AS runtime/, 'FROM node:latest AS runtime', 'is_latest_tag'],
    ['untagged base', /FROM node:[^\s]+ AS runtime/, 'FROM node AS runtime', 'no_tag'],
    ['untagged base with a registry port', /FROM node:[^\s]+ AS runtime/, 'FROM registry.example.com:5000/node AS runtime', 'no_tag'],
    ['floating major tag', /FROM node:[^\s]+ AS runtime/, 'FROM node:24-alpine AS runtime', 'floating_node_tag'],
    ['root user', 'USER 1000:1000', 'USER root', 'root_user'],
    ['uid 0', 'USER 1000:1000', 'USER 0:0', 'root_user'],
    ['no user', 'USER 1000:1000\n', '', 'USER'],
    ['no health check', /HEALTHCHECK[^\n]*\\\n[^\n]*\n/, '', 'HEALTHCHECK'],
    ['health check with curl', /CMD \["node", "-e", "fetch[^\n]*\n/, 'CMD curl -f http://127.0.0.1:5000/health/live\n', 'healthcheck_curl'],
    ['npm cache left in a layer', '--mount=type=cache,target=/root/.npm npm ci --omit=dev', 'npm ci --omit=dev', 'npm_cache_left_behind'],
    ['apk cache left in a layer', 'USER 1000:1000', 'RUN apk add tini\nUSER 1000:1000', 'apk_cache_left_behind'],
    ['wrong port', 'EXPOSE 5000', 'EXPOSE 8080', 'expose_5000'],
    ['wrong stop signal', 'STOPSIGNAL SIGTERM', 'STOPSIGNAL SIGKILL', 'stopsignal_sigterm'],
    ['no stop signal', 'STOPSIGNAL SIGTERM\n', '', 'STOPSIGNAL']
  ]
  for (const [name, search, replacement, expected] of cases) {
    const result = lint(broken(t, search, replacement))
    const found = result.error.data.map((f) => `${f.label ?? ''} ${f.message}`)
    t.ok(found.some((f) => f.includes(expected)), `${name}: reported as ${expected}`, { found })
  }
})

t.test('the runtime stage is small, production-only and non-root', async (t) => {
  const stages = parseDockerfile(dockerfile)
  t.ok(stages.length >= 2, 'multi-stage')
  const images = new Set(stages.map((stage) => stage.image))
  t.equal(images.size, 1, 'every stage uses the same base image, so the runtime matches the build')
  const runtime = stages.at(-1)
  const image = runtime?.image ?? ''
  t.match(image, /^node:(\d+)\.\d+\.\d+-(alpine|slim|bookworm-slim|trixie-slim)[\w.]*$/, 'pinned Node on alpine or slim')
  const major = Number(/^node:(\d+)/.exec(image)?.[1])
  t.ok(major >= 24 && major % 2 === 0, `Node ${major} is an LTS line at least as new as 24`)
  const keyword = (name: string): string[] => (runtime?.instructions ?? []).filter((i) => i.keyword === name).map((i) => i.args)
  t.match(keyword('ENV').join(' '), /\bNODE_ENV=production\b/, 'NODE_ENV=production')
  t.match(keyword('USER').at(-1) ?? '', /^1000(:1000)?$/, 'numeric non-root user, so runAsNonRoot can verify it')
  const start = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  t.same(keyword('CMD'), [JSON.stringify(start.split(' ')).replaceAll(',', ', ')], 'node is PID 1 (npm would rebuild through prestart and swallow signals), with the V8 flags of npm start')
  t.same(keyword('RUN'), [], 'the runtime stage runs nothing: it only copies')
  const labels = keyword('LABEL').join(' ')
  for (const [label, value] of [['version', '${APP_VERSION}'], ['revision', '${GIT_COMMIT}'], ['title', 'password-generator']] as const) {
    t.ok(labels.includes(`org.opencontainers.image.${label}="${value}"`), `OCI label ${label}`)
  }
  t.ok(keyword('ARG').some((arg) => arg.startsWith('APP_VERSION')) && keyword('ARG').some((arg) => arg.startsWith('GIT_COMMIT')), 'version and commit come from build args')
  const deps = stages.find((stage) => stage.name === 'deps')
  t.match(deps?.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n') ?? '', /npm ci --omit=dev/, 'the deps stage installs production dependencies only')
  t.ok(keyword('COPY').some((args) => args === '--from=deps /app/node_modules ./node_modules'), 'node_modules comes from the production-only stage')
})

t.test('.dockerignore lets in exactly what the Dockerfile copies from the context', async (t) => {
  const rules = readFileSync(join(packageRoot, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'))
  t.equal(rules[0], '*', 'allow-list: everything is excluded first')
  const allowed = new Set(rules.slice(1).map((rule) => rule.replace(/^!/, '').replace(/\/$/, '')))
  const sources = new Set(parseDockerfile(dockerfile).flatMap(contextCopies).map(([source]) => source.replace(/\/$/, '')))
  t.same([...sources].sort(), [...allowed].sort(), 'allowed paths = COPY sources')
  for (const source of sources) {
    t.ok(existsSync(join(packageRoot, source)), `${source} exists in the repository`)
  }
  t.notOk(allowed.has('.env'), '.env never reaches the build context')
})

t.test('the runtime copies what the service reads at run time', async (t) => {
  const copied = contextCopies(parseDockerfile(dockerfile).at(-1)).map(([source]) => source)
  for (const needed of ['package.json', 'package-lock.json', 'data', 'public']) {
    t.ok(copied.includes(needed), `${needed} is copied`)
  }
})
