import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { SERVICE_NAME, serviceVersion } from '../src/config.js'
import { HealthReport, ProbeStatus, VersionInfo, type HealthReportBody } from '../src/schemas/health.js'
import { ref } from '../src/schemas/ref.js'

// Probes stay quiet: a successful probe is logged below info, so kubelets polling every few seconds do not flood logs.
const quiet = { logLevel: 'warn' } as const

// GET /health, /health/live, /health/ready and /version: the old service's health and version endpoints plus the
// Kubernetes probes. None touches a dependency: each reports the state the plugins keep.
const health: FastifyPluginAsyncTypebox = async function health (app) {
  const version = serviceVersion(app.config)

  app.get('/health', {
    ...quiet,
    schema: {
      operationId: 'health',
      tags: ['health'],
      summary: 'Health of the service and its dependencies',
      description: 'The old service\'s fields (status, service, version, timestamp) plus uptime and one check per dependency. 200 while no required dependency is down, else 503.',
      response: {
        200: { description: 'Healthy, or degraded (an optional dependency is down).', ...ref(HealthReport) },
        503: { description: 'A required dependency is down.', ...ref(HealthReport) }
      }
    }
  }, async function healthReport (_request, reply) {
    const checks: HealthReportBody['checks'] = {}
    let status: HealthReportBody['status'] = 'healthy'
    for (const dependency of app.health.dependencies()) {
      checks[dependency.name] = { status: dependency.up ? 'up' : 'down', required: dependency.required, ...(dependency.detail === undefined ? {} : { detail: dependency.detail }) }
      if (!dependency.up) {
        status = dependency.required ? 'unhealthy' : (status === 'unhealthy' ? status : 'degraded')
      }
    }
    const body: HealthReportBody = { status, service: SERVICE_NAME, version, timestamp: new Date().toISOString(), uptime: Math.round(process.uptime() * 1000) / 1000, checks }
    return reply.code(status === 'unhealthy' ? 503 : 200).header('cache-control', 'no-store').send(body)
  })

  app.get('/health/live', {
    ...quiet,
    schema: {
      operationId: 'liveness',
      tags: ['health'],
      summary: 'Liveness probe',
      description: 'Answers 200 while the process can serve HTTP. Touches no dependency.',
      response: { 200: { description: 'Alive.', ...ref(ProbeStatus) } }
    }
  }, async function liveness (_request, reply) {
    return reply.header('cache-control', 'no-store').send({ status: 'ok' })
  })

  app.get('/health/ready', {
    ...quiet,
    schema: {
      operationId: 'readiness',
      tags: ['health'],
      summary: 'Readiness probe',
      description: '200 when the service should get traffic; 503 while starting, while shutting down (at once, before the server stops accepting), or while a required dependency is down.',
      response: {
        200: { description: 'Ready.', ...ref(ProbeStatus) },
        503: { description: 'Not ready; `reason` says why.', ...ref(ProbeStatus) }
      }
    }
  }, async function readiness (_request, reply) {
    reply.header('cache-control', 'no-store')
    if (app.health.lifecycle !== 'ready') {
      return reply.code(503).send({ status: 'not ready', reason: app.health.lifecycle === 'stopping' ? 'shutting down' : 'starting' })
    }
    const down = app.health.dependencies().filter((dependency) => dependency.required && !dependency.up)
    if (down.length > 0) {
      return reply.code(503).send({ status: 'not ready', reason: `${down.map((dependency) => dependency.name).join(', ')} down` })
    }
    return reply.send({ status: 'ready' })
  })

  app.get('/version', {
    ...quiet,
    schema: {
      operationId: 'version',
      tags: ['health'],
      summary: 'Version of the running service',
      description: 'version is APP_VERSION, else the version in package.json; environment is APP_ENV; commit is GIT_COMMIT.',
      response: { 200: { description: 'The version.', ...ref(VersionInfo) } }
    }
  }, async function versionInfo () {
    return { version, service: SERVICE_NAME, environment: app.config.APP_ENV, commit: app.config.GIT_COMMIT, node: process.version }
  })
}

export default health
