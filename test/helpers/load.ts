import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http'
import { sleep } from './ports.js'

/** What happened to one request. */
export interface Outcome {
  /** Which client (0..clients-1) sent it. */
  client: number
  /** The HTTP status, when a response arrived. */
  status?: number
  /** The connection error code when none did: ECONNRESET, EPIPE, ECONNREFUSED, TIMEOUT ... */
  error?: string
  /** True when the request went out on a keep-alive socket that had already carried a request. */
  reused: boolean
  /** When it was sent (Date.now()) and how long it took, in ms. */
  startedAt: number
  ms: number
  /** The response's x-request-id (the logs carry it with the worker's pid). */
  requestId?: string
  headers?: Record<string, string | string[] | undefined>
  body?: string
}

export interface LoadOptions {
  /** Base URL, e.g. http://127.0.0.1:5000 (127.0.0.1 only: this is a test tool). */
  url: string
  /** Path of every request, or a function of the client and its request number. */
  path: string | ((client: number, n: number) => string)
  method?: string
  /** Concurrent clients; each has its own keep-alive Agent with a single socket. */
  clients: number
  /** Stop starting requests after this long (ms). At least one of durationMs and count is required. */
  durationMs?: number
  /** Stop after this many requests in total. */
  count?: number
  /** Extra headers, the same for all or per client. */
  headers?: OutgoingHttpHeaders | ((client: number) => OutgoingHttpHeaders)
  /** A request without an answer after this long is recorded as TIMEOUT (default 5000 ms). */
  timeoutMs?: number
  /** Pause after a connection error before the client's next request (default 20 ms), so refusals do not spin. */
  pauseAfterErrorMs?: number
  /** Keep response headers and bodies in the outcomes (default false). */
  keepResponses?: boolean
}

export interface Load {
  /** Outcomes so far (complete once `done` resolves). */
  outcomes: Outcome[]
  /** Resolves when every client has finished its last request. */
  done: Promise<Outcome[]>
  /** Makes the clients stop after their current request. */
  stop: () => void
}

function send (agent: Agent, options: LoadOptions, client: number, path: string, keep: boolean): Promise<Outcome> {
  const startedAt = Date.now()
  const headers = typeof options.headers === 'function' ? options.headers(client) : options.headers
  return new Promise((resolve) => {
    let settled = false
    const finish = (outcome: Omit<Outcome, 'client' | 'startedAt' | 'ms'>): void => {
      if (!settled) {
        settled = true
        resolve({ client, startedAt, ms: Date.now() - startedAt, ...outcome })
      }
    }
    const req = httpRequest(options.url + path, { agent, method: options.method ?? 'GET', headers: { accept: 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => { if (keep) chunks.push(chunk) })
      res.on('end', () => {
        const requestId = res.headers['x-request-id']
        finish({
          status: res.statusCode,
          reused: req.reusedSocket,
          ...(typeof requestId === 'string' ? { requestId } : {}),
          ...(keep ? { headers: res.headers, body: Buffer.concat(chunks).toString() } : {})
        })
      })
      res.on('error', (error: NodeJS.ErrnoException) => { finish({ error: error.code ?? error.message, reused: req.reusedSocket }) })
    })
    req.setTimeout(options.timeoutMs ?? 5000, () => {
      finish({ error: 'TIMEOUT', reused: req.reusedSocket })
      req.destroy()
    })
    req.on('error', (error: NodeJS.ErrnoException) => { finish({ error: error.code ?? error.message, reused: req.reusedSocket }) })
    req.end()
  })
}

/**
 * A small bounded load generator: `clients` concurrent keep-alive clients, each sending one request after the other
 * until `durationMs` has passed or `count` requests were started in total, recording each outcome.
 */
export function startLoad (options: LoadOptions): Load {
  if (options.durationMs === undefined && options.count === undefined) {
    throw new Error('startLoad needs durationMs or count: the load must be bounded')
  }
  const outcomes: Outcome[] = []
  const deadline = options.durationMs === undefined ? Infinity : Date.now() + options.durationMs
  const limit = options.count ?? Infinity
  let started = 0
  let stopped = false
  const more = (): boolean => !stopped && Date.now() < deadline && started < limit
  const runClient = async (client: number): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      for (let n = 0; more(); n++) {
        started++
        const path = typeof options.path === 'function' ? options.path(client, n) : options.path
        const outcome = await send(agent, options, client, path, options.keepResponses === true)
        outcomes.push(outcome)
        if (outcome.error !== undefined) {
          await sleep(options.pauseAfterErrorMs ?? 20)
        }
      }
    } finally {
      agent.destroy()
    }
  }
  const done = Promise.all(Array.from({ length: options.clients }, async (_, client) => { await runClient(client) })).then(() => outcomes)
  return { outcomes, done, stop: () => { stopped = true } }
}

export async function runLoad (options: LoadOptions): Promise<Outcome[]> {
  return await startLoad(options).done
}

export interface Tally {
  sent: number
  /** Count per status code, e.g. { '200': 50, '429': 150 }. */
  statuses: Record<string, number>
  /** Count per connection error code. */
  errors: Record<string, number>
  /** Connection errors on sockets that had already carried a request (a reset keep-alive connection). */
  errorsOnReusedSockets: number
  /** 5xx answers. */
  serverErrors: number
  slowestMs: number
}

export function tally (outcomes: readonly Outcome[]): Tally {
  const result: Tally = { sent: outcomes.length, statuses: {}, errors: {}, errorsOnReusedSockets: 0, serverErrors: 0, slowestMs: 0 }
  for (const outcome of outcomes) {
    if (outcome.status !== undefined) {
      result.statuses[outcome.status] = (result.statuses[outcome.status] ?? 0) + 1
      if (outcome.status >= 500) {
        result.serverErrors++
      }
    }
    if (outcome.error !== undefined) {
      result.errors[outcome.error] = (result.errors[outcome.error] ?? 0) + 1
      if (outcome.reused) {
        result.errorsOnReusedSockets++
      }
    }
    result.slowestMs = Math.max(result.slowestMs, outcome.ms)
  }
  return result
}

/** One line for t.comment: "sent 200: 200 x50, 429 x150; errors none; slowest 12 ms". */
export function describe (figures: Tally): string {
  const list = (counts: Record<string, number>): string => Object.entries(counts).map(([key, n]) => `${key} x${n}`).join(', ') || 'none'
  return `sent ${figures.sent}: ${list(figures.statuses)}; connection errors: ${list(figures.errors)} (${figures.errorsOnReusedSockets} on reused sockets); slowest ${figures.slowestMs} ms`
}
