import { type Browser, expect, type Page, test } from '@playwright/test'
import { signInStaff } from './support/staff-sign-in.ts'

// Every page shown in the en-XA pseudo-locale (app/i18n/pseudo.ts), where each translated string
// comes out accented and bracketed: `Sign in` → `⟦Śîĝñ îñ ···⟧`. Plain ASCII words left on the
// page bypassed i18next; the padding shows where longer languages would break the layout.
// The server offers en-XA only because playwright.config.ts starts it with PSEUDO_LOCALE=1.

const ANNA = 'anna.berg@example.com'
const AGENT = 'agent@example.com'
const PASSWORD = 'portal-demo-2026'

/** The `lng` cookie as Remix's createCookie('lng') writes it: base64 of the JSON string. */
const PSEUDO_COOKIE_VALUE = Buffer.from(JSON.stringify('en-XA')).toString('base64')

/**
 * What may legitimately stay plain ASCII outside ⟦…⟧: user data and what Intl writes (it has no
 * en-XA data and falls back to English). Kept narrow on purpose: each pattern is anchored to a
 * shape (an address, a number) or is one exact value of the demo data, so an untranslated word
 * cannot hide behind it.
 */
const USER_DATA: RegExp[] = [
  // Email addresses (the signed-in account, customers in staff views).
  /[\w.+-]+@[\w-]+(\.[\w-]+)+/g,
  // Customer, order, request and ticket numbers: C1001, O1001, R1001, T1001.
  /\b[COTR]\d{3,}\b/g,
  // Intl dates and times in English: `Nov 23, 2026`, `Nov 23, 2026, 11:41 PM`.
  /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}/g,
  // Intl money: the ISO currency code before the amount (`SEK 1,299.00`).
  /\b[A-Z]{3}\u00a0?[\d.,]+/g,
  // Product SKUs (`COF-0500`).
  /\b[A-Z]{3}-\d{4}\b/g,
]

/**
 * Whole text nodes that are a code or what Intl writes for one: country and language names
 * (Intl.DisplayNames) of the demo customers, bare ISO currency codes (history shows an order's
 * `currency` field) and IANA time zone names (staff see the customer's zone as its id).
 */
const INTL_TEXTS = new Set([
  ...['SE', 'DE', 'ES', 'US', 'JP', 'GB', 'FR'].map(
    (code) => new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code,
  ),
  ...['en', 'de', 'es', 'sv', 'ja'].map(
    (code) => new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code,
  ),
  ...Intl.supportedValuesOf('currency'),
  ...Intl.supportedValuesOf('timeZone'),
])

/**
 * Demo data (db/seed) the pages below show, each an exact whole text node (after ids and dates
 * are taken out), so none of them can cover a word next to it. Anna's own records, and the
 * first page of the staff queue. A new seed value on these pages shows up as a failure here:
 * add it only if it is data a person typed, never a label.
 */
const DEMO_DATA = new Set([
  // People: Anna, her given and family name apart (staff record), the agent, queue customers.
  'Anna Berg',
  'Anna',
  'Berg',
  'Sam Agent',
  'Lucas Meyer',
  "Zoë D'Angelo",
  'Margarete Köhler',
  'Hiroshi Tanaka',
  // Anna's addresses: the labels she gave them, streets, postal towns, a company line.
  'Home',
  'Work',
  'Holiday home',
  'Gustavs Väg 5',
  '118 46 Stockholm',
  'Lund Lindbergs Gata 497',
  'Eliasson-Jönsson',
  'Hellström Hermanssons Väg 58',
  '621 55 Visby',
  'Visby',
  // A product on her order.
  'Coffee beans, medium roast, 500 g',
  // Subjects and messages of her requests and tickets.
  'Tracking has not moved for three days',
  'Put my company name on future invoices',
  'Kettle lid broke on first use',
  'Return: headphones, the left ear cuts out',
  'Copy of the invoice for my blanket order',
  'Wrong VAT number on my invoice',
  'Add the company name "Berg Design AB"',
  'Could you send us the company’s VAT number, so we can print it on the invoice too?',
  'The hinge of the kettle lid snapped the first time I opened it. There is a sharp edge now, so I do not dare to use it.',
  'Hi! My backpack was shipped a few days ago, but the tracking has said "in transit" at the same terminal since then. Can you check what is going on?',
  'PostNord: last scan at the Årsta terminal, nothing since. Opened an investigation with them (case 88123).',
  'Hi Anna, thank you for telling us. We have asked PostNord to look for the parcel. Could you check whether a neighbour took it in, and confirm that your home address is the right one for this delivery?',
  // Other customers' ticket subjects in the staff queue (two are in German: their language).
  'Do you ship to Canada?',
  'Katalog per Post',
  'Customs fee asked on delivery',
  'Paket beschädigt angekommen',
  // The organisations' demo tickets in the staff queue, and who opened them (one in German).
  'Delivery of the conference chairs',
  'Maja Lind',
  'Invoice address for our Malmö office',
  'Erik Holm',
  'Lieferschein für die Paletten fehlt',
  'Jonas Weber',
])

