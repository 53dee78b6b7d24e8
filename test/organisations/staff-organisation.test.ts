import { beforeAll, describe, expect, test } from 'vitest'
import { loader as searchLoader } from '#app/routes/staff._index.tsx'
import { loader as customer360Loader } from '#app/routes/staff.customers.$customerId.tsx'
import {
  action as organisationAction,
  loader as organisationLoader,
} from '#app/routes/staff.organisations.$organisationId.tsx'
import { loader as ticketLoader } from '#app/routes/staff.tickets.$ticketNumber.tsx'
import type { ItemKind, ItemVisibility } from '#db/item-visibility.ts'
import { addMember, createOrganisation } from '#db/organisations.ts'
import { correctOrganisationDetails } from '#db/staff-organisations.ts'
import { searchOrganisations } from '#db/staff-search.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createCustomerAccount,
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { answerOf } from '#test/tickets/ticket-fixtures.ts'

// The staff 360 of an organisation: who may open it, that it shows everything that belongs to
// the organisation whatever its visibility, the staff correction of its details (history in the
// same transaction, stale versions refused with both sides), and finding organisations in the
// staff search.

const database = useTestDatabase()

const staffRoles = ['agent', 'supervisor', 'admin'] as const
const staffCookies = {} as Record<(typeof staffRoles)[number], string>
let agentAccountId = ''

type Person = Awaited<ReturnType<typeof createCustomerAccount>>

let owner: Person
let member: Person
let orgId = ''
let orgNumber = ''
const items = {} as Record<string, { id: string; number: string }>

async function person(givenName: string): Promise<Person> {
  return createCustomerAccount(database.db, {
    givenName,
    email: uniqueEmail(givenName.toLowerCase()),
  })
}

/** An item straight in the database: the opener, its organisation and who sees it. */
async function item(
  kind: ItemKind,
  opener: Person,
  visibility: ItemVisibility,
  subject: string,
  sharedWith: Person[] = [],
): Promise<{ id: string; number: string }> {
  const db = database.db
  const common = { customer_id: opener.customerId, organisation_id: orgId, visibility }
  const row =
    kind === 'order'
      ? await db
          .insertInto('orders')
          .values({ ...common, currency: 'SEK', subtotal_minor: 1000, total_minor: 1000 })
          .returning(['id', 'order_number as number'])
          .executeTakeFirstOrThrow()
      : kind === 'request'
        ? await db
            .insertInto('requests')
            .values({ ...common, kind: 'repair', subject, details: '{}' })
            .returning(['id', 'request_number as number'])
            .executeTakeFirstOrThrow()
        : await db
            .insertInto('tickets')
            .values({ ...common, subject, category: 'delivery' })
            .returning(['id', 'ticket_number as number'])
            .executeTakeFirstOrThrow()
  for (const colleague of sharedWith) {
    await db
      .insertInto('item_shares')
      .values({ item_kind: kind, item_id: row.id, customer_id: colleague.customerId })
      .execute()
  }
  return row
}

const load = (id: string, cookie: string | null, query = '') =>
  answerOf(() =>
    organisationLoader(
      routeArgs(getRequest(`/staff/organisations/${id}${query}`, { cookie }), {
        organisationId: id,
      }),
    ),
  )

const post = (id: string, fields: Record<string, string>, cookie: string | null) =>
  answerOf(() =>
    organisationAction(
      routeArgs(formRequest(`/staff/organisations/${id}`, fields, { cookie }), {
        organisationId: id,
      }),
    ),
  )

