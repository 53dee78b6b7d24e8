import { readFile } from 'node:fs/promises'
import { expect, type Page, test } from '@playwright/test'

// Demo data seeded into the e2e server (db/seed/): Anna Berg has delivered orders. Her account
// is never closed here (other specs sign in as her); closing is proved by the integration tests
// in test/account/, and here only the page that explains it and its form are checked.
const ANNA = 'anna.berg@example.com'
const PASSWORD = 'portal-demo-2026'

/** Opens a page signed out, signs in on the form it sends her to, and lands back on it. */
async function signInAt(page: Page, path: string) {
  await page.goto(path)
  await expect(page).toHaveURL(`/login?redirectTo=${encodeURIComponent(path)}`)
  await page.getByLabel('Email address').fill(ANNA)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(path)
}

function collectProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  return problems
}

test('Anna downloads everything we hold about her as a JSON file', async ({ page }) => {
  const problems = collectProblems(page)
  await signInAt(page, '/orders')
  const orderNumbers = (await page.getByRole('table').getByRole('link').allTextContents())
    .map((text) => text.trim())
    .filter((text) => /^O\d+$/.test(text))
  expect(orderNumbers.length).toBeGreaterThan(0)

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Your data' })
    .click()
  await expect(page).toHaveURL('/account')
  await expect(page.getByRole('heading', { level: 1, name: 'Your data and account' })).toBeVisible()

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download my data' }).click(),
  ])
  expect(download.suggestedFilename()).toMatch(/^customer-data-C\d+-\d{4}-\d{2}-\d{2}\.json$/)
  const file = await download.path()
  const data = JSON.parse(await readFile(file, 'utf8')) as {
    format: { name: string; version: number }
    customer: { customerNumber: string; givenName: string; familyName: string }
    emails: { email: string }[]
    orders: { orderNumber: string }[]
    consentLedger: unknown[]
    history: unknown[]
  }
  expect(data.format).toEqual({ name: 'cmr-portal.customer-data', version: 1 })
  expect(data.customer).toMatchObject({ givenName: 'Anna', familyName: 'Berg' })
  expect(download.suggestedFilename()).toContain(data.customer.customerNumber)
  expect(data.emails.map((email) => email.email)).toContain(ANNA)
  const exported = data.orders.map((order) => order.orderNumber)
  for (const orderNumber of orderNumbers) expect(exported).toContain(orderNumber)
  expect(data.history.length).toBeGreaterThan(0)
  // Nothing that looks like a stored password made it into the file.
  expect(JSON.stringify(data)).not.toContain('$argon2')

  // The page now says when she last downloaded it.
  await page.reload()
  await expect(page.getByText(/You last downloaded your data on/)).toBeVisible()
  expect(problems).toEqual([])
})

test('the page explains what closing the account does, with a form to ask for it', async ({
  page,
}) => {
  const problems = collectProblems(page)
  await signInAt(page, '/account')

  const section = page.getByRole('region', { name: 'Close my account' })
  await expect(
    section.getByRole('heading', { name: 'What happens when you close your account' }),
  ).toBeVisible()
  await expect(section.getByText(/orders and invoices stay/)).toBeVisible()
  await expect(section.getByText(/replace your name with a placeholder/)).toBeVisible()
  await expect(section.getByText(/permission you gave us for newsletters/)).toBeVisible()
  await expect(section.getByText(/signed out on every device/)).toBeVisible()

  expect(problems).toEqual([])

  // A wrong password is refused next to the field; nothing is asked for.
  const password = section.getByLabel('Your current password')
  await expect(password).toHaveAttribute('type', 'password')
  await password.fill('not her password')
  await section.getByLabel('Why are you leaving? (optional)').fill('Just looking')
  await section.getByRole('button', { name: 'Ask to close my account' }).click()
  await expect(section.getByText('This is not your current password.').last()).toBeVisible()
  await expect(section.getByLabel('Your current password')).toHaveAttribute('aria-invalid', 'true')
  await expect(section.getByLabel('Why are you leaving? (optional)')).toHaveValue('Just looking')
  await expect(
    section.getByRole('heading', { name: 'You asked us to close your account' }),
  ).toHaveCount(0)
  // The refusal is a 400, which the browser logs as a failed load; nothing else went wrong.
  expect(problems).toEqual([
    'Failed to load resource: the server responded with a status of 400 (Bad Request)',
  ])
})
