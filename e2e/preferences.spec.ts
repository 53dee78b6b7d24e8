import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { type Browser, expect, type Page, test } from '@playwright/test'
import { simpleParser } from 'mailparser'

// Demo login seeded into the e2e server (db/seed/demo-logins.ts). Her consent story in the seed
// (db/seed/demo-consent.ts): newsletter by email granted, events by email never asked.
const ANNA = 'anna.berg@example.com'
const PASSWORD = 'portal-demo-2026'

async function signIn(page: Page) {
  await page.goto('/login')
  await page.getByLabel('Email address').fill(ANNA)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL('/')
}

/** The newest mail to Anna whose subject contains `subject`, read from the server's mail folder. */
async function newestMailTo(to: string, subject: string, notBefore: number) {
  const mailDir = process.env.E2E_MAIL_DIR
  if (!mailDir) throw new Error('E2E_MAIL_DIR is not set (playwright.config.ts sets it)')
  let text: string | undefined
  await expect(async () => {
    const files = (await readdir(mailDir)).filter((file) => file.endsWith('.eml')).sort()
    for (const file of files.reverse()) {
      const mail = await simpleParser(await readFile(path.join(mailDir, file)))
      const recipient = mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : null
      if (recipient !== to || !mail.subject?.includes(subject)) continue
      if ((mail.date?.getTime() ?? 0) < notBefore - 1000) continue
      text = mail.text
      return
    }
    throw new Error(`No mail "${subject}" to ${to} yet`)
  }).toPass({ timeout: 10_000 })
  return text ?? ''
}

function linkIn(text: string, pathname: string): string {
  const match = text.match(
    new RegExp(`https?://\\S+${pathname.replace('/', '\\/')}\\?token=[\\w.-]+`),
  )
  if (!match) throw new Error(`No ${pathname} link in:\n${text}`)
  const url = new URL(match[0])
  return `${url.pathname}${url.search}`
}

/** A browser with no session: links in mail must work without signing in. */
async function signedOutPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext()
  return context.newPage()
}

function historyRow(page: Page, index: number) {
  return page
    .getByRole('table', { name: 'Consent decisions, newest first' })
    .getByRole('row')
    .nth(index + 1)
}

test('Anna withdraws the newsletter in the preference centre and through an emailed unsubscribe link, and sees both in her consent history', async ({
  page,
  browser,
}) => {
  await signIn(page)
  await expect(page.getByRole('link', { name: 'Preferences', exact: true })).toHaveAttribute(
    'href',
    '/preferences',
  )
  // Browser errors on this page (hydration, scripts) fail the test.
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  await page.goto('/preferences')
  await expect(
    page.getByRole('heading', { level: 1, name: 'Communication preferences' }),
  ).toBeVisible()
  await expect(page.getByText(/cannot be switched off entirely/)).toBeVisible()

  // 1. In the preference centre: one click, saved on its own (JavaScript on).
  const newsletter = page.getByRole('checkbox', { name: 'Newsletter by email' })
  await expect(newsletter).toBeChecked()
  await newsletter.uncheck()
  await expect(page.locator('#consent-email-newsletter-status')).toHaveText('Saved')
  await expect(historyRow(page, 0)).toContainText('Newsletter by email')
  await expect(historyRow(page, 0)).toContainText('No')
  await expect(historyRow(page, 0)).toContainText('You, in the portal')

  // 2. Yes again, by email: it waits for the confirmation link.
  const askedAt = Date.now()
  await newsletter.check()
  await expect(page.locator('#consent-email-newsletter-status')).toContainText(
    'Waiting for your confirmation — check your inbox',
  )
  await expect(historyRow(page, 0)).toContainText('Waiting for confirmation')
  const mail = await newestMailTo(ANNA, 'the newsletter', askedAt)

  // 3. The confirmation link, opened without signing in.
  const stranger = await signedOutPage(browser)
  await stranger.goto(linkIn(mail, '/consent/confirm'))
  await expect(
    stranger.getByRole('heading', { level: 1, name: 'Confirm your choice' }),
  ).toBeVisible()
  await stranger.getByRole('button', { name: 'Yes, confirm' }).click()
  await expect(
    stranger.getByRole('heading', { level: 1, name: 'Thank you — confirmed' }),
  ).toBeVisible()

  // 4. The unsubscribe link from the same mail: one click, no sign-in.
  await stranger.goto(linkIn(mail, '/unsubscribe'))
  await expect(stranger.getByText('You will no longer get the newsletter by email.')).toBeVisible()
  await stranger.getByRole('button', { name: 'Unsubscribe', exact: true }).click()
  await expect(
    stranger.getByRole('heading', { level: 1, name: 'You are unsubscribed' }),
  ).toBeVisible()
  await stranger.context().close()

  // 5. Both withdrawals in Anna's consent history, each with how it was made.
  await page.reload()
  await expect(newsletter).not.toBeChecked()
  const rows = [
    ['Newsletter by email', 'No', 'Unsubscribe link'],
    ['Newsletter by email', 'Yes', 'Confirmation link'],
    ['Newsletter by email', 'Waiting for confirmation', 'You, in the portal'],
    ['Newsletter by email', 'No', 'You, in the portal'],
  ]
  for (const [index, cells] of rows.entries()) {
    for (const text of cells) await expect(historyRow(page, index)).toContainText(text)
  }
  expect(problems).toEqual([])
})

