import { type Browser, expect, type Page, test } from '@playwright/test'

// Demo login seeded into the e2e server (db/seed/demo-logins.ts). Other specs greet her as
// "Welcome, Anna", so every preferred name set here starts with "Anna".
const ANNA = 'anna.berg@example.com'
const PASSWORD = 'portal-demo-2026'
const PREFERRED_NAME = 'What should we call you? (optional)'

async function signIn(page: Page) {
  await page.goto('/login')
  await page.getByLabel('Email address').fill(ANNA)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).not.toHaveURL(/\/login/)
}

function unique(label: string): string {
  return `Anna ${label} ${Math.random().toString(36).slice(2, 7)}`
}

function historyRow(page: Page, index: number) {
  return page
    .getByRole('list', { name: 'Changes to your record, newest first' })
    .locator(':scope > li')
    .nth(index)
}

async function saveDetails(page: Page, preferredName: string) {
  await page.getByLabel(PREFERRED_NAME).fill(preferredName)
  await page.getByRole('button', { name: 'Save my details' }).click()
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** "Preferred name: <before> → <after>" in a history row, whatever the screen-reader words. */
function change(before: string, after: string): RegExp {
  return new RegExp(`Preferred name:\\s*${escape(before)}.*→\\s*${escape(after)}`)
}

test('Anna changes her preferred name and sees the change in the history of her record', async ({
  page,
}) => {
  await signIn(page)
  await page.goto('/profile')
  await expect(page.getByRole('heading', { level: 1, name: 'My details' })).toBeVisible()
  const previous = (await page.getByLabel(PREFERRED_NAME).inputValue()) || '(empty)'
  const name = unique('edit')

  await saveDetails(page, name)

  await expect(page.getByRole('status')).toContainText('Your details are saved.')
  await expect(page.getByLabel(PREFERRED_NAME)).toHaveValue(name)

  await page.getByRole('link', { name: /See the history of your record/ }).click()
  await expect(page).toHaveURL('/history')
  await expect(page.getByRole('heading', { level: 1, name: 'History of my record' })).toBeVisible()
  const newest = historyRow(page, 0)
  await expect(newest).toContainText('Your details were changed')
  await expect(newest).toContainText('by You')
  await expect(newest).toContainText('through Portal')
  await expect(newest).toContainText(change(previous, name))

  // The filter narrows the list with a plain GET form.
  await page.getByLabel('Orders', { exact: true }).check()
  await page.getByRole('button', { name: 'Apply the filter' }).click()
  await expect(page).toHaveURL(/area=orders/)
  await expect(historyRow(page, 0)).not.toContainText('Your details were changed')
  await page.getByLabel('My details and sign-in', { exact: true }).check()
  await page.getByLabel('Orders', { exact: true }).uncheck()
  await page.getByRole('button', { name: 'Apply the filter' }).click()
  await expect(historyRow(page, 0)).toContainText(change(previous, name))
})

test('a stale edit shows both versions, and keeping mine loses nothing', async ({ browser }) => {
  const { context, first, second } = await twoTabs(browser)
  await signIn(first)
  await first.goto('/profile')
  await second.goto('/profile')
  const previous = (await first.getByLabel(PREFERRED_NAME).inputValue()) || '(empty)'
  const firstName = unique('first')
  const secondName = unique('second')

  await saveDetails(first, firstName)
  await expect(first.getByRole('status')).toContainText('Your details are saved.')

  // The second tab still shows the form as it was before the first save.
  await saveDetails(second, secondName)
  const alert = second.getByRole('alert')
  await expect(alert).toContainText('Your details changed while you were editing')
  await expect(alert).toContainText('Nothing has been overwritten')
  const row = second.getByRole('row', { name: /What should we call you/ })
  await expect(row.getByRole('cell').nth(0)).toHaveText(secondName)
  await expect(row.getByRole('cell').nth(1)).toHaveText(firstName)
  await expect(second.getByRole('link', { name: 'Use the saved values' })).toBeVisible()

  await second.getByRole('button', { name: 'Keep my changes' }).click()
  await expect(second.getByRole('status')).toContainText('Your details are saved.')
  await expect(second.getByLabel(PREFERRED_NAME)).toHaveValue(secondName)

  await second.goto('/history')
  await expect(historyRow(second, 0)).toContainText(change(firstName, secondName))
  await expect(historyRow(second, 1)).toContainText(change(previous, firstName))
  for (const index of [0, 1]) await expect(historyRow(second, index)).toContainText('by You')
  await context.close()
})

test('without JavaScript, the forms still save and show errors next to the field', async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false })
  const page = await context.newPage()
  await signIn(page)
  await page.goto('/profile')
  const name = unique('nojs')
  await saveDetails(page, name)
  await expect(page.getByRole('status')).toContainText('Your details are saved.')
  await expect(page.getByLabel(PREFERRED_NAME)).toHaveValue(name)

  await page.goto('/profile/phones/new')
  await page.getByLabel('Country').selectOption('SE')
  await page.getByLabel('Phone number').fill('12')
  await page.getByRole('button', { name: 'Add the number' }).click()
  const number = page.getByLabel('Phone number')
  await expect(number).toHaveValue('12')
  await expect(number).toHaveAttribute('aria-invalid', 'true')
  const describedBy = (await number.getAttribute('aria-describedby')) ?? ''
  const errorId = describedBy.split(' ')[0] ?? ''
  await expect(page.locator(`[id="${errorId}"]`)).toHaveText(
    'This is not a valid phone number for the country you chose.',
  )
  await context.close()
})

/** Two tabs of one browser: one sign-in, two pages. */
async function twoTabs(browser: Browser) {
  const context = await browser.newContext()
  const first = await context.newPage()
  const second = await context.newPage()
  return { context, first, second }
}
