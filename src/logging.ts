import type { TransportSingleOptions } from 'pino'

/**
 * Human-readable logs for a person at a terminal: pino options with pino-pretty as the transport when stdout is a TTY
 * and the package is installed (a devDependency, absent from production images). Elsewhere, and always in
 * production, no options: JSON lines.
 */
export function prettyLogging (stdoutIsTty = process.stdout.isTTY === true): { transport?: TransportSingleOptions } {
  if (!stdoutIsTty) {
    return {}
  }
  try {
    import.meta.resolve('pino-pretty')
  } catch {
    return {}
  }
  return { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' } } }
}
