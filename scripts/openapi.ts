// npm run openapi: writes openapi/openapi.json from the app factory.
import { writeFileSync } from 'node:fs'
import { openApiDocument } from '../src/documents.js'

writeFileSync(new URL('../openapi/openapi.json', import.meta.url), await openApiDocument())
console.log('wrote openapi/openapi.json')
