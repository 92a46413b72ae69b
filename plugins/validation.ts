import { Ajv, type Options } from 'ajv'
import fp from 'fastify-plugin'
import { HttpProblem, PROBLEM_TYPES } from '../src/problems.js'

// Sets the validator compiler: JSON bodies are checked strictly (a "12" is not a length), while query strings, which
// are text by nature, are coerced. Unknown fields are rejected, never silently dropped. Bodies must be UTF-8 JSON and
// query strings valid percent-encoded UTF-8: bad bytes are a 400, never silently replaced or kept literally.
export default fp(async function validation (app) {
  // JSON text is UTF-8 (RFC 8259 section 8.1): other bytes are a 400, not silently replaced by U+FFFD.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  const utf8 = new TextDecoder('utf-8', { fatal: true })
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, function parseUtf8Json (request, body, done) {
    let text: string
    try {
      text = utf8.decode(body as Buffer)
    } catch {
      done(new HttpProblem(400, 'The body is not valid UTF-8; JSON must be sent as UTF-8.', PROBLEM_TYPES.validation), undefined)
      return
    }
    parseJson(request, text, done)
  })
  // A query string must decode to text: a malformed escape (%zz, %ff, overlong or surrogate UTF-8) is a 400, not
  // kept literally as "%ff".
  app.addHook('onRequest', function checkQueryEncoding (request, _reply, done) {
    const start = request.url.indexOf('?')
    if (start !== -1 && request.url.includes('%', start)) {
      try {
        decodeURIComponent(request.url.slice(start + 1))
      } catch {
        done(new HttpProblem(400, 'The query string is not valid percent-encoded UTF-8.', PROBLEM_TYPES.validation))
        return
      }
    }
    done()
  })

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
