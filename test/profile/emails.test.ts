import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { resetEnvCache } from '#app/lib/env.server.ts'
import { action as login } from '#app/routes/login.tsx'
import { action as profileAction, loader as profileLoader } from '#app/routes/profile._index.tsx'
import { action as undoAction, loader as undoLoader } from '#app/routes/profile.email.undo.tsx'
import {
  action as verifyAction,
  loader as verifyLoader,
} from '#app/routes/profile.email.verify.tsx'
import { action as addEmail } from '#app/routes/profile.emails.new.tsx'
import { action as changeSignIn } from '#app/routes/profile.sign-in-email.tsx'
import { useTestDatabase } from '#test/support/database.ts'
import {
  actionArgs,
  createCustomerAccount,
  formRequest,
  getRequest,
  PASSWORD,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { startSmtpSink } from '../mail/smtp-sink.ts'
import { answer, historyOf, redirected } from './profile-support.ts'

const database = useTestDatabase()
let smtp: Awaited<ReturnType<typeof startSmtpSink>>

beforeAll(async () => {
  smtp = await startSmtpSink()
  process.env.SMTP_URL = smtp.url
  resetEnvCache()
})

afterAll(async () => {
  delete process.env.SMTP_URL
  resetEnvCache()
  await smtp.close()
})

/** The messages that arrived while `work` ran. */
async function mailsDuring<T>(work: () => Promise<T>) {
  const before = smtp.messages.length
  const result = await work()
  return { result, mails: smtp.messages.slice(before) }
}

function recipient(mail: (typeof smtp.messages)[number]): string | undefined {
  return mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined
}

function linkToken(text: string | undefined, path: string): string {
  const token = text?.match(new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`))?.[1]
  if (!token) throw new Error(`No ${path} link in:\n${text}`)
  return token
}

async function signInWorks(email: string): Promise<boolean> {
  const result = await login(actionArgs(formRequest('/login', { email, password: PASSWORD })))
  return result instanceof Response && result.status === 302
}

async function signInEmail(accountId: string) {
  const row = await database.db
    .selectFrom('accounts')
    .select(['email', 'email_verified_at'])
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow()
  return row.email
}

async function requestChange(cookie: string, fields: Record<string, string>) {
  return changeSignIn(routeArgs(formRequest('/profile/sign-in-email', fields, { cookie })))
}

const verify = (token: string) =>
  verifyAction(routeArgs(formRequest('/profile/email/verify', { token })))
const undo = (token: string, cookie?: string) =>
  undoAction(routeArgs(formRequest('/profile/email/undo', { token }, { cookie })))

describe('changing the sign-in email', () => {
  it('confirms the new address by link, tells the old one, and lets it undo the change', async () => {
    const customer = await signedInCustomer(database.db)
    const newEmail = uniqueEmail('anna.new')
    const otherDevice = await sessionCookieFor(customer.accountId)

    const { result, mails } = await mailsDuring(() =>
      requestChange(customer.cookie, { newEmail, currentPassword: PASSWORD }),
    )
    expect(redirected(result)).toEqual({
      status: 302,
      location: '/profile?notice=signInEmailSent',
    })
    expect(mails.map(recipient)).toEqual([newEmail, customer.email])
    const [toNew, toOld] = mails
    expect(toNew?.subject).toBe('Confirm your new sign-in address')
    expect(toOld?.subject).toBe('Your sign-in address is being changed')
    expect(toOld?.text).toContain(newEmail)
    const verifyToken = linkToken(toNew?.text, '/profile/email/verify')
    const undoToken = linkToken(toOld?.text, '/profile/email/undo')
    expect(linkToken(toNew?.html || '', '/profile/email/verify')).toBe(verifyToken)

    // Not the sign-in yet: only once the link is followed.
    expect(await signInEmail(customer.accountId)).toBe(customer.email)
    const page = answer(await profileLoader(routeArgs(getRequest('/profile', customer))))
    expect(page.value.pendingSignInEmail).toMatchObject({ email: newEmail })
    expect((await historyOf(database.db, customer.customerId)).at(-1)).toMatchObject({
      entity_type: 'email',
      entity_id: customer.accountId,
      action: 'sign_in_change_requested',
      actor_kind: 'customer',
      channel: 'portal',
      after: { requested_email: newEmail },
    })

    // Opening the link shows a button and uses nothing up (mail scanners open links too).
    for (let i = 0; i < 2; i++) {
      const shown = answer(
        await verifyLoader(routeArgs(getRequest(`/profile/email/verify?token=${verifyToken}`))),
      )
      expect(shown.value).toMatchObject({
        state: 'confirm',
        link: { kind: 'sign_in_changed', email: newEmail },
      })
    }

    // The link works without a session: it may be opened on another device.
    expect(redirected(await verify(verifyToken))).toEqual({
      status: 302,
      location: '/profile/email/verify?done=sign_in_changed',
    })
    expect(await signInEmail(customer.accountId)).toBe(newEmail)
    expect(await signInWorks(newEmail)).toBe(true)
    expect(await signInWorks(customer.email)).toBe(false)
    const emails = await database.db
      .selectFrom('customer_emails')
      .select(['email', 'is_primary', 'verified_at'])
      .where('customer_id', '=', customer.customerId)
      .orderBy('created_at')
      .execute()
    expect(emails.map((row) => [row.email, row.is_primary, row.verified_at !== null])).toEqual([
      [customer.email, false, false],
      [newEmail, true, true],
    ])
    const changed = (await historyOf(database.db, customer.customerId)).filter(
      (row) => row.action === 'sign_in_changed',
    )
    expect(changed).toEqual([
      {
        entity_type: 'email',
        entity_id: customer.accountId,
        action: 'sign_in_changed',
        actor_kind: 'customer',
        actor_id: customer.accountId,
        channel: 'email_link',
        before: { sign_in_email: customer.email },
        after: { sign_in_email: newEmail },
      },
    ])

    // Single use.
    const again = answer(await verify(verifyToken))
    expect(again).toEqual({ status: 400, value: { error: 'invalid' } })

    // The owner of the old address undoes it, signed out: the token is the authority.
    const undoPage = answer(
      await undoLoader(routeArgs(getRequest(`/profile/email/undo?token=${undoToken}`))),
    )
    expect(undoPage.value).toMatchObject({ state: 'confirm', previousEmail: customer.email })
    const undone = await undo(undoToken)
    expect(redirected(undone)).toEqual({ status: 302, location: '/profile/email/undo?done=1' })
    expect(await signInEmail(customer.accountId)).toBe(customer.email)
    for (const cookie of [customer.cookie, otherDevice]) {
      expect((await getOptionalUser(getRequest('/', { cookie }))).user).toBeNull()
    }
    expect(
      await database.db
        .selectFrom('sessions')
        .select('id')
        .where('account_id', '=', customer.accountId)
        .execute(),
    ).toEqual([])
    expect(await signInWorks(customer.email)).toBe(true)
    expect(await signInWorks(newEmail)).toBe(false)
    const history = await historyOf(database.db, customer.customerId)
    expect(history.find((row) => row.action === 'sign_in_change_undone')).toEqual({
      entity_type: 'email',
      entity_id: customer.accountId,
      action: 'sign_in_change_undone',
      actor_kind: 'customer',
      actor_id: customer.accountId,
      channel: 'email_link',
      before: { sign_in_email: newEmail },
      after: { sign_in_email: customer.email },
    })
    const primary = await database.db
      .selectFrom('customer_emails')
      .select('email')
      .where('customer_id', '=', customer.customerId)
      .where('is_primary', '=', true)
      .executeTakeFirstOrThrow()
    expect(primary.email).toBe(customer.email)

    expect(answer(await undo(undoToken))).toEqual({ status: 400, value: { error: 'invalid' } })
  })

  it('undone before it was confirmed, the confirmation link stops working', async () => {
    const customer = await signedInCustomer(database.db)
    const newEmail = uniqueEmail('intruder')
    const { mails } = await mailsDuring(() =>
      requestChange(customer.cookie, { newEmail, currentPassword: PASSWORD }),
    )
    const verifyToken = linkToken(mails[0]?.text, '/profile/email/verify')
    const undoToken = linkToken(mails[1]?.text, '/profile/email/undo')

    expect(redirected(await undo(undoToken)).status).toBe(302)
    expect(answer(await verify(verifyToken))).toEqual({ status: 400, value: { error: 'invalid' } })
    expect(await signInEmail(customer.accountId)).toBe(customer.email)
    const history = await historyOf(database.db, customer.customerId)
    expect(history.find((row) => row.action === 'sign_in_change_undone')).toMatchObject({
      before: { requested_email: newEmail },
      after: { requested_email: null },
    })
    // Following the undo link proved the old address is theirs.
    expect(history.at(-1)).toMatchObject({ action: 'verified', after: { email: customer.email } })
  })

  it('refuses unknown and expired links', async () => {
    const customer = await signedInCustomer(database.db)
    const unknown = 'x'.repeat(43)
    expect(answer(await verify(unknown))).toEqual({ status: 400, value: { error: 'invalid' } })
    expect(answer(await undo(unknown))).toEqual({ status: 400, value: { error: 'invalid' } })
    const page = answer(
      await verifyLoader(routeArgs(getRequest(`/profile/email/verify?token=${unknown}`))),
    )
    expect(page.value).toMatchObject({ state: 'invalid' })

    const { mails } = await mailsDuring(() =>
      requestChange(customer.cookie, { newEmail: uniqueEmail('late'), currentPassword: PASSWORD }),
    )
    await database.db
      .updateTable('account_tokens')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('account_id', '=', customer.accountId)
      .execute()
    expect(answer(await verify(linkToken(mails[0]?.text, '/profile/email/verify'))).status).toBe(
      400,
    )
    expect(answer(await undo(linkToken(mails[1]?.text, '/profile/email/undo'))).status).toBe(400)
    expect(await signInEmail(customer.accountId)).toBe(customer.email)
  })

  it('refuses a wrong password, the current address, and an address another account uses', async () => {
    const customer = await signedInCustomer(database.db)
    const other = await createCustomerAccount(database.db)
    const tokensBefore = await database.db
      .selectFrom('account_tokens')
      .select('token_hash')
      .where('account_id', '=', customer.accountId)
      .execute()

    const { result: wrong, mails: none1 } = await mailsDuring(() =>
      requestChange(customer.cookie, {
        newEmail: uniqueEmail('x'),
        currentPassword: 'not the password',
      }),
    )
    const wrongAnswer = answer(wrong)
    expect(wrongAnswer.status).toBe(400)
    expect(wrongAnswer.value).toMatchObject({
      error: { currentPassword: ['profile:errors.passwordWrong'] },
    })
    expect(JSON.stringify(wrongAnswer.value)).not.toContain('not the password')

    const same = answer(
      await requestChange(customer.cookie, {
        newEmail: customer.email.toUpperCase(),
        currentPassword: PASSWORD,
      }),
    )
    expect(same.value).toMatchObject({ error: { newEmail: ['profile:errors.emailSameAsCurrent'] } })

    const { result: taken, mails: none2 } = await mailsDuring(() =>
      requestChange(customer.cookie, {
        newEmail: other.email.toUpperCase(),
        currentPassword: PASSWORD,
      }),
    )
    const takenAnswer = answer(taken)
    expect(takenAnswer.status).toBe(400)
    expect(takenAnswer.value).toMatchObject({
      error: { newEmail: ['profile:errors.emailTaken'] },
      initialValue: { newEmail: other.email.toUpperCase() },
    })
    // Nothing about whose address it is.
    expect(JSON.stringify(takenAnswer.value)).not.toContain(other.customerNumber)

    expect([...none1, ...none2]).toEqual([])
    expect(
      await database.db
        .selectFrom('account_tokens')
        .select('token_hash')
        .where('account_id', '=', customer.accountId)
        .execute(),
    ).toEqual(tokensBefore)
  })

  it('refuses the confirmation when another account took the address in the meantime', async () => {
    const customer = await signedInCustomer(database.db)
    const newEmail = uniqueEmail('contested')
    const { mails } = await mailsDuring(() =>
      requestChange(customer.cookie, { newEmail, currentPassword: PASSWORD }),
    )
    await createCustomerAccount(database.db, { email: newEmail })
    const refused = answer(await verify(linkToken(mails[0]?.text, '/profile/email/verify')))
    expect(refused).toEqual({
      status: 409,
      value: { error: 'refused', reason: 'profile:errors.emailTaken' },
    })
    expect(await signInEmail(customer.accountId)).toBe(customer.email)
  })
})

describe('extra email addresses', () => {
  it('adds one, mails a confirmation link, confirms it, makes it primary and removes the old', async () => {
    const customer = await signedInCustomer(database.db)
    const extra = uniqueEmail('anna.extra')
    const { result, mails } = await mailsDuring(() =>
      addEmail(routeArgs(formRequest('/profile/emails/new', { email: extra }, customer))),
    )
    expect(redirected(result).location).toBe('/profile?notice=emailAdded')
    expect(mails.map(recipient)).toEqual([extra])
    expect(mails[0]?.subject).toBe('Confirm your email address')
    const row = await database.db
      .selectFrom('customer_emails')
      .select(['id', 'is_primary', 'verified_at'])
      .where('email', '=', extra)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ is_primary: false, verified_at: null })
    expect((await historyOf(database.db, customer.customerId)).at(-1)).toMatchObject({
      entity_type: 'email',
      entity_id: row.id,
      action: 'added',
      after: { email: extra, is_primary: false },
    })

    // Not primary before it is confirmed.
    const early = answer(
      await profileAction(
        routeArgs(formRequest('/profile', { intent: 'email-primary', id: row.id }, customer)),
      ),
    )
    expect(early).toEqual({
      status: 409,
      value: {
        kind: 'item',
        itemError: {
          intent: 'email-primary',
          id: row.id,
          error: 'profile:errors.verifyBeforePrimary',
        },
      },
    })

    // "Send the link again" sends a new one; either works once.
    const resent = await mailsDuring(() =>
      profileAction(
        routeArgs(formRequest('/profile', { intent: 'email-resend', id: row.id }, customer)),
      ),
    )
    expect(redirected(resent.result).location).toBe('/profile?notice=emailLinkSent')
    expect(resent.mails.map(recipient)).toEqual([extra])
    expect(
      redirected(await verify(linkToken(resent.mails[0]?.text, '/profile/email/verify'))),
    ).toEqual({ status: 302, location: '/profile/email/verify?done=email_verified' })
    expect(answer(await verify(linkToken(mails[0]?.text, '/profile/email/verify'))).status).toBe(
      400,
    )
    expect((await historyOf(database.db, customer.customerId)).at(-1)).toMatchObject({
      entity_id: row.id,
      action: 'verified',
      actor_kind: 'customer',
      channel: 'email_link',
    })

    const resendConfirmed = answer(
      await profileAction(
        routeArgs(formRequest('/profile', { intent: 'email-resend', id: row.id }, customer)),
      ),
    )
    expect(resendConfirmed.value).toMatchObject({
      itemError: { error: 'profile:errors.alreadyVerified' },
    })

    await profileAction(
      routeArgs(formRequest('/profile', { intent: 'email-primary', id: row.id }, customer)),
    )
    expect((await historyOf(database.db, customer.customerId)).at(-1)).toMatchObject({
      entity_id: row.id,
      action: 'primary_changed',
      before: { primary_email: customer.email },
      after: { primary_email: extra },
    })

    // The sign-in address stays while it is the sign-in; the primary one stays while primary.
    const signInRow = await database.db
      .selectFrom('customer_emails')
      .select('id')
      .where('email', '=', customer.email)
      .executeTakeFirstOrThrow()
    const keepSignIn = answer(
      await profileAction(
        routeArgs(formRequest('/profile', { intent: 'email-remove', id: signInRow.id }, customer)),
      ),
    )
    expect(keepSignIn.value).toMatchObject({
      itemError: { error: 'profile:errors.signInEmailCannotBeRemoved' },
    })
    const keepPrimary = answer(
      await profileAction(
        routeArgs(formRequest('/profile', { intent: 'email-remove', id: row.id }, customer)),
      ),
    )
    expect(keepPrimary.value).toMatchObject({
      itemError: { error: 'profile:errors.primaryEmailCannotBeRemoved' },
    })

    const duplicate = answer(
      await addEmail(
        routeArgs(formRequest('/profile/emails/new', { email: extra.toUpperCase() }, customer)),
      ),
    )
    expect(duplicate.status).toBe(409)
    expect(duplicate.value).toMatchObject({
      error: { email: ['profile:errors.emailAlreadyAdded'] },
    })
    const invalid = answer(
      await addEmail(routeArgs(formRequest('/profile/emails/new', { email: 'nope' }, customer))),
    )
    expect(invalid.status).toBe(400)
    expect(invalid.value).toMatchObject({ error: { email: ['profile:errors.emailInvalid'] } })

    const page = answer(await profileLoader(routeArgs(getRequest('/profile', customer))))
    expect(page.value.emails.map((email) => [email.email, email.isPrimary])).toEqual([
      [extra, true],
      [customer.email, false],
    ])
    // The sign-in address was never confirmed by a link in this test: still a hint.
    expect(page.value.completeness).toContain('email_unverified')
  })
})
