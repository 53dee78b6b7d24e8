import { expect, test } from '@playwright/test'

// Demo data (db/seed/): Anna Berg has open orders, requests and tickets, one ticket waiting for
// her reply. Do not sign in as lucas.meyer here: another spec changes his password.

test('the overview answers "where do I stand?" for Anna', async ({ page }) => {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })

  await page.goto('/login')
  await page.getByLabel('Email address').fill('anna.berg@example.com')
  await page.getByLabel('Password').fill('portal-demo-2026')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL('/')

  await expect(page.getByRole('heading', { level: 1, name: /^Welcome, Anna/ })).toBeVisible()
  await expect(page.getByText(/^Customer number C\d+$/)).toBeVisible()

  // What waits on her comes first, and says so.
  const waiting = page.getByRole('region', { name: /^Waiting for you/ })
  await expect(waiting).toBeVisible()
  await expect(waiting.getByRole('listitem').first()).toContainText('Waiting for your reply')

  // Everything open, each with its status, what happens next and when something was last done.
  const inProgress = page.getByRole('region', { name: 'In progress' })
  const items = inProgress.getByRole('listitem')
  expect(await items.count()).toBeGreaterThan(0)
  await expect(items.first()).toContainText(/Last change/)
  await expect(
    inProgress.getByText(/^(Expected by|We aim to finish by|We'll answer by)/).first(),
  ).toBeVisible()

  // Recent changes to her record link to the full history.
  const activity = page.getByRole('region', { name: 'Recent changes to your record' })
  await activity.getByRole('link', { name: 'See the full history of your record' }).click()
  await expect(page).toHaveURL('/history')
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()

  expect(problems).toEqual([])
})
