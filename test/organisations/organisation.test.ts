import { beforeEach, describe, expect, it } from 'vitest'
import {
  action as organisationAction,
  loader as organisationLoader,
} from '#app/routes/organisations.$organisationId.tsx'
import { loader as historyLoader } from '#app/routes/organisations.$organisationId_.history.tsx'
import { type Actor } from '#db/history.ts'
import { changeMemberRole, endMembership } from '#db/organisations.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { useSmtpSink } from '../lifecycle/lifecycle-support.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
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
  historyOf,
  organisation,
  type Person,
  person,
  sessionsOf,
} from './organisation-helpers.ts'

const database = useTestDatabase()
useSmtpSink()

interface World {
  a: string
  b: string
  maja: Person
  erik: Person
  sara: Person
  olaf: Person
  rita: Person
  jonas: Person
}
let world: World

beforeEach(async () => {
  const db = database.db
  const maja = await person(db, 'Maja')
  const erik = await person(db, 'Erik')
  const sara = await person(db, 'Sara')
  const olaf = await person(db, 'Olaf')
  const rita = await person(db, 'Rita')
  const jonas = await person(db, 'Jonas')
  const a = await organisation(db, 'Lind & Co Interiors AB', maja, [
    [erik, 'member'],
    [sara, 'billing'],
    [rita, 'member'],
  ])
  const b = await organisation(db, 'Nordlicht Logistik GmbH', jonas, [[maja, 'member']])
  await endMembership(db, {
    organisationId: a,
    customerId: rita.customerId,
    action: 'member_removed',
    actor: { kind: 'system' },
    channel: 'system',
  })
  world = { a, b, maja, erik, sara, olaf, rita, jonas }
})

function page(cookie: string | null, organisationId: string) {
  const path = `/organisations/${organisationId}`
  return answerOf(() =>
    organisationLoader(routeArgs(getRequest(path, { cookie }), { organisationId })),
  )
}

function post(cookie: string, organisationId: string, fields: Record<string, string>) {
  const path = `/organisations/${organisationId}`
  return answerOf(() =>
    organisationAction(routeArgs(formRequest(path, fields, { cookie }), { organisationId })),
  )
}

function history(cookie: string, organisationId: string) {
  const path = `/organisations/${organisationId}/history`
  return answerOf(() => historyLoader(routeArgs(getRequest(path, { cookie }), { organisationId })))
}

async function versionOf(organisationId: string): Promise<number> {
  const row = await database.db
    .selectFrom('organisations')
    .select('version')
    .where('id', '=', organisationId)
    .executeTakeFirstOrThrow()
  return row.version
}

async function roleOf(organisationId: string, who: Person) {
  const row = await database.db
    .selectFrom('organisation_members')
    .select(['role', 'removed_at'])
    .where('organisation_id', '=', organisationId)
    .where('customer_id', '=', who.customerId)
    .orderBy('joined_at', 'desc')
    .executeTakeFirst()
  return row ? (row.removed_at ? 'removed' : row.role) : null
}

