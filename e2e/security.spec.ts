import http from 'node:http'
import { type AddressInfo } from 'node:net'
import { expect, type Page, test } from '@playwright/test'
import { enterStaffCode } from './support/staff-sign-in.ts'

// Demo logins seeded into the e2e server (db/seed/demo-logins.ts).
const PASSWORD = 'portal-demo-2026'
const ANNA = 'anna.berg@example.com'
const AGENT = 'agent@example.com'
const PREFERRED_NAME = 'What should we call you? (optional)'
const REFUSED_TITLE = 'This form was not sent'

async function signIn(page: Page, path: '/login' | '/staff/login', email: string) {
  await page.goto(path)
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  // Staff give a code from their authenticator as well (2FA is required for staff).
  if (path === '/staff/login') await enterStaffCode(page, email)
  await expect(page).not.toHaveURL(/\/login/)
}

/** Everything the browser reports against the policy, from the console and from the page. */
function watchForViolations(page: Page): string[] {
  const violations: string[] = []
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text())
  })
  page.on('pageerror', (error) => violations.push(error.message))
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective}`)
    })
  })
  return violations
}

/** Remix's browser entry ran: none of its scripts was blocked. */
async function waitForHydration(page: Page) {
  await page.waitForFunction(() => '__remixRouter' in window)
}

test('a page carries the full policy, and each of its inline scripts the nonce', async ({
  request,
}) => {
  const nonces = new Set<string>()
  for (const path of ['/', '/login']) {
    const response = await request.get(path)
    expect(response.status()).toBe(200)
    const headers = response.headers()
    const policy = headers['content-security-policy'] ?? ''
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1] ?? ''
    expect(nonce).not.toBe('')
    nonces.add(nonce)
    for (const directive of [
      "default-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "object-src 'none'",
    ]) {
      expect(policy).toContain(directive)
    }
    expect(policy).not.toContain('unsafe-inline')
    expect(policy).not.toContain('unsafe-eval')
    expect(headers['x-content-type-options']).toBe('nosniff')
    expect(headers['x-frame-options']).toBe('DENY')
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
    expect(headers['permissions-policy']).toBe('camera=(), microphone=(), geolocation=()')

    const scripts = (await response.text()).match(/<script\b[^>]*>/g) ?? []
    expect(scripts.length).toBeGreaterThan(0)
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`)
  }
  expect(nonces.size).toBe(2)
})

test('customer and staff pages hydrate with no Content Security Policy errors', async ({
  browser,
}) => {
  for (const [login, email, paths] of [
    [
      '/login',
      ANNA,
      ['/', '/profile', '/preferences', '/orders', '/requests', '/tickets', '/history', '/account'],
    ],
    ['/staff/login', AGENT, ['/staff', '/staff/tickets']],
  ] as const) {
    const context = await browser.newContext()
    const page = await context.newPage()
    const violations = watchForViolations(page)
    await page.goto(login)
    await waitForHydration(page)
    await signIn(page, login, email)
    for (const path of paths) {
      await page.goto(path)
      await waitForHydration(page)
    }
    expect(violations).toEqual([])
    await context.close()
  }
})

test('after hydration, links navigate in the page without loading a new document', async ({
  page,
}) => {
  const violations = watchForViolations(page)
  await signIn(page, '/login', ANNA)
  await page.goto('/')
  await waitForHydration(page)
  const documents: string[] = []
  page.on('request', (request) => {
    if (request.resourceType() === 'document') documents.push(request.url())
  })
  await page.getByRole('link', { name: 'My details' }).first().click()
  await expect(page).toHaveURL('/profile')
  await expect(page.getByRole('heading', { level: 1, name: 'My details' })).toBeVisible()
  expect(documents).toEqual([])
  expect(violations).toEqual([])
})

/** The fields the details form would send, as the real page holds them (its version included). */
async function detailsFormFields(page: Page): Promise<[string, string][]> {
  await page.goto('/profile')
  return page.getByRole('button', { name: 'Save my details' }).evaluate((button) => {
    if (!(button instanceof HTMLButtonElement) || !button.form) throw new Error('no form')
    return [...new FormData(button.form, button).entries()].map(
      ([name, value]): [string, string] => [name, String(value)],
    )
  })
}

function withPreferredName(fields: [string, string][], value: string): [string, string][] {
  expect(fields.some(([name]) => name === 'preferredName')).toBe(true)
  return fields.map(([name, old]) => [name, name === 'preferredName' ? value : old])
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
}

/** Another site: one page that posts a form to `target` as soon as it opens. */
async function startAttackerSite(target: string, fields: [string, string][]) {
  const inputs = fields
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('')
  const html = `<!doctype html><form method="post" action="${escapeHtml(target)}">${inputs}</form>
<script>document.forms[0].submit()</script>`
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

test('a form posted from another site, or with no origin headers, is refused and changes nothing', async ({
  page,
  baseURL,
}) => {
  await signIn(page, '/login', ANNA)
  const fields = await detailsFormFields(page)
  const before = await page.getByLabel(PREFERRED_NAME).inputValue()
  const forged = withPreferredName(fields, `Anna forged ${Math.random().toString(36).slice(2, 7)}`)
  const target = new URL('/profile', baseURL).toString()
  const attacker = await startAttackerSite(target, forged)
  try {
    // localhost on another port is the same site: the browser sends Anna's session cookie with
    // the post, so only the guard stands between it and her record. 127.0.0.1 is another site.
    for (const [host, secFetchSite] of [
      ['localhost', 'same-site'],
      ['127.0.0.1', 'cross-site'],
    ] as const) {
      const posted = page.waitForResponse(
        (response) =>
          response.request().method() === 'POST' && new URL(response.url()).pathname === '/profile',
      )
      await page.goto(`http://${host}:${attacker.port}/`)
      const response = await posted
      const sent = await response.request().allHeaders()
      expect(sent['sec-fetch-site']).toBe(secFetchSite)
      if (secFetchSite === 'same-site') expect(sent['cookie']).toContain('cmr_session=')
      expect(response.status()).toBe(403)
      await expect(page.getByRole('heading', { level: 1, name: REFUSED_TITLE })).toBeVisible()
    }
  } finally {
    await attacker.close()
  }

  // A script outside a browser, with Anna's cookie but neither Origin nor Sec-Fetch-Site.
  const bare = await page.request.post('/profile', {
    data: new URLSearchParams(forged).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    maxRedirects: 0,
  })
  expect(bare.status()).toBe(403)
  expect(await bare.text()).toContain(REFUSED_TITLE)

  await page.goto('/profile')
  await expect(page.getByLabel(PREFERRED_NAME)).toHaveValue(before)

  // The control: the very same fields, posted by a form on our own page, do save. So the
  // refusals above were the guard's doing, not a form the app would have rejected anyway.
  const own = withPreferredName(fields, `Anna own ${Math.random().toString(36).slice(2, 7)}`)
  await page.evaluate((entries) => {
    const form = document.createElement('form')
    form.method = 'post'
    form.action = '/profile'
    for (const [name, value] of entries) {
      const input = document.createElement('input')
      input.type = 'hidden'
      input.name = name
      input.value = value
      form.append(input)
    }
    document.body.append(form)
    form.submit()
  }, own)
  await expect(page.getByRole('status')).toContainText('Your details are saved.')
  await page.goto('/profile')
  await expect(page.getByLabel(PREFERRED_NAME)).toHaveValue(
    own.find(([n]) => n === 'preferredName')?.[1] ?? '',
  )
})
