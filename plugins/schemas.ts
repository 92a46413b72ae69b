import fp from 'fastify-plugin'
import { sharedSchemas } from '../src/schemas/index.js'

// Registers every named schema once, so routes use $ref and @fastify/swagger emits them as components.
export default fp(async function schemas (app) {
  for (const schema of sharedSchemas) {
    app.addSchema(schema)
  }
}, { name: 'schemas', fastify: '5.x' })
