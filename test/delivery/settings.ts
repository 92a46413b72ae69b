import { ConfigSchema } from '../../src/config.js'

/** Every environment variable the service reads (the keys of the one config schema). */
export const knownSettings: ReadonlySet<string> = new Set(Object.keys(ConfigSchema.properties))

/** Seconds in a compose/Go-style duration such as 20s, 1m30s or 500ms. */
export function durationSeconds (duration: string): number {
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)]
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== duration) {
    throw new Error(`not a duration: ${duration}`)
  }
  const unit = { h: 3600, m: 60, s: 1, ms: 0.001 } as const
  return parts.reduce((total, part) => total + Number(part[1]) * unit[part[2] as keyof typeof unit], 0)
}

/** A compose value with `${VAR:-default}` / `${VAR-default}` / `${VAR}` resolved as in an empty environment. */
export function withDefaults (value: string): string {
  return value.replace(/\$\{\w+(?::?-([^}]*))?\}/g, (_match, fallback: string | undefined) => fallback ?? '')
}
