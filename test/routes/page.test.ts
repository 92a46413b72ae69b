import { createHash } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import t from 'tap'
import { buildPage } from '../../routes/page.js'
import { packageRoot } from '../../src/paths.js'
import { buildTestApp } from '../helpers/app.js'

const PUBLIC = join(packageRoot, 'public')
const IMMUTABLE = 'public, max-age=31536000, immutable'

type Messages = Record<string, string | Record<string, string>>

/** Every URL the HTML points at: src/href attributes and the locale URLs in the page's JSON block. */
function referencedUrls (html: string): string[] {
  const attributes = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string)
  const config = JSON.parse(/<script type="application\/json" id="page-config">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}') as { locales: Record<string, { url: string }> }
  return [...attributes, ...Object.values(config.locales).map((locale) => locale.url)]
}

const assetUrls = (html: string): string[] => referencedUrls(html).filter((url) => url.startsWith('/assets/'))

t.test('GET / is the page: HTML, revalidated on every load, under the strict CSP', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  t.equal(res.headers['cache-control'], 'no-cache', 'the HTML names the current fingerprints, so it is never used unchecked')
  t.match(res.headers.etag, /^"[0-9a-f]{12}"$/)
  t.equal(res.headers.vary, 'Accept-Encoding')
  const csp = String(res.headers['content-security-policy'])
  t.match(csp, /script-src 'self'/)
  t.match(csp, /style-src 'self'/)
  t.notMatch(csp, /unsafe-inline|unsafe-eval/)
  t.equal(res.headers['x-content-type-options'], 'nosniff')

  const html = res.body
  t.match(html, /^<!doctype html>\n<html lang="en" dir="ltr">/)
  t.notOk(/\{\{\s*[a-zA-Z]/.test(html), 'every placeholder filled')
  t.notOk(/\sstyle=|<style/i.test(html), 'no inline styles (the CSP would block them)')
  for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const [, attributes = '', body = ''] = script
    t.ok(/\ssrc="\/assets\//.test(attributes) ? body === '' : /type="application\/json"/.test(attributes), `no inline code: <script${attributes}>`)
  }
  t.notOk(/\son[a-z]+=/i.test(html), 'no inline event handlers')
  for (const url of referencedUrls(html)) {
    t.ok(/^(#|\/(?!\/))/.test(url), `same origin only: ${url}`)
  }
  t.match(html, /<a href="\/docs"/, 'links to the API docs')
  t.match(html, /<option value="ar" lang="ar">العربية<\/option>/, 'the switcher names each language in itself')
})

t.test('the page shows the version the service reports', async (t) => {
  const { app } = await buildTestApp(t, { APP_VERSION: '9.8.7-rc.1', APP_ENV: 'staging' })
  const html = (await app.inject({ url: '/' })).body
  t.match(html, '<span id="version" dir="ltr">9.8.7-rc.1</span>')
  t.match(html, '<span id="environment" dir="ltr">staging</span>')
  t.equal((await app.inject({ url: '/version' })).json().version, '9.8.7-rc.1')
})

t.test('every asset the page names is served under its content hash, cacheable for a year', async (t) => {
  const { app } = await buildTestApp(t)
  const html = (await app.inject({ url: '/' })).body
  const urls = assetUrls(html)
  t.ok(urls.length >= 7, `css, js, favicon and the locales: ${urls.join(' ')}`)
  const types: Record<string, string> = {
    css: 'text/css; charset=utf-8',
    js: 'text/javascript; charset=utf-8',
    json: 'application/json; charset=utf-8',
    svg: 'image/svg+xml'
  }
  for (const url of urls) {
    const match = /^\/assets\/(.+)\.([0-9a-f]{12})\.([a-z0-9]+)$/.exec(url)
    t.ok(match, `fingerprinted: ${url}`)
    const [, name, hash, extension] = match ?? []
    const res = await app.inject({ url })
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['content-type'], types[extension ?? ''], `${url} type`)
    t.equal(res.headers['cache-control'], IMMUTABLE, `${url} immutable`)
    const onDisk = await readFile(join(PUBLIC, `${name}.${extension}`))
    t.equal(res.rawPayload.equals(onDisk), true, `${url} is public/${name}.${extension}`)
    t.equal(createHash('sha256').update(onDisk).digest('hex').slice(0, 12), hash, `${url}: the hash is of the content`)
  }
})

t.test('compression follows Accept-Encoding, and each encoding has its own ETag', async (t) => {
  const { app } = await buildTestApp(t)
  const html = (await app.inject({ url: '/' })).body
  const script = assetUrls(html).find((url) => url.endsWith('.js')) as string
  const identity = (await app.inject({ url: script })).rawPayload

  const cases: Array<[string | undefined, string | undefined]> = [
    [undefined, undefined],
    ['identity', undefined],
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip;q=1, br;q=0.5', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['*', 'br'],
    ['deflate', undefined]
  ]
  const etags = new Map<string | undefined, string>()
  for (const [accept, expected] of cases) {
    const res = await app.inject({ url: script, headers: accept === undefined ? {} : { 'accept-encoding': accept } })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-encoding'], expected, `Accept-Encoding: ${accept} -> ${expected ?? 'identity'}`)
    t.equal(res.headers.vary, 'Accept-Encoding')
    t.equal(res.headers['content-length'], String(res.rawPayload.length))
    const body = expected === 'br' ? brotliDecompressSync(res.rawPayload) : expected === 'gzip' ? gunzipSync(res.rawPayload) : res.rawPayload
    t.equal(body.equals(identity), true, 'the same bytes once decoded')
    if (expected !== undefined) t.ok(res.rawPayload.length < identity.length * 0.5, `${expected} saves more than half: ${res.rawPayload.length} of ${identity.length}`)
    etags.set(expected, String(res.headers.etag))
  }
  t.equal(new Set(etags.values()).size, 3, `one ETag per encoding: ${[...etags.values()].join(' ')}`)

  const page = await app.inject({ url: '/', headers: { 'accept-encoding': 'br' } })
  t.equal(page.headers['content-encoding'], 'br', 'the HTML is compressed too')
  t.equal(brotliDecompressSync(page.rawPayload).toString(), html)
})

t.test('conditional requests get 304 and HEAD gets the headers alone', async (t) => {
  const { app } = await buildTestApp(t)
  const first = await app.inject({ url: '/', headers: { 'accept-encoding': 'gzip' } })
  const etag = String(first.headers.etag)
  const again = await app.inject({ url: '/', headers: { 'accept-encoding': 'gzip', 'if-none-match': etag } })
  t.equal(again.statusCode, 304)
  t.equal(again.rawPayload.length, 0)
  t.equal(again.headers.etag, etag)
  t.equal(again.headers['cache-control'], 'no-cache')
  const otherEncoding = await app.inject({ url: '/', headers: { 'accept-encoding': 'br', 'if-none-match': etag } })
  t.equal(otherEncoding.statusCode, 200, 'a gzip ETag does not validate the brotli body')
  const weak = await app.inject({ url: '/', headers: { 'accept-encoding': 'gzip', 'if-none-match': `"nope", W/${etag}` } })
  t.equal(weak.statusCode, 304, 'a list with a weak form of the tag matches (If-None-Match uses weak comparison)')

  const head = await app.inject({ method: 'HEAD', url: '/' })
  t.equal(head.statusCode, 200)
  t.equal(head.headers['content-type'], 'text/html; charset=utf-8')
  t.equal(head.rawPayload.length, 0)
})

t.test('unknown and stale asset URLs are the app\'s 404 problem', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of ['/assets/app.js', '/assets/app.000000000000.js', '/assets/locales/xx.000000000000.json', '/assets/../package.json', '/index.html']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 404, url)
    t.match(res.headers['content-type'], /^application\/problem\+json/, url)
    t.equal(res.json().success, false)
  }
  const post = await app.inject({ method: 'POST', url: '/' })
  t.equal(post.statusCode, 405, 'the page is GET only')
  t.equal(post.headers.allow, 'GET, HEAD')
})