async function stored() {
  return database.db
    .selectFrom('organisations')
    .select(['name', 'legal_name', 'registration_number', 'version', 'updated_at'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow()
}

async function detailsHistory() {
  return database.db
    .selectFrom('organisation_history')
    .select(['actor_kind', 'actor_id', 'channel', 'before', 'after', 'occurred_at'])
    .where('organisation_id', '=', orgId)
    .where('action', '=', 'details_changed')
    .orderBy('id')
    .execute()
}

beforeAll(async () => {
  for (const role of staffRoles) {
    const account = await createStaffAccount(database.db, {
      role,
      displayName: `Sam ${role}`,
    })
    staffCookies[role] = await sessionCookieFor(account.accountId)
    if (role === 'agent') agentAccountId = account.accountId
  }
  owner = await person('Olga')
  member = await person('Mads')
  const created = await createOrganisation(
    database.db,
    {
      name: 'Fjordlys Interiør AS',
      legalName: 'Fjordlys Interiør Aksjeselskap',
      registrationNumber: 'NO 912 345 678 MVA',
      ownerCustomerId: owner.customerId,
    },
    { actor: { kind: 'customer', id: owner.accountId }, channel: 'portal' },
  )
  orgId = created.id
  orgNumber = created.customerNumber
  await addMember(database.db, {
    organisationId: orgId,
    customerId: member.customerId,
    role: 'member',
    actor: { kind: 'customer', id: member.accountId },
    channel: 'portal',
  })
  items.memberPrivateTicket = await item('ticket', member, 'private', 'Only Mads sees this')
  items.ownerWideTicket = await item('ticket', owner, 'organisation', 'Everyone sees this')
  items.namedRequest = await item('request', owner, 'named', 'Shared with Mads', [member])
  items.privateOrder = await item('order', owner, 'private', '')
})

describe('who may open an organisation’s 360', () => {
  test.each(staffRoles.map((role) => [role] as const))('%s: 200', async (role) => {
    const answer = await load(orgId, staffCookies[role])
    expect(answer.status).toBe(200)
  })

  test('a customer, even a member of it: 403; signed out: the staff sign-in', async () => {
    const customer = await signedInCustomer(database.db)
    expect((await load(orgId, customer.cookie)).status).toBe(403)
    const ownCookie = await sessionCookieFor(owner.accountId, { actingFor: orgId })
    expect((await load(orgId, ownCookie)).status).toBe(403)
    const signedOut = await load(orgId, null)
    expect(signedOut.status).toBe(302)
    expect(signedOut.location).toMatch(/^\/staff\/login\?redirectTo=/)
  })

  test('an unknown or malformed id: 404', async () => {
    expect((await load(crypto.randomUUID(), staffCookies.agent)).status).toBe(404)
    expect((await load('not-an-id', staffCookies.agent)).status).toBe(404)
    const before = await databaseFingerprint(database.db)
    const answer = await post(
      crypto.randomUUID(),
      { intent: 'details', version: '1', name: 'Nobody AB' },
      staffCookies.agent,
    )
    expect(answer.status).toBe(404)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('a customer posting a correction: 403, nothing changed', async () => {
    const customer = await signedInCustomer(database.db)
    const before = await databaseFingerprint(database.db)
    const answer = await post(
      orgId,
      { intent: 'details', version: '1', name: 'Hijacked AS' },
      customer.cookie,
    )
    expect(answer.status).toBe(403)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('what the 360 shows', () => {
  test('details, people with roles, and every item whatever its visibility', async () => {
    const answer = await load(orgId, staffCookies.supervisor)
    const data = answer.data as Awaited<ReturnType<typeof organisationLoader>>['data']
    expect(data.organisation).toMatchObject({
      id: orgId,
      customerNumber: orgNumber,
      name: 'Fjordlys Interiør AS',
      registrationNumber: 'NO 912 345 678 MVA',
    })
    expect(data.members.map((m) => [m.customerId, m.role])).toEqual([
      [owner.customerId, 'owner'],
      [member.customerId, 'member'],
    ])

    // The member's private ticket is there: staff see everything, and each item says who sees it.
    expect(
      data.items.tickets.map((ticket) => [ticket.ticketNumber, ticket.visibility]).sort(),
    ).toEqual(
      [
        [items.memberPrivateTicket?.number, 'private'],
        [items.ownerWideTicket?.number, 'organisation'],
      ].sort(),
    )
    const privateTicket = data.items.tickets.find(
      (ticket) => ticket.ticketNumber === items.memberPrivateTicket?.number,
    )
    expect(privateTicket?.openedBy).toEqual({ customerId: member.customerId, name: 'Mads Berg' })
    expect(data.items.requests).toMatchObject([
      {
        requestNumber: items.namedRequest?.number,
        visibility: 'named',
        sharedWith: ['Mads Berg'],
        openedBy: { customerId: owner.customerId, name: 'Olga Berg' },
      },
    ])
    expect(data.items.orders).toMatchObject([
      { orderNumber: items.privateOrder?.number, visibility: 'private', sharedWith: [] },
    ])
    // Its history names who did what.
    expect(data.history.map((entry) => [entry.action, entry.actorName])).toEqual(
      expect.arrayContaining([
        ['organisation_created', 'Olga Berg'],
        ['member_joined', 'Mads Berg'],
      ]),
    )
  })

  test('the person’s 360 lists their organisations with their role', async () => {
    const answer = await answerOf(() =>
      customer360Loader(
        routeArgs(
          getRequest(`/staff/customers/${member.customerId}`, { cookie: staffCookies.agent }),
          { customerId: member.customerId },
        ),
      ),
    )
    const data = answer.data as Awaited<ReturnType<typeof customer360Loader>>['data']
    expect(data.organisations).toMatchObject([
      {
        organisationId: orgId,
        name: 'Fjordlys Interiør AS',
        customerNumber: orgNumber,
        role: 'member',
        removedAt: null,
      },
    ])
  })

  test('the ticket workspace shows the ticket’s organisation and who sees it', async () => {
    const number = items.memberPrivateTicket?.number ?? ''
    const answer = await answerOf(() =>
      ticketLoader(
        routeArgs(getRequest(`/staff/tickets/${number}`, { cookie: staffCookies.agent }), {
          ticketNumber: number,
        }),
      ),
    )
    const data = answer.data as Awaited<ReturnType<typeof ticketLoader>>['data']
    expect(data.organisation).toEqual({
      visibility: 'private',
      organisation: { id: orgId, name: 'Fjordlys Interiør AS', customerNumber: orgNumber },
      sharedWith: [],
    })
  })
})

describe('staff correct the details', () => {
  test('a correction saves, bumps the version and writes history as staff, together', async () => {
    const before = await stored()
    const answer = await post(
      orgId,
      {
        intent: 'details',
        version: String(before.version),
        name: 'Fjordlys Interiør AS',
        legalName: 'Fjordlys Interiør AS',
        registrationNumber: 'NO912345678MVA',
      },
      staffCookies.agent,
    )
    expect(answer.status).toBe(302)
    expect(answer.location).toBe(`/staff/organisations/${orgId}?saved=details`)
    const after = await stored()
    expect(after).toMatchObject({
      legal_name: 'Fjordlys Interiør AS',
      registration_number: 'NO912345678MVA',
      version: before.version + 1,
    })
    const history = await detailsHistory()
    expect(history).toHaveLength(1)
    expect(history[0]).toMatchObject({
      actor_kind: 'staff',
      actor_id: agentAccountId,
      channel: 'staff',
      before: {
        legal_name: 'Fjordlys Interiør Aksjeselskap',
        registration_number: 'NO 912 345 678 MVA',
      },
      after: { legal_name: 'Fjordlys Interiør AS', registration_number: 'NO912345678MVA' },
    })
    // One transaction: now() is the transaction's start, the same for the row and its history.
    expect(history[0]?.occurred_at).toEqual(after.updated_at)

    // The 360 shows it, by the staff member's name.
    const page = await load(orgId, staffCookies.admin)
    const data = page.data as Awaited<ReturnType<typeof organisationLoader>>['data']
    expect(data.history[0]).toMatchObject({
      action: 'details_changed',
      actorKind: 'staff',
      actorName: 'Sam agent',
      channel: 'staff',
    })

    // The same values again change nothing and write nothing.
    const again = await post(
      orgId,
      {
        intent: 'details',
        version: String(after.version),
        name: 'Fjordlys Interiør AS',
        legalName: 'Fjordlys Interiør AS',
        registrationNumber: 'NO912345678MVA',
      },
      staffCookies.agent,
    )
    expect(again.location).toBe(`/staff/organisations/${orgId}?saved=unchanged`)
    expect(await detailsHistory()).toHaveLength(1)
    expect((await stored()).version).toBe(after.version)
  })

  test('when the history row cannot be written, the change is not kept either', async () => {
    const before = await stored()
    const historyBefore = await detailsHistory()
    // An actor id that is no uuid makes the history insert fail after the update ran.
    await expect(
      correctOrganisationDetails(database.db, {
        organisationId: orgId,
        expectedVersion: before.version,
        changes: { name: 'Never Saved AS', legalName: null, registrationNumber: null },
        staffAccountId: 'not-a-uuid',
      }),
    ).rejects.toThrow()
    expect(await stored()).toEqual(before)
    expect(await detailsHistory()).toEqual(historyBefore)
  })

  test('a stale version is refused with both versions, and nothing is saved', async () => {
    const current = await stored()
    const before = await databaseFingerprint(database.db)
    const answer = await post(
      orgId,
      {
        intent: 'details',
        version: String(current.version - 1),
        name: 'Fjordlys Design AS',
        legalName: current.legal_name ?? '',
        registrationNumber: current.registration_number ?? '',
      },
      staffCookies.supervisor,
    )
    expect(answer.status).toBe(409)
    expect(answer.data).toMatchObject({
      result: null,
      conflict: {
        expectedVersion: current.version - 1,
        current: {
          name: current.name,
          legalName: current.legal_name,
          registrationNumber: current.registration_number,
          version: current.version,
        },
        mine: { name: 'Fjordlys Design AS' },
      },
    })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('bad input gets translated field errors (400), nothing saved', async () => {
    const current = await stored()
    const before = await databaseFingerprint(database.db)
    const answer = await post(
      orgId,
      {
        intent: 'details',
        version: String(current.version),
        name: '   ',
        registrationNumber: 'x'.repeat(41),
      },
      staffCookies.agent,
    )
    expect(answer.status).toBe(400)
    const data = answer.data as { result: { error: Record<string, string[]> } }
    expect(data.result.error.name).toEqual(['organisations:errors.nameRequired'])
    expect(data.result.error.registrationNumber).toEqual(['validation.tooLong'])
    const tooBig = await post(
      orgId,
      { intent: 'details', version: '99999999999', name: 'Fjordlys AS' },
      staffCookies.agent,
    )
    expect(tooBig.status).toBe(400)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('staff search finds organisations', () => {
  let nordlys = ''

  beforeAll(async () => {
    const other = await person('Nils')
    const created = await createOrganisation(
      database.db,
      {
        name: 'Nordlys Logistikk AS',
        registrationNumber: 'NO 987 654 321',
        ownerCustomerId: other.customerId,
      },
      { actor: { kind: 'system' }, channel: 'system' },
    )
    nordlys = created.id
  })

  test('by name, even misspelt or only part of it', async () => {
    const ids = async (term: string) =>
      (await searchOrganisations(database.db, term, { limit: 10 })).map((result) => result.id)
    // "Fjordlys" is close enough to match too, below the better match.
    expect((await ids('Nordlys'))[0]).toBe(nordlys)
    expect(await ids('nordlis logistik')).toEqual([nordlys])
    expect(await ids('Fjordlys')).toContain(orgId)
    expect(await ids('Zebra Holdings')).toEqual([])
  })

  test('by customer number and by registration (VAT) number, typed any way', async () => {
    const first = async (term: string) =>
      (await searchOrganisations(database.db, term, { limit: 10 }))[0]
    expect(await first(orgNumber.toLowerCase())).toMatchObject({
      id: orgId,
      matchedBy: 'number',
    })
    expect(await first('no987654321')).toMatchObject({ id: nordlys, matchedBy: 'registration' })
    expect(await first('NO 987-654-321')).toMatchObject({
      id: nordlys,
      matchedBy: 'registration',
      memberCount: 1,
    })
  })

  test('the search page lists organisations linking to their 360, with the people', async () => {
    const answer = await answerOf(() =>
      searchLoader(routeArgs(getRequest('/staff?q=Nordlys', { cookie: staffCookies.agent }))),
    )
    const data = answer.data as Awaited<ReturnType<typeof searchLoader>>['data']
    expect(data.organisations[0]).toMatchObject({ id: nordlys, matchedBy: 'name' })

    const numbered = await answerOf(() =>
      searchLoader(
        routeArgs(
          getRequest(`/staff?q=${encodeURIComponent(orgNumber)}`, { cookie: staffCookies.agent }),
        ),
      ),
    )
    const found = numbered.data as Awaited<ReturnType<typeof searchLoader>>['data']
    expect(found.organisations).toMatchObject([{ id: orgId, customerNumber: orgNumber }])
    expect(found.results).toEqual([])
  })
})