test('a mail provider one-click POST (RFC 8058) unsubscribes with a plain-text answer', async ({
  page,
  request,
}) => {
  await signIn(page)
  await page.goto('/preferences')
  const events = page.getByRole('checkbox', { name: 'Events by email' })
  await expect(events).not.toBeChecked()
  const askedAt = Date.now()
  await events.check()
  await expect(page.locator('#consent-email-events-status')).toContainText(
    'Waiting for your confirmation',
  )
  const mail = await newestMailTo(ANNA, 'event invitations', askedAt)
  await page.goto(linkIn(mail, '/consent/confirm'))
  await page.getByRole('button', { name: 'Yes, confirm' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you — confirmed' })).toBeVisible()

  // As a provider sends it: no cookie, no Origin, the one-click body.
  const oneClick = linkIn(mail, '/unsubscribe').replace('/unsubscribe?', '/unsubscribe/one-click?')
  const response = await request.post(oneClick, {
    form: { 'List-Unsubscribe': 'One-Click' },
    headers: { Cookie: '' },
  })
  expect(response.status()).toBe(200)
  expect(response.headers()['content-type']).toBe('text/plain; charset=utf-8')
  expect(await response.text()).toBe('You are unsubscribed.\n')

  await page.goto('/preferences')
  await expect(events).not.toBeChecked()
  for (const text of ['Events by email', 'No', 'Unsubscribe link']) {
    await expect(historyRow(page, 0)).toContainText(text)
  }
})

test('a forged unsubscribe link changes nothing and says so', async ({ page }) => {
  const response = await page.goto('/unsubscribe?token=forged.token')
  expect(response?.status()).toBe(400)
  await expect(
    page.getByRole('heading', { level: 1, name: 'This unsubscribe link is not valid' }),
  ).toBeVisible()
  await expect(page.getByRole('alert')).toContainText('nothing was changed')
  await expect(page.getByRole('button', { name: 'Unsubscribe' })).toHaveCount(0)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the one form saves consent and preferences with one button', async ({ page }) => {
    await signIn(page)
    await page.goto('/preferences')
    await page.getByRole('checkbox', { name: 'Offers by post' }).check()
    await page.getByRole('radio', { name: 'Weekly digest' }).check()
    await page.getByLabel('From').fill('21:00')
    await page.getByLabel('To', { exact: true }).fill('07:30')
    await page.getByRole('button', { name: 'Save preferences' }).click()

    await expect(page).toHaveURL('/preferences?saved=1')
    await expect(
      page.getByRole('status').filter({ hasText: 'Your preferences are saved.' }),
    ).toBeVisible()
    await expect(page.getByRole('checkbox', { name: 'Offers by post' })).toBeChecked()
    await expect(page.getByRole('radio', { name: 'Weekly digest' })).toBeChecked()
    await expect(page.getByLabel('From')).toHaveValue('21:00')
    for (const text of ['Offers by post', 'Yes', 'You, in the portal']) {
      await expect(historyRow(page, 0)).toContainText(text)
    }

    // Half a quiet-hours pair: the error sits next to the field, and what was typed stays.
    await page.getByLabel('To', { exact: true }).fill('')
    await page.getByRole('button', { name: 'Save preferences' }).click()
    const to = page.getByLabel('To', { exact: true })
    await expect(to).toHaveAttribute('aria-invalid', 'true')
    const describedBy = await to.getAttribute('aria-describedby')
    await expect(page.locator(`[id="${describedBy}"]`)).toHaveText(
      'Give both times, or leave both empty.',
    )
    await expect(page.getByLabel('From')).toHaveValue('21:00')
  })
})
