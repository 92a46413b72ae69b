// The page: reads the options, asks our API for secrets, and shows them with their strength, in the reader's
// language. Nothing random happens here: every secret comes from the server's cryptographic generator.

const STORAGE_KEY = 'password-generator:v1'
const DEBOUNCE_MS = 300
const COPY_FEEDBACK_MS = 4000

const pageConfig = JSON.parse(document.getElementById('page-config').textContent)

const byId = (id) => document.getElementById(id)
const form = byId('options')
const resultBox = byId('result')
const resultMeta = byId('result-meta')
const copyButton = byId('copy')
const copyLabel = byId('copy-label')
const regenerateButton = byId('regenerate')
const copyStatus = byId('copy-status')
const errorBox = byId('error')
const meter = byId('meter')
const strengthSummary = byId('strength-summary')
const languageSelect = byId('language')

// ---------------------------------------------------------------------------------------------------------------
// Options: what the form shows, what localStorage remembers, what the API gets.

const FIELDS = {
  password: {
    length: { kind: 'int', min: 4, max: 128, fallback: 16 },
    uppercase: { kind: 'bool', fallback: true },
    lowercase: { kind: 'bool', fallback: true },
    digits: { kind: 'bool', fallback: true },
    symbols: { kind: 'bool', fallback: true },
    excludeAmbiguous: { kind: 'bool', fallback: false },
    requireEachClass: { kind: 'bool', fallback: true },
    exclude: { kind: 'text', max: 256, fallback: '' }
  },
  passphrase: {
    words: { kind: 'int', min: 3, max: 20, fallback: 6 },
    separator: { kind: 'text', max: 8, fallback: '-' },
    capitalize: { kind: 'bool', fallback: false },
    includeNumber: { kind: 'bool', fallback: false }
  },
  common: {
    count: { kind: 'int', min: 1, max: 100, fallback: 1 }
  }
}

function clampInt (value, field) {
  const number = typeof value === 'number' ? value : Number.parseInt(String(value), 10)
  if (!Number.isFinite(number)) return field.fallback
  return Math.min(field.max, Math.max(field.min, Math.round(number)))
}

/** Known fields only, each of the right type and in range: whatever localStorage holds, the form gets sane values. */
function sanitize (raw) {
  const source = raw !== null && typeof raw === 'object' ? raw : {}
  const settings = { mode: source.mode === 'passphrase' ? 'passphrase' : 'password' }
  for (const [group, fields] of Object.entries(FIELDS)) {
    const values = group === 'common' ? source : (source[group] ?? {})
    const target = group === 'common' ? settings : (settings[group] = {})
    for (const [name, field] of Object.entries(fields)) {
      const value = values[name]
      if (field.kind === 'int') target[name] = clampInt(value ?? field.fallback, field)
      else if (field.kind === 'bool') target[name] = typeof value === 'boolean' ? value : field.fallback
      else target[name] = typeof value === 'string' ? value.slice(0, field.max) : field.fallback
    }
  }
  if (typeof source.language === 'string' && Object.hasOwn(pageConfig.locales, source.language)) {
    settings.language = source.language
  }
  return settings
}

function loadSettings () {
  try {
    return sanitize(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}'))
  } catch {
    return sanitize({})
  }
}

function saveSettings () {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(state.settings))
  } catch {
    // Storage disabled or full: the page still works, it just forgets the options.
  }
}

function writeForm (settings) {
  form.elements.mode.value = settings.mode
  for (const [group, fields] of Object.entries(FIELDS)) {
    const values = group === 'common' ? settings : settings[group]
    for (const [name, field] of Object.entries(fields)) {
      const input = byId(name)
      if (field.kind === 'bool') input.checked = values[name]
      else input.value = String(values[name])
    }
  }
  syncRanges()
  showMode(settings.mode)
}

