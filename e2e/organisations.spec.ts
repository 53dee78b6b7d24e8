import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { type Browser, expect, type Page, test } from '@playwright/test'
import { simpleParser } from 'mailparser'

// Issue 6 end to end, on the demo data (db/seed/demo-organisations.ts): the owner of
// "Lind & Co Interiors AB" invites a colleague by email; the colleague claims the link, creates
// an account and opens a ticket shared with the organisation; the owner replies on it and the
// colleague sees the reply under the owner's name. Erik Holm's private ticket stays his alone:
// not in the owner's or the newcomer's list, and its address is the not-found page for them.

const PASSWORD = 'portal-demo-2026'
const MAJA = 'maja.lind@example.com'
const ERIK = 'erik.holm@example.com'
const LIND = 'Lind & Co Interiors AB'
const ERIK_PRIVATE = 'Invoice address for our Malmö office'

/** Fails the test on any browser error, like the other specs. */
function watchProblems(page: Page, problems: string[]) {
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('console', (message) => {
    // The not-found page below is meant to answer 404; the browser logs that status.
    if (message.type() === 'error' && !message.text().includes('status of 404')) {
      problems.push(message.text())
    }
  })
}

async function signIn(page: Page, email: string) {
  await page.goto('/login')
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL('/')
}

/** Acts for the organisation in the header's switcher, unless the session already does. */
async function actFor(page: Page, organisation: string) {
  const switcher = page.getByLabel('Acting for')
  const chosen = await switcher.evaluate(
    (select: HTMLSelectElement) => select.selectedOptions[0]?.textContent ?? '',
  )
  if (chosen === organisation) return
  // With JavaScript the choice submits itself (a plain form post, then the page again).
  const switched = page.waitForResponse(
    (response) =>
      response.url().endsWith('/organisations/switch') && response.request().method() === 'POST',
  )
  await switcher.selectOption({ label: organisation })
  await switched
  await page.waitForLoadState()
  await expect(page.getByLabel('Acting for').locator('option:checked')).toHaveText(organisation)
}

async function invitationLinkMailedTo(to: string): Promise<string> {
  const mailDir = process.env.E2E_MAIL_DIR
  if (!mailDir) throw new Error('E2E_MAIL_DIR is not set (playwright.config.ts sets it)')
  let link: string | undefined
  await expect(async () => {
    const files = (await readdir(mailDir)).filter((file) => file.endsWith('.eml')).sort()
    for (const file of files.reverse()) {
      const mail = await simpleParser(await readFile(path.join(mailDir, file)))
      const recipient = mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : null
      if (recipient !== to) continue
      link = mail.text?.match(/https?:\/\/\S+\/organisations\/join\?token=[\w-]+/)?.[0]
      if (link) return
    }
    throw new Error(`No invitation mail to ${to} yet`)
  }).toPass({ timeout: 10_000 })
  return link!
}

/** The ticket's address as its opener's list links to it. */
async function ticketHrefOf(browser: Browser, email: string, subject: string): Promise<string> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await signIn(page, email)
  await actFor(page, LIND)
  await page.goto('/tickets')
  const href = await page.getByRole('link', { name: subject }).getAttribute('href')
  await context.close()
  if (!href) throw new Error(`No link to "${subject}" in ${email}'s tickets`)
  return href
}

