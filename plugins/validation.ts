import { Ajv, type Options } from 'ajv'
import fp from 'fastify-plugin'

// Sets the validator compiler: JSON bodies are checked strictly (a "12" is not a length), while query strings, which
// are text by nature, are coerced. Unknown fields are rejected, never silently dropped.
export default fp(async function validation (app) {
  const common: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false }
  const compilers = {
    strict: new Ajv({ ...common, coerceTypes: false }),
    coercing: new Ajv({ ...common, coerceTypes: true })
  }
  let sharedAdded = false
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (!sharedAdded) {
      // The shared schemas are all registered (a declared dependency) before the first route is compiled.
      for (const shared of Object.values(app.getSchemas())) {
        compilers.strict.addSchema(shared as object)
        compilers.coercing.addSchema(shared as object)
      }
      sharedAdded = true
    }
    return (httpPart === 'body' ? compilers.strict : compilers.coercing).compile(schema)
  })
}, { name: 'validation', fastify: '5.x', dependencies: ['schemas'] })