/**
 * Text other specs type into the shared e2e database, which later pages show: replies and
 * subjects stamped with Date.now() (`Sent with the keyboard alone (1795477127635).`), and the
 * preferred names e2e/profile.spec.ts gives Anna (`Anna second 96c1u`, shown as `(Anna …)` too),
 * and the colleague e2e/organisations.spec.ts invites, who then opens a ticket in the queue.
 */
const E2E_WRITTEN = [/[ (]\d{13}\)?\.?$/, /^\(?Anna [a-z]+ [a-z0-9]{5}\)?$/, /^Nils Berglund$/]

/**
 * The data export's format name (db/data-export.ts), which Anna's history shows as written in
 * the file she downloaded (e2e/account.spec.ts downloads it): an identifier, not a word.
 */
const EXPORT_FORMAT_NAME = 'cmr-portal.customer-data'

type PageReport = { url: string; untranslated: string[]; overflow: string[] }

/** Text nodes and accessible-name attributes with plain ASCII words outside ⟦…⟧ and user data. */
async function inspect(page: Page): Promise<PageReport> {
  const found = await page.evaluate(() => {
    const texts: string[] = [document.title]
    const pageLang = document.documentElement.lang
    // Content marked as another language (the language switcher names each language in itself)
    // is not meant to be in the page's language.
    const otherLanguage = (element: Element) => {
      const marked = element.closest('[lang]')
      return marked !== null && marked.getAttribute('lang') !== pageLang
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement
      if (!parent || parent.closest('script, style, template, noscript')) continue
      if (otherLanguage(parent)) continue
      if (!parent.checkVisibility()) continue
      const text = node.textContent?.trim()
      if (text) texts.push(text)
    }
    const attributes = ['aria-label', 'placeholder', 'title', 'alt', 'aria-roledescription']
    for (const element of document.body.querySelectorAll('*')) {
      if (otherLanguage(element)) continue
      for (const name of attributes) {
        const value = element.getAttribute(name)?.trim()
        if (value) texts.push(value)
      }
      if (
        element instanceof HTMLInputElement &&
        ['submit', 'button', 'reset'].includes(element.type) &&
        element.value
      ) {
        texts.push(element.value)
      }
    }
    // Elements whose text is cut off: content wider than a box that hides what overflows.
    // Screen-reader-only boxes (1 px wide) hide on purpose.
    const overflow: string[] = []
    for (const element of document.body.querySelectorAll<HTMLElement>('*')) {
      const style = getComputedStyle(element)
      if (!['hidden', 'clip'].includes(style.overflowX)) continue
      if (element.clientWidth <= 1 || !element.checkVisibility()) continue
      if (element.scrollWidth > element.clientWidth + 1 && element.innerText.trim()) {
        overflow.push(`<${element.tagName.toLowerCase()}> ${element.innerText.trim().slice(0, 80)}`)
      }
    }
    const root = document.documentElement
    if (root.scrollWidth > root.clientWidth) {
      overflow.push(`the page scrolls sideways: ${root.scrollWidth} px > ${root.clientWidth} px`)
    }
    return { texts, overflow }
  })

  const untranslated: string[] = []
  for (const text of found.texts) {
    let rest = text
    // Innermost brackets first: a translation can nest another ($t(…)).
    for (let previous = ''; previous !== rest;) {
      previous = rest
      rest = rest.replace(/⟦[^⟦⟧]*⟧/g, ' ')
    }
    // A translation with markup (<Trans>) spans several text nodes: ⟦… in one, …⟧ in another.
    rest = rest.replace(/⟦[^⟧]*$/, ' ').replace(/^[^⟦]*⟧/, ' ')
    if (INTL_TEXTS.has(rest.trim())) continue
    if (E2E_WRITTEN.some((pattern) => pattern.test(rest.trim()))) continue
    if (rest.trim() === EXPORT_FORMAT_NAME) continue
    for (const pattern of USER_DATA) rest = rest.replace(pattern, ' ')
    // `T1001 · subject`: what is left once the number is out, without the separator.
    if (DEMO_DATA.has(rest.replace(/^[\s·]+/, '').trim())) continue
    if (/[A-Za-z]{3,}/.test(rest)) untranslated.push(text)
  }
  return { url: new URL(page.url()).pathname, untranslated, overflow: found.overflow }
}

