import AxeBuilder from '@axe-core/playwright'
import { type Browser, expect, type Page, test, type TestInfo } from '@playwright/test'
import { signInStaff } from './support/staff-sign-in.ts'

// WCAG 2.2 AA, as far as a machine can check it: axe-core on every page of both sides, signed
// out, as a customer, as an agent and as an admin (who holds the supervisor's pages too), and
// on forms showing their errors. Zero violations; each one is fixed in the component, never
// excluded here.

const ANNA = 'anna.berg@example.com'
const AGENT = 'agent@example.com'
const ADMIN = 'admin@example.com'
const PASSWORD = 'portal-demo-2026'
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/** One line per violation and element: readable in the failure message, unlike axe's JSON. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze()
  return results.violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id}: ${node.target.join(' ')} (${node.failureSummary?.split('\n')[1]?.trim() ?? violation.help})`,
    ),
  )
}

// axe takes a second or more per page on a busy machine; each test walks many pages.
test.describe.configure({ timeout: 180_000 })

async function expectAccessible(page: Page, what: string) {
  await page.waitForLoadState('networkidle')
  expect.soft(await violations(page), `axe violations on ${what}`).toEqual([])
}

async function visit(page: Page, path: string) {
  const response = await page.goto(path)
  expect(response?.status(), `${path} answers`).toBeLessThan(400)
  await expectAccessible(page, path)
}

async function newPage(browser: Browser) {
  const context = await browser.newContext()
  return context.newPage()
}

async function signInCustomer(page: Page) {
  await page.goto('/login')
  await page.getByLabel('Email address').fill(ANNA)
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

test('signed-out pages have no axe violations', async ({ browser }) => {
  const page = await newPage(browser)
  for (const path of [
    '/',
    '/login',
    '/signup',
    '/forgot-password',
    '/login/magic-link',
    '/staff/login',
    '/no-such-page',
  ]) {
    if (path === '/no-such-page') {
      await page.goto(path)
      await expectAccessible(page, path)
    } else {
      await visit(page, path)
    }
  }
  await page.context().close()
})

test('sign-in forms showing errors have no axe violations', async ({ browser }) => {
  const page = await newPage(browser)
  await page.goto('/login')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByText('Enter your email address.').first()).toBeVisible()
  await expectAccessible(page, '/login submitted empty')

  // A fresh form: after the empty try, the error lines vanish as each field is left, and the
  // button moves up under the pointer between press and release (the click is lost).
  await page.goto('/login')
  // An address with no account: a failed sign-in counts against the address, and other specs
  // need Anna's sign-in unlimited.
  await page.getByLabel('Email address').fill('a11y.nobody@example.com')
  await page.getByLabel('Password').fill('not the right password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByText('The email or password is not right.')).toBeVisible({
    timeout: 20_000,
  })
  await expectAccessible(page, '/login with a wrong password')

  await page.goto('/signup')
  await page.getByRole('button', { name: /create/i }).click()
  await expect(page.locator('[aria-invalid="true"]').first()).toBeVisible()
  await expectAccessible(page, '/signup submitted empty')
  await page.context().close()
})

test('customer pages and forms showing errors have no axe violations', async ({ browser }) => {
  const page = await newPage(browser)
  await signInCustomer(page)
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
    await visit(page, path)
  }
  // A record that does not exist: the route's own not-found page.
  await page.goto('/orders/O0000')
  await expectAccessible(page, '/orders/O0000 (not found)')

  // The profile form with its required first name emptied, answered by the server: in the
  // browser this form shows no message for an empty name (reported, not fixed here).
  await page.goto('/profile')
  await page.getByLabel('First name').fill('')
  await page.locator('form[id^="details-"]').evaluate((form) => {
    if (form instanceof HTMLFormElement) HTMLFormElement.prototype.submit.call(form)
  })
  await expect(page.getByLabel('First name')).toHaveAttribute('aria-invalid', 'true', {
    timeout: 20_000,
  })
  await expectAccessible(page, '/profile without a first name')

  // A new ticket without a subject.
  await page.goto('/tickets/new')
  await page.getByRole('button', { name: 'Send question' }).click()
  await expect(page.getByLabel('Subject')).toHaveAttribute('aria-invalid', 'true', {
    timeout: 20_000,
  })
  await expectAccessible(page, '/tickets/new without a subject')
  await page.context().close()
})

test('agent pages have no axe violations', async ({ browser }) => {
  const page = await newPage(browser)
  await signInStaff(page, AGENT)
  const ticket = await firstLink(page, '/staff/tickets', /^\/staff\/tickets\/T\d+$/)
  const customer = await firstLink(page, ticket, /^\/staff\/customers\/[^/]+$/)
  for (const path of ['/staff', '/staff?q=Berg', '/staff/tickets', ticket, customer]) {
    await visit(page, path)
  }
  await page.context().close()
})

test('supervisor and admin pages have no axe violations', async ({ browser }) => {
  const page = await newPage(browser)
  await signInStaff(page, ADMIN)
  for (const path of [
    '/staff/metrics',
    '/staff/duplicates',
    '/staff/canned-replies',
    '/staff/targets',
    '/staff/admin',
    '/staff/admin/wordings',
  ]) {
    await visit(page, path)
  }
  await page.context().close()
})

test('key pages fit a 360 px wide screen (and 200% zoom) without sideways scrolling', async ({
  browser,
}, testInfo) => {
  // 200% zoom of a 1280 px window lays the page out 640 CSS px wide: between the two checked.
  for (const width of [360, 640]) {
    const context = await browser.newContext({ viewport: { width, height: 780 } })
    const page = await context.newPage()
    const pages = ['/', '/login']
    for (const path of pages) await fits(page, path, width, testInfo)
    await signInCustomer(page)
    const ticket = await firstLink(page, '/tickets', /^\/tickets\/T\d+$/)
    for (const path of ['/', '/orders', ticket, '/profile', '/preferences']) {
      await fits(page, path, width, testInfo)
    }
    await context.close()
  }
})

/** No sideways scrolling at this width; a full-page screenshot kept with the test's results. */
async function fits(page: Page, path: string, width: number, testInfo: TestInfo) {
  await page.goto(path)
  await page.waitForLoadState('networkidle')
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }))
  expect
    .soft(scrollWidth, `${path} at ${width} px scrolls sideways`)
    .toBeLessThanOrEqual(clientWidth)
  const name = `${width}px${path.replaceAll('/', '_') || '_'}.png`
  const file = testInfo.outputPath(name)
  await page.screenshot({ path: file, fullPage: true })
  await testInfo.attach(name, { path: file, contentType: 'image/png' })
}
