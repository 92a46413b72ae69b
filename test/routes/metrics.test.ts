import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

t.test('Prometheus text with request, secret and rate-limit figures', async (t) => {
  const { app } = await buildTestApp(t, { RATE_LIMIT_MAX: '3' })
  await app.inject({ method: 'POST', url: '/api/generate', payload: { count: 4 } })
  await app.inject({ url: '/api/passphrase?count=2' })
  await app.inject({ url: '/api/generate' })
  await app.inject({ url: '/api/generate' })
  await app.inject({ url: '/nope/../etc' })
  const res = await app.inject('/metrics')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const text = res.body
  t.match(text, /^http_requests_total\{method="POST",route="\/api\/generate",status_code="200"\} 1$/m)
  t.match(text, /^http_requests_total\{method="GET",route="\/api\/generate",status_code="429"\} 1$/m)
  t.match(text, /^http_requests_total\{method="GET",route="unmatched",status_code="404"\} 1$/m, 'unknown paths share one label')
  t.match(text, /^http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/api\/generate",status_code="200"\} \d+$/m)
  t.match(text, /^passwords_generated_total 5$/m)
  t.match(text, /^passphrases_generated_total 2$/m)
  t.match(text, /^rate_limit_rejections_total\{route="\/api\/generate"\} 1$/m)
  t.match(text, /^process_resident_memory_bytes \d+/m)
  t.notMatch(text, /redis_up/, 'no Redis gauge without Redis')
})

t.test('METRICS_TOKEN protects /metrics', async (t) => {
  const { app } = await buildTestApp(t, { METRICS_TOKEN: 's3cret-token' })
  const missing = await app.inject('/metrics')
  t.equal(missing.statusCode, 401)
  t.equal(missing.headers['www-authenticate'], 'Bearer realm="metrics"')
  t.match(missing.json(), { status: 401, success: false })
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode, 401)
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer s3cret-token' } })).statusCode, 200)
})
