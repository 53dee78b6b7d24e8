import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { action as loginAction } from '#app/routes/login.tsx'
import { action as requestAction, loader as requestLoader } from '#app/routes/login_.magic-link.tsx'
import {
  action as confirmAction,
  loader as confirmLoader,
} from '#app/routes/login_.magic-link_.confirm.tsx'
import { hashToken } from '#db/account-tokens.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createCustomerAccount,
  createStaffAccount,
  formRequest,
  getRequest,
  PASSWORD,
  routeArgs,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import {
  accountSignedInBy,
  dataOf,
  linkIn,
  recipientOf,
  redirectOf,
  sessionCookieOf,
  tokenOf,
  useSmtpSink,
} from './lifecycle-support.ts'

const database = useTestDatabase()
const smtp = useSmtpSink()

async function requestLink(email: string) {
  return smtp.collect(() => requestAction(routeArgs(formRequest('/login/magic-link', { email }))))
}

async function openLink(token: string) {
  return dataOf(
    await confirmLoader(
      routeArgs(getRequest(`/login/magic-link/confirm?${new URLSearchParams({ token })}`)),
    ),
  )
}

async function pressSignIn(token: string, cookie?: string) {
  return confirmAction(
    routeArgs(
      formRequest(
        `/login/magic-link/confirm?${new URLSearchParams({ token })}`,
        { token },
        { cookie },
      ),
    ),
  )
}

/** A customer who asked for a link: the account and the token in the mail. */
async function linkMailedTo() {
  const customer = await createCustomerAccount(database.db)
  const { result, arrived } = await requestLink(customer.email)
  expect(arrived).toHaveLength(1)
  return {
    customer,
    result,
    mail: arrived[0]!,
    token: tokenOf(linkIn(arrived[0]!, '/login/magic-link/confirm')),
  }
}

describe('sign-in by emailed link', () => {
  it('mails a known customer a 15-minute link; opening it shows a button and uses nothing up', async () => {
    const { customer, result, mail, token } = await linkMailedTo()
    expect(await redirectOf(result)).toEqual({
      status: 302,
      location: '/login/magic-link?sent=1',
      body: '',
    })
    expect(recipientOf(mail)).toBe(customer.email)
    expect(mail.subject).toBe('Your sign-in link')
    expect(mail.text).toContain('15 minutes')

    const row = await database.db
      .selectFrom('account_tokens')
      .select(['purpose', 'customer_id', 'used_at'])
      .select(
        sql<number>`round(extract(epoch from expires_at - created_at) / 60)::int`.as('minutes'),
      )
      .where('account_id', '=', customer.accountId)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      purpose: 'magic_link',
      customer_id: customer.customerId,
      used_at: null,
      minutes: 15,
    })

    for (let i = 0; i < 2; i++) {
      const page = await openLink(token)
      expect(page).toMatchObject({ status: 200, data: { state: 'confirm', token } })
      expect(JSON.stringify(page.data)).not.toContain(customer.email)
    }
    expect(await accountSignedInBy(sessionCookieOf(await pressSignIn(token)))).toBe(
      customer.accountId,
    )
  })

  it('signs in once, with a session id never seen before, and then refuses the link', async () => {
    const { customer, token } = await linkMailedTo()
    const earlier = sessionCookieOf(
      await loginAction(
        routeArgs(formRequest('/login', { email: customer.email, password: PASSWORD })),
      ),
    )

    const signedIn = await pressSignIn(token, earlier)
    expect(await redirectOf(signedIn)).toMatchObject({ status: 302, location: '/' })
    const cookie = sessionCookieOf(signedIn)
    expect(cookie).not.toBe(earlier)
    expect(await accountSignedInBy(cookie)).toBe(customer.accountId)
    // The session this browser had before is over: a planted session id is worth nothing.
    expect(await accountSignedInBy(earlier)).toBeNull()

    const before = await databaseFingerprint(database.db)
    expect(await openLink(token)).toMatchObject({ status: 400, data: { state: 'invalid' } })
    const again = await pressSignIn(token)
    expect(dataOf(again)).toEqual({ status: 400, data: { error: 'invalid' } })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('counts the address as verified: the link came to it', async () => {
    const { customer, token } = await linkMailedTo()
    await pressSignIn(token)
    const account = await database.db
      .selectFrom('accounts')
      .select('email_verified_at')
      .where('id', '=', customer.accountId)
      .executeTakeFirstOrThrow()
    expect(account.email_verified_at).toBeInstanceOf(Date)
    const email = await database.db
      .selectFrom('customer_emails')
      .select('verified_at')
      .where('customer_id', '=', customer.customerId)
      .executeTakeFirstOrThrow()
    expect(email.verified_at).toBeInstanceOf(Date)
  })

  it('refuses an expired link, and ends the other links once one worked', async () => {
    const customer = await createCustomerAccount(database.db)
    const first = tokenOf(
      linkIn((await requestLink(customer.email)).arrived[0]!, '/login/magic-link/confirm'),
    )
    const second = tokenOf(
      linkIn((await requestLink(customer.email)).arrived[0]!, '/login/magic-link/confirm'),
    )
    await database.db
      .updateTable('account_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', hashToken(first))
      .execute()
    expect((await openLink(first)).status).toBe(400)
    expect(dataOf(await pressSignIn(first)).status).toBe(400)

    const third = tokenOf(
      linkIn((await requestLink(customer.email)).arrived[0]!, '/login/magic-link/confirm'),
    )
    expect(await redirectOf(await pressSignIn(third))).toMatchObject({ status: 302 })
    expect((await openLink(second)).status).toBe(400)
    expect(dataOf(await pressSignIn(second)).status).toBe(400)
  })

  it('answers the same for unknown, staff, disabled and closed addresses, and mails none of them', async () => {
    const known = await linkMailedTo()
    const staff = await createStaffAccount(database.db)
    const disabled = await createCustomerAccount(database.db)
    await database.db
      .updateTable('accounts')
      .set({ disabled_at: new Date() })
      .where('id', '=', disabled.accountId)
      .execute()
    const closed = await createCustomerAccount(database.db)
    await database.db
      .updateTable('customers')
      .set({ status: 'closed' })
      .where('id', '=', closed.customerId)
      .execute()

    const expected = await redirectOf(known.result)
    for (const email of [uniqueEmail('nobody'), staff.email, disabled.email, closed.email]) {
      const { result, arrived } = await requestLink(email.toUpperCase())
      expect(await redirectOf(result)).toEqual(expected)
      expect(arrived).toEqual([])
    }
    const tokens = await database.db
      .selectFrom('account_tokens')
      .select('account_id')
      .where('purpose', '=', 'magic_link')
      .where('account_id', 'in', [staff.accountId, disabled.accountId, closed.accountId])
      .execute()
    expect(tokens).toEqual([])
  })

  it('answers bad input with 400 and a field error, sending nothing', async () => {
    const before = await databaseFingerprint(database.db)
    for (const [email, error] of [
      ['not-an-email', 'auth:errors.emailInvalid'],
      ['', 'auth:errors.emailRequired'],
    ] as const) {
      const { result, arrived } = await requestLink(email)
      const answer = dataOf(result)
      expect(answer.status).toBe(400)
      expect(answer.data).toMatchObject({ error: { email: [error] } })
      expect(arrived).toEqual([])
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
    expect(
      dataOf(await requestLoader(routeArgs(getRequest('/login/magic-link?sent=1')))).data,
    ).toMatchObject({
      sent: true,
      ttlMinutes: 15,
    })
  })
})
