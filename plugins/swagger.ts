import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import fp from 'fastify-plugin'
import { serviceVersion } from '../src/config.js'
import { CONTENT_SECURITY_POLICY, securityHeaderValues } from './security-headers.js'

// Swagger UI's top bar draws its logo (until @fastify/swagger-ui swaps in its own) as an SVG with a <style> element,
// created by this script: the UI's one inline style. A Content-Security-Policy lets it apply only by the hash of its
// exact text, so the hash is taken from the script that is served and follows it when @fastify/swagger-ui is upgraded.
const SWAGGER_UI_PRESET = createRequire(import.meta.url).resolve('@fastify/swagger-ui/static/swagger-ui-standalone-preset.js')

/** The 'sha256-...' source of each <style> element the preset creates (its text is a JSON-compatible literal). */
function swaggerUiStyleHashes (): string[] {
  const script = readFileSync(SWAGGER_UI_PRESET, 'utf8')
  return [...script.matchAll(/\.createElement\("style",null,("(?:[^"\\]|\\.)*")\)/g)].map(([, literal = '']) =>
    `'sha256-${createHash('sha256').update(JSON.parse(literal) as string).digest('base64')}'`)
}

/**
 * The service's own Content-Security-Policy with Swagger UI's style hashes added to style-src. It replaces the one
 * staticCSP: true would set, which allows styles and fonts from any https: origin, lets the docs be framed and asks
 * for upgrade-insecure-requests (every asset then fails over a plain-HTTP origin other than localhost).
 */
function docsContentSecurityPolicy (): string {
  const styleSrc = [...CONTENT_SECURITY_POLICY.styleSrc, ...swaggerUiStyleHashes()]
  return securityHeaderValues({ ...CONTENT_SECURITY_POLICY, styleSrc })['content-security-policy'] ?? ''
}

// Registers @fastify/swagger (OpenAPI 3.1 built from the route schemas, components named by their $id) and
// Swagger UI at /docs (JSON at /docs/json), served under the service's Content-Security-Policy plus its style hash.
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
    theme: { title: 'password-generator API' },
    // Set in onSend on every /docs response, after (so instead of) the policy of the security-headers hook.
    staticCSP: docsContentSecurityPolicy()
  })
}, { name: 'swagger', fastify: '5.x', dependencies: ['config', 'schemas'] })
