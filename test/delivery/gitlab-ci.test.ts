// .gitlab-ci.yml through gitlab-ci-local 4.73: its schema validation, its rules evaluated per kind of pipeline
// (--list-json, the JSON form of --list), and the expanded file (--preview). gitlab-ci-jobs.test.ts runs jobs.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import t from 'tap'
import { parse } from 'yaml'
import { packageRoot } from '../../src/paths.js'
import { readDockerfile } from './dockerfile.js'
import { run } from './commands.js'
import { cloneForGitlabCiLocal } from './gitlab-ci-local.js'

type Json = Record<string, any>

const ciText = readFileSync(join(packageRoot, '.gitlab-ci.yml'), 'utf8')
const { dir: clone, ciLocal } = cloneForGitlabCiLocal(t)

/** The jobs a pipeline with these variables would contain, as name -> when. */
function pipeline (variables: Record<string, string>, unset: string[] = []): Record<string, string> {
  const overridden = [...Object.keys(variables), ...unset].join(',')
  const args = ['--list-json', ...(overridden === '' ? [] : ['--ignore-predefined-vars', overridden]), ...Object.entries(variables).flatMap(([key, value]) => ['--variable', `${key}=${value}`]), ...unset.flatMap((key) => ['--unset-variable', key])]
  const result = ciLocal(args)
  if (result.status !== 0) {
    throw new Error(`gitlab-ci-local ${args.join(' ')} failed:\n${result.output}`)
  }
  const jobs = JSON.parse(result.stdout.slice(result.stdout.search(/^\[$/m))) as Array<{ name: string, when: string }>
  return Object.fromEntries(jobs.filter((job) => job.when !== 'never').map((job) => [job.name, job.when]))
}

const previewRun = ciLocal(['--preview'])
const preview = parse(previewRun.stdout.slice(previewRun.stdout.indexOf('---'))) as Json
const jobs = Object.fromEntries(Object.entries(preview).filter(([name, value]) => typeof value === 'object' && value !== null && 'script' in value && !name.startsWith('.'))) as Record<string, Json>
const script = (job: string): string => [...(jobs[job]?.before_script ?? []), ...(jobs[job]?.script ?? [])].join('\n')

t.test('gitlab-ci-local accepts the file and expands it', async (t) => {
  t.equal(previewRun.status, 0, previewRun.output.slice(0, 2000))
  t.same(preview.stages, ['.pre', 'test', 'build', 'deploy', 'verify', 'cleanup', '.post'])
  t.same(Object.keys(jobs).sort(), ['build', 'cleanup:registry', 'deploy:production', 'rollback:production', 'test', 'verify:production', 'verify:rollback'])
  for (const [name, job] of Object.entries(jobs)) {
    t.ok(Array.isArray(job.rules) && job.only === undefined && job.except === undefined, `${name} uses rules:, not only/except`)
  }
})

t.test('gitlab-ci-local rejects a broken copy', async (t) => {
  const broken: Array<[string, string, RegExp]> = [
    ['an unknown stage', ciText.replace('  stage: verify\n', '  stage: verifi\n'), /stage:verifi not found/],
    ['a misspelt job key', ciText.replace(/(deploy:production:[\s\S]*?\n) {2}rules:/, '$1  rule:'), /Invalid \.gitlab-ci\.yml configuration/],
    ['a misspelt environment key', ciText.replace('    url: $PRODUCTION_URL', '    ur1: $PRODUCTION_URL'), /Invalid \.gitlab-ci\.yml configuration/]
  ]
  for (const [name, text, expected] of broken) {
    t.not(text, ciText, `${name}: the copy differs`)
    writeFileSync(join(clone, 'broken-ci.yml'), text)
    const result = ciLocal(['--file', 'broken-ci.yml', '--list'])
    t.not(result.status, 0, `${name} is rejected`)
    t.match(result.output, expected)
  }
  rmSync(join(clone, 'broken-ci.yml'))
})

t.test('which jobs run in which pipeline', async (t) => {
  const tag = { CI_COMMIT_TAG: 'v2.0.0', CI_COMMIT_REF_NAME: 'v2.0.0' }
  t.same(pipeline({ CI_COMMIT_BRANCH: 'feature/x', CI_COMMIT_REF_NAME: 'feature/x' }), { test: 'on_success', build: 'on_success' }, 'feature branch: test and a dev image')
  t.same(pipeline({ CI_PIPELINE_SOURCE: 'merge_request_event' }, ['CI_COMMIT_BRANCH']), { test: 'on_success' }, 'merge request: test only')
  t.same(pipeline({}), { test: 'on_success', build: 'on_success', 'cleanup:registry': 'manual' }, 'default branch: test, build, manual cleanup')
  t.same(pipeline(tag, ['CI_COMMIT_BRANCH']), {
    test: 'on_success',
    build: 'on_success',
    'deploy:production': 'manual',
    'verify:production': 'on_success',
    'cleanup:registry': 'manual'
  }, 'version tag: deploy is manual and verified')
  t.same(pipeline({ CI_COMMIT_TAG: 'nightly' }, ['CI_COMMIT_BRANCH']), { test: 'on_success' }, 'a tag that is not a version deploys nothing')
  t.same(pipeline({ CI_PIPELINE_SOURCE: 'web', ROLLBACK_TO: 'v1.9.0' }), { 'rollback:production': 'on_success', 'verify:rollback': 'on_success' }, 'ROLLBACK_TO: roll back and verify, nothing else')
})

t.test('test job: type-check, the suite with JUnit and Cobertura reports, the coverage figure, an npm cache', async (t) => {
  const job = jobs.test ?? {}
  t.match(script('test'), /npm ci /)
  t.match(script('test'), /npm run typecheck/)
  t.match(script('test'), /npm run test:ci/)
  t.match(script('test'), /npm run test:coverage/)
  t.equal(job.artifacts?.reports?.junit, 'test-output/junit.xml')
  t.same(job.artifacts?.reports?.coverage_report, { coverage_format: 'cobertura', path: '.tap/report/cobertura-coverage.xml' })
  t.equal(job.artifacts?.when, 'always', 'reports even when tests fail')
  t.same(job.cache?.[0]?.key, { files: ['package-lock.json'] })
  t.same(job.cache?.[0]?.paths, ['.npm/'])
  t.equal(preview.variables?.npm_config_cache, '$CI_PROJECT_DIR/.npm', 'npm uses the cached directory')
  // The coverage regex must match what the coverage gate prints: run the gate on a summary and apply the regex.
  const gateDir = mkdtempSync(join(tmpdir(), 'pg-coverage-'))
  t.teardown(() => { rmSync(gateDir, { recursive: true, force: true }) })
  const gateScript = join(packageRoot, 'scripts/check-coverage.js')
  const summaryPath = /readFileSync\('([^']+)'/.exec(readFileSync(gateScript, 'utf8'))?.[1] ?? 'the summary path the gate reads'
  mkdirSync(dirname(join(gateDir, summaryPath)), { recursive: true })
  const lines = { total: 200, covered: 187, skipped: 0, pct: 93.5 }
  writeFileSync(join(gateDir, summaryPath), JSON.stringify({ total: { lines }, [join(gateDir, 'src/app.ts')]: { lines } }))
  const gate = run(gateDir, process.execPath, [gateScript, '90'])
  const regex = /^\/(.*)\/$/.exec(job.coverage as string)?.[1] ?? ''
  t.equal(new RegExp(regex).exec(gate.output)?.[1], '93.50', `the coverage regex reads the gate's figure from: ${gate.output.trim()}`)
})

