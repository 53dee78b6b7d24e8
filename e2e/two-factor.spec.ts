import { decodeBase32IgnorePadding } from '@oslojs/encoding'
import { generateHOTP } from '@oslojs/otp'
import { expect, type Page, test } from '@playwright/test'
import { DEMO_PASSWORD } from '../db/seed/demo-logins.ts'

// A seeded customer no other spec signs in as (db/seed/demo-people.ts), so turning 2FA on for
// them changes nothing another spec relies on. Each run has a fresh database.
const EMMA = 'emma.wilson@example.com'

const PERIOD_MS = 30_000
const stepNow = () => Math.floor(Date.now() / PERIOD_MS)
const codeFor = (secret: string, step: number) =>
  generateHOTP(decodeBase32IgnorePadding(secret), BigInt(step), 6)

async function passwordStep(page: Page) {
  await page.goto('/login')
  await page.getByLabel('Email address').fill(EMMA)
  await page.getByLabel('Password').fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL('/login')
}

test('a customer turns on two-step sign-in, then signs in with a code and once with a recovery code', async ({
  page,
}) => {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))

  await passwordStep(page)
  await expect(page).toHaveURL('/')
  await page.goto('/account')
  await page.getByRole('link', { name: 'Sign-in security: two-step sign-in' }).click()
  await expect(page).toHaveURL('/account/security')
  await expect(page.getByText('Two-step sign-in is off.')).toBeVisible()
  await page.getByRole('button', { name: 'Set up two-step sign-in' }).click()

  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible()
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '')
  expect(secret).toMatch(/^[A-Z2-7]{32}$/)
  const enabledStep = stepNow()
  await page.getByLabel('Code', { exact: true }).fill(codeFor(secret, enabledStep))
  await page.getByRole('button', { name: 'Turn on' }).click()

  await expect(page).toHaveURL('/account/security?notice=enabled')
  await expect(page.getByText('Two-step sign-in is on.', { exact: true })).toBeVisible()
  const codes = await page.getByTestId('recovery-codes').getByRole('listitem').allTextContents()
  expect(codes).toHaveLength(10)
  // Shown once: a reload no longer has them.
  await page.reload()
  await expect(page.getByTestId('recovery-codes')).toHaveCount(0)

  // Password alone is not enough any more; the app's next code is.
  await signOut(page)
  await passwordStep(page)
  await expect(page).toHaveURL('/login/two-factor')
  await expect(
    page.getByRole('heading', { level: 1, name: 'Enter your sign-in code' }),
  ).toBeVisible()
  await page
    .getByLabel('Code', { exact: true })
    .fill(codeFor(secret, Math.max(enabledStep + 1, stepNow() - 1)))
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL('/')

  // A recovery code works once …
  await signOut(page)
  await passwordStep(page)
  await page.getByLabel('Code', { exact: true }).fill(codes[0] ?? '')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL('/')

  // … and not twice.
  await signOut(page)
  await passwordStep(page)
  await page.getByLabel('Code', { exact: true }).fill(codes[0] ?? '')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(
    page.getByText('That code is not right. Check it and try again.').last(),
  ).toBeVisible()
  await expect(page).toHaveURL('/login/two-factor')

  expect(problems).toEqual([])
})