/** Reads the form; numbers are clamped into range. Returns null while a number field holds something unusable. */
function readForm ({ clamp }) {
  const settings = { ...state.settings, mode: form.elements.mode.value === 'passphrase' ? 'passphrase' : 'password' }
  for (const [group, fields] of Object.entries(FIELDS)) {
    const target = group === 'common' ? settings : (settings[group] = {})
    for (const [name, field] of Object.entries(fields)) {
      const input = byId(name)
      if (field.kind === 'bool') {
        target[name] = input.checked
      } else if (field.kind === 'text') {
        target[name] = input.value.slice(0, field.max)
      } else {
        const inRange = input.value !== '' && input.checkValidity()
        if (!inRange && !clamp) return null
        target[name] = clampInt(input.value === '' ? field.fallback : input.value, field)
        if (clamp && input.value !== String(target[name])) input.value = String(target[name])
      }
    }
  }
  syncRanges()
  return settings
}

function syncRanges () {
  for (const range of form.querySelectorAll('input[type="range"][data-sync]')) {
    const number = byId(range.dataset.sync)
    if (number.value !== '' && number.checkValidity()) range.value = number.value
  }
}

function showMode (mode) {
  byId('password-options').hidden = mode !== 'password'
  byId('passphrase-options').hidden = mode !== 'passphrase'
}

function requestFor (settings) {
  if (settings.mode === 'passphrase') {
    return { path: '/api/passphrase', body: { ...settings.passphrase, count: settings.count } }
  }
  return { path: '/api/generate', body: { ...settings.password, count: settings.count } }
}

// ---------------------------------------------------------------------------------------------------------------
// Languages: every text comes from public/locales/<code>.json.

let messages = {}
let language = pageConfig.defaultLocale
let pluralRules = new Intl.PluralRules(language)

/** The text of `key`; a plural message picks its form by `params.count`; numbers are written the reader's way. */
function t (key, params = {}) {
  let message = messages[key]
  if (message !== null && typeof message === 'object') {
    message = message[pluralRules.select(params.count ?? 0)] ?? message.other
  }
  if (typeof message !== 'string') return key
  return message.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!Object.hasOwn(params, name)) return whole
    const value = params[name]
    return typeof value === 'number' ? numberFormat().format(value) : String(value)
  })
}

function preferredLanguage (remembered) {
  if (remembered !== undefined) return remembered
  const wanted = navigator.languages?.length > 0 ? navigator.languages : [navigator.language]
  for (const tag of wanted) {
    const lower = String(tag).toLowerCase()
    if (Object.hasOwn(pageConfig.locales, lower)) return lower
    const base = lower.split('-')[0]
    if (Object.hasOwn(pageConfig.locales, base)) return base
  }
  return pageConfig.defaultLocale
}

async function loadMessages (code) {
  const response = await fetch(pageConfig.locales[code].url)
  if (!response.ok) throw new Error(`locale ${code}: HTTP ${response.status}`)
  return await response.json()
}

async function setLanguage (code) {
  const loaded = await loadMessages(code)
  messages = loaded
  language = code
  pluralRules = new Intl.PluralRules(code)
  const root = document.documentElement
  root.lang = code
  root.dir = pageConfig.locales[code].dir
  languageSelect.value = code
  for (const element of document.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n)
  }
  for (const element of document.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of element.dataset.i18nAttr.split(';')) {
      const [attribute, key] = pair.split(':')
      element.setAttribute(attribute, t(key))
    }
  }
  render()
}

const numberFormat = (options = {}) => new Intl.NumberFormat(language, options)

// ---------------------------------------------------------------------------------------------------------------
// Rendering: everything on screen is drawn from `state`, so switching language redraws it all.

const state = {
  settings: loadSettings(),
  /** { mode, secrets, length, words, entropyBits, strength, crackTimes } of the last success. */
  result: null,
  /** { kind: 'rate' | 'network' | 'rejected' | 'unexpected', ... } or null. */
  error: null,
  retryAt: 0
}

const STRENGTH_KEYS = {
  'very weak': 'veryWeak',
  weak: 'weak',
  fair: 'fair',
  strong: 'strong',
  'very strong': 'veryStrong'
}

const CHARACTER_KIND = [[/[0-9]/, 'digit'], [/[^A-Za-z0-9]/, 'symbol']]

/** The secret as text with digits and symbols marked, so 0/O and 1/l stand apart; copying still gives plain text. */
function secretElement (secret) {
  const item = document.createElement('li')
  item.className = 'secret'
  let run = ''
  let runKind = null
  const flush = () => {
    if (run === '') return
    if (runKind === null) {
      item.append(run)
    } else {
      const span = document.createElement('span')
      span.className = runKind
      span.textContent = run
      item.append(span)
    }
    run = ''
  }
  for (const character of secret) {
    const kind = CHARACTER_KIND.find(([pattern]) => pattern.test(character))?.[1] ?? null
    if (kind !== runKind) {
      flush()
      runKind = kind
    }
    run += character
  }
  flush()
  return item
}

