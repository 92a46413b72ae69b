import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { extname, join, relative, sep } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib'
import negotiate from '@fastify/accept-negotiator'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { serviceVersion } from '../src/config.js'
import { packageRoot } from '../src/paths.js'

const compressBrotli = promisify(brotliCompress)
const compressGzip = promisify(gzip)

/** Fingerprinted assets never change under their URL: browsers and proxies may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
/** The HTML names the current fingerprints, so it is revalidated (cheaply, by ETag) on every load. */
const REVALIDATE = 'no-cache'

const MEDIA_TYPES: Record<string, { type: string, compressible: boolean }> = {
  '.html': { type: 'text/html; charset=utf-8', compressible: true },
  '.css': { type: 'text/css; charset=utf-8', compressible: true },
  '.js': { type: 'text/javascript; charset=utf-8', compressible: true },
  '.json': { type: 'application/json; charset=utf-8', compressible: true },
  '.svg': { type: 'image/svg+xml', compressible: true },
  '.png': { type: 'image/png', compressible: false },
  '.ico': { type: 'image/x-icon', compressible: true },
  '.woff2': { type: 'font/woff2', compressible: false }
}

type Encoding = 'br' | 'gzip'
const ENCODINGS: Encoding[] = ['br', 'gzip']

/** One response body held in memory with its precompressed variants (kept only when smaller). */
interface Resource {
  type: string
  cacheControl: string
  hash: string
  identity: Buffer
  encoded: Partial<Record<Encoding, Buffer>>
}

interface Locale {
  code: string
  name: string
  dir: 'ltr' | 'rtl'
  url: string
  messages: Record<string, unknown>
}

export interface PageOptions {
  /** The folder with index.html and the assets; public/ beside package.json unless a test points elsewhere. */
  root?: string
}

function contentHash (body: Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 12)
}

function mediaTypeOf (path: string): { type: string, compressible: boolean } {
  const media = MEDIA_TYPES[extname(path).toLowerCase()]
  if (media === undefined) {
    throw new Error(`public/${path}: no media type is known for "${extname(path)}"; add it to MEDIA_TYPES in routes/page.ts`)
  }
  return media
}

async function resource (body: Buffer, type: string, compressible: boolean, cacheControl: string): Promise<Resource> {
  const encoded: Resource['encoded'] = {}
  if (compressible) {
    const [br, gz] = await Promise.all([
      compressBrotli(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
      compressGzip(body, { level: zlibConstants.Z_BEST_COMPRESSION })
    ])
    // A variant that saves nothing only costs the client a decompression.
    if (br.length < body.length) encoded.br = br
    if (gz.length < body.length) encoded.gzip = gz
  }
  return { type, cacheControl, hash: contentHash(body), identity: body, encoded }
}

async function listFiles (root: string, dir = root): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.name.startsWith('.')) continue
    if (entry.isDirectory()) {
      files.push(...await listFiles(root, path))
    } else if (entry.isFile()) {
      files.push(relative(root, path).split(sep).join('/'))
    }
  }
  return files.sort()
}

/** `locales/en.json` with hash `abc` is served at `/assets/locales/en.abc.json`. */
function fingerprintedUrl (path: string, hash: string): string {
  const extension = extname(path)
  return `/assets/${path.slice(0, path.length - extension.length)}.${hash}${extension}`
}

function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** JSON that can sit inside a <script type="application/json"> block: no "</script>" or "<!--" can be formed. */
function jsonForHtml (value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c')
}

function readLocale (code: string, url: string, body: Buffer): Locale {
  const messages = JSON.parse(body.toString('utf8')) as Record<string, unknown>
  const name = messages['meta.name']
  const dir = messages['meta.dir']
  if (typeof name !== 'string' || (dir !== 'ltr' && dir !== 'rtl')) {
    throw new Error(`public/locales/${code}.json needs "meta.name" (the language's own name) and "meta.dir" ("ltr" or "rtl")`)
  }
  return { code, name, dir, url, messages }
}

export interface PageBundle {
  html: Resource
  /** Fingerprinted URL -> resource. */
  assets: Map<string, Resource>
  locales: Locale[]
}

/**
 * Reads public/ once: fingerprints and precompresses every asset, and renders index.html by filling its
 * placeholders ({{asset path}}, {{t key}}, {{languageOptions}}, {{pageConfig}}, {{version}}, {{environment}},
 * {{commit}}) with the asset URLs, the English texts and the service's version. A placeholder that names a missing
 * asset or text stops start-up: a broken page is found at boot, not by a user.
 */
