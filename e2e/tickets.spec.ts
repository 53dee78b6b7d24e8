import { expect, type Page, test } from '@playwright/test'

// Demo login seeded into the e2e server (db/seed/demo-logins.ts).
const ANNA = 'anna.berg@example.com'
const PASSWORD = 'portal-demo-2026'

// A real 1×1 PNG, generated in memory: nothing is read from disk.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
)

/** Straight to the support pages: this spec answers for them, not for the start page. */
async function signIn(page: Page) {
  await page.goto('/login?redirectTo=%2Ftickets')
  await page.getByLabel('Email address').fill(ANNA)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL('/tickets')
}

test('Anna opens a ticket with an attachment, replies, closes and reopens it', async ({ page }) => {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  const subject = `Photo of the broken lid ${Date.now()}`
  await signIn(page)

  await expect(page.getByRole('heading', { level: 1, name: 'Support' })).toBeVisible()
  await page.getByRole('link', { name: 'Ask a question' }).first().click()
  await expect(page).toHaveURL('/tickets/new')

  await page.getByLabel('What is it about?').selectOption({ label: 'A product' })
  await page.getByLabel('Subject').fill(subject)
  await page
    .getByLabel('Your message')
    .fill('The lid broke. Photo attached; see also https://example.com/lid.')
  await page.getByLabel('Attach files (optional)').setInputFiles({
    name: 'lid.png',
    mimeType: 'image/png',
    buffer: PNG,
  })
  await page.getByRole('button', { name: 'Send question' }).click()

  await expect(page).toHaveURL(/\/tickets\/T\d+$/)
  await expect(page.getByRole('heading', { level: 1, name: subject })).toBeVisible()
  await expect(page.getByText("We're on it", { exact: true })).toBeVisible()
  const conversation = page.getByRole('list', { name: 'Conversation' })
  await expect(conversation.getByText('The lid broke. Photo attached;')).toBeVisible()
  await expect(conversation.getByRole('link', { name: 'https://example.com/lid' })).toHaveAttribute(
    'rel',
    'noopener noreferrer nofollow',
  )
  const attachment = conversation.getByRole('link', { name: /Download lid\.png/ })
  await expect(attachment).toBeVisible()

  // The download is the file itself, sent as an attachment that the browser may not sniff.
  const response = await page.request.get((await attachment.getAttribute('href')) ?? '')
  expect(response.status()).toBe(200)
  expect(response.headers()['content-type']).toBe('image/png')
  expect(response.headers()['content-disposition']).toContain("filename*=UTF-8''lid.png")
  // Our Express middleware sends it for every response too; browsers read the first value.
  expect(response.headers()['x-content-type-options']?.split(',')[0]).toBe('nosniff')
  expect(Buffer.compare(await response.body(), PNG)).toBe(0)

  await page.getByLabel('Your reply').fill('One more thing: the box was dented too.')
  await page.getByRole('button', { name: 'Send reply' }).click()
  await expect(conversation.getByText('One more thing: the box was dented too.')).toBeVisible()
  await expect(conversation.locator(':scope > li')).toHaveCount(2)
  // The reply form starts empty again, ready for the next message.
  await expect(page.getByLabel('Your reply')).toHaveValue('')

  await page.getByRole('button', { name: 'Close this ticket' }).click()
  await expect(page.getByText('Closed', { exact: true })).toBeVisible()
  await expect(page.getByLabel('Your reply')).toHaveCount(0)

  await page.getByRole('button', { name: 'Reopen this ticket' }).click()
  await expect(page.getByText("We're on it", { exact: true })).toBeVisible()
  await expect(page.getByLabel('Your reply')).toBeVisible()

  await page.getByRole('link', { name: 'All tickets' }).click()
  await expect(page.getByRole('link', { name: subject })).toBeVisible()
  expect(problems).toEqual([])
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('a refused file is explained next to the field and what was typed is kept', async ({
    page,
  }) => {
    await signIn(page)
    await page.goto('/tickets/new')
    await page.getByLabel('What is it about?').selectOption({ label: 'A delivery' })
    await page.getByLabel('Subject').fill('Parcel label')
    await page.getByLabel('Your message').fill('The label is attached.')
    // PNG bytes under a PDF name: the server goes by the bytes.
    await page.getByLabel('Attach files (optional)').setInputFiles({
      name: 'label.pdf',
      mimeType: 'application/pdf',
      buffer: PNG,
    })
    await page.getByRole('button', { name: 'Send question' }).click()

    await expect(page).toHaveURL('/tickets/new')
    const field = page.getByLabel('Attach files (optional)')
    await expect(field).toHaveAttribute('aria-invalid', 'true')
    await expect(field).toHaveAccessibleDescription(/contents do not match its name/)
    await expect(page.getByLabel('Subject')).toHaveValue('Parcel label')
    await expect(page.getByLabel('Your message')).toHaveValue('The label is attached.')
  })
})
