import { connect, type Socket } from 'node:net'

// Raw HTTP/1.1 over a TCP socket, for what inject() and fetch() cannot send: bytes that are not valid UTF-8 on the
// wire, malformed request lines, chunked bodies that never end, headers larger than Node allows, and clients that
// dribble a byte at a time. Only ever talks to 127.0.0.1; every wait is bounded.

export interface RawResponse {
  /** The status code, or null when the server closed the connection (or time ran out) before a status line. */
  status: number | null
  /** Header names in lower case; repeated fields joined with ', '. */
  headers: Record<string, string>
  /** The body, de-chunked. */
  body: Buffer
  /** Every byte received. */
  raw: Buffer
  /** The server closed (or reset) the connection. */
  closed: boolean
  /** Our time bound ran out before the response was complete or the connection closed. */
  timedOut: boolean
  /** Milliseconds from connecting to the outcome. */
  ms: number
}

export interface RawRequest {
  method: string
  path: string
  /** Sent as given, in order; a Host header is added unless one is present (any case). */
  headers?: Array<[string, string]> | Record<string, string>
  body?: string | Buffer
  /** Add Content-Length for the body (default true when there is a body and no Transfer-Encoding header). */
  contentLength?: boolean
}

const CRLF = '\r\n'

/** Serialises a request, keeping the bytes of `path`, header values and body exactly as given (latin1 for strings). */
export function requestBytes (request: RawRequest, port: number): Buffer {
  const pairs: Array<[string, string]> = Array.isArray(request.headers) ? [...request.headers] : Object.entries(request.headers ?? {})
  const has = (name: string): boolean => pairs.some(([key]) => key.toLowerCase() === name)
  if (!has('host')) pairs.unshift(['Host', `127.0.0.1:${port}`])
  const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8')
  if (body !== undefined && request.contentLength !== false && !has('content-length') && !has('transfer-encoding')) {
    pairs.push(['Content-Length', String(body.length)])
  }
  if (!has('connection')) pairs.push(['Connection', 'close'])
  const head = `${request.method} ${request.path} HTTP/1.1${CRLF}${pairs.map(([key, value]) => `${key}: ${value}`).join(CRLF)}${CRLF}${CRLF}`
  return Buffer.concat([Buffer.from(head, 'latin1'), body ?? Buffer.alloc(0)])
}

interface Parsed { status: number, headers: Record<string, string>, body: Buffer, complete: boolean }

/** Parses what has arrived so far; `complete` once the body is known to be whole (or cannot have one). */
export function parseResponse (raw: Buffer, method = 'GET'): Parsed | null {
  const end = raw.indexOf('\r\n\r\n')
  if (end === -1) return null
  const lines = raw.subarray(0, end).toString('latin1').split(CRLF)
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')
  if (match === null) return null
  const status = Number(match[1])
  if (status >= 100 && status < 200 && status !== 101) {
    // An interim response (100 Continue): the real one follows.
    return parseResponse(raw.subarray(end + 4), method)
  }
  const headers: Record<string, string> = {}
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
  }
  const rest = raw.subarray(end + 4)
  if (method === 'HEAD' || status === 204 || status === 304 || status === 101) {
    return { status, headers, body: Buffer.alloc(0), complete: true }
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const chunks: Buffer[] = []
    let at = 0
    for (;;) {
      const lineEnd = rest.indexOf(CRLF, at)
      if (lineEnd === -1) return { status, headers, body: Buffer.concat(chunks), complete: false }
      const size = Number.parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16)
      if (!Number.isFinite(size)) return { status, headers, body: Buffer.concat(chunks), complete: false }
      if (size === 0) return { status, headers, body: Buffer.concat(chunks), complete: true }
      if (rest.length < lineEnd + 2 + size + 2) return { status, headers, body: Buffer.concat(chunks), complete: false }
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size))
      at = lineEnd + 2 + size + 2
    }
  }
  if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length'])
    return { status, headers, body: rest.subarray(0, length), complete: rest.length >= length }
  }
  // No framing: the body runs until the server closes the connection.
  return { status, headers, body: rest, complete: false }
}

