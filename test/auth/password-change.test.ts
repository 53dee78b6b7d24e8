import { describe, expect, it } from 'vitest'
import { verifyPassword } from '#app/auth/password.server.ts'
import { getOptionalUser } from '#app/auth/session.server.ts'
import {
  action as customerAction,
  loader as customerLoader,
} from '#app/routes/account.password.tsx'
import { action as staffAction, loader as staffLoader } from '#app/routes/staff.password.tsx'
import { replaceAccountPassword } from '#db/account-credentials.ts'
import { hashSessionId } from '#db/sessions.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  cookieFrom,
  cookieValue,
  createCustomerAccount,
  createStaffAccount,
  formRequest,
  getRequest,
  PASSWORD,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import { answerOf } from '#test/tickets/ticket-fixtures.ts'

const database = useTestDatabase()

const NEW_PASSWORD = 'a brand new passphrase 2026'

type Action = typeof customerAction
type Page = { path: string; action: Action; loader: typeof customerLoader }
const customerPage: Page = {
  path: '/account/password',
  action: customerAction,
  loader: customerLoader,
}
const staffPage: Page = { path: '/staff/password', action: staffAction, loader: staffLoader }

function post(page: Page, cookie: string | null, fields: Record<string, string>) {
  return answerOf(() => page.action(routeArgs(formRequest(page.path, fields, { cookie }))))
}

function change(overrides: Record<string, string> = {}) {
  return {
    currentPassword: PASSWORD,
    password: NEW_PASSWORD,
    confirmPassword: NEW_PASSWORD,
    ...overrides,
  }
}

function fieldErrors(data: unknown): Record<string, string[] | null> {
  return (data as { error?: Record<string, string[] | null> }).error ?? {}
}

async function passwordHashOf(accountId: string): Promise<string> {
  const row = await database.db
    .selectFrom('accounts')
    .select('password_hash')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow()
  return row.password_hash ?? ''
}

async function sessionIdsOf(accountId: string): Promise<string[]> {
  const rows = await database.db
    .selectFrom('sessions')
    .select('id')
    .where('account_id', '=', accountId)
    .execute()
  return rows.map((row) => row.id)
}

async function userFor(cookie: string) {
  return (await getOptionalUser(getRequest('/', { cookie }))).user
}

/** Every table but the attempt counter, which a checked password must move. */
async function fingerprintWithoutRateLimits() {
  const { rate_limits: _counted, ...rest } = await databaseFingerprint(database.db)
  return rest
}

async function signInAttemptsCounted(email: string): Promise<number> {
  const row = await database.db
    .selectFrom('rate_limits')
    .select('hits')
    .where('bucket', '=', 'signIn:account')
    .where('key', '=', email.toLowerCase())
    .executeTakeFirst()
  return row?.hits ?? 0
}

