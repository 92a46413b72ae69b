import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { packageRoot } from './paths.js'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

// One schema for every setting. Each key is the environment variable's name; `default` and `description` feed the
// README's configuration table and .env.example (a test keeps them equal).
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 5000, description: 'TCP port the HTTP server listens on (0 picks a free one).' }),
  HOST: Type.String({ minLength: 1, maxLength: 255, default: '0.0.0.0', description: 'Address the HTTP server binds to.' }),
  LOG_LEVEL: Type.Union(LOG_LEVELS.map((level) => Type.Literal(level)), { default: 'info', description: 'Minimum level of the JSON logs.' }),
  APP_ENV: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', default: 'development', description: 'Name of the environment, reported by /version.' }),
  APP_VERSION: Type.String({ pattern: '^[A-Za-z0-9._+-]{0,64}$', default: '', description: 'Version reported by /health and /version; empty means the version in package.json.' }),
  GIT_COMMIT: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', default: 'unknown', description: 'Commit the build came from, reported by /version.' }),
  BODY_LIMIT: Type.Integer({ minimum: 256, maximum: 1048576, default: 4096, description: 'Largest accepted request body in bytes; larger bodies get 413.' }),
  CORS_ORIGIN: Type.String({ pattern: '^(|\\*|https?://[^,\\s]+(,https?://[^,\\s]+)*)$', default: '', description: 'Origins allowed by CORS: empty (off), `*`, or a comma-separated list of origins.' }),
  TRUST_PROXY: Type.String({ pattern: '^(|\\d{1,2}|[0-9A-Fa-f.:/]+(,[0-9A-Fa-f.:/]+)*)$', default: '', description: 'Proxies whose X-Forwarded-For is believed: empty (none: the socket address is the client), a hop count, or a comma-separated list of proxy addresses or CIDRs.' }),
  REDIS_URL: Type.String({ pattern: '^(|rediss?://\\S+)$', default: '', secret: true, description: 'Redis for the shared rate-limit counters (redis:// or rediss:// with TLS; user, password and db in the URL). Empty: counters in memory, one process only.' }),
  REDIS_CLUSTER_NODES: Type.String({ pattern: '^(|[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*)$', default: '', description: 'Redis Cluster seed nodes as host:port,host:port (credentials and TLS from REDIS_URL if set). Takes precedence over REDIS_URL for the connection.' }),
  REDIS_KEY_PREFIX: Type.String({ pattern: '^[A-Za-z0-9:_.{}-]{0,64}$', default: 'password-generator:', description: 'Prefix of every Redis key the service writes.' }),
  REDIS_COMMAND_TIMEOUT: Type.Integer({ minimum: 10, maximum: 10000, default: 500, description: 'Longest a request waits for Redis, in milliseconds; commands fail at once while Redis is unreachable.' }),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, maximum: 1000000000, default: 100, description: 'Requests each client may make to /api/generate and /api/passphrase (together) per window.' }),
  RATE_LIMIT_WINDOW: Type.Integer({ minimum: 1, maximum: 86400, default: 60, description: 'Length of the rate-limit window in seconds.' }),
  RATE_LIMIT_FAIL_OPEN: Type.Boolean({ default: true, description: 'While Redis is unreachable: true lets requests through unlimited, false answers 503 (and readiness fails).' }),
  RATE_LIMIT_ALLOW_LIST: Type.String({ pattern: '^(|[0-9A-Fa-f.:/]+(,[0-9A-Fa-f.:/]+)*)$', default: '', description: 'Client addresses or CIDRs that are never rate limited, comma-separated.' }),
  REQUEST_TIMEOUT: Type.Integer({ minimum: 1, maximum: 300, default: 10, description: 'Seconds a client may take to send a whole request (headers and body); slower ones are cut off (slowloris protection).' }),
  WORKERS: Type.Integer({ minimum: 0, maximum: 64, default: 0, description: 'Worker processes sharing the port. 0: one without Redis, one per usable CPU (cgroup CPU quota respected) with Redis. More than one needs Redis.' }),
  SHUTDOWN_TIMEOUT: Type.Integer({ minimum: 1, maximum: 600, default: 10, description: 'Seconds a worker may take to finish in-flight requests after SIGTERM before it is forced out.' }),
  METRICS_TOKEN: Type.String({ pattern: '^[\\x21-\\x7e]{0,256}$', default: '', secret: true, description: 'When set, GET /metrics needs `Authorization: Bearer <token>`.' })
}, { additionalProperties: false })

export type Config = Static<typeof ConfigSchema>
export type ConfigKey = keyof Config

export class ConfigError extends Error {
  override name = 'ConfigError'
}

