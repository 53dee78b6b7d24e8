import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { requireCustomer, requireStaff } from '#app/auth/guards.server.ts'
import { getLucia } from '#app/auth/lucia.server.ts'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { countQueries } from '#db/query-count.ts'
import {
  LAST_SEEN_PRECISION_SECONDS,
  STAFF_SESSION_ABSOLUTE_HOURS,
  STAFF_SESSION_IDLE_MINUTES,
} from '#db/sessions.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createCustomerAccount,
  createStaffAccount,
  getRequest,
  thrownResponse,
} from '#test/support/fixtures.ts'

const database = useTestDatabase()

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

async function signedIn(kind: 'staff' | 'customer') {
  const { accountId } =
    kind === 'staff'
      ? await createStaffAccount(database.db)
      : await createCustomerAccount(database.db)
  const lucia = getLucia()
  const session = await lucia.createSession(accountId, { user_agent: 'vitest', ip_address: null })
  return {
    accountId,
    storedId: sha256(session.id),
    cookie: `${lucia.sessionCookieName}=${session.id}`,
  }
}

/**
 * Moves a session back in time, as the database's clock sees it: signed in `createdSecondsAgo`,
 * last request `lastSeenSecondsAgo`. The sliding expiry stays weeks ahead.
 */
async function age(storedId: string, createdSecondsAgo: number, lastSeenSecondsAgo: number) {
  await database.db
    .updateTable('sessions')
    .set({
      created_at: sql<Date>`now() - make_interval(secs => ${createdSecondsAgo})`,
      last_seen_at: sql<Date>`now() - make_interval(secs => ${lastSeenSecondsAgo})`,
    })
    .where('id', '=', storedId)
    .execute()
}

async function storedSession(storedId: string) {
  return database.db
    .selectFrom('sessions')
    .select([
      'id',
      sql<number>`extract(epoch from now() - last_seen_at)::float8`.as('lastSeenSecondsAgo'),
    ])
    .where('id', '=', storedId)
    .executeTakeFirst()
}

/** One request's validation, and how many statements it took. */
async function validate(cookie: string) {
  const { result, queries } = await countQueries(() =>
    runInRequestScope(() => getOptionalUser(getRequest('/staff', { cookie }))),
  )
  return { ...result, queries }
}

const MINUTE = 60
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const IDLE = STAFF_SESSION_IDLE_MINUTES * MINUTE
const ABSOLUTE = STAFF_SESSION_ABSOLUTE_HOURS * HOUR

describe('staff sessions', () => {
  it('has the limits the issue asks for', () => {
    expect(STAFF_SESSION_IDLE_MINUTES).toBe(30)
    expect(STAFF_SESSION_ABSOLUTE_HOURS).toBe(12)
  })

  it('keeps a session used within the idle limit, and records the use', async () => {
    const staff = await signedIn('staff')
    await age(staff.storedId, HOUR, IDLE - 2 * MINUTE)

    const { user, queries } = await validate(staff.cookie)
    expect(user?.id).toBe(staff.accountId)
    expect(queries).toBe(1)
    // Touched in the same statement: the idle clock starts again.
    expect((await storedSession(staff.storedId))?.lastSeenSecondsAgo).toBeLessThan(5)
  })

  it('ends a session idle for longer than 30 minutes, deletes it and sends the user to sign in', async () => {
    const staff = await signedIn('staff')
    await age(staff.storedId, HOUR, IDLE + MINUTE)

    const { user, headers, queries } = await validate(staff.cookie)
    expect(user).toBeNull()
    // Validating, finding it dead and deleting it: still one statement.
    expect(queries).toBe(1)
    expect(headers.get('Set-Cookie')).toMatch(/^cmr_session=;.* Max-Age=0;/)
    expect(await storedSession(staff.storedId)).toBeUndefined()

    // What a staff page does with it: to the sign-in form, and back here afterwards.
    const response = await thrownResponse(() =>
      runInRequestScope(() =>
        requireStaff(getRequest('/staff/tickets?view=mine', { cookie: staff.cookie })),
      ),
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe(
      `/staff/login?${new URLSearchParams({ redirectTo: '/staff/tickets?view=mine' })}`,
    )
  })

  it('ends a session 12 hours after sign-in however active it was', async () => {
    const staff = await signedIn('staff')
    await age(staff.storedId, ABSOLUTE + MINUTE, 10)

    const { user, queries } = await validate(staff.cookie)
    expect(user).toBeNull()
    expect(queries).toBe(1)
    expect(await storedSession(staff.storedId)).toBeUndefined()
  })

  it('keeps an active session just inside the absolute limit', async () => {
    const staff = await signedIn('staff')
    await age(staff.storedId, ABSOLUTE - MINUTE, 10)

    const { user } = await validate(staff.cookie)
    expect(user?.id).toBe(staff.accountId)
  })

  it('writes the last use at most once a minute', async () => {
    const staff = await signedIn('staff')
    await age(staff.storedId, HOUR, LAST_SEEN_PRECISION_SECONDS / 2)

    expect((await validate(staff.cookie)).user?.id).toBe(staff.accountId)
    // Not rewritten: still about half a minute ago.
    const kept = (await storedSession(staff.storedId))?.lastSeenSecondsAgo ?? 0
    expect(kept).toBeGreaterThanOrEqual(LAST_SEEN_PRECISION_SECONDS / 2)

    await age(staff.storedId, HOUR, LAST_SEEN_PRECISION_SECONDS + 5)
    expect((await validate(staff.cookie)).user?.id).toBe(staff.accountId)
    expect((await storedSession(staff.storedId))?.lastSeenSecondsAgo).toBeLessThan(5)
  })

  it('leaves other sessions alone when one ends', async () => {
    const staff = await signedIn('staff')
    const lucia = getLucia()
    const other = await lucia.createSession(staff.accountId, {
      user_agent: 'other',
      ip_address: null,
    })
    await age(staff.storedId, HOUR, IDLE + MINUTE)

    expect((await validate(staff.cookie)).user).toBeNull()
    expect(await storedSession(sha256(other.id))).toBeDefined()
    expect((await validate(`${lucia.sessionCookieName}=${other.id}`)).user?.id).toBe(
      staff.accountId,
    )
  })
})

describe('customer sessions', () => {
  it('have no idle or absolute limit: a session idle for 10 days, 20 days old, still works', async () => {
    const customer = await signedIn('customer')
    await age(customer.storedId, 20 * DAY, 10 * DAY)

    const { result, queries } = await countQueries(() =>
      runInRequestScope(() => requireCustomer(getRequest('/orders', { cookie: customer.cookie }))),
    )
    expect(result.user.id).toBe(customer.accountId)
    expect(queries).toBe(1)
    expect((await storedSession(customer.storedId))?.lastSeenSecondsAgo).toBeLessThan(5)
  })

  it('end when the sliding 30 days run out, and are deleted then', async () => {
    const customer = await signedIn('customer')
    await database.db
      .updateTable('sessions')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', customer.storedId)
      .execute()

    const { user, queries } = await validate(customer.cookie)
    expect(user).toBeNull()
    expect(queries).toBe(1)
    expect(await storedSession(customer.storedId)).toBeUndefined()
  })
})