describe('a customer changes their password', () => {
  it('refuses a wrong current password at the field, changing nothing but the attempt count', async () => {
    const anna = await signedInCustomer(database.db)
    const hashBefore = await passwordHashOf(anna.accountId)
    const before = await fingerprintWithoutRateLimits()
    const attemptsBefore = await signInAttemptsCounted(anna.email)

    const answer = await post(
      customerPage,
      anna.cookie,
      change({ currentPassword: 'not it at all' }),
    )

    expect(answer.status).toBe(400)
    expect(fieldErrors(answer.data)).toEqual({ currentPassword: ['account:errors.passwordWrong'] })
    const body = JSON.stringify(answer.data)
    for (const typed of ['not it at all', NEW_PASSWORD]) expect(body).not.toContain(typed)
    expect(await fingerprintWithoutRateLimits()).toEqual(before)
    expect(await passwordHashOf(anna.accountId)).toBe(hashBefore)
    expect(await signInAttemptsCounted(anna.email)).toBe(attemptsBefore + 1)
    expect((await userFor(anna.cookie))?.id).toBe(anna.accountId)
  })

  it.each([
    [
      'a short password',
      { password: 'too short', confirmPassword: 'too short' },
      'password',
      'auth:errors.passwordTooShort',
    ],
    [
      'a common password',
      { password: 'password1234', confirmPassword: 'password1234' },
      'password',
      'auth:errors.passwordTooCommon',
    ],
    [
      'an over-long password',
      { password: 'x'.repeat(129), confirmPassword: 'x'.repeat(129) },
      'password',
      'auth:errors.passwordTooLong',
    ],
    [
      'a confirmation that differs',
      { confirmPassword: `${NEW_PASSWORD}!` },
      'confirmPassword',
      'auth:errors.passwordsDiffer',
    ],
    [
      'the current password again',
      { password: PASSWORD, confirmPassword: PASSWORD },
      'password',
      'account:password.errors.sameAsCurrent',
    ],
    [
      'no current password',
      { currentPassword: '' },
      'currentPassword',
      'account:errors.passwordRequired',
    ],
  ])('answers %s at the field and changes nothing at all', async (_, overrides, field, error) => {
    const anna = await signedInCustomer(database.db)
    const before = await databaseFingerprint(database.db)

    const answer = await post(customerPage, anna.cookie, change(overrides))

    expect(answer.status).toBe(400)
    expect(fieldErrors(answer.data)[field]).toEqual([error])
    expect(JSON.stringify(answer.data)).not.toContain(PASSWORD)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('stores the new password, ends every session, records it, and gives this browser a new session id', async () => {
    const anna = await signedInCustomer(database.db)
    const otherDevices = [
      await sessionCookieFor(anna.accountId),
      await sessionCookieFor(anna.accountId),
    ]
    const ben = await signedInCustomer(database.db, { givenName: 'Ben' })
    const bensSessions = await sessionIdsOf(ben.accountId)

    const answer = await post(customerPage, anna.cookie, change())

    expect(answer.status).toBe(302)
    expect(answer.location).toBe('/account/password?changed=1')
    const newCookie = cookieFrom(answer.response as Response)
    expect(newCookie).toMatch(/^cmr_session=/)
    expect(cookieValue(newCookie)).not.toBe(cookieValue(anna.cookie))

    const hash = await passwordHashOf(anna.accountId)
    expect(hash).toMatch(/^\$argon2id\$/)
    expect(await verifyPassword(hash, PASSWORD)).toBe(false)
    expect(await verifyPassword(hash, NEW_PASSWORD)).toBe(true)

    // The one session left is the new cookie's; the old one and the other devices are gone.
    expect(await sessionIdsOf(anna.accountId)).toEqual([hashSessionId(cookieValue(newCookie))])
    for (const cookie of [anna.cookie, ...otherDevices]) expect(await userFor(cookie)).toBeNull()
    expect((await userFor(newCookie))?.id).toBe(anna.accountId)
    // Someone else's sessions are not touched.
    expect(await sessionIdsOf(ben.accountId)).toEqual(bensSessions)

    const history = await database.db
      .selectFrom('record_history')
      .select(['entity_type', 'entity_id', 'actor_kind', 'actor_id', 'channel', 'before', 'after'])
      .where('customer_id', '=', anna.customerId)
      .where('action', '=', 'password_changed')
      .execute()
    expect(history).toEqual([
      {
        entity_type: 'account',
        entity_id: anna.accountId,
        actor_kind: 'customer',
        actor_id: anna.accountId,
        channel: 'portal',
        before: null,
        after: null,
      },
    ])

    // The page after the redirect confirms it, for the new session.
    const page = await answerOf(() =>
      customerLoader(routeArgs(getRequest('/account/password?changed=1', { cookie: newCookie }))),
    )
    expect(page.status).toBe(200)
    expect(page.data).toMatchObject({ changed: true })
  })

  it('ignores an account or customer id posted with the form', async () => {
    const anna = await signedInCustomer(database.db)
    const ben = await signedInCustomer(database.db, { givenName: 'Ben' })
    const bensHash = await passwordHashOf(ben.accountId)
    const bensSessions = await sessionIdsOf(ben.accountId)

    const answer = await post(
      customerPage,
      anna.cookie,
      change({ accountId: ben.accountId, customerId: ben.customerId, id: ben.accountId }),
    )

    expect(answer.status).toBe(302)
    expect(await verifyPassword(await passwordHashOf(anna.accountId), NEW_PASSWORD)).toBe(true)
    expect(await passwordHashOf(ben.accountId)).toBe(bensHash)
    expect(await sessionIdsOf(ben.accountId)).toEqual(bensSessions)
    const bensHistory = await database.db
      .selectFrom('record_history')
      .select('id')
      .where('customer_id', '=', ben.customerId)
      .where('action', '=', 'password_changed')
      .execute()
    expect(bensHistory).toEqual([])
  })

  it('lets one of two changes posted at once with the same current password through', async () => {
    const anna = await createCustomerAccount(database.db)
    const [first, second] = [
      await sessionCookieFor(anna.accountId),
      await sessionCookieFor(anna.accountId),
    ]
    const answers = await Promise.all([
      post(customerPage, first, change()),
      post(
        customerPage,
        second,
        change({ password: `${NEW_PASSWORD} b`, confirmPassword: `${NEW_PASSWORD} b` }),
      ),
    ])
    expect(answers.map((answer) => answer.status).sort()).toEqual([302, 400])
    const winner = answers.findIndex((answer) => answer.status === 302)
    const hash = await passwordHashOf(anna.accountId)
    expect(await verifyPassword(hash, winner === 0 ? NEW_PASSWORD : `${NEW_PASSWORD} b`)).toBe(true)
    expect(await sessionIdsOf(anna.accountId)).toHaveLength(1)
  })

  it('changes nothing when the stored hash is no longer the one the current password was checked against', async () => {
    const anna = await signedInCustomer(database.db)
    const before = await databaseFingerprint(database.db)
    const changed = await database.db.transaction().execute((trx) =>
      replaceAccountPassword(trx, {
        accountId: anna.accountId,
        expectedHash: '$argon2id$v=19$m=19456,t=2,p=1$c3RhbGU$c3RhbGU',
        passwordHash: 'whatever',
        channel: 'portal',
      }),
    )
    expect(changed).toBe(false)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('counts wrong current passwords as failed sign-ins: limited after five, even the right one', async () => {
    const anna = await signedInCustomer(database.db)
    for (let attempt = 0; attempt < 5; attempt++) {
      const answer = await post(
        customerPage,
        anna.cookie,
        change({ currentPassword: `wrong ${attempt}` }),
      )
      expect(answer.status).toBe(400)
    }
    const hashBefore = await passwordHashOf(anna.accountId)

    const limited = await post(customerPage, anna.cookie, change())

    expect(limited.status).toBe(429)
    expect((limited.data as { error?: Record<string, string[]> }).error?.['']).toEqual([
      'auth:errors.tooManyAttempts',
    ])
    expect(await passwordHashOf(anna.accountId)).toBe(hashBefore)
    expect((await userFor(anna.cookie))?.id).toBe(anna.accountId)
  })
})

describe('a staff member changes their password', () => {
  it.each(['agent', 'supervisor', 'admin'] as const)(
    '%s: new password, every session ended, a new session id for this browser',
    async (role) => {
      const staff = await createStaffAccount(database.db, { role })
      const cookie = await sessionCookieFor(staff.accountId)
      const otherDevice = await sessionCookieFor(staff.accountId)
      const historyBefore = await database.db
        .selectFrom('record_history')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()

      const wrong = await post(staffPage, cookie, change({ currentPassword: 'not my password' }))
      expect(wrong.status).toBe(400)
      expect(fieldErrors(wrong.data)).toEqual({ currentPassword: ['account:errors.passwordWrong'] })
      const tooShort = await post(
        staffPage,
        cookie,
        change({ password: 'short', confirmPassword: 'short' }),
      )
      expect(fieldErrors(tooShort.data).password).toEqual(['auth:errors.passwordTooShort'])
      expect(await verifyPassword(await passwordHashOf(staff.accountId), PASSWORD)).toBe(true)

      const answer = await post(staffPage, cookie, change())

      expect(answer.status).toBe(302)
      expect(answer.location).toBe('/staff/password?changed=1')
      const newCookie = cookieFrom(answer.response as Response)
      expect(cookieValue(newCookie)).not.toBe(cookieValue(cookie))
      const hash = await passwordHashOf(staff.accountId)
      expect(await verifyPassword(hash, PASSWORD)).toBe(false)
      expect(await verifyPassword(hash, NEW_PASSWORD)).toBe(true)
      expect(await sessionIdsOf(staff.accountId)).toEqual([hashSessionId(cookieValue(newCookie))])
      expect(await userFor(cookie)).toBeNull()
      expect(await userFor(otherDevice)).toBeNull()
      expect((await userFor(newCookie))?.staffRole).toBe(role)
      // Staff are not customer records: nothing goes into any customer's history.
      const historyAfter = await database.db
        .selectFrom('record_history')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
      expect(historyAfter.n).toBe(historyBefore.n)
    },
  )

  it('ignores an account id posted with the form', async () => {
    const staff = await createStaffAccount(database.db)
    const other = await createStaffAccount(database.db, { role: 'admin' })
    const othersHash = await passwordHashOf(other.accountId)
    const answer = await post(
      staffPage,
      await sessionCookieFor(staff.accountId),
      change({ accountId: other.accountId, staffAccountId: other.accountId }),
    )
    expect(answer.status).toBe(302)
    expect(await passwordHashOf(other.accountId)).toBe(othersHash)
    expect(await verifyPassword(await passwordHashOf(staff.accountId), NEW_PASSWORD)).toBe(true)
  })
})

describe('who may open the pages', () => {
  it('sends a signed-out visitor to the right sign-in page, for the page and the form', async () => {
    for (const [page, signIn] of [
      [customerPage, '/login'],
      [staffPage, '/staff/login'],
    ] as const) {
      const before = await databaseFingerprint(database.db)
      const loaded = await answerOf(() => page.loader(routeArgs(getRequest(page.path))))
      const posted = await post(page, null, change())
      for (const answer of [loaded, posted]) {
        expect(answer.status).toBe(302)
        expect(answer.location).toBe(`${signIn}?${new URLSearchParams({ redirectTo: page.path })}`)
      }
      expect(await databaseFingerprint(database.db)).toEqual(before)
    }
  })

  it('forbids the customer page to staff and the staff page to customers, changing nothing', async () => {
    const staff = await createStaffAccount(database.db, { role: 'admin' })
    const staffCookie = await sessionCookieFor(staff.accountId)
    const customer = await signedInCustomer(database.db)
    for (const [page, cookie] of [
      [customerPage, staffCookie],
      [staffPage, customer.cookie],
    ] as const) {
      const before = await databaseFingerprint(database.db)
      const loaded = await answerOf(() => page.loader(routeArgs(getRequest(page.path, { cookie }))))
      const posted = await post(page, cookie, change())
      expect(loaded.status).toBe(403)
      expect(posted.status).toBe(403)
      expect(await databaseFingerprint(database.db)).toEqual(before)
    }
    expect(await verifyPassword(await passwordHashOf(staff.accountId), PASSWORD)).toBe(true)
    expect(await verifyPassword(await passwordHashOf(customer.accountId), PASSWORD)).toBe(true)
  })
})
