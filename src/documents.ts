import { buildApp } from './app.js'
import { ConfigSchema, loadConfig } from './config.js'

// Documents generated from the code and committed beside it; tests fail when a committed copy drifts.

/** openapi/openapi.json: the OpenAPI document of an app built with the default settings (no port is opened). */
export async function openApiDocument (): Promise<string> {
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }))
  await app.ready()
  const document = app.swagger()
  await app.close()
  return JSON.stringify(document, null, 2) + '\n'
}

type Property = { default: unknown, description: string }

function settings (): Array<[string, Property]> {
  return Object.entries(ConfigSchema.properties) as unknown as Array<[string, Property]>
}

/** The README's configuration table, between its config-table markers. */
export function configTable (): string {
  const rows = settings().map(([name, property]) => `| \`${name}\` | ${property.default === '' ? '(empty)' : `\`${String(property.default)}\``} | ${property.description} |`)
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n')
}

/** .env.example: every setting with its default. */
export function envExample (): string {
  const lines = settings().flatMap(([name, property]) => [`# ${property.description}`, `${name}=${String(property.default)}`, ''])
  return ['# password-generator settings: every variable, with its default. Copy to .env and change what you need.', '', ...lines].join('\n')
}
