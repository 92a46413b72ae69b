import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

t.test('an unexpected error is a 500 problem that hides internals and is logged with the error', async (t) => {
  const { app, logs } = await buildTestApp(t, {}, (app) => {
    app.get('/boom', async () => { throw new Error('database password is hunter2 at /work/main/src/x.ts:1') })
  })
  const res = await app.inject({ url: '/boom', headers: { 'x-request-id': 'req-500' } })
  t.equal(res.statusCode, 500)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.same(res.json(), { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'The server could not complete the request. Quote the request id when reporting it.', success: false, requestId: 'req-500' })
  t.notMatch(res.body, /hunter2|\/work\/|\.ts/)
  const logged = logs.find((line) => line.msg === 'request failed')
  t.match(logged, { level: 50, reqId: 'req-500', err: { message: /hunter2/ } }, 'the operator sees the cause')
})

t.test('a method a path does not have is a 405 that lists the methods it has in Allow', async (t) => {
  const { app } = await buildTestApp(t)
  for (const [method, url, allow] of [
    ['PUT', '/api/generate', 'GET, HEAD, POST'],
    ['DELETE', '/api/passphrase?words=3', 'GET, HEAD, POST'],
    ['POST', '/health/live', 'GET, HEAD'],
    ['PATCH', '/', 'GET, HEAD']
  ] as const) {
    const res = await app.inject({ method, url })
    t.equal(res.statusCode, 405, `${method} ${url}`)
    t.equal(res.headers.allow, allow, `${method} ${url}: Allow`)
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(res.json(), { status: 405, title: 'Method Not Allowed', success: false, detail: `${method} is not allowed on ${url.split('?')[0] ?? ''}: use ${allow}. The API is described at /docs.` })
  }
  const asset = await app.inject({ method: 'POST', url: '/assets/app.css' })
  t.equal(asset.statusCode, 404, 'paths under a wildcard stay 404s')
  t.equal(asset.headers.allow, undefined)
})

t.test('not found names the path and points at the docs', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject('/api/nothing?x=1')
  t.equal(res.statusCode, 404)
  t.equal(res.json().detail, 'There is no GET /api/nothing. The API is described at /docs.')
})
