import { type Browser, expect, type Page, test } from '@playwright/test'
import { enterStaffCode } from './support/staff-sign-in.ts'

// Demo logins seeded into the e2e server (db/seed/demo-logins.ts). Every value written here
// carries a unique suffix, so the other specs that use Anna, and this one run again, still find
// what they expect.
const STAFF = 'agent@example.com'
const STAFF_NAME = 'Sam Agent'
const ANNA = 'anna.berg@example.com'
const PASSWORD = 'portal-demo-2026'

async function signIn(page: Page, loginPath: '/login' | '/staff/login', email: string) {
  await page.goto(loginPath)
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  // Staff give a code from their authenticator as well (2FA is required for staff).
  if (loginPath === '/staff/login') await enterStaffCode(page, email)
  await expect(page).not.toHaveURL(/\/login/)
}

async function newPage(browser: Browser, problems: string[]) {
  const context = await browser.newContext()
  const page = await context.newPage()
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  return { context, page }
}

test('from the ticket, staff correct Anna’s address, reply and resolve; Anna sees all of it', async ({
  browser,
}) => {
  const problems: string[] = []
  const suffix = Math.random().toString(36).slice(2, 8)
  const subject = `Which address will the courier use? ${suffix}`
  const flat = `Lgh ${suffix}`
  const reply = `We have corrected your address to include ${flat}. (${suffix})`

  // Anna asks a question: a ticket of her own that is waiting on us, whatever other specs did.
  const first = await newPage(browser, problems)
  await signIn(first.page, '/login', ANNA)
  await first.page.goto('/tickets/new')
  await first.page.getByLabel('What is it about?').selectOption({ label: 'A delivery' })
  await first.page.getByLabel('Subject').fill(subject)
  await first.page
    .getByLabel('Your message')
    .fill('My flat number is missing from my address. Can you add it before the parcel ships?')
  await first.page.getByRole('button', { name: 'Send question' }).click()
  await expect(first.page).toHaveURL(/\/tickets\/T\d+$/)
  const ticketNumber = new URL(first.page.url()).pathname.split('/').pop() ?? ''
  await first.context.close()

  // Staff find her by a misspelt name and open the waiting ticket from her record.
  const staff = await newPage(browser, problems)
  const agent = staff.page
  await signIn(agent, '/staff/login', STAFF)
  await expect(agent).toHaveURL('/staff')
  await agent.getByLabel('Search customers').fill('Ana Berg')
  await agent.getByRole('button', { name: 'Search' }).click()
  const annaRow = agent
    .getByRole('region', { name: 'Search results' })
    .getByRole('listitem')
    .filter({ hasText: ANNA })
  await expect(annaRow).toHaveCount(1)
  await annaRow.getByRole('link', { name: 'Anna Berg' }).click()
  await expect(agent).toHaveURL(/\/staff\/customers\/[0-9a-f-]{36}$/)
  await agent
    .getByRole('region', { name: 'Waiting on us' })
    .getByRole('listitem')
    .filter({ hasText: subject })
    .getByRole('link', { name: ticketNumber })
    .click()
  await expect(agent).toHaveURL(`/staff/tickets/${ticketNumber}`)

  // The address, corrected in the panel next to the thread.
  const panel = agent.getByRole('region', { name: /^Anna\b.* Berg$/ })
  await panel.locator('summary', { hasText: 'Correct the address' }).first().click()
  const addressForm = panel.getByRole('form', { name: /^Correct the address/ }).first()
  await addressForm.getByLabel('Apartment, floor, company').fill(flat)
  await addressForm.getByRole('button', { name: 'Save the address' }).click()
  await expect(agent).toHaveURL(`/staff/tickets/${ticketNumber}?saved=address`)
  await expect(agent.getByRole('status')).toContainText('The address is corrected.')
  await expect(panel.getByText(flat)).toBeVisible()

  // The answer, and the ticket resolved with it.
  await agent.getByLabel('Your reply').fill(reply)
  await agent.getByLabel('Then').selectOption({ label: 'Mark resolved' })
  await agent.getByRole('button', { name: 'Send reply' }).click()
  await expect(agent).toHaveURL(`/staff/tickets/${ticketNumber}?saved=reply`)
  await expect(agent.getByText(reply)).toBeVisible()
  await expect(agent.getByText('Resolved', { exact: true }).first()).toBeVisible()
  await staff.context.close()

  // Anna, in a browser of her own: the reply, the new address, and who changed it.
  const second = await newPage(browser, problems)
  const anna = second.page
  await signIn(anna, '/login', ANNA)
  await anna.goto(`/tickets/${ticketNumber}`)
  await expect(anna.getByRole('list', { name: 'Conversation' }).getByText(reply)).toBeVisible()

  await anna.goto('/profile')
  await expect(anna.getByText(flat)).toBeVisible()

  await anna.goto('/history')
  const change = anna
    .getByRole('list', { name: 'Changes to your record, newest first' })
    .locator(':scope > li')
    .filter({ hasText: flat })
  await expect(change).toHaveCount(1)
  await expect(change).toContainText('Postal address changed')
  await expect(change).toContainText(`by ${STAFF_NAME}`)
  await expect(change).toContainText('through Staff')
  await second.context.close()

  expect(problems).toEqual([])
})