function renderResult () {
  const result = state.result
  if (result === null) {
    const empty = document.createElement('p')
    empty.className = 'result-empty'
    empty.textContent = t('result.empty')
    resultBox.replaceChildren(empty)
    resultMeta.textContent = ''
    copyButton.disabled = true
    copyLabel.textContent = t('actions.copy')
    return
  }
  const list = document.createElement('ol')
  list.className = 'secrets'
  list.dataset.mode = result.mode
  list.append(...result.secrets.map(secretElement))
  resultBox.replaceChildren(list)
  resultMeta.textContent = result.mode === 'password'
    ? t('result.characters', { count: result.length })
    : t('result.words', { count: result.words })
  copyButton.disabled = false
  copyLabel.textContent = t(result.secrets.length > 1 ? 'actions.copyAll' : 'actions.copy')
}

const MINUTE = 60
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const YEAR = 365.25 * DAY
const MONTH = YEAR / 12
const UNITS = [['second', 1, MINUTE], ['minute', MINUTE, HOUR], ['hour', HOUR, DAY], ['day', DAY, MONTH], ['month', MONTH, YEAR]]

/** A duration in the reader's language, rounded down like the API's own `display` ("3 hours", "7 million years"). */
function formatDuration (seconds) {
  if (!(seconds >= 1)) return t('duration.lessThanSecond')
  const unitFormat = (unit, extra = {}) => numberFormat({ style: 'unit', unit, unitDisplay: 'long', maximumFractionDigits: 0, ...extra })
  for (const [unit, size, limit] of UNITS) {
    if (seconds < limit) return unitFormat(unit).format(Math.floor(seconds / size))
  }
  const years = Math.floor(seconds / YEAR)
  if (years >= 1e12) return t('duration.beyond')
  if (years < 1e6) return unitFormat('year').format(years)
  const scale = 10 ** (Math.floor(Math.log10(years) / 3) * 3)
  return unitFormat('year', { notation: 'compact', compactDisplay: 'long' }).format(Math.floor(years / scale) * scale)
}

function renderStrength () {
  const result = state.result
  const rows = ['onlineThrottled', 'offlineSlowHash', 'offlineFastHash']
  if (result === null) {
    meter.dataset.strength = ''
    meter.setAttribute('aria-valuenow', '0')
    meter.removeAttribute('aria-valuetext')
    strengthSummary.textContent = t('strength.none')
    for (const row of rows) {
      byId(`crack-${row}`).textContent = '–'
      byId(`rate-${row}`).textContent = ''
    }
    return
  }
  const label = t(`strength.${STRENGTH_KEYS[result.strength] ?? 'veryWeak'}`)
  const bits = numberFormat({ maximumFractionDigits: 1 }).format(result.entropyBits)
  meter.dataset.strength = STRENGTH_KEYS[result.strength] ?? ''
  meter.setAttribute('aria-valuenow', String(Math.min(128, result.entropyBits)))
  meter.setAttribute('aria-valuetext', `${label}, ${t('strength.entropy', { bits })}`)
  const strong = document.createElement('strong')
  strong.textContent = label
  strengthSummary.replaceChildren(strong, ' · ', t('strength.entropy', { bits }))
  for (const row of rows) {
    const crack = result.crackTimes[row]
    byId(`crack-${row}`).textContent = formatDuration(crack.seconds)
    const compact = numberFormat({ notation: 'compact', compactDisplay: 'long', maximumFractionDigits: 0 })
    byId(`rate-${row}`).textContent = row === 'onlineThrottled'
      ? t('crack.perHour', { rate: compact.format(crack.guessesPerSecond * HOUR) })
      : t('crack.perSecond', { rate: compact.format(crack.guessesPerSecond) })
  }
}