t.test('build job: BuildKit, dev-<short sha> on branches, the tag on tags, pushed to the project registry', async (t) => {
  const job = jobs.build ?? {}
  t.equal(job.services?.[0]?.alias ?? job.services?.[0], 'docker')
  t.equal(job.variables?.DOCKER_BUILDKIT, '1')
  t.match(script('build'), /IMAGE_TAG="\$\{CI_COMMIT_TAG:-dev-\$CI_COMMIT_SHORT_SHA\}"/)
  t.match(script('build'), /docker buildx build --pull --push/)
  t.match(script('build'), /--tag "\$CI_REGISTRY_IMAGE:\$IMAGE_TAG"/)
  t.match(script('build'), /--build-arg "APP_VERSION=\$IMAGE_TAG"/)
  t.match(script('build'), /--build-arg "GIT_COMMIT=\$CI_COMMIT_SHA"/)
  t.match(script('build'), /--password-stdin/, 'the registry password never appears on a command line')
})

t.test('deploy, rollback, verify and cleanup', async (t) => {
  for (const name of ['deploy:production', 'rollback:production']) {
    t.same(jobs[name]?.environment, { name: 'production', url: '$PRODUCTION_URL' }, `${name} has the environment and URL`)
    t.equal(jobs[name]?.resource_group, 'production', `${name} never overlaps another change`)
    t.match(script(name), /kustomize edit set image "password-generator=\$CI_REGISTRY_IMAGE:\$RELEASE"/)
    t.match(script(name), /rollout undo/, `${name} undoes a rollout that never gets ready`)
  }
  t.equal(jobs['deploy:production']?.variables?.RELEASE, '$CI_COMMIT_TAG')
  t.equal(jobs['rollback:production']?.variables?.RELEASE, '$ROLLBACK_TO')
  for (const name of ['verify:production', 'verify:rollback']) {
    t.match(script(name), /BASE_URL="\$PRODUCTION_URL" EXPECT_VERSION="\$RELEASE" .*npm run test:black-box/, `${name} runs the black-box suite against production`)
  }
  t.match(script('cleanup:registry'), /name_regex_delete=\^dev-/, 'cleanup deletes dev images only, never the version tags rollbacks need')
})

