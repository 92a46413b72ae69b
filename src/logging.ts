import type { TransportSingleOptions } from 'pino'

/**
 * Human-readable logs for a person at a terminal: pino-pretty when stdout is a TTY and the package is installed (it is
 * a devDependency, absent from production images). Everywhere else, and always in production, JSON lines.
 */
export function prettyTransport (stdoutIsTty = process.stdout.isTTY === true): TransportSingleOptions | undefined {
  if (!stdoutIsTty) {
    return undefined
  }
  try {
    import.meta.resolve('pino-pretty')
  } catch {
    return undefined
  }
  return { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' } }
}
