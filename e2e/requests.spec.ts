import { expect, type Page, test } from '@playwright/test'

// Demo data seeded into the e2e server (db/seed/): Anna Berg has two delivered orders. Do not
// sign in as lucas.meyer here: another spec changes his password.
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

test('Anna starts a return from a delivered order, follows it, and cancels it', async ({
  page,
}) => {
  const problems = collectProblems(page)
  await signInAt(page, '/orders?status=delivered')

  const delivered = page
    .getByRole('table')
    .getByRole('row')
    .filter({ has: page.getByRole('link') })
  const orderLink = delivered.first().getByRole('link')
  const orderNumber = (await orderLink.textContent())?.trim() ?? ''
  expect(orderNumber).toMatch(/^O\d+$/)
  await orderLink.click()
  await expect(page).toHaveURL(`/orders/${orderNumber}`)

  await page.getByRole('link', { name: 'Start a return' }).click()
  await expect(page).toHaveURL(`/requests/new?kind=return&order=${orderNumber}`)
  await expect(page.getByRole('heading', { level: 1, name: 'Return items' })).toBeVisible()
  await expect(page.getByText(/If you send it now, we aim to finish by/)).toBeVisible()

  // Sent without choosing anything: the errors are next to their fields, and nothing is lost.
  await page.getByLabel('Short title (optional)').fill('The left ear cuts out')
  await page.getByRole('button', { name: 'Send request' }).click()
  const items = page.getByRole('group', { name: 'Which items do you want to return?' })
  await expect(items).toContainText('Tick the items you want to return')
  const reason = page.getByLabel('Why are you returning them?')
  await expect(reason).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByText('Choose a reason.').last()).toBeVisible()
  await expect(page.getByLabel('Short title (optional)')).toHaveValue('The left ear cuts out')

  await items.getByRole('checkbox').first().check()
  await reason.selectOption({ label: 'It does not work properly' })
  await page.getByRole('radio', { name: 'My money back' }).check()
  await page.getByLabel('Anything else we should know? (optional)').fill('Bought as a gift.')
  await page.getByRole('button', { name: 'Send request' }).click()

  await expect(page).toHaveURL(/\/requests\/R\d+\?notice=created$/)
  const requestNumber = new URL(page.url()).pathname.split('/')[2] ?? ''
  await expect(page.getByRole('status')).toContainText(
    `We have received your request ${requestNumber}.`,
  )
  await expect(page.getByRole('heading', { level: 1, name: 'The left ear cuts out' })).toBeVisible()
  await expect(page.getByText('Received', { exact: true })).toBeVisible()
  await expect(page.getByText(/Until we do, you can still cancel it/)).toBeVisible()
  await expect(page.getByText(/We aim to finish by/)).toBeVisible()
  await expect(page.getByRole('link', { name: `Order ${orderNumber}` })).toHaveAttribute(
    'href',
    `/orders/${orderNumber}`,
  )
  await expect(page.getByText('It does not work properly')).toBeVisible()
  await expect(page.getByText('Bought as a gift.')).toBeVisible()
  const timeline = page.getByRole('list', { name: 'Timeline' })
  await expect(timeline.getByRole('listitem')).toHaveCount(1)
  await expect(timeline).toContainText('You sent the request')

  // The dashboard shows it among what is in progress, with the date we aim to finish by.
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Overview' })
    .click()
  const inProgress = page.getByRole('region', { name: 'In progress' })
  const onDashboard = inProgress.getByRole('listitem').filter({ hasText: requestNumber })
  await expect(onDashboard).toContainText('The left ear cuts out')
  await expect(onDashboard).toContainText('Received')
  await expect(onDashboard).toContainText(/We aim to finish by/)
  await onDashboard.getByRole('link').click()
  await expect(page).toHaveURL(`/requests/${requestNumber}`)

  // It is on her list, newest first.
  await page.getByRole('link', { name: 'All requests' }).click()
  const first = page.getByRole('listitem').filter({ hasText: requestNumber })
  await expect(first).toContainText('The left ear cuts out')
  await expect(first).toContainText('Received')
  await first.getByRole('link', { name: 'The left ear cuts out' }).click()

  await page.getByRole('button', { name: 'Cancel this request' }).click()
  await expect(page).toHaveURL(`/requests/${requestNumber}?notice=cancelled`)
  await expect(page.getByRole('status')).toContainText('Your request is cancelled.')
  await expect(page.getByText('Cancelled', { exact: true })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Cancel this request' })).toHaveCount(0)
  await expect(timeline.getByRole('listitem')).toHaveCount(2)
  await expect(timeline).toContainText('Status: Cancelled')

  expect(problems).toEqual([])
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('Anna asks for a correction of her details, choosing the kind on a plain form', async ({
    page,
  }) => {
    await signInAt(page, '/requests/new')
    await page.getByRole('radio', { name: 'Correction of your details' }).check()
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect(page).toHaveURL('/requests/new?kind=data_correction')

    await page.getByLabel('What is wrong?').selectOption({ label: 'Family name' })
    await page.getByRole('button', { name: 'Send request' }).click()
    const requested = page.getByLabel('What is correct?')
    await expect(requested).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByText('Tell us what is correct.').last()).toBeVisible()
    await expect(page.getByLabel('What is wrong?')).toHaveValue('family_name')

    await requested.fill('Berg-Lindqvist')
    await page.getByRole('button', { name: 'Send request' }).click()
    await expect(page).toHaveURL(/\/requests\/R\d+\?notice=created$/)
    await expect(
      page.getByRole('heading', { level: 1, name: 'Correction: Family name' }),
    ).toBeVisible()
    await expect(page.getByText('Berg-Lindqvist')).toBeVisible()

    await page.getByRole('button', { name: 'Cancel this request' }).click()
    await expect(page.getByText('Cancelled', { exact: true })).toBeVisible()
  })
})
