import { expect, type Page, test } from '@playwright/test'

// Demo login seeded into the e2e server (db/seed/demo-logins.ts). The demo data queues no
// notifications, so Anna's list starts empty; the server's notification worker runs all along
// (RUN_WORKER is not turned off) and must not get in the way of any page.
const ANNA = 'anna.berg@example.com'
const PASSWORD = 'portal-demo-2026'

async function signIn(page: Page) {
  await page.goto('/login')
  await page.getByLabel('Email address').fill(ANNA)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL('/')
}

test('Messages we sent you: reached from the navigation, says what will appear there', async ({
  page,
}) => {
  await signIn(page)
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Messages' })
    .click()
  await expect(page).toHaveURL('/messages')
  await expect(page).toHaveTitle(/Messages we sent you/)
  await expect(page.getByRole('heading', { level: 1, name: 'Messages we sent you' })).toBeVisible()
  await expect(page.getByText('No messages yet')).toBeVisible()
  await page.getByRole('link', { name: 'Choose how we may contact you' }).click()
  await expect(page).toHaveURL('/preferences')
})

test('Messages we sent you needs signing in', async ({ page }) => {
  await page.goto('/messages')
  await expect(page).toHaveURL('/login?redirectTo=%2Fmessages')
})
