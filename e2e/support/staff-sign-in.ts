import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { decodeBase32IgnorePadding } from '@oslojs/encoding'
import { generateHOTP } from '@oslojs/otp'
import { expect, type Page } from '@playwright/test'
import { DEMO_PASSWORD, DEMO_STAFF_TOTP_SECRET } from '../../db/seed/demo-logins.ts'

// Staff sign in with a password and then a code from their authenticator (2FA is required for
// staff). The demo staff share a published demo secret (README), so this computes the code as an
// authenticator app would.
//
// The server accepts each code once (replay protection), and codes of the step before and after
// the current one (clock drift). So several sign-ins of one account in the same 30 seconds each
// take the next unused step: up to three at once, then one every 30 seconds. The steps taken
// are kept in a file of this run (shared by Playwright's workers); a "code already used" answer
// (another worker got there first) moves on to the next step.

const PERIOD_MS = 30_000

function stepsFile(): string {
  return path.join(process.env.E2E_DATA_DIR ?? os.tmpdir(), 'staff-totp-steps.json')
}

function readSteps(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(stepsFile(), 'utf8')) as Record<string, number>
  } catch {
    return {}
  }
}

function markStepTaken(email: string, step: number): void {
  const steps = readSteps()
  steps[email] = Math.max(steps[email] ?? 0, step)
  writeFileSync(stepsFile(), JSON.stringify(steps))
}

function currentStep(): number {
  return Math.floor(Date.now() / PERIOD_MS)
}

function codeFor(step: number): string {
  return generateHOTP(decodeBase32IgnorePadding(DEMO_STAFF_TOTP_SECRET), BigInt(step), 6)
}

/** On the code page after the password: enters codes until one is taken. */
export async function enterStaffCode(page: Page, email: string): Promise<void> {
  await expect(page).toHaveURL(/\/staff\/login\/two-factor/)
  for (let attempt = 0; attempt < 6; attempt++) {
    let step = Math.max(currentStep() - 1, (readSteps()[email] ?? 0) + 1)
    // Every acceptable step is taken: wait until the next one is acceptable.
    while (step > currentStep() + 1) {
      await page.waitForTimeout((currentStep() + 1) * PERIOD_MS - Date.now() + 200)
      step = Math.max(currentStep() - 1, step)
    }
    markStepTaken(email, step)
    // By field names, not labels, so specs in any language (or the pseudo-locale) can use it.
    const form = page.locator('form:has(input[name="intent"][value="verify"])')
    await form.locator('input[name="code"]').fill(codeFor(step))
    await form.locator('button[type="submit"]').click()
    const outcome = await Promise.race([
      page
        .waitForURL((url) => !url.pathname.startsWith('/staff/login'))
        .then(() => 'signed-in' as const),
      // The code's field error: "That code was just used" (another worker took this step).
      page
        .locator('#code-verify-code-error')
        .waitFor()
        .then(() => 'refused' as const),
    ])
    if (outcome === 'signed-in') return
    // A fresh page, so the next try's answer is not confused with this one's error.
    await page.goto('/staff/login/two-factor')
  }
  throw new Error(`No authenticator code was accepted for ${email}`)
}

/** Signs a demo staff member in through the forms: password, then the code. */
export async function signInStaff(page: Page, email: string, loginPath = '/staff/login') {
  await page.goto(loginPath)
  await page.locator('input[name="email"]').fill(email)
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD)
  await page.locator('form:has(input[name="password"]) button[type="submit"]').click()
  await enterStaffCode(page, email)
}
