import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { type Browser, expect, type Page, test } from '@playwright/test'
import { simpleParser } from 'mailparser'

// Changing the password while signed in ends the account's other sessions: a second browser
// signed in to the same account is sent to sign in on its next page, and only the new password
// works there. The customer is signed up for this run, so no other spec shares the account.

const FIRST_PASSWORD = 'an e2e passphrase 2026'
const NEW_PASSWORD = 'a changed e2e passphrase'
const THIRD_PASSWORD = 'and a third one for luck'

/** The path and query of the newest link to `pathname` mailed to `to` (from the .eml folder). */
async function linkMailedTo(to: string, pathname: string): Promise<string> {
  const mailDir = process.env.E2E_MAIL_DIR
  if (!mailDir) throw new Error('E2E_MAIL_DIR is not set (playwright.config.ts sets it)')
  const pattern = new RegExp(`https?://\\S+${pathname.replaceAll('/', '\\/')}\\?token=[\\w-]+`)
  let link: string | undefined
  await expect(async () => {
    const files = (await readdir(mailDir)).filter((file) => file.endsWith('.eml')).sort()
    for (const file of files.reverse()) {
      const mail = await simpleParser(await readFile(path.join(mailDir, file)))
      const recipient = mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : null
      if (recipient !== to) continue
      link = mail.text?.match(pattern)?.[0]
      if (link) return
    }
    throw new Error(`No ${pathname} link mailed to ${to} yet`)
  }).toPass({ timeout: 10_000 })
  const url = new URL(link!)
  return `${url.pathname}${url.search}`
}

/** A new customer, signed up and confirmed in a page of its own: signed in when it returns. */
async function signUp(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await page.goto('/signup')
  await page.getByLabel('Given name').fill('Pia')
  await page.getByLabel('Family name').fill('Lund')
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(FIRST_PASSWORD)
  await page.getByRole('button', { name: 'Create my account' }).click()
  await expect(page).toHaveURL('/signup?sent=1')
  await page.goto(await linkMailedTo(email, '/signup/verify'))
  await page.getByRole('button', { name: 'Confirm and sign in' }).click()
  await expect(page).toHaveURL('/?welcome=verified')
  return page
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

async function changePassword(page: Page, current: string, next: string) {
  await page.getByLabel('Your current password', { exact: true }).fill(current)
  await page.getByLabel('New password', { exact: true }).fill(next)
  await page.getByLabel('Repeat the new password', { exact: true }).fill(next)
  await page.getByRole('button', { name: 'Change password' }).click()
}

test('changing the password signs out the other browser, and only the new password signs in', async ({
  browser,
}) => {
  const email = `e2e-password-${Date.now()}@example.com`
  await signUp(browser, email)

  // The browser that changes the password runs without JavaScript: the form is a plain post.
  const changer = await (await browser.newContext({ javaScriptEnabled: false })).newPage()
  await changer.goto('/login')
  await signIn(changer, email, FIRST_PASSWORD)
  await expect(changer).toHaveURL('/')

  const other = await (await browser.newContext()).newPage()
  await other.goto('/login')
  await signIn(other, email, FIRST_PASSWORD)
  await expect(other).toHaveURL('/')
  await other.goto('/orders')
  await expect(other.getByRole('heading', { level: 1 })).toBeVisible()

  await changer.goto('/account')
  await changer.getByRole('link', { name: 'Change your password' }).click()
  await expect(changer).toHaveURL('/account/password')
  await expect(
    changer.getByRole('heading', { level: 1, name: 'Change your password' }),
  ).toBeVisible()

  // A wrong current password is refused at its field.
  await changePassword(changer, 'not my password', NEW_PASSWORD)
  await expect(changer.getByText('This is not your current password.').last()).toBeVisible()

  await changePassword(changer, FIRST_PASSWORD, NEW_PASSWORD)
  await expect(changer).toHaveURL('/account/password?changed=1')
  await expect(changer.getByRole('status')).toContainText('Your password has been changed.')

  // This browser got a new session and stays signed in.
  await changer.goto('/orders')
  await expect(changer).toHaveURL('/orders')

  // The other browser is signed out on its next page.
  await other.goto('/orders')
  await expect(other).toHaveURL('/login?redirectTo=%2Forders')

  // The old password no longer works there; the new one does.
  await signIn(other, email, FIRST_PASSWORD)
  await expect(other.getByRole('alert')).toHaveText('The email or password is not right.')
  await other.goto('/login?redirectTo=%2Forders')
  await signIn(other, email, NEW_PASSWORD)
  await expect(other).toHaveURL('/orders')

  // With JavaScript the same form answers in place, and a second try after a refusal goes
  // through (no click lost to a message vanishing from under the pointer).
  await other.goto('/account/password')
  await changePassword(other, 'not my password', THIRD_PASSWORD)
  await expect(other.getByText('This is not your current password.').last()).toBeVisible()
  await changePassword(other, NEW_PASSWORD, THIRD_PASSWORD)
  await expect(other).toHaveURL('/account/password?changed=1')
  await expect(other.getByRole('status')).toContainText('Your password has been changed.')

  // Now the first browser is the one signed out.
  await changer.goto('/orders')
  await expect(changer).toHaveURL('/login?redirectTo=%2Forders')
})
