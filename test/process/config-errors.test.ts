// Settings that cannot work stop the real process at start-up: one line on stderr naming the variable, exit code 78.
import t from 'tap'
import { startService } from '../helpers/service.js'

const EX_CONFIG = 78

const cases: Array<{ name: string, env: Record<string, string>, line: RegExp, hidden?: string }> = [
  {
    name: 'WORKERS=2 with the in-memory store is refused (each worker would count on its own)',
    env: { WORKERS: '2' },
    line: /^password-generator: Invalid WORKERS=2: more than one worker needs REDIS_URL or REDIS_CLUSTER_NODES, because with the in-memory rate-limit store each worker would count on its own\.$/m
  },
  {
    name: 'a REDIS_URL that is not redis:// is refused without echoing it (it may hold a password)',
    env: { REDIS_URL: 'http://user:hunter2@127.0.0.1:6379' },
    line: /^password-generator: Invalid REDIS_URL=\(value hidden\): expected a string matching/m,
    hidden: 'hunter2'
  },
  {
    name: 'a malformed REDIS_CLUSTER_NODES is refused',
    env: { REDIS_CLUSTER_NODES: '127.0.0.1' },
    line: /^password-generator: Invalid REDIS_CLUSTER_NODES="127\.0\.0\.1": expected a string matching/m
  }
]

for (const { name, env, line, hidden } of cases) {
  t.test(name, async (t) => {
    const service = await startService(t, env, { waitPath: null })
    const exit = await service.exited
    t.comment(`exit code ${String(exit.code)}; stderr: ${service.output().trim()}`)
    t.equal(exit.code, EX_CONFIG, 'exit code 78 (EX_CONFIG)')
    t.match(service.output(), line, 'one line that names the variable and what is allowed')
    t.equal(service.output().trim().split('\n').length, 1, 'nothing else is written')
    if (hidden !== undefined) {
      t.notMatch(service.output(), hidden, 'the secret is not echoed')
    }
  })
}
