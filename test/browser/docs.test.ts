import type { Browser } from 'playwright-core'
import t from 'tap'
import { chromiumInstalled, launchChromium, screenshot, watchedPage } from '../helpers/browser.js'
import { startService, type Service } from '../helpers/service.js'

// Swagger UI at /docs in a real browser, against the real service: it shows every operation of the document it serves,
// runs under the service's Content-Security-Policy without a single violation, and "Try it out" reaches the API.

interface OpenApiDocument {
  info: { title: string, version: string }
  paths: Record<string, Record<string, { operationId: string, summary: string, tags: string[] }>>
}

/** A Content-Security-Policy as directive name -> sources. */
function directives (policy: string | null): Map<string, string[]> {
  return new Map((policy ?? '').split(';').filter((directive) => directive.trim() !== '').map((directive) => {
    const [name = '', ...sources] = directive.trim().split(/\s+/)
    return [name, sources]
  }))
}

let browser: Browser
let service: Service

if (chromiumInstalled(t)) {
  t.before(async () => {
    [browser, service] = await Promise.all([launchChromium(t), startService(t, { LOG_LEVEL: 'warn' })])
  })

  t.test('the docs keep the service\'s Content-Security-Policy, with only the hash of Swagger UI\'s inline style added', async (t) => {
    const policy = directives((await fetch(service.url + '/')).headers.get('content-security-policy'))
    const styleSrc = policy.get('style-src') ?? []
    for (const path of ['/docs', '/docs/', '/docs/json', '/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-initializer.js']) {
      const docs = directives((await fetch(service.url + path)).headers.get('content-security-policy'))
      const added = (docs.get('style-src') ?? []).slice(styleSrc.length)
      t.same(docs.get('style-src')?.slice(0, styleSrc.length), styleSrc, `${path}: style-src starts as the service's`)
      t.equal(added.length, 1, `${path}: and adds one source: ${added.join(' ')}`)
      t.match(added[0], /^'sha256-[A-Za-z0-9+/]{43}='$/, `${path}: a hash`)
      t.same(new Map([...docs, ['style-src', styleSrc]]), policy, `${path}: every other directive is the service's`)
    }
  })

  t.test('/docs lists every operation, errs nowhere, and "Try it out" generates a password', async (t) => {
    const openapi = await (await fetch(service.url + '/docs/json')).json() as OpenApiDocument
    const operations = Object.entries(openapi.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) =>
      `operations-${operation.tags[0]}-${operation.operationId} ${method.toUpperCase()} ${path} ${operation.summary}`))
    t.equal(operations.length, 9, 'the document describes nine operations')

    const { page, problems } = await watchedPage(t, browser)
    const response = await page.goto(service.url + '/docs')
    t.equal(response?.status(), 200, '/docs loads')
    t.equal(await page.title(), 'password-generator API', 'the tab names the service')
    await page.waitForSelector('.opblock')
    t.equal(await page.evaluate('document.querySelector(".info .title").firstChild.textContent'), openapi.info.title, 'the API\'s title')
    t.equal((await page.textContent('.info .title .version'))?.trim(), openapi.info.version, 'and version')
    const shown = await page.evaluate(`[...document.querySelectorAll('.opblock')].map((block) => [block.id,
      ...['method', 'path', 'description'].map((part) => block.querySelector('.opblock-summary-' + part).textContent)].join(' '))`) as string[]
    t.same(shown.toSorted(), operations.toSorted(), 'every operation, with its method, path and summary')

    const operation = page.locator('#operations-passwords-generatePassword')
    await operation.locator('.opblock-summary-control').click()
    t.equal(await operation.locator('.try-out__btn').textContent(), 'Cancel', '"Try it out" is on as soon as the operation opens')
    await operation.locator('textarea.body-param__text').fill('{ "length": 32, "symbols": false }')
    const answered = page.waitForResponse((answer) => answer.request().method() === 'POST' && new URL(answer.url()).pathname === '/api/generate')
    await operation.locator('button.execute').click()
    const answer = await answered
    await operation.locator('.live-responses-table tbody .response-col_status').waitFor()
    t.equal(await operation.locator('.request-url pre').textContent(), service.url + '/api/generate', 'the request went to this very service')
    t.equal(await operation.locator('.live-responses-table tbody .response-col_status').textContent(), '200', 'the UI shows 200')
    const body = JSON.parse(await operation.locator('.live-responses-table tbody .response-col_description pre').first().textContent() ?? '') as { password?: string }
    t.match(body.password, /^[A-Za-z0-9]{32}$/, 'and the 32-character password of the body')
    t.equal(body.password, (await answer.json() as { password: string }).password, 'the one the API sent')
    await screenshot(page, 'docs-1280.png')
    t.same(problems, [], 'no console errors, page errors or CSP violations')
  })
}
