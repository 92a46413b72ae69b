import type { Browser, BrowserContextOptions, Page, Response } from 'playwright-core'
import t from 'tap'
import { chromiumInstalled, launchChromium, screenshot, watchedPage, type BrowserTest, type WatchedPage } from '../helpers/browser.js'
import { startService, type Service } from '../helpers/service.js'

// The web page in a real browser: Debian's chromium driven by playwright-core, against the real service.

const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const UPPER = LOWER.toUpperCase()
const DIGITS = '0123456789'
const SYMBOLS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'
const AMBIGUOUS = 'Il1|O0o\'"`'

interface OpenPage extends WatchedPage {
  /** Every answer of the API to the page, in order. */
  answers: Response[]
}

const has = (text: string, set: string): boolean => [...text].some((c) => set.includes(c))
const only = (text: string, set: string): boolean => [...text].every((c) => set.includes(c))

let browser: Browser
let service: Service
/** A second service that allows two generations a minute, for the 429. */
let limited: Service

/** A fresh browser context (empty localStorage) on `url`, watching for console errors and CSP violations. */
async function open (t: BrowserTest, url: string, options: BrowserContextOptions = {}, allowed: RegExp[] = []): Promise<OpenPage> {
  const watched = await watchedPage(t, browser, options, allowed)
  const { page } = watched
  const answers: Response[] = []
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/api/')) answers.push(response)
  })
  const response = await page.goto(url)
  if (response === null || response.status() !== 200) {
    throw new Error(`GET ${url} answered ${response?.status()}`)
  }
  await page.waitForSelector('html[data-ready="true"]')
  return { ...watched, answers }
}

function apiResponse (page: Page, path = '/api/'): Promise<Response> {
  return page.waitForResponse((response) => new URL(response.url()).pathname.startsWith(path))
}

/**
 * Clicks `selector` and waits until the answer it caused is on screen; returns that answer. A debounced request from
 * typing may have gone out just before: the page aborts it, and the last answer is the one on screen.
 */
async function clickAndWait ({ page, answers }: OpenPage, selector: string): Promise<{ status: number, body: Record<string, unknown>, headers: Record<string, string> }> {
  const before = answers.length
  await page.click(selector)
  await page.waitForSelector('#result[aria-busy="false"]')
  for (let waited = 0; answers.length === before; waited += 20) {
    if (waited > 5000) throw new Error(`clicking ${selector} sent no request`)
    await page.waitForTimeout(20)
  }
  const response = answers[answers.length - 1] as Response
  return { status: response.status(), body: await response.json() as Record<string, unknown>, headers: response.headers() }
}

async function secrets (page: Page): Promise<string[]> {
  return await page.locator('#result .secret').allTextContents()
}

async function setChecked (page: Page, ids: Record<string, boolean>): Promise<void> {
  for (const [id, checked] of Object.entries(ids)) {
    await page.setChecked(`#${id}`, checked)
  }
}

async function readClipboard (page: Page): Promise<string> {
  return await page.evaluate('navigator.clipboard.readText()')
}

