import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import { simpleParser } from 'mailparser'

// A new person's whole way in: sign up, confirm the address from the mail, sign out, and come
// back by an emailed sign-in link. Each run signs up a new address, so runs never collide.

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

function watchForProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  return problems
}

test('a new customer signs up, confirms the address, signs out, and signs in by emailed link', async ({
  page,
}) => {
  const problems = watchForProblems(page)
  const email = `e2e-${Date.now()}@example.com`

  await page.goto('/login')
  await page.getByRole('link', { name: 'Create an account' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeVisible()
  await page.getByLabel('Given name').fill('Elin')
  await page.getByLabel('Family name').fill('Sand')
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill('an e2e passphrase 2026')
  await page.getByRole('button', { name: 'Create my account' }).click()

  await expect(page).toHaveURL('/signup?sent=1')
  await expect(page.getByRole('heading', { level: 1, name: 'Check your inbox' })).toBeVisible()

  await page.goto(await linkMailedTo(email, '/signup/verify'))
  await expect(
    page.getByRole('heading', { level: 1, name: 'Confirm your email address' }),
  ).toBeVisible()
  await page.getByRole('button', { name: 'Confirm and sign in' }).click()

  await expect(page).toHaveURL('/?welcome=verified')
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome, Elin' })).toBeVisible()
  await expect(page.getByText(/Customer number C\d+/)).toBeVisible()

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL('/login')

  await page.getByRole('link', { name: 'Email me a sign-in link' }).click()
  await expect(
    page.getByRole('heading', { level: 1, name: 'Sign in with an emailed link' }),
  ).toBeVisible()
  await page.getByLabel('Email address').fill(email)
  await page.getByRole('button', { name: 'Email me a link' }).click()
  await expect(page).toHaveURL('/login/magic-link?sent=1')
  await expect(page.getByRole('status')).toContainText('If an account exists for that address')

  const signInLink = await linkMailedTo(email, '/login/magic-link/confirm')
  await page.goto(signInLink)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL('/')
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome, Elin' })).toBeVisible()

  expect(problems).toEqual([])

  // The link worked once. (The refusal is a 400, which the browser logs as a failed load.)
  const reused = await page.goto(signInLink)
  expect(reused?.status()).toBe(400)
  await expect(
    page.getByRole('heading', {
      level: 1,
      name: 'This sign-in link has expired or was already used',
    }),
  ).toBeVisible()
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the sign-up form shows errors next to their fields and keeps what was typed', async ({
    page,
  }) => {
    await page.goto('/signup')
    await page.getByLabel('Given name').fill('Elin')
    await page.getByLabel('Email address').fill('not-an-email')
    await page.getByLabel('Password').fill('short')
    await page.getByRole('button', { name: 'Create my account' }).click()

    await expect(page.getByLabel('Given name')).toHaveValue('Elin')
    await expect(page.getByLabel('Password')).toHaveValue('')
    for (const [label, message] of [
      ['Family name', 'Enter your family name.'],
      ['Email address', 'Enter an email address like name@example.com.'],
      ['Password', 'Use at least 12 characters.'],
    ] as const) {
      const field = page.getByLabel(label)
      await expect(field).toHaveAttribute('aria-invalid', 'true')
      const describedBy = (await field.getAttribute('aria-describedby')) ?? ''
      const texts = await Promise.all(
        describedBy
          .split(' ')
          .filter(Boolean)
          .map((id) => page.locator(`[id="${id}"]`).textContent()),
      )
      expect(texts.join(' ')).toContain(message)
    }
  })
})