export interface SendOptions {
  /** Give up after this long (default 2,000 ms). */
  timeoutMs?: number
  /** Keep the socket open after sending (do not half-close); default true, as real clients do. */
  keepOpen?: boolean
}

function outcome (raw: Buffer, method: string, started: number, closed: boolean, timedOut: boolean): RawResponse {
  const parsed = parseResponse(raw, method)
  return {
    status: parsed?.status ?? null,
    headers: parsed?.headers ?? {},
    body: parsed?.body ?? Buffer.alloc(0),
    raw,
    closed,
    timedOut,
    ms: Date.now() - started
  }
}

/**
 * Sends `bytes` (a request, or several pieces written in turn) and resolves with the first response once it is
 * complete, or when the server closes the connection, or when `timeoutMs` runs out, whichever comes first.
 */
export async function sendRaw (port: number, bytes: Buffer | string, method = 'GET', options: SendOptions = {}): Promise<RawResponse> {
  const timeoutMs = options.timeoutMs ?? 2000
  const started = Date.now()
  return await new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const received: Buffer[] = []
    let done = false
    const finish = (closed: boolean, timedOut: boolean): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome(Buffer.concat(received), method, started, closed, timedOut))
    }
    const timer = setTimeout(() => { finish(false, true) }, timeoutMs)
    socket.on('connect', () => {
      socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes)
      if (options.keepOpen === false) socket.end()
    })
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk)
      if (parseResponse(Buffer.concat(received), method)?.complete === true) finish(false, false)
    })
    socket.on('error', () => { finish(true, false) })
    socket.on('close', () => { finish(true, false) })
  })
}

/** Serialises and sends one request; see sendRaw. */
export async function request (port: number, req: RawRequest, options: SendOptions = {}): Promise<RawResponse> {
  return await sendRaw(port, requestBytes(req, port), req.method, options)
}

export interface Trickle {
  /** Resolves when the server closes the connection (or the bound runs out) with what it sent. */
  result: Promise<RawResponse>
  /** Bytes written so far. */
  written: () => number
  /** Stop writing and close our side. */
  stop: () => void
}

/**
 * A slow client: writes `head` at once, then one piece of `pieces` (bytes) every `intervalMs`, cycling, until the
 * server closes the connection or `maxMs` passes. The bound on `maxMs` keeps every loop finite.
 */
export function trickle (port: number, head: Buffer | string, pieces: Buffer | string, intervalMs: number, maxMs: number): Trickle {
  const started = Date.now()
  const bytes = typeof pieces === 'string' ? Buffer.from(pieces, 'latin1') : pieces
  let socket: Socket | undefined
  let interval: NodeJS.Timeout | undefined
  let written = 0
  let stopped = false
  const result = new Promise<RawResponse>((resolve) => {
    const received: Buffer[] = []
    let done = false
    const finish = (closed: boolean, timedOut: boolean): void => {
      if (done) return
      done = true
      clearInterval(interval)
      clearTimeout(timer)
      socket?.destroy()
      resolve(outcome(Buffer.concat(received), 'GET', started, closed, timedOut))
    }
    const timer = setTimeout(() => { finish(false, true) }, maxMs)
    socket = connect({ host: '127.0.0.1', port })
    socket.on('connect', () => {
      const first = typeof head === 'string' ? Buffer.from(head, 'latin1') : head
      socket?.write(first)
      written += first.length
      let next = 0
      interval = setInterval(() => {
        if (stopped || socket === undefined || socket.destroyed || !socket.writable) return
        socket.write(bytes.subarray(next % bytes.length, (next % bytes.length) + 1))
        written++
        next++
      }, intervalMs)
    })
    socket.on('data', (chunk: Buffer) => { received.push(chunk) })
    socket.on('error', () => { finish(true, false) })
    socket.on('close', () => { finish(true, false) })
  })
  return {
    result,
    written: () => written,
    stop: () => { stopped = true; clearInterval(interval); socket?.destroy() }
  }
}
