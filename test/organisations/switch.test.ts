import { beforeEach, describe, expect, it } from 'vitest'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { loader as rootLoader } from '#app/root.tsx'
import {
  action as switchAction,
  loader as switchLoader,
} from '#app/routes/organisations.switch.tsx'
import { endMembership } from '#db/organisations.ts'
import { hashSessionId } from '#db/sessions.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  cookieValue,
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  sessionCookieFor,
} from '#test/support/fixtures.ts'
import {
  answerOf,
  consentSnapshot,
  cookieFor,
  organisation,
  type Person,
  person,
  sessionsOf,
} from './organisation-helpers.ts'

const database = useTestDatabase()

let maja: Person
let jonas: Person
let anna: Person
let a = ''
let b = ''
let c = ''

beforeEach(async () => {
  maja = await person(database.db, 'Maja')
  jonas = await person(database.db, 'Jonas')
  anna = await person(database.db, 'Anna')
  a = await organisation(database.db, 'Lind & Co Interiors AB', maja)
  b = await organisation(database.db, 'Nordlicht Logistik GmbH', jonas, [[maja, 'member']])
  // Maja is not in C.
  c = await organisation(database.db, 'Other Company Oy', jonas)
})

function switchTo(cookie: string, organisationId: string, redirectTo = '/tickets') {
  return answerOf(() =>
    switchAction(
      routeArgs(formRequest('/organisations/switch', { organisationId, redirectTo }, { cookie })),
    ),
  )
}

async function userOf(cookie: string) {
  return (await getOptionalUser(getRequest('/', { cookie }))).user
}

function nextCookie(answer: { headers: Headers | null }): string {
  return (answer.headers?.get('Set-Cookie') ?? '').split(';')[0] ?? ''
}

async function rootData(cookie: string | null) {
  const result = (await rootLoader(routeArgs(getRequest('/', { cookie })))) as unknown as {
    data: { organisations: unknown }
  }
  return result.data.organisations
}

describe('switching what one acts for', () => {
  it('switches to an own organisation with a new session id, read back by the next request', async () => {
    const cookie = await cookieFor(maja)
    expect((await userOf(cookie))?.actingFor).toBeNull()
    const consent = await consentSnapshot(database.db)

    const toB = await switchTo(cookie, b)
    expect(toB.status).toBe(302)
    expect(toB.location).toBe('/tickets')
    const forB = nextCookie(toB)
    expect(forB).not.toBe(cookie)
    // The old session id is worthless now: only the new one is stored.
    expect(await userOf(cookie)).toBeNull()
    expect((await sessionsOf(database.db, maja.accountId)).map((s) => s.id)).toEqual([
      hashSessionId(cookieValue(forB)),
    ])
    expect((await userOf(forB))?.actingFor).toEqual({
      id: b,
      name: 'Nordlicht Logistik GmbH',
      customerNumber: expect.stringMatching(/^B\d+$/),
      role: 'member',
    })
    // Remembered for the next sign-in.
    const account = await database.db
      .selectFrom('accounts')
      .select('last_organisation_id')
      .where('id', '=', maja.accountId)
      .executeTakeFirstOrThrow()
    expect(account.last_organisation_id).toBe(b)

    const toA = await switchTo(forB, a)
    expect((await userOf(nextCookie(toA)))?.actingFor).toMatchObject({ id: a, role: 'owner' })
    const personal = await switchTo(nextCookie(toA), 'personal', '/')
    expect(personal.location).toBe('/')
    expect((await userOf(nextCookie(personal)))?.actingFor).toBeNull()
    expect(await consentSnapshot(database.db)).toBe(consent)
  })

  it('refuses an organisation one is not (or no longer) in with 404, changing nothing', async () => {
    const cookie = await cookieFor(maja, a)
    const unknown = '00000000-0000-4000-8000-000000000000'
    const before = await databaseFingerprint(database.db)
    for (const target of [c, unknown]) {
      expect((await switchTo(cookie, target)).status).toBe(404)
    }
    expect((await switchTo(cookie, 'not-a-uuid')).status).toBe(400)
    expect(await databaseFingerprint(database.db)).toEqual(before)
    expect((await userOf(cookie))?.actingFor?.id).toBe(a)

    await endMembership(database.db, {
      organisationId: b,
      customerId: maja.customerId,
      action: 'member_removed',
      actor: { kind: 'system' },
      channel: 'system',
    })
    expect((await switchTo(cookie, b)).status).toBe(404)
  })

  it('is for signed-in customers only', async () => {
    const staff = await createStaffAccount(database.db)
    expect((await switchTo(await sessionCookieFor(staff.accountId), a)).status).toBe(403)
    const signedOut = await answerOf(() =>
      switchAction(routeArgs(formRequest('/organisations/switch', { organisationId: a }))),
    )
    expect(signedOut.status).toBe(302)
    expect(signedOut.location).toMatch(/^\/login\?redirectTo=/)
    expect((await answerOf(() => switchLoader())).location).toBe('/')
  })

  it('the header offers the own organisations, and what one acts for now', async () => {
    expect(await rootData(await cookieFor(maja, b))).toEqual({
      actingFor: b,
      options: [
        { id: a, name: 'Lind & Co Interiors AB' },
        { id: b, name: 'Nordlicht Logistik GmbH' },
      ],
    })
    expect(await rootData(await cookieFor(maja))).toMatchObject({ actingFor: null })
    // No organisation, staff, or signed out: no switcher at all.
    expect(await rootData(await cookieFor(anna))).toBeNull()
    const staff = await createStaffAccount(database.db)
    expect(await rootData(await sessionCookieFor(staff.accountId))).toBeNull()
    expect(await rootData(null)).toBeNull()
  })
})
