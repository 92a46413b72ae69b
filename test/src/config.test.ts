import { readFileSync } from 'node:fs'
import t from 'tap'
import { availableParallelism } from 'node:os'
import { ConfigSchema, cpuBudget, loadConfig, trustProxy, workerCount } from '../../src/config.js'
import { configTable, envExample } from '../../src/documents.js'

t.test('every setting has a default, so an empty environment is valid', async (t) => {
  const config = loadConfig({})
  t.match(config, { PORT: 5000, HOST: '0.0.0.0', LOG_LEVEL: 'info', BODY_LIMIT: 4096, RATE_LIMIT_MAX: 100, RATE_LIMIT_WINDOW: 60, RATE_LIMIT_FAIL_OPEN: true, SHUTDOWN_TIMEOUT: 10, WORKERS: 0 })
  t.equal(Object.keys(config).length, Object.keys(ConfigSchema.properties).length)
  t.same(loadConfig({ PORT: '' }).PORT, 5000, 'an empty value means the default')
})

t.test('values are converted strictly', async (t) => {
  t.match(loadConfig({ PORT: '8080', RATE_LIMIT_FAIL_OPEN: 'false', LOG_LEVEL: 'debug' }), { PORT: 8080, RATE_LIMIT_FAIL_OPEN: false, LOG_LEVEL: 'debug' })
})

t.test('a bad value is one line naming the variable, the value and what is allowed', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'abc' }, /^Invalid PORT="abc": expected an integer from 0 to 65535\./],
    [{ PORT: '70000' }, /^Invalid PORT="70000"/],
    [{ PORT: '1e3' }, /^Invalid PORT="1e3"/],
    [{ LOG_LEVEL: 'loud' }, /^Invalid LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent/],
    [{ RATE_LIMIT_FAIL_OPEN: 'yes' }, /^Invalid RATE_LIMIT_FAIL_OPEN="yes": expected true or false/],
    [{ CORS_ORIGIN: 'example.com' }, /^Invalid CORS_ORIGIN="example.com": expected a string matching/],
    [{ TRUST_PROXY: 'everyone' }, /^Invalid TRUST_PROXY/],
    [{ WORKERS: '4' }, /^Invalid WORKERS=4: more than one worker needs REDIS_URL or REDIS_CLUSTER_NODES/]
  ]
  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), { name: 'ConfigError', message }, JSON.stringify(env))
    try { loadConfig(env) } catch (error) { t.notMatch((error as Error).message, /\n/, 'one line') }
  }
})

t.test('secrets are never echoed in config errors', async (t) => {
  t.throws(() => loadConfig({ REDIS_URL: 'http://user:hunter2@redis:6379' }), { message: /^Invalid REDIS_URL=\(value hidden\)/ })
  t.throws(() => loadConfig({ METRICS_TOKEN: 'hunter2 with spaces' }), { message: /^Invalid METRICS_TOKEN=\(value hidden\)/ })
})

t.test('worker count and proxy trust', async (t) => {
  t.equal(workerCount(loadConfig({})), 1, 'one worker without Redis')
  t.ok(workerCount(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' })) >= 1, 'one per CPU with Redis')
  t.equal(workerCount(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', WORKERS: '3' })), 3)
  t.equal(trustProxy(loadConfig({})), false)
  t.equal(trustProxy(loadConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' })), '10.0.0.0/8,127.0.0.1')
  const hops = trustProxy(loadConfig({ TRUST_PROXY: '1' })) as (address: string, hop: number) => boolean
  t.equal(hops('10.0.0.1', 0), true)
  t.equal(hops('10.0.0.1', 1), false)
})

t.test('the CPU budget respects a cgroup v2 quota', async (t) => {
  const cpus = availableParallelism()
  t.equal(cpuBudget('max 100000\n'), cpus, 'no quota')
  t.equal(cpuBudget('50000 100000\n'), 1, 'half a CPU is still one worker')
  t.equal(cpuBudget(`${cpus * 100000} 100000`), cpus)
  t.equal(cpuBudget(`${(cpus + 8) * 100000} 100000`), cpus, 'never more than the machine has')
  t.equal(cpuBudget(undefined), cpus, 'no cgroup file')
  t.equal(cpuBudget('garbage'), cpus)
})

t.test('README table and .env.example list every setting with its default (run npm run docs:config)', async (t) => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  t.ok(readme.includes(configTable()), 'README configuration table is current: run npm run docs:config')
  t.equal(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8'), envExample(), '.env.example is current: run npm run docs:config')
})
