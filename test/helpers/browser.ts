import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'
import { packageRoot } from '../../src/paths.js'

// Debian's chromium driven by playwright-core, for the tests that load the service's pages in a real browser.

export type BrowserTest = { ok: (value: unknown, message: string) => unknown, teardown: (fn: () => unknown) => void }

const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = join(packageRoot, 'test-output', 'screenshots')

export interface WatchedPage {
  page: Page
  context: BrowserContext
  /** Console errors, uncaught exceptions and CSP violations seen so far. */
  problems: string[]
}

/** Whether Chromium is installed; a browser test without it fails (never skips) with how to install it. */
export function chromiumInstalled (t: BrowserTest): boolean {
  const installed = existsSync(CHROMIUM)
  t.ok(installed, `Chromium must be at ${CHROMIUM} for the browser tests: apt-get install -y chromium`)
  return installed
}

/** Launches a headless Chromium that contacts nothing on its own, and closes it after the test. */
export async function launchChromium (t: BrowserTest): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(() => browser.close())
  return browser
}

/**
 * A page in a fresh browser context (empty localStorage, closed after the test) that records console errors (except
 * those matching `allowed`), uncaught exceptions and CSP violations.
 */
export async function watchedPage (t: BrowserTest, browser: Browser, options: BrowserContextOptions = {}, allowed: RegExp[] = []): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', ...options })
  t.teardown(() => context.close())
  const problems: string[] = []
  const page = await context.newPage()
  // Runs before the page's own code; the event fires for anything the Content-Security-Policy blocks. (Code run in
  // the page is written as strings: the project's TypeScript has no DOM types.)
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (event) => {
    console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' at ' + event.sourceFile + ':' + event.lineNumber)
  })`)
  page.on('console', (message) => {
    if (message.type() === 'error' && !allowed.some((pattern) => pattern.test(message.text()))) {
      problems.push(`console: ${message.text()}`)
    }
  })
  page.on('pageerror', (error) => { problems.push(`pageerror: ${error.message}`) })
  return { page, context, problems }
}

/** Saves a full-page screenshot as test-output/screenshots/`name`. */
export async function screenshot (page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true })
}
