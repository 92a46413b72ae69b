import { pino, type DestinationStream, type TransportSingleOptions } from 'pino'

export type LogOutput = { transport: TransportSingleOptions } | { stream: DestinationStream }

/**
 * Where logs go. For a person at a terminal, pino-pretty (a devDependency, absent from production images) when it is
 * installed. Everywhere else, and always in production: JSON lines written to `destination` (stdout) synchronously.
 * Synchronously because an asynchronous writer completes one write per event-loop turn: under sustained load it falls
 * behind and the lines not yet written pile up in memory (100 MB after 150 s at 13,000 requests/s; BENCHMARKS.md).
 * A write per line costs about as much CPU and keeps memory flat; a slow reader of stdout slows the service instead.
 */
export function logOutput (stdoutIsTty = process.stdout.isTTY === true, destination: number | string = 1): LogOutput {
  if (stdoutIsTty && installed('pino-pretty')) {
    return { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' } } }
  }
  return { stream: pino.destination({ dest: destination, sync: true }) }
}

function installed (name: string): boolean {
  try {
    import.meta.resolve(name)
    return true
  } catch {
    return false
  }
}
