import { beforeEach, describe, expect, it } from 'vitest'
import { action as organisationAction } from '#app/routes/organisations.$organisationId.tsx'
import { VersionConflictError } from '#db/errors.ts'
import {
  addOrganisationAddress,
  type OrganisationAddress,
  updateOrganisationAddress,
} from '#db/organisations.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import { formRequest, routeArgs } from '#test/support/fixtures.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  answerOf,
  cookieFor,
  historyOf,
  organisation,
  type Person,
  person,
} from './organisation-helpers.ts'

// The owners manage the organisation's addresses on its page: add, change (on the version they
// saw), remove; each with its history row. Members and billing contacts are refused (403),
// another organisation's address is unknown (404), bad input is a field error (400).

const database = useTestDatabase()

let a: string
let b: string
let maja: Person
let erik: Person
let sara: Person
let jonas: Person
let foreignAddress: OrganisationAddress
/** Session cookies acting for `a`, made before any fingerprint is taken. */
let cookies: Map<Person, string>

const by = { actor: { kind: 'system' as const }, channel: 'system' as const }

const valid = {
  kind: 'billing',
  recipient: 'Lind & Co Interiors AB',
  line1: 'Storgatan 12',
  city: 'Malmö',
  postalCode: '211 34',
  countryCode: 'SE',
}

beforeEach(async () => {
  const db = database.db
  maja = await person(db, 'Maja')
  erik = await person(db, 'Erik')
  sara = await person(db, 'Sara')
  jonas = await person(db, 'Jonas')
  a = await organisation(db, 'Lind & Co Interiors AB', maja, [
    [erik, 'member'],
    [sara, 'billing'],
  ])
  b = await organisation(db, 'Nordlicht Logistik GmbH', jonas, [[maja, 'owner']])
  foreignAddress = await addOrganisationAddress(db, {
    organisationId: b,
    address: {
      kind: 'registered',
      recipient: 'Nordlicht Logistik GmbH',
      line1: 'Hafenstraße 1',
      line2: null,
      city: 'Hamburg',
      region: null,
      postalCode: '20457',
      countryCode: 'DE',
    },
    ...by,
  })
  cookies = new Map()
  for (const who of [maja, erik, sara]) cookies.set(who, await cookieFor(who, a))
})

async function post(who: Person, fields: Record<string, string>) {
  const cookie = cookies.get(who)!
  const path = `/organisations/${a}`
  return answerOf(() =>
    organisationAction(routeArgs(formRequest(path, fields, { cookie }), { organisationId: a })),
  )
}

function addressesOf(organisationId: string) {
  return database.db
    .selectFrom('organisation_addresses')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at')
    .execute()
}

async function addressHistory(organisationId: string) {
  return (await historyOf(database.db, organisationId)).filter((row) =>
    row.action.startsWith('address_'),
  )
}

async function addOne(): Promise<OrganisationAddress> {
  return addOrganisationAddress(database.db, {
    organisationId: a,
    address: { ...valid, kind: 'billing', line2: null, region: null },
    ...by,
  })
}

