import { Type, type Static } from 'typebox'
import { ref } from './ref.js'

export const DependencyCheck = Type.Object({
  status: Type.Union([Type.Literal('up'), Type.Literal('down')]),
  required: Type.Boolean({ description: 'Whether the service is unhealthy while this dependency is down.' }),
  detail: Type.Optional(Type.String())
}, { $id: 'DependencyCheck', additionalProperties: false })

export const HealthReport = Type.Object({
  status: Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('unhealthy')], { description: 'healthy: all dependencies up; degraded: an optional one is down; unhealthy: a required one is down (503).' }),
  service: Type.String({ examples: ['password-generator'] }),
  version: Type.String({ examples: ['2.0.0'] }),
  timestamp: Type.String({ format: 'date-time' }),
  uptime: Type.Number({ description: 'Seconds since the process started.' }),
  checks: Type.Record(Type.String(), ref(DependencyCheck), { description: 'One entry per dependency.' })
}, {
  $id: 'HealthReport',
  additionalProperties: false,
  examples: [{ status: 'healthy', service: 'password-generator', version: '2.0.0', timestamp: '2026-12-04T12:00:00.000Z', uptime: 42.1, checks: {} }]
})

export type HealthReportBody = Static<typeof HealthReport>

export const ProbeStatus = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('ready'), Type.Literal('not ready')]),
  reason: Type.Optional(Type.String({ description: 'Why the service is not ready.' }))
}, { $id: 'ProbeStatus', additionalProperties: false, examples: [{ status: 'ready' }, { status: 'not ready', reason: 'shutting down' }] })

export const VersionInfo = Type.Object({
  version: Type.String({ examples: ['2.0.0'] }),
  service: Type.String({ examples: ['password-generator'] }),
  environment: Type.String({ examples: ['production'] }),
  commit: Type.String({ examples: ['3f2c1ab'] }),
  node: Type.String({ examples: ['v24.11.1'] })
}, { $id: 'VersionInfo', additionalProperties: false })
