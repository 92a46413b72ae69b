import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { packageRoot } from '../../src/paths.js'
import { mustRun, run, type Run } from './commands.js'

type Test = { teardown: (fn: () => unknown) => void }

const gitlabCiLocal = join(packageRoot, 'node_modules/gitlab-ci-local/dist/index.js')

function git (cwd: string, ...args: string[]): void {
  mustRun(cwd, 'git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', ...args])
}

/**
 * A committed copy of the working tree (tracked and untracked, not ignored: what a fresh clone in CI has), with an
 * origin whose default branch is main, and a function that runs gitlab-ci-local in it. Removed after the test.
 */
export function cloneForGitlabCiLocal (t: Test): { dir: string, ciLocal: (args: string[], timeout?: number) => Run } {
  const dir = mkdtempSync(join(tmpdir(), 'pg-gitlab-ci-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const files = mustRun(packageRoot, 'git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z']).split('\0').filter((file) => file !== '' && existsSync(join(packageRoot, file)))
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    cpSync(join(packageRoot, file), join(dir, file))
  }
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'snapshot')
  git(dir, 'remote', 'add', 'origin', 'https://gitlab.example.com/group/password-generator.git')
  git(dir, 'update-ref', 'refs/remotes/origin/main', 'HEAD')
  git(dir, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main')
  return { dir, ciLocal: (args, timeout) => run(dir, process.execPath, [gitlabCiLocal, ...args], timeout) }
}