export async function buildPage (root: string, about: { version: string, environment: string, commit: string }): Promise<PageBundle> {
  const files = await listFiles(root)
  if (!files.includes('index.html') || !files.includes('locales/en.json')) {
    throw new Error(`${root} must hold index.html and locales/en.json`)
  }
  const assets = new Map<string, Resource>()
  const urls = new Map<string, string>()
  const locales: Locale[] = []
  for (const path of files.filter((file) => file !== 'index.html')) {
    const media = mediaTypeOf(path)
    const body = await readFile(join(root, path))
    const asset = await resource(body, media.type, media.compressible, IMMUTABLE)
    const url = fingerprintedUrl(path, asset.hash)
    assets.set(url, asset)
    urls.set(path, url)
    const locale = /^locales\/([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.json$/.exec(path)
    if (locale !== null) {
      locales.push(readLocale(locale[1] as string, url, body))
    }
  }
  const english = locales.find((locale) => locale.code === 'en') as Locale
  const pageConfig = {
    defaultLocale: 'en',
    locales: Object.fromEntries(locales.map((locale) => [locale.code, { name: locale.name, dir: locale.dir, url: locale.url }]))
  }
  const languageOptions = locales.map((locale) => `<option value="${escapeHtml(locale.code)}" lang="${escapeHtml(locale.code)}"${locale.code === 'en' ? ' selected' : ''}>${escapeHtml(locale.name)}</option>`).join('')
  const template = await readFile(join(root, 'index.html'), 'utf8')
  const html = template.replace(/\{\{\s*([a-zA-Z]+)(?:\s+([^}\s]+))?\s*\}\}/g, (placeholder, name: string, argument: string | undefined) => {
    switch (name) {
      case 'asset': {
        const url = urls.get(argument ?? '')
        if (url === undefined) throw new Error(`public/index.html: ${placeholder} names no file in public/`)
        return url
      }
      case 't': {
        const text = english.messages[argument ?? '']
        if (typeof text !== 'string') throw new Error(`public/index.html: ${placeholder} has no string in locales/en.json`)
        return escapeHtml(text)
      }
      case 'languageOptions': return languageOptions
      case 'pageConfig': return jsonForHtml(pageConfig)
      case 'version': return escapeHtml(about.version)
      case 'environment': return escapeHtml(about.environment)
      case 'commit': return escapeHtml(about.commit)
      default: throw new Error(`public/index.html: unknown placeholder ${placeholder}`)
    }
  })
  return { html: await resource(Buffer.from(html), MEDIA_TYPES['.html']!.type, true, REVALIDATE), assets, locales }
}

/** The best encoding both sides have, by the client's q-values (br first on a tie); null means identity. */
function chooseEncoding (request: FastifyRequest, item: Resource): Encoding | null {
  const accept = request.headers['accept-encoding']
  const offered = ENCODINGS.filter((encoding) => item.encoded[encoding] !== undefined)
  if (typeof accept !== 'string' || offered.length === 0) return null
  return negotiate(accept, offered) as Encoding | null
}

function etagMatches (header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.trim() === '*' || header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)
}

function send (request: FastifyRequest, reply: FastifyReply, item: Resource): FastifyReply {
  const encoding = chooseEncoding(request, item)
  // Each encoding is its own representation, so it gets its own validator.
  const etag = `"${item.hash}${encoding === null ? '' : '-' + encoding}"`
  reply.header('cache-control', item.cacheControl).header('etag', etag)
  if (Object.keys(item.encoded).length > 0) {
    reply.header('vary', 'Accept-Encoding')
  }
  if (etagMatches(request.headers['if-none-match'], etag)) {
    return reply.code(304).send()
  }
  reply.type(item.type)
  if (encoding !== null) {
    reply.header('content-encoding', encoding)
    return reply.send(item.encoded[encoding])
  }
  return reply.send(item.identity)
}

const hidden = { schema: { hide: true } } as const

// GET / (the page) and GET /assets/<path>.<hash>.<ext> (its files), all built in memory at start-up. Only the exact
// fingerprinted URLs are served, so a stale or unknown asset gets the app's 404 problem.
const page: FastifyPluginAsync<PageOptions> = async function page (app, opts) {
  const bundle = await buildPage(opts.root ?? join(packageRoot, 'public'), {
    version: serviceVersion(app.config),
    environment: app.config.APP_ENV,
    commit: app.config.GIT_COMMIT
  })

  app.get('/', hidden, async function servePage (request, reply) {
    return send(request, reply, bundle.html)
  })

  // One route for every asset keeps the metrics' route label to one value that does not change with each deploy.
  app.get('/assets/*', hidden, async function serveAsset (request, reply) {
    const asset = bundle.assets.get(request.url.split('?', 1)[0] as string)
    if (asset === undefined) {
      return reply.callNotFound()
    }
    return send(request, reply, asset)
  })
}

export default page