describe('the organisation page', () => {
  it('shows an owner the details, the people with their roles and the open invitations', async () => {
    const { a, maja } = world
    const answer = await page(await cookieFor(maja, a), a)
    expect(answer.status).toBe(200)
    const data = answer.data as {
      organisation: {
        name: string
        customerNumber: string
        members: { name: string; role: string }[]
        invitations: unknown[]
      }
      isOwner: boolean
    }
    expect(data.isOwner).toBe(true)
    expect(data.organisation.name).toBe('Lind & Co Interiors AB')
    expect(data.organisation.customerNumber).toMatch(/^B\d+$/)
    // Rita was removed: she is not listed any more.
    expect(data.organisation.members.map((m) => [m.name, m.role])).toEqual([
      ['Maja Berg', 'owner'],
      ['Erik Berg', 'member'],
      ['Sara Berg', 'billing'],
    ])
  })

  it('shows a member and a billing contact the page, without the invitations', async () => {
    const { a, erik, sara } = world
    for (const who of [erik, sara]) {
      const answer = await page(await cookieFor(who, a), a)
      expect(answer.status).toBe(200)
      expect(answer.data).toMatchObject({ isOwner: false, organisation: { invitations: [] } })
    }
  })

  it('answers 404 to everyone not acting for the organisation', async () => {
    const { a, b, maja, erik, olaf, rita, jonas } = world
    const staff = await createStaffAccount(database.db)
    const cases: [string, string, number][] = [
      ['member acting for themselves', await cookieFor(erik, null), 404],
      ['owner acting for another organisation', await cookieFor(maja, b), 404],
      ['outsider claiming to act for it', await cookieFor(olaf, a), 404],
      ['removed member', await cookieFor(rita, a), 404],
      ['owner of another organisation', await cookieFor(jonas, b), 404],
      ['staff', await sessionCookieFor(staff.accountId), 403],
    ]
    for (const [label, cookie, status] of cases) {
      expect({ label, status: (await page(cookie, a)).status }).toEqual({ label, status })
      expect({ label, status: (await history(cookie, a)).status }).toEqual({ label, status })
    }
    // An unknown or malformed id answers like a foreign one.
    const majaA = await cookieFor(maja, a)
    expect((await page(majaA, '00000000-0000-4000-8000-000000000000')).status).toBe(404)
    expect((await page(majaA, 'not-a-uuid')).status).toBe(404)
    // Signed out: to the sign-in page, which comes back here.
    const signedOut = await page(null, a)
    expect(signedOut.status).toBe(302)
    expect(signedOut.location).toBe(
      `/login?redirectTo=${encodeURIComponent(`/organisations/${a}`)}`,
    )
  })

  it('shows the history to owners (names, staff by name), and 403 to other members', async () => {
    const { a, maja, erik } = world
    const staff = await createStaffAccount(database.db, { displayName: 'Kim Support' })
    await changeMemberRole(database.db, {
      organisationId: a,
      customerId: erik.customerId,
      role: 'billing',
      actor: { kind: 'staff', id: staff.accountId },
      channel: 'staff',
    })
    expect((await history(await cookieFor(erik, a), a)).status).toBe(403)
    const answer = await history(await cookieFor(maja, a), a)
    expect(answer.status).toBe(200)
    const items = (answer.data as { items: Record<string, unknown>[] }).items
    expect(items[0]).toMatchObject({
      action: 'role_changed',
      actorKind: 'staff',
      actorName: 'Kim Support',
      subjectName: 'Erik Berg',
      before: { role: 'member' },
      after: { role: 'billing' },
    })
    expect(items.map((item) => item.action)).toContain('member_removed')
    expect(items.at(-1)).toMatchObject({ action: 'organisation_created', actorKind: 'system' })
  })
})