t.test('images are pinned and the CI Node is the image Node', async (t) => {
  const images = [...ciText.matchAll(/^\s*(?:[A-Z_]+_IMAGE:|image:|- name:)\s*(\S+)\s*$/gm)].map((m) => m[1] ?? '').filter((image) => !image.startsWith('$'))
  t.ok(images.length >= 5)
  for (const image of images) {
    t.match(image, /^[\w./-]+:\d+(\.\d+)+[\w.-]*$/, `${image} is pinned to a version`)
  }
  const nodeVersion = (image: string): string | undefined => /^node:(\d+\.\d+\.\d+)/.exec(image)?.[1]
  t.equal(nodeVersion(preview.variables?.NODE_IMAGE as string), nodeVersion(readDockerfile().at(-1)?.image ?? ''), 'same Node version as the Dockerfile')
})

/** Credentials written into a pipeline file: assigned credential variables, key or token literals, inline passwords. */
function secretsIn (text: string): string[] {
  return [
    ...[...text.matchAll(/^\s*[A-Za-z_]*(?:PASSWORD|TOKEN|SECRET|PRIVATE_KEY|API_KEY)[A-Za-z_]*:\s*\S.*$/gim)].map((m) => m[0].trim()),
    ...[...text.matchAll(/-----BEGIN [A-Z ]*PRIVATE KEY-----|glpat-[\w-]+|ghp_\w+|AKIA[0-9A-Z]{16}/g)].map((m) => m[0]),
    ...[...text.matchAll(/(?:--password|\s-p)[ =]["']?[^"'$\s-]\S*/g)].map((m) => m[0].trim())
  ]
}

t.test('no secrets in the file', async (t) => {
  t.same(secretsIn(ciText), [])
  const leaky = ciText.replace('  PRODUCTION_URL: https://passwords.example.com\n', '  PRODUCTION_URL: https://passwords.example.com\n  REGISTRY_CLEANUP_TOKEN: glpat-0123456789abcdefghij\n')
  t.not(leaky, ciText)
  t.same(secretsIn(leaky), ['REGISTRY_CLEANUP_TOKEN: glpat-0123456789abcdefghij', 'glpat-0123456789abcdefghij'], 'a token in the file is found')
  t.same(secretsIn('    - docker login -u ci -p hunter2 registry.example.com'), ['-p hunter2'], 'a password on a command line is found')
})
