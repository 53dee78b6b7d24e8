import { expect, type Page, test } from '@playwright/test'

// A customer's journey with the keyboard alone: sign in, open a ticket, reply, change a
// preference, sign out. Every element that takes focus on the way must show that it has it.
// Anna's ticket and preference are ones other specs do not assert on (the preference is put
// back at the end).

const ANNA = 'anna.berg@example.com'
const PASSWORD = 'portal-demo-2026'

test.describe.configure({ timeout: 120_000 })

/** What the focused element looks like: a visible outline or ring (a box-shadow), or neither. */
async function focusState(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement
    if (!element || element === document.body) return { name: '(body)', visible: true }
    const style = getComputedStyle(element)
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
    const ring = style.boxShadow !== 'none'
    const name =
      element.getAttribute('aria-label') ??
      ((element as HTMLElement).innerText?.trim().slice(0, 40) ||
        `${element.getAttribute('type') ?? ''}#${element.id}`)
    return { name: `<${element.tagName.toLowerCase()}> ${name}`, visible: outline || ring }
  })
}

/**
 * Presses Tab until the focused element is `target`, checking on every stop that focus is
 * visible. Fails if `target` is not reached within `limit` stops.
 */
async function tabTo(page: Page, target: ReturnType<Page['locator']>, limit = 120) {
  const invisible: string[] = []
  for (let stop = 0; stop < limit; stop++) {
    await page.keyboard.press('Tab')
    const state = await focusState(page)
    if (!state.visible) invisible.push(state.name)
    if (await target.evaluate((element) => element === document.activeElement)) {
      expect(invisible, 'elements that took focus without showing it').toEqual([])
      return
    }
  }
  throw new Error(`Tab never reached ${target.toString()}`)
}

test('a customer signs in, replies to a ticket, changes a preference and signs out by keyboard', async ({
  page,
}) => {
  await page.goto('/login')
  await page.waitForLoadState('networkidle')

  // The skip link comes first.
  await page.keyboard.press('Tab')
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused()

  // Sending the empty form: focus goes to the error summary, whose first link leads to the
  // field it is about.
  await tabTo(page, page.getByRole('button', { name: 'Sign in' }))
  await page.keyboard.press('Enter')
  const summary = page.locator('[data-error-summary]')
  await expect(summary).toBeFocused()
  await expect(summary.getByRole('heading', { name: 'There is a problem' })).toBeVisible()
  expect(
    await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary')),
  ).toBe(true)
  await page.keyboard.press('Tab')
  const firstLink = summary.getByRole('link').first()
  await expect(firstLink).toBeFocused()
  await expect(firstLink).toHaveText('Enter your email address.')
  expect((await focusState(page)).visible, 'the summary link shows its focus').toBe(true)
  await page.keyboard.press('Enter')
  await expect(page.getByLabel('Email address')).toBeFocused()
  await page.keyboard.type(ANNA)
  await tabTo(page, page.getByLabel('Password'))
  await page.keyboard.type(PASSWORD)
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL('/')
  await page.waitForLoadState('networkidle')

  // Support, then her ticket about the kettle (no other spec writes to it).
  const nav = page.getByRole('navigation', { name: 'Main' })
  await tabTo(page, nav.getByRole('link', { name: 'Support' }))
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL('/tickets')
  const ticketLink = page
    .getByRole('listitem')
    .filter({ hasText: 'Kettle lid broke on first use' })
    .getByRole('link')
    .first()
  await tabTo(page, ticketLink)
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/tickets\/T\d+$/)
  await page.waitForLoadState('networkidle')

  const reply = `Sent with the keyboard alone (${Date.now()}).`
  await tabTo(page, page.getByLabel('Your reply'))
  await page.keyboard.type(reply)
  await tabTo(page, page.getByRole('button', { name: 'Send reply' }))
  await page.keyboard.press('Enter')
  await expect(page.getByText(reply)).toBeVisible()

  // A consent box saves itself and says so in a polite live region.
  await tabTo(page, nav.getByRole('link', { name: 'Preferences' }))
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL('/preferences')
  await page.waitForLoadState('networkidle')
  const surveys = page.getByRole('checkbox', { name: 'Surveys by SMS' })
  const wasChecked = await surveys.isChecked()
  await tabTo(page, surveys)
  await page.keyboard.press('Space')
  const status = page.locator(`[id="${await surveys.getAttribute('id')}-status"]`)
  await expect(status).toHaveAttribute('aria-live', 'polite')
  await expect(status).toHaveText('Saved')
  await expect(surveys).toBeChecked({ checked: !wasChecked })
  await page.keyboard.press('Space')
  await expect(status).toHaveText('Saved')
  await expect(surveys).toBeChecked({ checked: wasChecked })

  await tabTo(page, page.getByRole('button', { name: 'Sign out' }))
  await page.keyboard.press('Enter')
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }),
  ).toBeVisible()
})

test('without JavaScript the server puts the error summary first in the refused form', async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false })
  const page = await context.newPage()
  await page.goto('/login')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForLoadState('load')
  const form = page.locator('form').filter({ has: page.getByLabel('Email address') })
  const summary = form.locator('[data-error-summary]')
  await expect(summary.getByRole('heading', { name: 'There is a problem' })).toBeVisible()
  // First in the form, so it is read before the fields.
  expect(
    await form.evaluate((element) =>
      element
        .querySelector(':scope > :not(input[type=hidden])')
        ?.hasAttribute('data-error-summary'),
    ),
  ).toBe(true)
  const links = summary.getByRole('link')
  await expect(links).toHaveText(['Enter your email address.', 'Enter your password.'])
  // Each link points at its field.
  for (const [index, label] of ['Email address', 'Password'].entries()) {
    const href = await links.nth(index).getAttribute('href')
    expect(href).toBe(`#${await page.getByLabel(label).getAttribute('id')}`)
  }
  await context.close()
})