test('an owner invites a colleague, who joins and opens a shared ticket the owner answers; a private ticket stays private', async ({
  browser,
}) => {
  test.slow()
  const problems: string[] = []
  const stamp = Date.now()
  const colleagueEmail = `nils.${stamp}@example.com`
  const subject = `Delivery slot for the showroom ${stamp}`
  const ownerReply = `Nils, I have asked for Thursday morning. ${stamp}`
  const erikTicket = await ticketHrefOf(browser, ERIK, ERIK_PRIVATE)

  // The owner, acting for the organisation, invites a colleague from its page.
  const ownerContext = await browser.newContext()
  const owner = await ownerContext.newPage()
  watchProblems(owner, problems)
  await signIn(owner, MAJA)
  await actFor(owner, LIND)
  await owner.getByRole('link', { name: 'Organisation', exact: true }).click()
  await expect(owner.getByRole('heading', { level: 1, name: LIND })).toBeVisible()
  await owner.getByLabel('Email', { exact: true }).fill(colleagueEmail)
  await owner.getByLabel('Role', { exact: true }).selectOption({ label: 'Member' })
  await owner.getByRole('button', { name: 'Send invitation' }).click()
  await expect(owner.getByText('The invitation is on its way.')).toBeVisible()

  // The colleague opens the emailed link and creates an account.
  const link = new URL(await invitationLinkMailedTo(colleagueEmail))
  const colleagueContext = await browser.newContext()
  const colleague = await colleagueContext.newPage()
  watchProblems(colleague, problems)
  await colleague.goto(`${link.pathname}${link.search}`)
  await expect(colleague.getByRole('heading', { level: 1, name: `Join ${LIND}` })).toBeVisible()
  await colleague.getByLabel('Given name').fill('Nils')
  await colleague.getByLabel('Family name').fill('Berglund')
  await colleague.getByLabel('Password', { exact: true }).fill('a long enough passphrase 2026')
  await colleague.getByLabel('Repeat the password').fill('a long enough passphrase 2026')
  await colleague.getByRole('button', { name: 'Create account and join' }).click()
  await expect(colleague.getByText('Welcome: you now act for this organisation.')).toBeVisible()
  await expect(colleague.getByRole('heading', { level: 1, name: LIND })).toBeVisible()

  // ...and opens a ticket shared with the whole organisation.
  await colleague.goto('/tickets/new')
  await colleague.getByLabel('What is it about?').selectOption({ label: 'A delivery' })
  await colleague.getByLabel('Subject').fill(subject)
  await colleague.getByLabel('Your message').fill('When can the showroom sofas be delivered?')
  await colleague.getByLabel(`Everyone at ${LIND}`).check()
  await colleague.getByRole('button', { name: 'Send question' }).click()
  await expect(colleague).toHaveURL(/\/tickets\/T\d+$/)
  await expect(colleague.getByRole('heading', { level: 1, name: subject })).toBeVisible()
  const ticketUrl = new URL(colleague.url()).pathname

  // The owner finds it in the organisation's tickets and replies.
  await owner.goto('/tickets')
  await owner.getByRole('link', { name: subject }).click()
  await expect(owner).toHaveURL(ticketUrl)
  await expect(owner.getByText('Opened by Nils Berglund')).toBeVisible()
  await owner.getByLabel('Your reply').fill(ownerReply)
  await owner.getByRole('button', { name: 'Send reply' }).click()
  const ownerThread = owner.getByRole('list', { name: 'Conversation' })
  await expect(ownerThread.getByText(ownerReply)).toBeVisible()

  // The colleague sees the reply, under the owner's name.
  await colleague.reload()
  const thread = colleague.getByRole('list', { name: 'Conversation' })
  const reply = thread.locator(':scope > li').filter({ hasText: ownerReply })
  await expect(reply).toBeVisible()
  await expect(reply.getByText('Maja Lind', { exact: true })).toBeVisible()
  await expect(
    thread
      .locator(':scope > li')
      .filter({ hasText: 'When can the showroom sofas be delivered?' })
      .getByText('You', { exact: true }),
  ).toBeVisible()

  // Erik's private ticket: in neither list, and its address is the not-found page for both.
  for (const page of [owner, colleague]) {
    await page.goto('/tickets')
    await expect(page.getByRole('link', { name: subject })).toBeVisible()
    await expect(page.getByRole('link', { name: ERIK_PRIVATE })).toHaveCount(0)
    const response = await page.goto(erikTicket)
    expect(response?.status()).toBe(404)
    await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible()
    await expect(page.getByText(ERIK_PRIVATE)).toHaveCount(0)
  }

  await ownerContext.close()
  await colleagueContext.close()
  expect(problems).toEqual([])
})
