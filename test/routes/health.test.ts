import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

t.test('/health keeps the old fields and adds uptime and checks', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject('/health')
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { status: 'healthy', service: 'password-generator', version: '2.0.0', checks: {} })
  t.ok(Number.isFinite(Date.parse(body.timestamp)) && body.timestamp.endsWith('Z'), 'ISO 8601 timestamp')
  t.type(body.uptime, 'number')
})

t.test('probes: live and ready', async (t) => {
  const { app } = await buildTestApp(t)
  t.same((await app.inject('/health/live')).json(), { status: 'ok' })
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready' })
})

t.test('readiness turns off as soon as shutdown begins', async (t) => {
  // inject() is refused once close() starts, so this checks the state the readiness route reports from; the
  // process tests (test/process) see the 503 over a real socket.
  let during: string | undefined
  const { app } = await buildTestApp(t, {}, (app) => {
    app.addHook('preClose', async () => { during = app.health.lifecycle })
  })
  t.equal(app.health.lifecycle, 'ready')
  await app.close()
  t.equal(during, 'stopping')
})

t.test('dependencies: an optional one down is degraded (200), a required one down is unhealthy and not ready (503)', async (t) => {
  const { app } = await buildTestApp(t)
  let up = true
  app.health.addDependency({ name: 'cache', required: false, status: () => ({ up, detail: up ? undefined : 'gone' }) } as never)
  app.health.addDependency({ name: 'store', required: true, status: () => ({ up }) })
  up = false
  const health = await app.inject('/health')
  t.equal(health.statusCode, 503)
  t.match(health.json(), { status: 'unhealthy', checks: { cache: { status: 'down', required: false, detail: 'gone' }, store: { status: 'down', required: true } } })
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 503)
  t.same(ready.json(), { status: 'not ready', reason: 'store down' })
  up = true
  t.equal((await app.inject('/health')).json().status, 'healthy')
})

t.test('/version reports settings and the runtime', async (t) => {
  const { app } = await buildTestApp(t, { APP_VERSION: '2.1.0-rc.1', APP_ENV: 'staging', GIT_COMMIT: 'abc1234' })
  t.same((await app.inject('/version')).json(), { version: '2.1.0-rc.1', service: 'password-generator', environment: 'staging', commit: 'abc1234', node: process.version })
  t.equal((await app.inject('/health')).json().version, '2.1.0-rc.1')
})

t.test('successful probes are not logged at info; API requests are', async (t) => {
  const { app, logs } = await buildTestApp(t)
  for (const url of ['/health', '/health/live', '/health/ready', '/version', '/metrics']) {
    t.equal((await app.inject(url)).statusCode, 200, url)
  }
  t.equal(logs.filter((line) => line.msg === 'request completed').length, 0, 'no probe log lines')
  await app.inject('/api/generate')
  t.match(logs.filter((line) => line.msg === 'request completed'), [{ method: 'GET', url: '/api/generate', statusCode: 200 }])
})
