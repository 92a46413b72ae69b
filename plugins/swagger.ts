import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { serviceVersion } from '../src/config.js'

// Registers @fastify/swagger (OpenAPI 3.1 built from the route schemas, components named by their $id) and
// Swagger UI at /docs (JSON at /docs/json).
export default fp(async function swaggerDocs (app) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'password-generator',
        version: serviceVersion(app.config),
        description: 'Secure passwords and passphrases over HTTP. Every random choice comes from node:crypto with ' +
          'rejection sampling (no modulo bias); with requireEachClass every valid password is equally likely. ' +
          'Responses that carry a secret are never cached. Errors are application/problem+json (RFC 9457).',
        license: { name: 'MIT', identifier: 'MIT' }
      },
      // The same origin that serves the document, so Swagger UI's "Try it out" calls this very service.
      servers: [{ url: '/', description: 'This service' }],
      // Public API: no credentials, except the optional bearer token on /metrics (declared on that route).
      security: [],
      components: {
        securitySchemes: {
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when that setting is set.' }
        }
      },
      tags: [
        { name: 'passwords', description: 'Random passwords from character classes' },
        { name: 'passphrases', description: 'Random passphrases from the EFF large wordlist' },
        { name: 'health', description: 'Probes and version, for orchestrators and operators' }
      ]
    },
    refResolver: {
      buildLocalReference (json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`
      }
    }
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { tryItOutEnabled: true, deepLinking: true, displayRequestDuration: true },
    staticCSP: true
  })
}, { name: 'swagger', fastify: '5.x', dependencies: ['config', 'schemas'] })