describe('owner actions', () => {
  const ownerOnly = (ids: { erik: string; invitation: string }): Record<string, string>[] => [
    {
      intent: 'details',
      version: '1',
      name: 'Taken over AB',
      legalName: '',
      registrationNumber: '',
    },
    { intent: 'visibility', visibility: 'organisation' },
    { intent: 'invite', email: 'new.colleague@example.com', role: 'owner', language: 'en' },
    { intent: 'revoke', invitationId: ids.invitation },
    { intent: 'role', customerId: ids.erik, role: 'owner' },
    { intent: 'remove', customerId: ids.erik },
  ]

  it('are refused with 403 to members and billing, 404 to everyone else, changing nothing', async () => {
    const { a, b, maja, erik, sara, olaf, rita } = world
    // An open invitation to try revoking.
    await post(await cookieFor(maja, a), a, {
      intent: 'invite',
      email: 'pending@example.com',
      role: 'member',
      language: 'en',
    })
    const invitation = await database.db
      .selectFrom('organisation_invitations')
      .select('id')
      .where('organisation_id', '=', a)
      .executeTakeFirstOrThrow()
    const callers: [string, string, number][] = [
      ['member', await cookieFor(erik, a), 403],
      ['billing', await cookieFor(sara, a), 403],
      ['member acting for themselves', await cookieFor(erik, null), 404],
      ['owner acting for another organisation', await cookieFor(maja, b), 404],
      ['outsider', await cookieFor(olaf, a), 404],
      ['removed member', await cookieFor(rita, a), 404],
    ]
    const before = await databaseFingerprint(database.db)
    for (const [label, cookie, status] of callers) {
      for (const fields of ownerOnly({ erik: erik.customerId, invitation: invitation.id })) {
        const answer = await post(cookie, a, fields)
        expect({ label, intent: fields.intent, status: answer.status }).toEqual({
          label,
          intent: fields.intent,
          status,
        })
      }
      // Leaving is for members of the organisation acted for only.
      if (status === 404) expect((await post(cookie, a, { intent: 'leave' })).status).toBe(404)
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('saves the details with their version and history, and refuses a stale save showing both', async () => {
    const { a, maja } = world
    const cookie = await cookieFor(maja, a)
    const consent = await consentSnapshot(database.db)
    const saved = await post(cookie, a, {
      intent: 'details',
      version: '1',
      name: 'Lind & Co Interiors AB',
      legalName: 'Lind & Co Interiors Aktiebolag',
      registrationNumber: 'SE556677889901',
    })
    expect(saved.status).toBe(302)
    expect(saved.location).toBe(`/organisations/${a}?notice=detailsSaved`)
    expect(await versionOf(a)).toBe(2)
    expect((await historyOf(database.db, a)).at(-1)).toEqual({
      action: 'details_changed',
      subject_customer_id: null,
      actor_kind: 'customer',
      actor_id: maja.accountId,
      channel: 'portal',
      before: { legal_name: null, registration_number: null },
      after: {
        legal_name: 'Lind & Co Interiors Aktiebolag',
        registration_number: 'SE556677889901',
      },
    })

    // A second tab still holds version 1.
    const before = await databaseFingerprint(database.db)
    const stale = await post(cookie, a, {
      intent: 'details',
      version: '1',
      name: 'Lind Interiors',
      legalName: '',
      registrationNumber: 'SE000',
    })
    expect(stale.status).toBe(409)
    expect(stale.data).toEqual({
      kind: 'conflict',
      conflict: {
        mine: { name: 'Lind Interiors', legalName: null, registrationNumber: 'SE000' },
        current: {
          name: 'Lind & Co Interiors AB',
          legalName: 'Lind & Co Interiors Aktiebolag',
          registrationNumber: 'SE556677889901',
          version: 2,
        },
        fields: ['name', 'legalName', 'registrationNumber'],
      },
    })
    expect(await databaseFingerprint(database.db)).toEqual(before)

    // Bad input: a translated field error, nothing written.
    const invalid = await post(cookie, a, { intent: 'details', version: '2', name: '  ' })
    expect(invalid.status).toBe(400)
    expect(invalid.data).toMatchObject({
      kind: 'details',
      result: { error: { name: ['organisations:errors.nameRequired'] } },
    })
    expect(await consentSnapshot(database.db)).toBe(consent)
  })

  it('changes the default visibility, with its history', async () => {
    const { a, maja } = world
    const answer = await post(await cookieFor(maja, a), a, {
      intent: 'visibility',
      visibility: 'organisation',
    })
    expect(answer.status).toBe(302)
    const row = await database.db
      .selectFrom('organisations')
      .select('default_visibility')
      .where('id', '=', a)
      .executeTakeFirstOrThrow()
    expect(row.default_visibility).toBe('organisation')
    expect((await historyOf(database.db, a)).at(-1)).toMatchObject({
      action: 'default_visibility_changed',
      before: { default_visibility: 'private' },
      after: { default_visibility: 'organisation' },
    })
  })

  it('changes roles, but never demotes the last owner', async () => {
    const { a, maja, erik } = world
    const cookie = await cookieFor(maja, a)
    const refused = await post(cookie, a, {
      intent: 'role',
      customerId: maja.customerId,
      role: 'member',
    })
    expect(refused.status).toBe(409)
    expect(refused.data).toEqual({ kind: 'member', error: 'organisations:errors.lastOwner' })
    expect(await roleOf(a, maja)).toBe('owner')

    expect(
      (await post(cookie, a, { intent: 'role', customerId: erik.customerId, role: 'owner' }))
        .status,
    ).toBe(302)
    expect(await roleOf(a, erik)).toBe('owner')
    expect((await historyOf(database.db, a)).at(-1)).toEqual({
      action: 'role_changed',
      subject_customer_id: erik.customerId,
      actor_kind: 'customer',
      actor_id: maja.accountId,
      channel: 'portal',
      before: { role: 'member' },
      after: { role: 'owner' },
    })
    // With a second owner, Maja may step down.
    expect(
      (await post(cookie, a, { intent: 'role', customerId: maja.customerId, role: 'member' }))
        .status,
    ).toBe(302)
    expect(await roleOf(a, maja)).toBe('member')
  })

  it('removes a member: only the sessions acting for this organisation end, their own history stays', async () => {
    const { a, b, maja, jonas } = world
    // Maja is a member of B too; Jonas (owner of B) joins A as a member for this test.
    const jonasInA = await post(await cookieFor(maja, a), a, {
      intent: 'role',
      customerId: jonas.customerId,
      role: 'member',
    })
    expect(jonasInA.status).toBe(404)
    const { addMember } = await import('#db/organisations.ts')
    await addMember(database.db, {
      organisationId: a,
      customerId: jonas.customerId,
      role: 'member',
      actor: { kind: 'system' },
      channel: 'system',
    })
    const forA = await cookieFor(jonas, a)
    await cookieFor(jonas, b)
    await cookieFor(jonas, null)
    const personalHistory = await database.db
      .selectFrom('record_history')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('customer_id', '=', jonas.customerId)
      .executeTakeFirstOrThrow()
    const consent = await consentSnapshot(database.db)

    const removed = await post(await cookieFor(maja, a), a, {
      intent: 'remove',
      customerId: jonas.customerId,
    })
    expect(removed.status).toBe(302)
    expect(removed.location).toBe(`/organisations/${a}?notice=removed`)
    expect(await roleOf(a, jonas)).toBe('removed')
    expect(
      (await sessionsOf(database.db, jonas.accountId)).map((s) => s.active_organisation_id).sort(),
    ).toEqual([b, null].sort())
    expect((await page(forA, a)).status).toBe(302) // the session is gone: to the sign-in
    expect((await historyOf(database.db, a)).at(-1)).toEqual({
      action: 'member_removed',
      subject_customer_id: jonas.customerId,
      actor_kind: 'customer',
      actor_id: maja.accountId,
      channel: 'portal',
      before: { role: 'member' },
      after: null,
    })
    const after = await database.db
      .selectFrom('record_history')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('customer_id', '=', jonas.customerId)
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(personalHistory.n))
    expect(await consentSnapshot(database.db)).toBe(consent)
    // Removing someone not (or no longer) in the organisation: 404.
    expect(
      (await post(await cookieFor(maja, a), a, { intent: 'remove', customerId: jonas.customerId }))
        .status,
    ).toBe(404)
  })

  it('never removes the last owner; the last owner cannot leave either', async () => {
    const { a, maja } = world
    const cookie = await cookieFor(maja, a)
    const before = await databaseFingerprint(database.db)
    const removed = await post(cookie, a, { intent: 'remove', customerId: maja.customerId })
    expect(removed.status).toBe(409)
    expect(removed.data).toEqual({ kind: 'member', error: 'organisations:errors.lastOwner' })
    const left = await post(cookie, a, { intent: 'leave' })
    expect(left.status).toBe(409)
    expect(left.data).toEqual({ kind: 'leave', error: 'organisations:errors.lastOwner' })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('lets any member leave: their sessions for it end, this browser continues for themselves', async () => {
    const { a, erik } = world
    const other = await cookieFor(erik, a)
    const left = await post(await cookieFor(erik, a), a, { intent: 'leave' })
    expect(left.status).toBe(302)
    expect(left.location).toBe('/')
    expect(left.headers?.get('Set-Cookie')).toMatch(/session/)
    expect(await roleOf(a, erik)).toBe('removed')
    expect(
      (await sessionsOf(database.db, erik.accountId)).map((s) => s.active_organisation_id),
    ).toEqual([null])
    expect((await page(other, a)).status).toBe(302)
    expect((await historyOf(database.db, a)).at(-1)).toMatchObject({
      action: 'member_left',
      subject_customer_id: erik.customerId,
      actor_kind: 'customer',
      actor_id: erik.accountId,
    })
  })
})

describe('history rows are written in the same transaction as the change', () => {
  it('a change whose history row cannot be written is not made', async () => {
    const { a, erik } = world
    // A customer actor without an id breaks the history table's check: the role must stay.
    const broken = { kind: 'customer', id: null } as unknown as Actor
    await expect(
      changeMemberRole(database.db, {
        organisationId: a,
        customerId: erik.customerId,
        role: 'owner',
        actor: broken,
        channel: 'portal',
      }),
    ).rejects.toThrow()
    expect(await roleOf(a, erik)).toBe('member')
    await expect(
      endMembership(database.db, {
        organisationId: a,
        customerId: erik.customerId,
        action: 'member_removed',
        actor: broken,
        channel: 'portal',
      }),
    ).rejects.toThrow()
    expect(await roleOf(a, erik)).toBe('member')
  })
})