describe('an owner manages the addresses', () => {
  it('adds an address, with an address_added history row by the owner', async () => {
    const answer = await post(maja, { intent: 'address-add', ...valid, line2: 'Floor 3' })
    expect(answer.status).toBe(302)
    expect(answer.location).toBe(`/organisations/${a}?notice=addressAdded`)
    const rows = await addressesOf(a)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      kind: 'billing',
      recipient: 'Lind & Co Interiors AB',
      line1: 'Storgatan 12',
      line2: 'Floor 3',
      city: 'Malmö',
      region: null,
      postal_code: '211 34',
      country_code: 'SE',
      version: 1,
      removed_at: null,
    })
    const history = await addressHistory(a)
    expect(history).toEqual([
      expect.objectContaining({
        action: 'address_added',
        actor_kind: 'customer',
        actor_id: maja.accountId,
        channel: 'portal',
        before: null,
        after: expect.objectContaining({
          address_id: rows[0]!.id,
          kind: 'billing',
          line1: 'Storgatan 12',
          country_code: 'SE',
        }),
      }),
    ])
  })

  it('changes an address: new version, history with only the changed fields', async () => {
    const address = await addOne()
    const answer = await post(maja, {
      intent: 'address-edit',
      addressId: address.id,
      version: '1',
      ...valid,
      line1: 'Södra Förstadsgatan 40',
      city: 'Malmö',
    })
    expect(answer.status).toBe(302)
    expect(answer.location).toBe(`/organisations/${a}?notice=addressSaved`)
    const [row] = await addressesOf(a)
    expect(row).toMatchObject({ line1: 'Södra Förstadsgatan 40', version: 2 })
    const history = await addressHistory(a)
    expect(history.at(-1)).toMatchObject({
      action: 'address_changed',
      actor_kind: 'customer',
      actor_id: maja.accountId,
      channel: 'portal',
      before: { address_id: address.id, line1: 'Storgatan 12' },
      after: { address_id: address.id, line1: 'Södra Förstadsgatan 40' },
    })
  })

  it('removes an address: removed_at set, the row kept, address_removed in the history', async () => {
    const address = await addOne()
    const answer = await post(maja, { intent: 'address-remove', addressId: address.id })
    expect(answer.status).toBe(302)
    expect(answer.location).toBe(`/organisations/${a}?notice=addressRemoved`)
    const [row] = await addressesOf(a)
    expect(row?.removed_at).toBeInstanceOf(Date)
    expect((await addressHistory(a)).at(-1)).toMatchObject({
      action: 'address_removed',
      actor_id: maja.accountId,
      before: { address_id: address.id, kind: 'billing', line1: 'Storgatan 12' },
      after: null,
    })
    // Gone from the page, and removing it again is unknown.
    const again = await post(maja, { intent: 'address-remove', addressId: address.id })
    expect(again.status).toBe(404)
  })

  it('refuses a save on a stale version with both versions, and changes nothing', async () => {
    const address = await addOne()
    await updateOrganisationAddress(database.db, {
      organisationId: a,
      addressId: address.id,
      expectedVersion: 1,
      changes: { city: 'Lund', postalCode: '222 21' },
      ...by,
    })
    const before = await databaseFingerprint(database.db)
    const answer = await post(maja, {
      intent: 'address-edit',
      addressId: address.id,
      version: '1',
      ...valid,
      line1: 'Another street 1',
    })
    expect(answer.status).toBe(409)
    expect(answer.data).toMatchObject({
      kind: 'address-conflict',
      addressId: address.id,
      mine: { version: 1, line1: 'Another street 1' },
      current: { version: 2, city: 'Lund', line1: 'Storgatan 12' },
    })
    expect(await databaseFingerprint(database.db)).toEqual(before)

    await expect(
      updateOrganisationAddress(database.db, {
        organisationId: a,
        addressId: address.id,
        expectedVersion: 1,
        changes: { line1: 'Another street 1' },
        ...by,
      }),
    ).rejects.toMatchObject({
      constructor: VersionConflictError,
      expectedVersion: 1,
      current: { version: 2 },
    })
  })

  it('answers bad input with field errors (400) and changes nothing', async () => {
    const address = await addOne()
    const before = await databaseFingerprint(database.db)
    const add = await post(maja, {
      intent: 'address-add',
      kind: 'headquarters',
      recipient: ' ',
      line1: '',
      city: 'Malmö',
      countryCode: 'XX',
    })
    expect(add.status).toBe(400)
    const addErrors = (add.data as { result: { error: Record<string, string[]> } }).result.error
    expect(Object.keys(addErrors)).toEqual(
      expect.arrayContaining(['kind', 'recipient', 'line1', 'countryCode']),
    )
    expect(addErrors.recipient).toEqual(['profile:errors.recipientRequired'])
    expect(addErrors.kind).toEqual(['organisations:errors.addressKindInvalid'])

    const edit = await post(maja, {
      intent: 'address-edit',
      addressId: address.id,
      version: '1',
      ...valid,
      city: '',
    })
    expect(edit.status).toBe(400)
    expect(edit.data).toMatchObject({
      kind: 'address-edit',
      addressId: address.id,
      result: { error: { city: ['profile:errors.cityRequired'] } },
    })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it("answers another organisation's address id with 404, also for an owner of both", async () => {
    const before = await databaseFingerprint(database.db)
    const edit = await post(maja, {
      intent: 'address-edit',
      addressId: foreignAddress.id,
      version: '1',
      ...valid,
    })
    expect(edit.status).toBe(404)
    const remove = await post(maja, { intent: 'address-remove', addressId: foreignAddress.id })
    expect(remove.status).toBe(404)
    const unknown = await post(maja, { intent: 'address-remove', addressId: 'not-a-uuid' })
    expect(unknown.status).toBe(404)
    expect(await databaseFingerprint(database.db)).toEqual(before)
    expect(await addressesOf(b)).toMatchObject([{ line1: 'Hafenstraße 1', removed_at: null }])
  })
})

describe('members and billing contacts', () => {
  it('are refused every address intent (403) and nothing changes', async () => {
    const address = await addOne()
    const before = await databaseFingerprint(database.db)
    for (const who of [erik, sara]) {
      const answers = await Promise.all([
        post(who, { intent: 'address-add', ...valid }),
        post(who, { intent: 'address-edit', addressId: address.id, version: '1', ...valid }),
        post(who, { intent: 'address-remove', addressId: address.id }),
      ])
      expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403])
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})
