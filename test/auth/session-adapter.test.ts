import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { getLucia } from '#app/auth/lucia.server.ts'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { resetEnvCache } from '#app/lib/env.server.ts'
import { KyselySessionAdapter } from '#db/sessions.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { createCustomerAccount, createStaffAccount, getRequest } from '#test/support/fixtures.ts'

const database = useTestDatabase()
const DAY_MS = 24 * 60 * 60 * 1000

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

const noAttributes = { user_agent: 'vitest', ip_address: null }

describe('KyselySessionAdapter', () => {
  it('stores only the SHA-256 of the id that goes into the cookie', async () => {
    const { accountId } = await createCustomerAccount(database.db)
    const lucia = getLucia()
    const session = await lucia.createSession(accountId, noAttributes)
    const cookie = lucia.createSessionCookie(session.id)
    expect(cookie.name).toBe('cmr_session')
    expect(cookie.value).toBe(session.id)

    const rows = await database.db
      .selectFrom('sessions')
      .select(['id', 'account_id', 'user_agent', 'ip_address'])
      .where('account_id', '=', accountId)
      .execute()
    expect(rows).toEqual([
      { id: sha256(cookie.value), account_id: accountId, user_agent: 'vitest', ip_address: null },
    ])
    // Nowhere in the table, in any column of any row.
    const everything = await sql<{
      row: string
    }>`select sessions::text as row from sessions`.execute(database.db)
    expect(everything.rows.some(({ row }) => row.includes(session.id))).toBe(false)
  })

  it('loads a staff member with role and name, and a customer with number and name', async () => {
    const adapter = new KyselySessionAdapter(database.db)
    const lucia = getLucia()
    const staff = await createStaffAccount(database.db, {
      role: 'supervisor',
      displayName: 'Kim Lead',
    })
    const customer = await createCustomerAccount(database.db, {
      givenName: 'Johanna',
      preferredName: 'Jo',
    })
    const staffSession = await lucia.createSession(staff.accountId, noAttributes)
    const customerSession = await lucia.createSession(customer.accountId, noAttributes)

    const [session, staffUser] = await adapter.getSessionAndUser(staffSession.id)
    expect(session).toMatchObject({ id: staffSession.id, userId: staff.accountId })
    expect(staffUser?.attributes).toMatchObject({
      kind: 'staff',
      staff_role: 'supervisor',
      staff_display_name: 'Kim Lead',
      customer_id: null,
    })

    const validated = await lucia.validateSession(customerSession.id)
    expect(validated.user).toEqual({
      id: customer.accountId,
      kind: 'customer',
      displayName: 'Jo',
      customerNumber: customer.customerNumber,
      customerId: customer.customerId,
      staffRole: null,
      language: 'en',
      timeZone: 'UTC',
      actingFor: null,
    })
  })

  it('does not return an expired session', async () => {
    const adapter = new KyselySessionAdapter(database.db)
    const { accountId } = await createCustomerAccount(database.db)
    const session = await getLucia().createSession(accountId, noAttributes)
    await database.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', sha256(session.id))
      .execute()

    expect(await adapter.getSessionAndUser(session.id)).toEqual([null, null])
    expect((await getLucia().validateSession(session.id)).user).toBeNull()

    await adapter.deleteExpiredSessions()
    const left = await database.db
      .selectFrom('sessions')
      .select('id')
      .where('account_id', '=', accountId)
      .execute()
    expect(left).toEqual([])
  })

  it('refuses disabled accounts and deactivated staff, and drops their sessions', async () => {
    const lucia = getLucia()
    const customer = await createCustomerAccount(database.db)
    const staff = await createStaffAccount(database.db)
    const customerSession = await lucia.createSession(customer.accountId, noAttributes)
    const staffSession = await lucia.createSession(staff.accountId, noAttributes)
    await database.db
      .updateTable('accounts')
      .set({ disabled_at: new Date() })
      .where('id', '=', customer.accountId)
      .execute()
    await database.db
      .updateTable('staff_members')
      .set({ deactivated_at: new Date() })
      .where('account_id', '=', staff.accountId)
      .execute()

    expect((await lucia.validateSession(customerSession.id)).user).toBeNull()
    expect((await lucia.validateSession(staffSession.id)).user).toBeNull()
    const left = await database.db
      .selectFrom('sessions')
      .select('id')
      .where('account_id', 'in', [customer.accountId, staff.accountId])
      .execute()
    expect(left).toEqual([])
  })

  it('signs out a customer whose record was closed', async () => {
    const lucia = getLucia()
    const customer = await createCustomerAccount(database.db)
    const session = await lucia.createSession(customer.accountId, noAttributes)
    expect((await lucia.validateSession(session.id)).user?.id).toBe(customer.accountId)

    const { customer_id } = await database.db
      .selectFrom('accounts')
      .select('customer_id')
      .where('id', '=', customer.accountId)
      .executeTakeFirstOrThrow()
    await database.db
      .updateTable('customers')
      .set({ status: 'closed', closed_at: new Date() })
      .where('id', '=', customer_id!)
      .execute()

    expect((await lucia.validateSession(session.id)).user).toBeNull()
  })

  it('extends a session past half its life and sends a renewed cookie', async () => {
    const { accountId } = await createCustomerAccount(database.db)
    const lucia = getLucia()
    const session = await lucia.createSession(accountId, noAttributes)
    await database.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() + 10 * DAY_MS) })
      .where('id', '=', sha256(session.id))
      .execute()

    const cookie = `${lucia.sessionCookieName}=${session.id}`
    const { user, session: renewed, headers } = await getOptionalUser(getRequest('/', { cookie }))
    expect(user?.id).toBe(accountId)
    expect(renewed?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * DAY_MS)
    expect(headers.get('Set-Cookie')).toContain(`${lucia.sessionCookieName}=${session.id}`)

    const stored = await database.db
      .selectFrom('sessions')
      .select('expires_at')
      .where('id', '=', sha256(session.id))
      .executeTakeFirstOrThrow()
    expect(stored.expires_at.getTime()).toBeGreaterThan(Date.now() + 29 * DAY_MS)

    // A fresh session sends no cookie: nothing to renew.
    const again = await getOptionalUser(getRequest('/', { cookie }))
    expect(again.headers.get('Set-Cookie')).toBeNull()
  })

  it('blanks the cookie of a session that no longer exists', async () => {
    const { headers, user } = await getOptionalUser(
      getRequest('/', { cookie: 'cmr_session=unknownsessionid' }),
    )
    expect(user).toBeNull()
    expect(headers.get('Set-Cookie')).toMatch(/^cmr_session=;.* Max-Age=0;/)
  })

  it('names the cookie __Host-cmr_session and marks it Secure when cookies are secure', () => {
    const before = process.env.COOKIE_SECURE
    process.env.COOKIE_SECURE = 'true'
    resetEnvCache()
    try {
      const cookie = getLucia().createSessionCookie('some-session-id').serialize()
      expect(cookie).toMatch(/^__Host-cmr_session=some-session-id;/)
      expect(cookie).toContain('; Secure')
      expect(cookie).toContain('; HttpOnly')
      expect(cookie).toContain('; SameSite=Lax')
      expect(cookie).toContain('; Path=/')
      expect(cookie).not.toContain('Domain')
    } finally {
      if (before === undefined) delete process.env.COOKIE_SECURE
      else process.env.COOKIE_SECURE = before
      resetEnvCache()
    }
    expect(getLucia().createSessionCookie('x').serialize()).not.toContain('Secure')
  })

  it('lists an account’s sessions by their stored hash and ends them all', async () => {
    const adapter = new KyselySessionAdapter(database.db)
    const { accountId } = await createCustomerAccount(database.db)
    const lucia = getLucia()
    const first = await lucia.createSession(accountId, noAttributes)
    const second = await lucia.createSession(accountId, {
      user_agent: null,
      ip_address: '192.0.2.1',
    })

    const listed = await adapter.getUserSessions(accountId)
    expect(listed.map((s) => s.id).sort()).toEqual([sha256(first.id), sha256(second.id)].sort())

    await adapter.deleteUserSessions(accountId)
    expect(await adapter.getSessionAndUser(first.id)).toEqual([null, null])
    expect(await adapter.getSessionAndUser(second.id)).toEqual([null, null])
  })
})
