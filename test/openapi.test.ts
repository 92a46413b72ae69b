import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import t from 'tap'
import { openApiDocument } from '../src/documents.js'

const committedPath = new URL('../openapi/openapi.json', import.meta.url)

t.test('the committed openapi/openapi.json is what the app generates (else: run npm run openapi)', async (t) => {
  const generated = await openApiDocument()
  t.ok(generated === readFileSync(committedPath, 'utf8'), 'openapi/openapi.json is stale: run npm run openapi')
})

t.test('the document names its components, documents every operation and every error', async (t) => {
  const document = JSON.parse(readFileSync(committedPath, 'utf8'))
  t.equal(document.openapi, '3.1.0')
  for (const name of ['Problem', 'PasswordRequest', 'PasswordResponse', 'PassphraseRequest', 'PassphraseResponse', 'HealthReport', 'VersionInfo']) {
    t.ok(document.components.schemas[name], `component ${name}`)
  }
  const operations = Object.entries(document.paths as Record<string, Record<string, { operationId: string, tags: string[], summary: string, description: string, responses: Record<string, unknown> }>>)
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, ...operation })))
  t.ok(operations.length >= 9)
  for (const operation of operations) {
    t.ok(operation.operationId && operation.tags.length > 0 && operation.summary && operation.description, `${operation.method} ${operation.path} is described`)
  }
  const generate = document.paths['/api/generate'].post
  t.same(Object.keys(generate.responses).sort(), ['200', '400', '406', '413', '415', '429', '500', '503'])
  t.equal(generate.responses['429'].content['application/problem+json'].schema.$ref, '#/components/schemas/Problem')
})

t.test('redocly lint passes with no errors', async (t) => {
  const result = spawnSync('npx', ['--no-install', 'redocly', 'lint', '--format', 'stylish', 'openapi/openapi.json'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    encoding: 'utf8',
    timeout: 120_000
  })
  t.equal(result.status, 0, result.stdout + result.stderr)
})
