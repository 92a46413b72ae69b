// npm run docs:config: writes .env.example and the configuration table in README.md from the config schema.
import { readFileSync, writeFileSync } from 'node:fs'
import { configTable, envExample } from '../src/documents.js'

const readmeUrl = new URL('../README.md', import.meta.url)
const readme = readFileSync(readmeUrl, 'utf8')
const updated = readme.replace(/(<!-- config-table:start -->\n)[\s\S]*?(<!-- config-table:end -->)/, `$1${configTable()}\n$2`)
writeFileSync(readmeUrl, updated)
writeFileSync(new URL('../.env.example', import.meta.url), envExample())
console.log('wrote .env.example and the configuration table in README.md')
