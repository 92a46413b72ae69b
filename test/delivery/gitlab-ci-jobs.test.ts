// Jobs of .gitlab-ci.yml actually run by gitlab-ci-local 4.73 with the shell executor, in a throwaway clone.
// The test job is limited with its own TAP_FILES variable to one delivery test file: the full suite includes the
// gitlab-ci tests (it would recurse) and needs minutes. Everything else in the job runs as in GitLab: npm ci (from
// this machine's npm cache, where GitLab restores .npm/), the type-check, the JUnit and Cobertura reports.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { packageRoot } from '../../src/paths.js'
import { mustRun } from './commands.js'
import { cloneForGitlabCiLocal } from './gitlab-ci-local.js'

// npm ci of every dependency plus a full type-check: about a minute on an idle machine, several on a busy one.
t.setTimeout(420_000)
const { dir: clone, ciLocal } = cloneForGitlabCiLocal(t)

t.test('the test job runs with the shell executor', async (t) => {
  const npmCache = mustRun(packageRoot, 'npm', ['config', 'get', 'cache']).trim()
  const result = ciLocal(['--force-shell-executor', '--variable', 'TAP_FILES=test/delivery/dockerfile.test.ts', '--variable', `npm_config_cache=${npmCache}`, 'test'], 360_000)
  t.equal(result.status, 0, 'the job passes', { output: result.output.slice(-4000) })
  t.match(result.output, /PASS\s+test/)
  t.match(result.output, /\$ npm run typecheck/)
  t.match(result.output, /coverage gate and audit skipped: only test\/delivery\/dockerfile\.test\.ts ran/)
  const junit = readFileSync(join(clone, 'test-output/junit.xml'), 'utf8')
  t.match(junit, /<testsuite name="test\/delivery\/dockerfile\.test\.ts" tests="\d+" failures="0"/, 'the JUnit report has the test file, without failures')
  t.ok(existsSync(join(clone, '.tap/report/cobertura-coverage.xml')), 'the Cobertura report exists where the job publishes it from')
})

t.test('the rollback job refuses a ROLLBACK_TO that is not an image tag', async (t) => {
  const result = ciLocal(['--force-shell-executor', '--variable', 'ROLLBACK_TO=latest', '--variable', 'CI_PIPELINE_SOURCE=web', 'rollback:production'])
  t.not(result.status, 0)
  t.match(result.output, /ROLLBACK_TO must be an image tag such as v2\.0\.1/)
  t.notMatch(result.output, /\$ kubectl/, 'before touching the cluster')
})
