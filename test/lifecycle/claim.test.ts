import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createClaimInvitation, maskEmail } from '#app/auth/invitation.server.ts'
import { action as claimAction, loader as claimLoader } from '#app/routes/claim.tsx'
import { action as loginAction } from '#app/routes/login.tsx'
import { createCustomer } from '#db/customers.ts'
import { InvalidStateError, NotFoundError } from '#db/errors.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createCustomerAccount,
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  sessionCookieFor,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import {
  accountSignedInBy,
  countRows,
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
const PASSWORD = 'my very own passphrase'

/** A record staff created (no account), and the staff member who created it. */
async function recordByStaff(options: { language?: string } = {}) {
  const staff = await createStaffAccount(database.db)
  const email = uniqueEmail('record')
  const customer = await createCustomer(
    database.db,
    { givenName: 'Ingrid', familyName: 'Holm', email, language: options.language },
    { kind: 'staff', id: staff.accountId },
    'staff',
  )
  return { ...customer, email, staff }
}

async function invite(customerId: string, actorId: string) {
  return smtp.collect(() =>
    createClaimInvitation(database.db, { customerId, actor: { kind: 'staff', id: actorId } }),
  )
}

/** A record with an invitation mailed to it: the link's token. */
async function invited() {
  const record = await recordByStaff()
  const { arrived } = await invite(record.id, record.staff.accountId)
  expect(arrived).toHaveLength(1)
  return { record, mail: arrived[0]!, token: tokenOf(linkIn(arrived[0]!, '/claim')) }
}

async function openClaimPage(token: string) {
  return dataOf(
    await claimLoader(routeArgs(getRequest(`/claim?${new URLSearchParams({ token })}`))),
  )
}

async function submitClaim(token: string, password = PASSWORD, confirm = password) {
  return claimAction(
    routeArgs(
      formRequest(`/claim?${new URLSearchParams({ token })}`, {
        token,
        password,
        confirmPassword: confirm,
      }),
    ),
  )
}

async function accountsOf(customerId: string) {
  return database.db
    .selectFrom('accounts')
    .select(['id', 'kind', 'email', 'email_verified_at'])
    .where('customer_id', '=', customerId)
    .execute()
}

describe('inviting the owner of an existing record', () => {
  it('mails an invitation to the primary email, valid for 7 days, for that customer', async () => {
    const record = await recordByStaff({ language: 'de' })
    const { result, arrived } = await invite(record.id, record.staff.accountId)
    expect(result).toEqual({ email: record.email })

    expect(arrived).toHaveLength(1)
    const mail = arrived[0]!
    expect(recipientOf(mail)).toBe(record.email)
    // In the customer's language on record (German), whoever sent it.
    expect(mail.subject).toBe('Eröffnen Sie Ihr Konto im Kundenportal')
    expect(mail.text).toContain('Guten Tag Ingrid,')
    expect(mail.text).toContain(`Kundennummer ${record.customerNumber}`)
    expect(mail.text).toContain('7 Tage')
    const link = linkIn(mail, '/claim')
    expect(link.origin).toBe('http://localhost:3000')

    const token = await database.db
      .selectFrom('account_tokens')
      .select(['purpose', 'account_id', 'customer_id', 'payload', 'used_at'])
      .select(
        sql<number>`round(extract(epoch from expires_at - created_at) / 86400)::int`.as('days'),
      )
      .where('customer_id', '=', record.id)
      .executeTakeFirstOrThrow()
    expect(token).toEqual({
      purpose: 'invitation',
      account_id: null,
      customer_id: record.id,
      payload: {
        customerId: record.id,
        email: record.email,
        invitedBy: { kind: 'staff', id: record.staff.accountId },
      },
      used_at: null,
      days: 7,
    })
  })

  it('refuses a record that has an account, a closed one, and an unknown id; mails nothing', async () => {
    const staff = await createStaffAccount(database.db)
    const actor = { kind: 'staff' as const, id: staff.accountId }
    const withAccount = await createCustomerAccount(database.db)
    const closed = await recordByStaff()
    await database.db
      .updateTable('customers')
      .set({ status: 'closed' })
      .where('id', '=', closed.id)
      .execute()
    const before = await databaseFingerprint(database.db)

    const cases: [string, (error: unknown) => void][] = [
      [withAccount.customerId, (error) => expectReason(error, 'auth:errors.claimHasAccount')],
      [closed.id, (error) => expectReason(error, 'auth:errors.invitationClosed')],
      ['7d0c3b5e-0000-4000-8000-000000000000', (e) => expect(e).toBeInstanceOf(NotFoundError)],
      ['not-a-uuid', (error) => expect(error).toBeInstanceOf(NotFoundError)],
    ]
    for (const [customerId, check] of cases) {
      const { result, arrived } = await smtp.collect(() =>
        createClaimInvitation(database.db, { customerId, actor }).catch((error: unknown) => error),
      )
      check(result)
      expect(arrived).toEqual([])
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('keeps only the newest invitation of a record working', async () => {
    const record = await recordByStaff()
    const first = tokenOf(
      linkIn((await invite(record.id, record.staff.accountId)).arrived[0]!, '/claim'),
    )
    const second = tokenOf(
      linkIn((await invite(record.id, record.staff.accountId)).arrived[0]!, '/claim'),
    )
    expect((await openClaimPage(first)).status).toBe(400)
    expect((await openClaimPage(second)).status).toBe(200)
  })
})

function expectReason(error: unknown, reason: string) {
  expect(error).toBeInstanceOf(InvalidStateError)
  expect((error as InvalidStateError).reason).toBe(reason)
}

describe('claiming a record through the invitation link', () => {
  it('shows whom it is for, masked, and uses nothing up by looking', async () => {
    const { record, token } = await invited()
    for (let i = 0; i < 2; i++) {
      const page = await openClaimPage(token)
      expect(page.status).toBe(200)
      expect(page.data).toMatchObject({
        preview: {
          status: 'usable',
          maskedEmail: maskEmail(record.email),
          customerNumber: record.customerNumber,
        },
        token,
      })
      expect(JSON.stringify(page.data)).not.toContain(record.email)
    }
    expect(maskEmail(record.email)).toMatch(/^r•{3,8}@example\.com$/)
    expect(maskEmail('a@b.example')).toBe('a•••@b.example')
  })

  it('opens the account of that customer only, once, signed in with a new session', async () => {
    const { record, token } = await invited()
    const bystander = await recordByStaff()
    const accountsBefore = await countRows(database.db, 'accounts')

    // Mismatched passwords: 400 with the field error, nothing written, the link still good.
    const before = await databaseFingerprint(database.db)
    const mismatch = dataOf(await submitClaim(token, PASSWORD, `${PASSWORD}!`))
    expect(mismatch.status).toBe(400)
    expect(mismatch.data).toMatchObject({
      refused: null,
      result: { error: { confirmPassword: ['auth:errors.passwordsDiffer'] } },
    })
    expect(JSON.stringify(mismatch.data)).not.toContain(PASSWORD)
    const tooShort = dataOf(await submitClaim(token, 'short'))
    expect(tooShort.data).toMatchObject({
      result: { error: { password: ['auth:errors.passwordTooShort'] } },
    })
    expect(await databaseFingerprint(database.db)).toEqual(before)

    // A browser that was signed in as someone else gets a new session for the new account.
    const other = await createCustomerAccount(database.db)
    const otherCookie = await sessionCookieFor(other.accountId)
    const claimed = await claimAction(
      routeArgs(
        formRequest(
          `/claim?${new URLSearchParams({ token })}`,
          { token, password: PASSWORD, confirmPassword: PASSWORD },
          { cookie: otherCookie },
        ),
      ),
    )
    expect(await redirectOf(claimed)).toMatchObject({ status: 302, location: '/?welcome=claimed' })
    const cookie = sessionCookieOf(claimed)
    expect(cookie).not.toBe(otherCookie)
    expect(await accountSignedInBy(otherCookie)).toBeNull()

    const [account] = await accountsOf(record.id)
    expect(await accountsOf(record.id)).toHaveLength(1)
    expect(account).toMatchObject({ kind: 'customer', email: record.email })
    expect(account?.email_verified_at).toBeInstanceOf(Date)
    expect(await accountSignedInBy(cookie)).toBe(account?.id)
    expect(await accountsOf(bystander.id)).toEqual([])
    expect(await countRows(database.db, 'accounts')).toBe(accountsBefore + 2) // + `other`

    const primary = await database.db
      .selectFrom('customer_emails')
      .select('verified_at')
      .where('customer_id', '=', record.id)
      .where('is_primary', '=', true)
      .executeTakeFirstOrThrow()
    expect(primary.verified_at).toBeInstanceOf(Date)

    const history = await database.db
      .selectFrom('record_history')
      .select(['entity_type', 'entity_id', 'action', 'actor_kind', 'actor_id', 'channel', 'after'])
      .where('customer_id', '=', record.id)
      .where('channel', '=', 'email_link')
      .orderBy('id')
      .execute()
    expect(history).toEqual([
      {
        entity_type: 'account',
        entity_id: account?.id,
        action: 'created',
        actor_kind: 'customer',
        actor_id: account?.id,
        channel: 'email_link',
        after: { sign_in_email: record.email },
      },
      expect.objectContaining({ entity_type: 'email', action: 'verified', actor_id: account?.id }),
    ])

    // The chosen password signs in.
    const signIn = await loginAction(
      routeArgs(formRequest('/login', { email: record.email, password: PASSWORD })),
    )
    expect(await redirectOf(signIn)).toMatchObject({ status: 302, location: '/' })

    // The link is used up: refused on the page and on a direct POST, nothing more written.
    const after = await databaseFingerprint(database.db)
    const page = await openClaimPage(token)
    expect(page.status).toBe(400)
    expect(page.data).toMatchObject({ preview: { status: 'invalid' }, token: null })
    const again = dataOf(await submitClaim(token, 'another passphrase here'))
    expect(again).toMatchObject({ status: 400, data: { refused: 'invalid' } })
    expect(await databaseFingerprint(database.db)).toEqual(after)
  })

  it('refuses an expired link and an unknown one, writing nothing', async () => {
    const { record, token } = await invited()
    await database.db
      .updateTable('account_tokens')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('customer_id', '=', record.id)
      .execute()
    const before = await databaseFingerprint(database.db)
    for (const candidate of [token, 'no-such-token']) {
      expect(await openClaimPage(candidate)).toMatchObject({
        status: 400,
        data: { preview: { status: 'invalid' } },
      })
      expect(dataOf(await submitClaim(candidate))).toMatchObject({
        status: 400,
        data: { refused: 'invalid' },
      })
    }
    expect(await openClaimPage('x'.repeat(500))).toMatchObject({ status: 400 })
    expect(await databaseFingerprint(database.db)).toEqual(before)
    expect(await accountsOf(record.id)).toEqual([])
  })

  it('tells a customer who has an account by now to sign in, and opens no second one', async () => {
    const { record, token } = await invited()
    // Meanwhile an account was opened for the record (by staff, say).
    await database.db
      .insertInto('accounts')
      .values({ kind: 'customer', email: record.email, customer_id: record.id })
      .execute()
    const before = await databaseFingerprint(database.db)

    const page = await openClaimPage(token)
    expect(page).toMatchObject({ status: 409, data: { preview: { status: 'has_account' } } })
    const refused = dataOf(await submitClaim(token))
    expect(refused).toMatchObject({ status: 409, data: { refused: 'has_account' } })
    expect(await accountsOf(record.id)).toHaveLength(1)
    // Only the token was used up; nothing else changed.
    const after = await databaseFingerprint(database.db)
    expect({ ...after, account_tokens: '' }).toEqual({ ...before, account_tokens: '' })
  })

  it('refuses a link whose address is no longer the primary email', async () => {
    const { record, token } = await invited()
    await database.db
      .updateTable('customer_emails')
      .set({ is_primary: false })
      .where('customer_id', '=', record.id)
      .execute()
    await database.db
      .insertInto('customer_emails')
      .values({ customer_id: record.id, email: uniqueEmail('moved'), is_primary: true })
      .execute()
    expect((await openClaimPage(token)).status).toBe(400)
    expect(dataOf(await submitClaim(token)).status).toBe(400)
    expect(await accountsOf(record.id)).toEqual([])
  })
})