if (chromiumInstalled(t)) {
  t.before(async () => {
    const [launched, started, limitedStarted] = await Promise.all([
      launchChromium(t),
      startService(t, { RATE_LIMIT_MAX: '1000', LOG_LEVEL: 'warn' }),
      startService(t, { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW: '60', LOG_LEVEL: 'warn' })
    ])
    browser = launched
    service = started
    limited = limitedStarted
  })

  t.test('the page loads, generates a password at once and shows its strength', async (t) => {
    const opened = await open(t, service.url + '/')
    const { page, problems } = opened
    const [secret] = await secrets(page)
    t.equal(secret?.length, 16, 'a 16-character password on arrival')
    for (const set of [LOWER, UPPER, DIGITS, SYMBOLS]) {
      t.ok(has(secret ?? '', set), `has one of ${set.slice(0, 4)}…`)
    }
    t.equal(await page.textContent('#result-meta'), '16 characters')
    t.equal(await page.getAttribute('#meter', 'data-strength'), 'strong')
    t.match(await page.textContent('#strength-summary'), /^Strong · 10\d\.\d bits of entropy$/)
    t.equal(await page.textContent('#crack-offlineFastHash'), 'more than a trillion years')
    t.equal(await page.textContent('#rate-offlineFastHash'), '10 billion guesses per second')
    t.equal(await page.textContent('#rate-onlineThrottled'), '100 guesses per hour')
    t.equal(await page.getAttribute('a[href="/docs"]', 'href'), '/docs', 'links to the API docs')
    const version = await (await fetch(service.url + '/version')).json() as { version: string }
    t.equal(await page.textContent('#version'), version.version, 'shows the service version')
    await screenshot(page, 'desktop-1280.png')
    await page.setViewportSize({ width: 390, height: 844 })
    await screenshot(page, 'phone-390.png')
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')
    t.equal(overflow, 0, 'nothing wider than a phone screen')
    t.same(problems, [], 'no console errors, page errors or CSP violations')
  })

  t.test('options change what is generated, and are remembered', async (t) => {
    const opened = await open(t, service.url + '/', {}, [/status of 400/])
    const { page, problems } = opened

    await page.fill('#length', '24')
    await setChecked(page, { symbols: false })
    let answer = await clickAndWait(opened, '#generate')
    let [secret] = await secrets(page)
    t.equal(secret?.length, 24)
    t.ok(only(secret ?? '', LOWER + UPPER + DIGITS), `letters and digits only: ${secret}`)
    t.ok(has(secret ?? '', LOWER) && has(secret ?? '', UPPER) && has(secret ?? '', DIGITS), 'one of each chosen kind')
    t.equal(await page.inputValue('#length-range'), '24', 'the slider follows the number')
    const bits = new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(answer.body.entropyBits as number)
    t.equal(await page.textContent('#strength-summary'), `Very strong · ${bits} bits of entropy`, 'the API\'s strength and entropy')

    await page.fill('#length', '8')
    await setChecked(page, { uppercase: false, lowercase: false, digits: true })
    await clickAndWait(opened, '#generate')
    ;[secret] = await secrets(page)
    t.match(secret, /^\d{8}$/, 'digits only')
    t.equal(await page.getAttribute('#meter', 'data-strength'), 'veryWeak')
    t.match(await page.textContent('#strength-summary'), /^Very weak · 26\.6 bits of entropy$/)

    await setChecked(page, { uppercase: true, lowercase: true, symbols: true, excludeAmbiguous: true })
    await page.fill('#exclude', 'abcXYZ')
    await page.fill('#length', '100')
    await page.fill('#count', '5')
    await clickAndWait(opened, '#generate')
    const many = await secrets(page)
    t.equal(many.length, 5, 'five passwords')
    t.ok(many.every((s) => s.length === 100), 'each 100 characters')
    t.ok(many.every((s) => !has(s, AMBIGUOUS + 'abcXYZ')), 'no look-alikes, no excluded characters')
    t.equal(await page.textContent('#copy-label'), 'Copy all')

    // The page remembers all of it.
    await page.reload()
    await page.waitForSelector('html[data-ready="true"]')
    t.equal(await page.inputValue('#length'), '100')
    t.equal(await page.inputValue('#count'), '5')
    t.equal(await page.inputValue('#exclude'), 'abcXYZ')
    t.equal(await page.isChecked('#excludeAmbiguous'), true)
    t.equal((await secrets(page)).length, 5, 'and generates with it on arrival')

    // Impossible options: the API's own explanation is shown, the stale password is not.
    await page.fill('#count', '1')
    await setChecked(page, { uppercase: false, lowercase: false, digits: false, symbols: false })
    answer = await clickAndWait(opened, '#generate')
    t.equal(answer.status, 400)
    t.equal(await page.textContent('#error'), `The server could not use these options: ${String(answer.body.detail)}`)
    t.same(await secrets(page), [], 'no password left on screen that the options no longer describe')
    t.equal(await page.isDisabled('#copy'), true)
    t.same(problems, [], 'no console errors, page errors or CSP violations')
  })

  t.test('copy puts the password on the clipboard, with and without the Clipboard API', async (t) => {
    const opened = await open(t, service.url + '/')
    const { page, context, problems } = opened
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.url })
    const [secret] = await secrets(page)
    await page.click('#copy')
    await page.waitForSelector('#copy-status:not(:empty)')
    t.equal(await page.textContent('#copy-status'), 'Copied to the clipboard.')
    t.equal(await page.textContent('#copy-label'), 'Copied')
    t.equal(await readClipboard(page), secret)

    // Without the Clipboard API (an older browser, an insecure origin) the selection fallback still copies.
    await clickAndWait(opened, '#regenerate')
    const [next] = await secrets(page)
    t.not(next, secret, 'regenerate gives a new password')
    await page.evaluate('Object.defineProperty(navigator.clipboard, "writeText", { value: undefined, configurable: true })')
    await page.click('#copy')
    await page.waitForSelector('#copy-status:not(:empty)')
    t.equal(await page.textContent('#copy-status'), 'Copied to the clipboard.')
    t.equal(await readClipboard(page), next)
    t.equal(await page.evaluate('document.activeElement.id'), 'copy', 'focus stays on the copy button')
    t.same(problems, [], 'no console errors, page errors or CSP violations')
  })

  t.test('the language follows the browser, can be switched, and is remembered; Arabic is right-to-left', async (t) => {
    const opened = await open(t, service.url + '/', { locale: 'de-DE' })
    const { page, problems } = opened
    t.equal(await page.getAttribute('html', 'lang'), 'de', 'German from navigator.languages')
    t.equal(await page.textContent('h1'), 'Passwort-Generator')
    t.equal(await page.textContent('#result-meta'), '16 Zeichen')
    t.match(await page.textContent('#strength-summary'), /^Stark · 10\d,\d Bit Entropie$/, 'German label and decimal comma')
    t.equal(await page.inputValue('#language'), 'de')

    await page.selectOption('#language', 'ar')
    await page.waitForSelector('html[lang="ar"]')
    t.equal(await page.getAttribute('html', 'dir'), 'rtl')
    t.equal(await page.textContent('h1'), 'مولّد كلمات المرور')
    t.equal(await page.getAttribute('#result', 'dir'), 'ltr', 'the password itself stays left-to-right')
    t.equal(await page.textContent('#result-meta'), '16 حرفًا', 'Arabic plural for 16')
    t.equal(await page.getAttribute('#length-range', 'aria-label'), 'الطول (شريط التمرير)', 'attributes are translated too')
    await page.setViewportSize({ width: 390, height: 844 })
    await screenshot(page, 'phone-390-ar.png')

    await page.reload()
    await page.waitForSelector('html[data-ready="true"]')
    t.equal(await page.getAttribute('html', 'lang'), 'ar', 'the choice survives a reload')

    await page.selectOption('#language', 'fr')
    await page.waitForSelector('html[lang="fr"]')
    t.equal(await page.getAttribute('html', 'dir'), 'ltr')
    t.equal(await page.textContent('#copy-label'), 'Copier')
    t.equal(await page.title(), 'Générateur de mots de passe')
    t.same(problems, [], 'no console errors, page errors or CSP violations')
  })

  t.test('passphrase mode', async (t) => {
    const opened = await open(t, service.url + '/')
    const { page, problems } = opened
    const answered = apiResponse(page, '/api/passphrase')
    await page.click('label[for="mode-passphrase"]')
    await answered
    await page.waitForSelector('#result[aria-busy="false"]')
    t.equal(await page.isVisible('#words'), true)
    t.equal(await page.isVisible('#length'), false, 'password options are out of the way')
    let [phrase] = await secrets(page)
    t.ok((phrase ?? '').split('-').length >= 6, `six words by default: ${phrase}`)

    await page.fill('#words', '5')
    await page.fill('#separator', '.')
    await setChecked(page, { capitalize: true, includeNumber: true })
    const answer = await clickAndWait(opened, '#generate')
    ;[phrase] = await secrets(page)
    const words = (phrase ?? '').split('.')
    t.equal(words.length, 5, `five words: ${phrase}`)
    t.ok(words.every((word) => /^[A-Z][a-z-]*\d?[a-z-]*$/.test(word)), 'capitalized')
    t.equal((phrase ?? '').replace(/\D/g, '').length, 1, 'one digit')
    t.equal(await page.textContent('#result-meta'), '5 words')
    t.equal(answer.body.passphrase, phrase, 'shows what the API sent')
    t.equal(await page.getAttribute('#meter', 'data-strength'), 'strong')

    await page.reload()
    await page.waitForSelector('html[data-ready="true"]')
    t.equal(await page.isChecked('#mode-passphrase'), true, 'the mode is remembered')
    t.equal(await page.inputValue('#separator'), '.')
    t.same(problems, [], 'no console errors, page errors or CSP violations')
  })

  t.test('everything works from the keyboard alone, with a visible focus', async (t) => {
    const opened = await open(t, service.url + '/')
    const { page, context, problems } = opened
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.url })
    const order: string[] = []
    const focusRings: string[] = []
    for (let i = 0; i < 40 && !order.includes('generate'); i++) {
      await page.keyboard.press('Tab')
      // The mode radios are hidden behind their labels, which carry the ring.
      const focused = await page.evaluate(`(() => {
        const element = document.activeElement
        const style = getComputedStyle(element.matches('.segmented input') ? element.nextElementSibling : element)
        return { id: element.id || element.className, ring: style.outlineStyle + ' ' + style.outlineWidth }
      })()`) as { id: string, ring: string }
      order.push(focused.id)
      focusRings.push(focused.ring)
    }
    t.same(order, [
      'skip-link', 'language', 'result', 'copy', 'regenerate', 'mode-password', 'length-range', 'length',
      'uppercase', 'lowercase', 'digits', 'symbols', 'excludeAmbiguous', 'requireEachClass', 'exclude', 'count', 'generate'
    ], 'a sensible tab order through every control')
    t.ok(focusRings.every((ring) => ring === 'solid 3px'), `every focused control shows a ring: ${focusRings.join(', ')}`)

    // Type a length and press Enter.
    await page.focus('#length')
    await page.keyboard.press('Control+A')
    await page.keyboard.type('30')
    const answered = apiResponse(page)
    await page.keyboard.press('Enter')
    await answered
    await page.waitForSelector('#result[aria-busy="false"]')
    t.equal((await secrets(page))[0]?.length, 30, 'Enter generates')

    // Arrow keys move the slider.
    await page.focus('#length-range')
    const stepped = apiResponse(page)
    await page.keyboard.press('ArrowRight')
    await stepped
    await page.waitForSelector('#result[aria-busy="false"]')
    t.equal((await secrets(page))[0]?.length, 31, 'the slider regenerates')

    // Arrow keys switch the mode.
    await page.focus('#mode-password')
    const switched = apiResponse(page, '/api/passphrase')
    await page.keyboard.press('ArrowRight')
    await switched
    await page.waitForSelector('#result[aria-busy="false"]')
    t.equal(await page.isChecked('#mode-passphrase'), true)

    // Copy with Space on the focused button.
    await page.focus('#copy')
    await page.keyboard.press('Space')
    await page.waitForSelector('#copy-status:not(:empty)')
    t.equal(await readClipboard(page), (await secrets(page))[0])
    t.equal(await page.getAttribute('#result', 'aria-live'), 'polite', 'the result is announced')
    t.same(problems, [], 'no console errors, page errors or CSP violations')
  })

  t.test('a 429 says when to try again', async (t) => {
    const opened = await open(t, limited.url + '/', {}, [/status of 429/])
    const { page, problems } = opened
    let answer = { status: 200, headers: {} as Record<string, string> }
    for (let click = 0; click < 4 && answer.status !== 429; click++) {
      answer = await clickAndWait(opened, '#regenerate')
    }
    t.equal(answer.status, 429, 'the service limits the page too')
    const retryAfter = Number(answer.headers['retry-after'])
    t.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After: ${answer.headers['retry-after']}`)
    const message = await page.textContent('#error') ?? ''
    const match = /^Too many requests\. Try again in (\d+) seconds?, at (\d{1,2}:\d{2}:\d{2}\s?[AP]M)\.$/.exec(message)
    t.ok(match, `the message gives the wait and the time: ${message}`)
    t.ok(Number(match?.[1]) <= retryAfter && Number(match?.[1]) >= retryAfter - 2, 'the wait is the server\'s')
    t.equal((await secrets(page)).length, 1, 'the last password stays on screen')

    // Inside the window the page says it again instead of asking the server to refuse it again.
    let requests = 0
    page.on('request', (request) => { if (request.url().includes('/api/')) requests++ })
    await page.click('#regenerate')
    await page.waitForTimeout(100)
    t.equal(requests, 0, 'no request while the server asked to wait')
    t.match(await page.textContent('#error'), /^Too many requests/)
    await screenshot(page, 'desktop-1280-429.png')
    t.same(problems, [], 'no console errors, page errors or CSP violations')
  })
}