t.test('the page\'s routes stay out of the OpenAPI document', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/docs/json' })
  t.equal(res.statusCode, 200)
  const paths = Object.keys(res.json().paths as Record<string, unknown>)
  t.ok(paths.length > 0)
  t.same(paths.filter((path) => path === '/' || path.startsWith('/assets')), [])
})

t.test('every language has exactly the English texts, with the same placeholders', async (t) => {
  const english = JSON.parse(await readFile(join(PUBLIC, 'locales/en.json'), 'utf8')) as Messages
  const placeholders = (message: string | Record<string, string>): string => [...new Set([...JSON.stringify(message).matchAll(/\{(\w+)\}/g)].map((match) => match[1]))].sort().join()
  const files = (await readdir(join(PUBLIC, 'locales'))).filter((file) => file.endsWith('.json'))
  t.ok(files.length >= 3, `English and at least two more: ${files.join(' ')}`)
  let rightToLeft = 0
  for (const file of files) {
    const messages = JSON.parse(await readFile(join(PUBLIC, 'locales', file), 'utf8')) as Messages
    t.same(Object.keys(messages).sort(), Object.keys(english).sort(), `${file} has the same keys`)
    for (const [key, message] of Object.entries(messages)) {
      if (typeof message === 'object') {
        t.type(message.other, 'string', `${file} ${key} has an "other" plural form`)
      }
      // A plural form may spell its number out ("one" -> "حرف واحد"), so only the union of the forms must match.
      t.equal(placeholders(message), placeholders(english[key] ?? ''), `${file} ${key} uses the same placeholders`)
    }
    if (messages['meta.dir'] === 'rtl') rightToLeft++
  }
  t.ok(rightToLeft >= 1, 'one right-to-left language')

  const script = await readFile(join(PUBLIC, 'app.js'), 'utf8')
  const html = await readFile(join(PUBLIC, 'index.html'), 'utf8')
  const used = [
    ...[...script.matchAll(/\bt\('([a-zA-Z.]+)'/g)].map((match) => match[1] as string),
    ...[...html.matchAll(/data-i18n="([^"]+)"|\{\{t ([^}]+)\}\}|:([a-zA-Z]+\.[a-zA-Z.]+)"/g)].map((match) => (match[1] ?? match[2] ?? match[3]) as string)
  ]
  t.ok(used.length > 50, `${used.length} texts used`)
  t.same(used.filter((key) => !(key in english)), [], 'every text the page uses exists')
})

