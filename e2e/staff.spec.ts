import { expect, type Page, test } from '@playwright/test'
import { enterStaffCode } from './support/staff-sign-in.ts'

// Demo logins seeded into the e2e server (db/seed/demo-logins.ts).
const AGENT = 'agent@example.com'
const AGENT_NAME = 'Sam Agent'
const ANNA = 'anna.berg@example.com'
const PASSWORD = 'portal-demo-2026'

async function signIn(page: Page, loginPath: '/login' | '/staff/login', email: string) {
  await page.goto(loginPath)
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  // Staff give a code from their authenticator as well (2FA is required for staff).
  if (loginPath === '/staff/login') await enterStaffCode(page, email)
}

test('an agent finds Anna by a misspelt name, answers her ticket, and Anna sees both the reply and the visit', async ({
  browser,
}) => {
  const problems: string[] = []
  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
  }
  const reply = `We have booked a courier for you (${Date.now()}).`

  const staffContext = await browser.newContext()
  const agent = await staffContext.newPage()
  watch(agent)
  await signIn(agent, '/staff/login', AGENT)
  await expect(agent).toHaveURL('/staff')

  await agent.getByLabel('Search customers').fill('Ana Brg')
  await agent.getByRole('button', { name: 'Search' }).click()
  const results = agent.getByRole('region', { name: 'Search results' })
  // Two Anna Bergs in the demo data: the one in Stockholm is the demo login.
  const annaRow = results.getByRole('listitem').filter({ hasText: ANNA })
  await expect(annaRow).toHaveCount(1)
  await expect(annaRow).toContainText('Stockholm, SE')
  await annaRow.getByRole('link', { name: 'Anna Berg' }).click()

  await expect(agent).toHaveURL(/\/staff\/customers\/[0-9a-f-]{36}$/)
  // The heading uses her preferred name, which e2e/profile.spec.ts may have set ("Anna ...").
  await expect(agent.getByRole('heading', { level: 1, name: /^Anna\b.* Berg$/ })).toBeVisible()
  // What is waiting on us comes first; an open ticket there is one the agent can answer.
  const waiting = agent.getByRole('region', { name: 'Waiting on us' })
  const ticketLink = waiting.locator('a[href^="/staff/tickets/"]').first()
  const ticketNumber = (await ticketLink.textContent())?.trim() ?? ''
  expect(ticketNumber).toMatch(/^T\d+$/)
  await ticketLink.click()

  await expect(agent).toHaveURL(`/staff/tickets/${ticketNumber}`)
  await agent.getByLabel('Your reply').fill(reply)
  await agent.getByRole('button', { name: 'Send reply' }).click()
  await expect(agent).toHaveURL(`/staff/tickets/${ticketNumber}?saved=reply`)
  await expect(agent.getByText('Reply sent.')).toBeVisible()
  await expect(agent.getByText(reply)).toBeVisible()
  await staffContext.close()

  // Anna, in a browser of her own.
  const customerContext = await browser.newContext()
  const anna = await customerContext.newPage()
  watch(anna)
  await signIn(anna, '/login', ANNA)
  await expect(anna).toHaveURL('/')

  await anna.goto(`/tickets/${ticketNumber}`)
  const conversation = anna.getByRole('list', { name: 'Conversation' })
  await expect(conversation.getByText(reply)).toBeVisible()

  await anna.goto('/history')
  const views = anna.getByRole('region', { name: 'Who looked at my record' })
  // .first(): the workspace spec's agent may have opened her record too.
  await expect(views.getByText(`${AGENT_NAME} opened your full record`).first()).toBeVisible()
  await customerContext.close()

  expect(problems).toEqual([])
})
