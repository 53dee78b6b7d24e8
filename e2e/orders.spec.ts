import { expect, type Page, test } from '@playwright/test'

// Demo data seeded into the e2e server (db/seed/demo-orders.ts): Anna Berg, in Stockholm, has
// seven orders, two of them delivered. Do not sign in as lucas.meyer here: another spec changes
// his password.
const ANNA = 'anna.berg@example.com'
const PASSWORD = 'portal-demo-2026'
const ANNA_TIME_ZONE = 'Europe/Stockholm'

/** Opens a page signed out, signs in on the form it sends her to, and lands back on it. */
async function signInAt(page: Page, path: string) {
  await page.goto(path)
  await expect(page).toHaveURL(`/login?redirectTo=${encodeURIComponent(path)}`)
  await page.getByLabel('Email address').fill(ANNA)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(path)
}

test('Anna filters her orders, opens a delivered one, and can start a return from it', async ({
  page,
}) => {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))

  await signInAt(page, '/orders')
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }),
  ).toHaveAttribute('aria-current', 'page')
  await expect(page.getByRole('heading', { level: 1, name: 'Your orders' })).toBeVisible()
  const orders = page.getByRole('table', { name: 'Your orders, newest first' })
  // A header row and her seven orders.
  await expect(orders.getByRole('row')).toHaveCount(8)

  await page.getByLabel('Status').selectOption({ label: 'Delivered' })
  await page.getByRole('button', { name: 'Show' }).click()
  await expect(page).toHaveURL('/orders?status=delivered')
  const delivered = page.getByRole('table', {
    name: 'Your orders with the status “Delivered”, newest first',
  })
  const rows = delivered.getByRole('row').filter({ has: page.getByRole('link') })
  await expect(rows).toHaveCount(2)
  for (const row of await rows.all()) await expect(row).toContainText('Delivered')

  const newest = rows.first()
  const orderNumber = (await newest.getByRole('link').textContent())?.trim() ?? ''
  expect(orderNumber).toMatch(/^O\d+$/)
  const listedTotal = (await newest.getByRole('cell').nth(1).textContent())?.trim() ?? ''
  expect(listedTotal).toMatch(/SEK/)

  await newest.getByRole('link', { name: orderNumber }).click()
  await expect(page).toHaveURL(`/orders/${orderNumber}`)
  await expect(page.getByRole('heading', { level: 1, name: `Order ${orderNumber}` })).toBeVisible()

  // The timeline: every step up to delivery, at times shown in Anna's own time zone.
  const timeline = page.getByRole('list', { name: 'What happened to this order' })
  await expect(timeline.getByRole('listitem')).toHaveText([
    /You placed the order/,
    /Payment received/,
    /Packed in our warehouse/,
    /Handed to the carrier/,
    /Delivered/,
  ])
  const firstStep = timeline.locator('time').first()
  const instant = await firstStep.getAttribute('datetime')
  expect(instant).not.toBeNull()
  const inStockholm = new Intl.DateTimeFormat('en', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: ANNA_TIME_ZONE,
  }).format(new Date(instant ?? ''))
  await expect(firstStep).toHaveText(inStockholm)

  // The same total as in the list, in the order's currency.
  await expect(page.getByRole('row', { name: /^Total/ })).toContainText(listedTotal)
  await expect(page.getByText('Your order has arrived.')).toBeVisible()

  await expect(page.getByRole('link', { name: 'Start a return' })).toHaveAttribute(
    'href',
    `/requests/new?kind=return&order=${orderNumber}`,
  )
  await expect(page.getByRole('link', { name: 'Ask about this order' })).toHaveAttribute(
    'href',
    `/tickets/new?order=${orderNumber}`,
  )
  expect(problems).toEqual([])
})

test('an order still on its way offers a question, not a return, and says when to expect it', async ({
  page,
}) => {
  await signInAt(page, '/orders?status=shipped')
  const rows = page.getByRole('row').filter({ has: page.getByRole('link') })
  await expect(rows).toHaveCount(1)
  await rows.first().getByRole('link').click()

  await expect(page.getByText(/^Expected by /)).toBeVisible()
  await expect(page.getByText('Your order is with the carrier.', { exact: false })).toBeVisible()
  await expect(page.getByRole('link', { name: 'Start a return' })).toHaveCount(0)
  await expect(page.getByRole('link', { name: 'Ask about this order' })).toBeVisible()
})

test('an order number that is not hers answers the not-found page', async ({ page }) => {
  await signInAt(page, '/orders')
  const response = await page.goto('/orders/O1')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible()
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the status filter is a plain form that still works', async ({ page }) => {
    await signInAt(page, '/orders')
    await page.getByLabel('Status').selectOption({ label: 'Cancelled' })
    await page.getByRole('button', { name: 'Show' }).click()
    await expect(page).toHaveURL('/orders?status=cancelled')
    await expect(page.getByRole('row').filter({ has: page.getByRole('link') })).toHaveCount(1)
    await expect(page.getByLabel('Status')).toHaveValue('cancelled')

    await page.getByLabel('Status').selectOption({ label: 'Return received' })
    await page.getByRole('button', { name: 'Show' }).click()
    await expect(page.getByText('No orders with the status “Return received”')).toBeVisible()
    await page.getByRole('link', { name: 'Show all orders' }).click()
    await expect(page).toHaveURL('/orders')
  })
})