t.test('a template that names something missing stops start-up with a message that says what', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'page-'))
  t.teardown(() => rm(root, { recursive: true, force: true }))
  await mkdir(join(root, 'locales'))
  await writeFile(join(root, 'locales/en.json'), JSON.stringify({ 'meta.name': 'English', 'meta.dir': 'ltr', hello: 'Hello <you>' }))
  await writeFile(join(root, 'app.css'), 'body { color: red }')
  const about = { version: '1.0.0', environment: 'test', commit: 'abc' }

  await writeFile(join(root, 'index.html'), '<link href="{{asset app.css}}"><p>{{t hello}}</p><i>{{version}}</i>')
  const page = await buildPage(root, about)
  t.match(page.html.identity.toString(), /^<link href="\/assets\/app\.[0-9a-f]{12}\.css"><p>Hello &#60;you&#62;<\/p><i>1\.0\.0<\/i>$/, 'texts are escaped')

  const broken: Array<[string, RegExp]> = [
    ['{{asset missing.css}}', /\{\{asset missing\.css\}\} names no file in public\//],
    ['{{t nope}}', /\{\{t nope\}\} has no string in locales\/en\.json/],
    ['{{whatever}}', /unknown placeholder \{\{whatever\}\}/]
  ]
  for (const [template, message] of broken) {
    await writeFile(join(root, 'index.html'), template)
    await t.rejects(buildPage(root, about), message, template)
  }
  await writeFile(join(root, 'index.html'), 'ok')
  await writeFile(join(root, 'notes.txt'), 'x')
  await t.rejects(buildPage(root, about), /public\/notes\.txt: no media type is known for "\.txt"/)
  await rm(join(root, 'notes.txt'))
  await writeFile(join(root, 'locales/de.json'), JSON.stringify({ 'meta.name': 'Deutsch' }))
  await t.rejects(buildPage(root, about), /locales\/de\.json needs "meta\.name".*"meta\.dir"/)
  await rm(join(root, 'locales/en.json'))
  await t.rejects(buildPage(root, about), /must hold index\.html and locales\/en\.json/)
})