function renderError () {
  const error = state.error
  for (const input of form.querySelectorAll('[aria-invalid="true"]')) input.removeAttribute('aria-invalid')
  if (error === null) {
    errorBox.textContent = ''
    return
  }
  let text
  if (error.kind === 'rate') {
    if (state.retryAt > 0) {
      const seconds = Math.max(1, Math.ceil((state.retryAt - Date.now()) / 1000))
      const time = new Intl.DateTimeFormat(language, { timeStyle: 'medium' }).format(new Date(state.retryAt))
      text = t('error.rateLimited', { count: seconds, seconds, time })
    } else {
      text = t('error.rateLimitedUnknown')
    }
  } else if (error.kind === 'network') {
    text = t('error.network')
  } else if (error.detail !== undefined) {
    text = error.status >= 500 ? error.detail : t('error.rejected', { detail: error.detail })
    if (error.status >= 500 && error.requestId !== undefined) text += ' ' + t('error.requestId', { id: error.requestId })
    for (const issue of error.errors ?? []) {
      const input = typeof issue.field === 'string' && issue.field !== '' ? form.elements.namedItem(issue.field) : null
      if (input instanceof HTMLInputElement) input.setAttribute('aria-invalid', 'true')
    }
  } else {
    text = t('error.unexpected', { status: error.status })
  }
  errorBox.textContent = text
}

function render () {
  renderResult()
  renderStrength()
  renderError()
}

// ---------------------------------------------------------------------------------------------------------------
// Talking to the API.

/** Retry-After in seconds or as an HTTP date; else the reset of the RateLimit header ("t=" or "reset="). */
function retryDelaySeconds (headers) {
  const retryAfter = headers.get('retry-after')
  if (retryAfter !== null) {
    if (/^\s*\d+\s*$/.test(retryAfter)) return Number(retryAfter)
    const date = Date.parse(retryAfter)
    if (!Number.isNaN(date)) return Math.max(0, (date - Date.now()) / 1000)
  }
  const match = /(?:^|[;,\s])(?:t|reset)=(\d+)/.exec(headers.get('ratelimit') ?? '')
  if (match !== null) return Number(match[1])
  const reset = headers.get('ratelimit-reset')
  return reset !== null && /^\d+$/.test(reset) ? Number(reset) : null
}

/** Why a generation failed: `info` is what renderError needs ({ kind: 'rate' | 'network' | 'rejected' | 'unexpected', ... }). */
class GenerationError extends Error {
  constructor (info) {
    super(info.kind)
    this.info = info
  }
}

async function callApi ({ path, body }, signal) {
  let response
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      cache: 'no-store',
      signal
    })
  } catch (error) {
    if (error.name === 'AbortError') throw error
    throw new GenerationError({ kind: 'network' })
  }
  let data = null
  if (/json/.test(response.headers.get('content-type') ?? '')) {
    data = await response.json().catch(() => null)
  }
  if (response.ok && data?.success === true) return data
  if (response.status === 429) {
    const delay = retryDelaySeconds(response.headers)
    throw new GenerationError({ kind: 'rate', retryAt: delay === null ? 0 : Date.now() + delay * 1000 })
  }
  if (typeof data?.detail === 'string') {
    throw new GenerationError({ kind: 'rejected', status: response.status, detail: data.detail, errors: data.errors, requestId: data.requestId })
  }
  throw new GenerationError({ kind: 'unexpected', status: response.status })
}

let sequence = 0
let inFlight = null
let debounceTimer = 0
let retryTimer = 0

async function generate ({ clamp = true } = {}) {
  clearTimeout(debounceTimer)
  const settings = readForm({ clamp })
  if (settings === null) return
  state.settings = settings
  saveSettings()
  if (state.retryAt > Date.now()) {
    // Still inside the window the server asked us to wait out: say so again rather than ask and be refused.
    state.error = { kind: 'rate' }
    renderError()
    return
  }
  inFlight?.abort()
  const controller = new AbortController()
  inFlight = controller
  const id = ++sequence
  resultBox.setAttribute('aria-busy', 'true')
  try {
    const data = await callApi(requestFor(settings), controller.signal)
    if (id !== sequence) return
    state.result = {
      mode: settings.mode,
      secrets: settings.mode === 'passphrase' ? (data.passphrases ?? [data.passphrase]) : (data.passwords ?? [data.password]),
      length: data.length,
      words: data.words,
      entropyBits: data.entropyBits,
      strength: data.strength,
      crackTimes: data.crackTimes
    }
    state.error = null
    copyStatus.textContent = ''
    render()
  } catch (error) {
    if (id !== sequence || error?.name === 'AbortError') return
    // Anything else that went wrong (a malformed answer) is still shown, never swallowed.
    const info = error instanceof GenerationError ? error.info : { kind: 'unexpected', status: 0 }
    state.error = info
    if (info.kind === 'rate') {
      state.retryAt = info.retryAt
      clearTimeout(retryTimer)
      if (info.retryAt > 0) retryTimer = setTimeout(endRateLimit, info.retryAt - Date.now())
    }
    if (info.kind === 'rejected' && info.status < 500) {
      // The options are impossible: an older secret on screen would no longer match them.
      state.result = null
    }
    render()
  } finally {
    if (id === sequence) resultBox.setAttribute('aria-busy', 'false')
  }
}

