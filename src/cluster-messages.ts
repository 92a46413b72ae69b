// Messages between the cluster primary and its workers (node:cluster IPC).

/** A worker asks the primary for the metrics of every worker, aggregated. */
export const METRICS_REQUEST = 'password-generator:metrics-request'
/** The primary's answer: Prometheus text, or an error message. */
export const METRICS_RESPONSE = 'password-generator:metrics-response'
/** The primary tells a worker to shut down gracefully (workers ignore signals in cluster mode). */
export const SHUTDOWN = 'password-generator:shutdown'

export interface MetricsRequest { type: typeof METRICS_REQUEST, id: number }
export interface MetricsResponse { type: typeof METRICS_RESPONSE, id: number, text?: string, error?: string, contentType?: string }
export interface ShutdownMessage { type: typeof SHUTDOWN }

export function isMessage<T extends { type: string }> (message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type
}
