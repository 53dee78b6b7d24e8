import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import { simpleParser } from 'mailparser'
import { enterStaffCode, signInStaff } from './support/staff-sign-in.ts'

// Demo logins seeded into the e2e server (db/seed/demo-logins.ts).
const PASSWORD = 'portal-demo-2026'
const ANNA = 'anna.berg@example.com'
const AGENT = 'agent@example.com'
// Only the reset test uses this customer: the others keep a known password.
const LUCAS = 'lucas.meyer@example.com'
const GENERIC_ERROR = 'The email or password is not right.'

async function signIn(
  page: Page,
  path: '/login' | '/staff/login',
  email: string,
  password: string,
) {
  await page.goto(path)
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

test('a customer signs in, sees their name and customer number, and signs out', async ({
  page,
}) => {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  await signIn(page, '/login', ANNA, PASSWORD)

  await expect(page).toHaveURL('/')
  await expect(page.getByRole('heading', { level: 1, name: /Welcome, Anna/ })).toBeVisible()
  await expect(page.getByText(/Customer number C\d+/)).toBeVisible()

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL('/login')
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
  await page.goto('/')
  await expect(
    page.getByRole('heading', { level: 1, name: 'Welcome to the customer portal' }),
  ).toBeVisible()
  expect(problems).toEqual([])
})

test('an agent signs in at /staff/login and reaches the staff area', async ({ page }) => {
  await signInStaff(page, AGENT)

  await expect(page).toHaveURL('/staff')
  await expect(page.getByRole('heading', { level: 1, name: 'Find a customer' })).toBeVisible()
  await expect(page.getByText('Signed in as Sam Agent').first()).toBeVisible()
})

test('a signed-out visit to /staff goes to the staff sign-in and comes back', async ({ page }) => {
  await page.goto('/staff')
  await expect(page).toHaveURL('/staff/login?redirectTo=%2Fstaff')
  await page.getByLabel('Email address').fill(AGENT)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await enterStaffCode(page, AGENT)
  await expect(page).toHaveURL('/staff')
  await expect(page.getByRole('heading', { level: 1, name: 'Find a customer' })).toBeVisible()
})

test('a signed-in customer opening /staff gets the 403 page, not staff content', async ({
  page,
}) => {
  await signIn(page, '/login', ANNA, PASSWORD)
  await expect(page).toHaveURL('/')

  const response = await page.goto('/staff')
  expect(response?.status()).toBe(403)
  await expect(
    page.getByRole('heading', { level: 1, name: 'You cannot open this page' }),
  ).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Staff workspace' })).toHaveCount(0)
})

test('a wrong password gets a clear error that does not tell whether the email exists', async ({
  page,
}) => {
  await signIn(page, '/login', ANNA, 'not the right password')
  const alert = page.getByRole('alert')
  await expect(alert).toHaveText(GENERIC_ERROR)
  // The email stays as typed; the password does not come back.
  await expect(page.getByLabel('Email address')).toHaveValue(ANNA)
  await expect(page.getByLabel('Password')).toHaveValue('')
  const forKnownEmail = await alert.textContent()

  await signIn(page, '/login', 'nobody.at.all@example.com', 'not the right password')
  await expect(page.getByRole('alert')).toHaveText(GENERIC_ERROR)
  expect(await page.getByRole('alert').textContent()).toBe(forKnownEmail)

  // A staff login at the customer page answers the same.
  await signIn(page, '/login', AGENT, PASSWORD)
  await expect(page.getByRole('alert')).toHaveText(GENERIC_ERROR)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the sign-in form still works, errors and all', async ({ page }) => {
    await signIn(page, '/login', ANNA, 'not the right password')
    await expect(page.getByRole('alert')).toHaveText(GENERIC_ERROR)
    await expect(page.getByLabel('Email address')).toHaveValue(ANNA)

    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('heading', { level: 1, name: /Welcome, Anna/ })).toBeVisible()
  })

  test('an empty form shows field errors tied to their fields', async ({ page }) => {
    await page.goto('/login')
    await page.getByRole('button', { name: 'Sign in' }).click()
    const email = page.getByLabel('Email address')
    await expect(email).toHaveAttribute('aria-invalid', 'true')
    const describedBy = await email.getAttribute('aria-describedby')
    expect(describedBy).toBeTruthy()
    await expect(page.locator(`[id="${describedBy}"]`)).toHaveText('Enter your email address.')
  })
})

test('forgot password answers the same for any address', async ({ page }) => {
  for (const email of [ANNA, 'nobody.at.all@example.com']) {
    await page.goto('/login')
    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Reset your password' })).toBeVisible()
    await page.getByLabel('Email address').fill(email)
    await page.getByRole('button', { name: 'Send the link' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible()
    await expect(page.getByRole('status')).toContainText(
      'If an account exists for that address, we have sent a link',
    )
  }
})

/** The reset link of the newest message to `to` that the server wrote to its mail folder. */
async function resetLinkMailedTo(to: string): Promise<string> {
  const mailDir = process.env.E2E_MAIL_DIR
  if (!mailDir) throw new Error('E2E_MAIL_DIR is not set (playwright.config.ts sets it)')
  let link: string | undefined
  await expect(async () => {
    const files = (await readdir(mailDir)).filter((file) => file.endsWith('.eml')).sort()
    for (const file of files.reverse()) {
      const mail = await simpleParser(await readFile(path.join(mailDir, file)))
      const recipient = mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : null
      if (recipient !== to) continue
      link = mail.text?.match(/https?:\/\/\S+\/reset-password\?token=[\w-]+/)?.[0]
      if (link) return
    }
    throw new Error(`No reset mail to ${to} yet`)
  }).toPass({ timeout: 10_000 })
  return link!
}

test('a customer resets a forgotten password with the emailed link, once', async ({ page }) => {
  const newPassword = 'a brand new passphrase 2026'
  await page.goto('/forgot-password')
  await page.getByLabel('Email address').fill(LUCAS)
  await page.getByRole('button', { name: 'Send the link' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible()

  const link = new URL(await resetLinkMailedTo(LUCAS))
  await page.goto(`${link.pathname}${link.search}`)
  await expect(page.getByRole('heading', { level: 1, name: 'Choose a new password' })).toBeVisible()
  await page.getByLabel('New password', { exact: true }).fill(newPassword)
  await page.getByLabel('Repeat the new password').fill(newPassword)
  await page.getByRole('button', { name: 'Save the new password' }).click()

  await expect(page).toHaveURL('/login?reset=1')
  await expect(page.getByRole('status')).toContainText('Your password has been changed')
  await page.getByLabel('Email address').fill(LUCAS)
  await page.getByLabel('Password').fill(newPassword)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL('/')

  // The same link a second time: refused, with a way to ask for a new one.
  // Lucas is signed in now, and his saved language (German) wins over the
  // browser's English.
  await page.goto(`${link.pathname}${link.search}`)
  await expect(page.locator('html')).toHaveAttribute('lang', 'de')
  await expect(
    page.getByRole('heading', {
      level: 1,
      name: 'Dieser Link ist abgelaufen oder wurde bereits verwendet',
    }),
  ).toBeVisible()
  await expect(page.getByRole('link', { name: 'Neuen Link anfordern' })).toBeVisible()
})