function endRateLimit () {
  state.retryAt = 0
  if (state.error?.kind === 'rate') {
    state.error = null
    renderError()
  }
}

function scheduleGenerate () {
  clearTimeout(debounceTimer)
  debounceTimer = setTimeout(() => { generate({ clamp: false }) }, DEBOUNCE_MS)
}

// ---------------------------------------------------------------------------------------------------------------
// Copying: the Clipboard API where the browser allows it, else a selected textarea and execCommand.

function copyWithSelection (text) {
  const buffer = document.createElement('textarea')
  buffer.value = text
  buffer.className = 'clipboard-buffer'
  buffer.setAttribute('readonly', '')
  buffer.setAttribute('aria-hidden', 'true')
  document.body.append(buffer)
  buffer.select()
  let copied = false
  try {
    copied = document.execCommand('copy')
  } catch {
    copied = false
  }
  buffer.remove()
  return copied
}

function selectResult () {
  const range = document.createRange()
  range.selectNodeContents(resultBox)
  const selection = window.getSelection()
  selection.removeAllRanges()
  selection.addRange(range)
}

let copyFeedbackTimer = 0

async function copy () {
  if (state.result === null) return
  const text = state.result.secrets.join('\n')
  let copied = false
  if (navigator.clipboard?.writeText !== undefined) {
    try {
      await navigator.clipboard.writeText(text)
      copied = true
    } catch {
      copied = false
    }
  }
  if (!copied) {
    copied = copyWithSelection(text)
    copyButton.focus()
  }
  clearTimeout(copyFeedbackTimer)
  if (copied) {
    copyStatus.textContent = t('status.copied')
    copyLabel.textContent = t('actions.copied')
    copyFeedbackTimer = setTimeout(() => {
      copyStatus.textContent = ''
      copyLabel.textContent = t(state.result !== null && state.result.secrets.length > 1 ? 'actions.copyAll' : 'actions.copy')
    }, COPY_FEEDBACK_MS)
  } else {
    selectResult()
    copyStatus.textContent = t('status.copyFailed')
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Wiring.

form.addEventListener('submit', (event) => {
  event.preventDefault()
  generate()
})

form.addEventListener('input', (event) => {
  const target = event.target
  if (target.type === 'range' && target.dataset.sync !== undefined) {
    byId(target.dataset.sync).value = target.value
  } else if (target.type === 'number') {
    syncRanges()
  }
  if (target.name === 'mode') {
    showMode(target.value)
    generate()
    return
  }
  scheduleGenerate()
})

// A number typed out of range is put back in range once the reader leaves the field.
form.addEventListener('change', (event) => {
  if (event.target.type === 'number') {
    readForm({ clamp: true })
  }
})

regenerateButton.addEventListener('click', () => { generate() })
copyButton.addEventListener('click', () => { copy() })

languageSelect.addEventListener('change', async () => {
  const code = languageSelect.value
  try {
    await setLanguage(code)
    state.settings.language = code
    saveSettings()
  } catch {
    languageSelect.value = language
    state.error = { kind: 'network' }
    renderError()
  }
})

async function start () {
  writeForm(state.settings)
  try {
    await setLanguage(preferredLanguage(state.settings.language))
  } catch {
    // The English texts are already in the HTML; only the messages drawn by script would be missing.
    await setLanguage(pageConfig.defaultLocale).catch(() => {})
  }
  await generate()
  document.documentElement.dataset.ready = 'true'
}

start()
