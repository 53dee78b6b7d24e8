import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { resetEnvCache } from '#app/lib/env.server.ts'
import { flushPendingMail } from '#app/mail/mailer.server.ts'
import { action as forgotPassword } from '#app/routes/forgot-password.tsx'
import { action as customerLogin } from '#app/routes/login.tsx'
import {
  action as resetPassword,
  loader as resetPasswordLoader,
} from '#app/routes/reset-password.tsx'
import { action as staffLogin } from '#app/routes/staff_.login.tsx'
import { useTestDatabase } from '#test/support/database.ts'
import {
  actionArgs,
  cookieFrom,
  createCustomerAccount,
  createStaffAccount,
  formRequest,
  getRequest,
  loaderArgs,
  PASSWORD,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { startSmtpSink } from './smtp-sink.ts'

const database = useTestDatabase()
let smtp: Awaited<ReturnType<typeof startSmtpSink>>
const NEW_PASSWORD = 'a brand new passphrase 2026'

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

/** What arrives at the SMTP server once everything the request started has been sent. */
async function requestReset(email: string) {
  const before = smtp.messages.length
  const response = await forgotPassword(actionArgs(formRequest('/forgot-password', { email })))
  await flushPendingMail()
  return { response, arrived: smtp.messages.slice(before) }
}

function tokenFrom(text: string): string {
  const token = text.match(/\/reset-password\?token=([A-Za-z0-9_-]+)/)?.[1]
  if (!token) throw new Error(`No reset link in:\n${text}`)
  return token
}

async function signIn(email: string, password: string, login = customerLogin, path = '/login') {
  return login(actionArgs(formRequest(path, { email, password })))
}

async function loadResetPage(token: string) {
  const result = await resetPasswordLoader(
    loaderArgs(getRequest(`/reset-password?${new URLSearchParams({ token })}`)),
  )
  return result.data
}

async function submitNewPassword(token: string, password = NEW_PASSWORD, confirm = password) {
  return resetPassword(
    actionArgs(
      formRequest(`/reset-password?${new URLSearchParams({ token })}`, {
        token,
        password,
        confirmPassword: confirm,
      }),
    ),
  )
}

describe('password reset by email', () => {
  it('mails a reset link to a known address and nothing to an unknown one, answering the same', async () => {
    const { email } = await createCustomerAccount(database.db)

    const known = await requestReset(email.toUpperCase())
    expect(known.arrived).toHaveLength(1)
    const mail = known.arrived[0]!
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : null).toBe(email)
    expect(mail.subject).toBe('Reset your password')
    expect(mail.text).toMatch(/http:\/\/localhost:3000\/reset-password\?token=[A-Za-z0-9_-]{43}/)
    expect(mail.html).toEqual(expect.stringContaining('/reset-password?token='))
    expect(tokenFrom(mail.html || '')).toBe(tokenFrom(mail.text ?? ''))

    const unknown = await requestReset(uniqueEmail('nobody'))
    expect(unknown.arrived).toHaveLength(0)

    for (const { response } of [known, unknown]) {
      expect(response).toBeInstanceOf(Response)
      expect((response as Response).status).toBe(302)
      expect((response as Response).headers.get('Location')).toBe('/forgot-password?sent=1')
    }
  })

  it('follows the link once: new password works, old one does not, every session ends', async () => {
    const { email, accountId, customerId } = await createCustomerAccount(database.db)
    const sessions = await Promise.all([signIn(email, PASSWORD), signIn(email, PASSWORD)])
    const cookies = sessions.map((response) => cookieFrom(response as Response))

    const { arrived } = await requestReset(email)
    const token = tokenFrom(arrived[0]?.text ?? '')

    // Opening the link (even twice) shows the form and uses nothing up.
    expect((await loadResetPage(token)).token).toBe(token)
    expect((await loadResetPage(token)).token).toBe(token)

    // Mismatched confirmation: refused, the token still good.
    const mismatch = await submitNewPassword(token, NEW_PASSWORD, `${NEW_PASSWORD}!`)
    expect(mismatch).not.toBeInstanceOf(Response)
    expect(JSON.stringify(mismatch)).toContain('auth:errors.passwordsDiffer')
    expect(JSON.stringify(mismatch)).not.toContain(NEW_PASSWORD)
    const tooShort = await submitNewPassword(token, 'short')
    expect(JSON.stringify(tooShort)).toContain('auth:errors.passwordTooShort')

    const done = await submitNewPassword(token)
    expect(done).toBeInstanceOf(Response)
    expect((done as Response).headers.get('Location')).toBe('/login?reset=1')

    for (const cookie of cookies) {
      expect((await getOptionalUser(getRequest('/', { cookie }))).user).toBeNull()
    }
    const left = await database.db
      .selectFrom('sessions')
      .select('id')
      .where('account_id', '=', accountId)
      .execute()
    expect(left).toEqual([])

    const withOld = await signIn(email, PASSWORD)
    expect(withOld).not.toBeInstanceOf(Response)
    const withNew = await signIn(email, NEW_PASSWORD)
    expect(withNew).toBeInstanceOf(Response)
    expect((withNew as Response).status).toBe(302)

    // The customer's history says the password changed, and holds no hash.
    const history = await database.db
      .selectFrom('record_history')
      .select([
        'entity_type',
        'entity_id',
        'action',
        'actor_kind',
        'actor_id',
        'channel',
        'before',
        'after',
      ])
      .where('customer_id', '=', customerId)
      .where('action', '=', 'password_changed')
      .execute()
    expect(history).toEqual([
      {
        entity_type: 'account',
        entity_id: accountId,
        action: 'password_changed',
        actor_kind: 'customer',
        actor_id: accountId,
        channel: 'email_link',
        before: null,
        after: null,
      },
    ])

    // The same link again: the page says so, and a direct post is refused.
    expect((await loadResetPage(token)).token).toBeNull()
    const again = await submitNewPassword(token, 'yet another passphrase here')
    expect(again).not.toBeInstanceOf(Response)
    expect(JSON.stringify(again)).toContain('auth:errors.resetLinkInvalid')
    expect(await signIn(email, 'yet another passphrase here')).not.toBeInstanceOf(Response)
  })

  it('refuses an expired link', async () => {
    const { email, accountId } = await createCustomerAccount(database.db)
    const { arrived } = await requestReset(email)
    const token = tokenFrom(arrived[0]?.text ?? '')
    await database.db
      .updateTable('account_tokens')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('account_id', '=', accountId)
      .execute()

    expect((await loadResetPage(token)).token).toBeNull()
    const refused = await submitNewPassword(token)
    expect(refused).not.toBeInstanceOf(Response)
    expect(JSON.stringify(refused)).toContain('auth:errors.resetLinkInvalid')
    expect(await signIn(email, PASSWORD)).toBeInstanceOf(Response)
  })

  it('retires older links once one has worked', async () => {
    const { email } = await createCustomerAccount(database.db)
    const first = tokenFrom((await requestReset(email)).arrived[0]?.text ?? '')
    const second = tokenFrom((await requestReset(email)).arrived[0]?.text ?? '')
    expect(await submitNewPassword(second)).toBeInstanceOf(Response)
    expect((await loadResetPage(first)).token).toBeNull()
  })

  it('sends staff back to the staff sign-in, and mails no one for a deactivated staff member', async () => {
    const staff = await createStaffAccount(database.db)
    const token = tokenFrom((await requestReset(staff.email)).arrived[0]?.text ?? '')
    const done = await submitNewPassword(token)
    expect((done as Response).headers.get('Location')).toBe('/staff/login?reset=1')
    expect(await signIn(staff.email, NEW_PASSWORD, staffLogin, '/staff/login')).toBeInstanceOf(
      Response,
    )

    const gone = await createStaffAccount(database.db)
    await database.db
      .updateTable('staff_members')
      .set({ deactivated_at: new Date() })
      .where('account_id', '=', gone.accountId)
      .execute()
    expect((await requestReset(gone.email)).arrived).toHaveLength(0)
  })
})