function allowedValues (schema: TSchema & Record<string, unknown>): string {
  if (Array.isArray(schema.anyOf)) {
    return 'one of ' + (schema.anyOf as Array<{ const: unknown }>).map((s) => String(s.const)).join(', ')
  }
  if (schema.type === 'integer') {
    return `an integer from ${String(schema.minimum)} to ${String(schema.maximum)}`
  }
  if (schema.type === 'boolean') {
    return 'true or false'
  }
  if (schema.type === 'number') {
    return `a number from ${String(schema.minimum)} to ${String(schema.maximum)}`
  }
  return typeof schema.pattern === 'string' ? `a string matching ${schema.pattern}` : `a string of ${String(schema.minLength)} to ${String(schema.maxLength)} characters`
}

function convert (schema: TSchema & Record<string, unknown>, raw: string): unknown {
  // Value.Convert is lenient ("1e3" -> 1000, " 5" -> 5); settings are written by people, so only plain forms pass.
  if (schema.type === 'integer') {
    return /^-?\d+$/.test(raw) ? Number(raw) : raw
  }
  if (schema.type === 'boolean') {
    return raw === 'true' ? true : raw === 'false' ? false : raw
  }
  return raw
}

/** Reads every setting from `env` (empty or missing means the default) and validates it; throws one ConfigError line. */
export function loadConfig (env: Record<string, string | undefined>): Config {
  const config: Record<string, unknown> = {}
  for (const [key, property] of Object.entries(ConfigSchema.properties) as unknown as Array<[string, TSchema & Record<string, unknown>]>) {
    const raw = env[key]
    const value = raw === undefined || raw === '' ? property.default : convert(property, raw)
    if (!Value.Check(property, value)) {
      // Secrets (a password in REDIS_URL, the metrics token) are never echoed, not even when wrong.
      const shown = property.secret === true ? '(value hidden)' : JSON.stringify(raw)
      throw new ConfigError(`Invalid ${key}=${shown}: expected ${allowedValues(property)}. ${String(property.description)}`)
    }
    config[key] = value
  }
  const valid = config as Config
  if (valid.WORKERS > 1 && !usesRedis(valid)) {
    throw new ConfigError(`Invalid WORKERS=${valid.WORKERS}: more than one worker needs REDIS_URL or REDIS_CLUSTER_NODES, because with the in-memory rate-limit store each worker would count on its own.`)
  }
  return valid
}

export function usesRedis (config: Pick<Config, 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>): boolean {
  return config.REDIS_URL !== '' || config.REDIS_CLUSTER_NODES !== ''
}

/**
 * CPUs this process may really use: the machine's, or fewer under a cgroup v2 CPU quota (a container limited to
 * 0.5 or 2 CPUs sees every CPU of the host in os.availableParallelism()).
 */
export function cpuBudget (cpuMax = readCpuMax()): number {
  const cpus = availableParallelism()
  const [quota, period] = (cpuMax ?? '').trim().split(/\s+/)
  if (quota === undefined || quota === 'max' || !/^\d+$/.test(quota) || period === undefined || !/^\d+$/.test(period)) {
    return cpus
  }
  return Math.max(1, Math.min(cpus, Math.floor(Number(quota) / Number(period))))
}

function readCpuMax (): string | undefined {
  try {
    return readFileSync('/sys/fs/cgroup/cpu.max', 'utf8')
  } catch {
    return undefined
  }
}

/** How many workers to run: WORKERS, or when 0, one per usable CPU with Redis and one without. */
export function workerCount (config: Pick<Config, 'WORKERS' | 'REDIS_URL' | 'REDIS_CLUSTER_NODES'>): number {
  if (config.WORKERS > 0) {
    return config.WORKERS
  }
  return usesRedis(config) ? cpuBudget() : 1
}

const packageJson = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { name: string, version: string }

export const SERVICE_NAME = 'password-generator'

/** The version the service reports: APP_VERSION when set, else package.json's. */
export function serviceVersion (config: Pick<Config, 'APP_VERSION'>): string {
  return config.APP_VERSION === '' ? packageJson.version : config.APP_VERSION
}

/** Fastify's trustProxy from TRUST_PROXY: off, a hop count, or the addresses/CIDRs of the trusted proxies. */
export function trustProxy (config: Pick<Config, 'TRUST_PROXY'>): boolean | string | ((address: string, hop: number) => boolean) {
  if (config.TRUST_PROXY === '') {
    return false
  }
  if (/^\d+$/.test(config.TRUST_PROXY)) {
    const hops = Number(config.TRUST_PROXY)
    return (_address: string, hop: number) => hop < hops
  }
  return config.TRUST_PROXY
}