// Each test walks many pages, one after another.
test.describe.configure({ timeout: 120_000 })

async function check(page: Page, path: string) {
  const response = await page.goto(path)
  expect(response?.status(), `${path} answers`).toBeLessThan(400)
  await expect(page.locator('html')).toHaveAttribute('lang', 'en-XA')
  await page.waitForLoadState('networkidle')
  const report = await inspect(page)
  expect.soft(report.untranslated, `untranslated text on ${path}`).toEqual([])
  expect.soft(report.overflow, `text cut off on ${path}`).toEqual([])
}

async function pseudoPage(browser: Browser, signIn?: (page: Page) => Promise<void>) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  // Signed in on the English form first, so the steps read like every other spec's.
  if (signIn) await signIn(page)
  const { baseURL } = test.info().project.use
  await context.addCookies([
    { name: 'lng', value: PSEUDO_COOKIE_VALUE, url: baseURL ?? '', httpOnly: true },
  ])
  return page
}

async function signInAs(page: Page, email: string) {
  await page.goto('/login')
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL('/')
}

/** The first link on `path` whose address matches `pattern`: a record of the demo data. */
async function firstLink(page: Page, path: string, pattern: RegExp): Promise<string> {
  await page.goto(path)
  const hrefs = await page
    .locator('main a[href]')
    .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''))
  const href = hrefs.find((value) => pattern.test(value))
  if (!href) throw new Error(`no link matching ${pattern} on ${path}`)
  return href
}

test('signed-out pages have no untranslated text in the pseudo-locale', async ({ browser }) => {
  const page = await pseudoPage(browser)
  for (const path of ['/', '/login', '/signup', '/forgot-password', '/login/magic-link']) {
    await check(page, path)
  }
  await page.context().close()
})

test('customer pages have no untranslated text in the pseudo-locale', async ({ browser }) => {
  const page = await pseudoPage(browser, (p) => signInAs(p, ANNA))
  const order = await firstLink(page, '/orders', /^\/orders\/O\d+$/)
  const request = await firstLink(page, '/requests', /^\/requests\/R\d+$/)
  const ticket = await firstLink(page, '/tickets', /^\/tickets\/T\d+$/)
  for (const path of [
    '/',
    '/orders',
    order,
    '/requests',
    request,
    '/requests/new',
    '/tickets',
    ticket,
    '/tickets/new',
    '/profile',
    '/history',
    '/preferences',
    '/messages',
    '/account',
  ]) {
    await check(page, path)
  }
  await page.context().close()
})

test('staff pages have no untranslated text in the pseudo-locale', async ({ browser }) => {
  const page = await pseudoPage(browser, (p) => signInStaff(p, AGENT))
  // Anna's ticket and her record: the demo data the customer pages show too.
  await page.goto('/staff/tickets')
  const ticket =
    (await page
      .locator('main li, main tr')
      .filter({ hasText: 'Anna Berg' })
      .first()
      .locator('a[href^="/staff/tickets/T"]')
      .first()
      .getAttribute('href')) ?? ''
  const customer = await firstLink(page, ticket, /^\/staff\/customers\/[^/]+$/)
  for (const path of ['/staff', '/staff/tickets', ticket, customer]) {
    await check(page, path)
  }
  await page.context().close()
})
