import type { Database } from '#db/database.ts'
import type { ItemKind, ItemVisibility, OrganisationRole } from '#db/item-visibility.ts'
import { addMember, createOrganisation } from '#db/organisations.ts'
import { createRequest } from '#db/requests.ts'
import { createOrder } from '#test/orders/order-fixtures.ts'
import {
  createCustomerAccount,
  createStaffAccount,
  sessionCookieFor,
} from '#test/support/fixtures.ts'
import { addStaffMessage, createTicket } from '#test/tickets/ticket-fixtures.ts'

// An organisation world for access tests, built straight in a test database.
//
// Organisation A ("Acme Fixtures AB"): Olive (owner), Mia and Nora (members), Bill (billing),
// Rex (a member who has been removed: removed_at set, his old session acting for A left in
// place), and Paula, who is also a member of organisation B ("Bravo Fixtures GmbH", owner Bert).
//
// Every kind (order, request, ticket) has one item of each of these, all open, so they show on
// the lists and the dashboard alike:
//   a-private        Paula's, in A, only her
//   a-named          Paula's, in A, shared by name with Mia
//   a-organisation   Mia's, in A, the whole organisation
//   a-owner-private  Olive's, in A, only her
//   a-removed        Rex's, in A (opened before he was removed), the whole organisation
//   b-organisation   Bert's, in B, the whole organisation
//   b-named          Bert's, in B, shared by name with Paula
//   b-paula          Paula's, in B, only her
//   personal-paula / personal-mia / personal-rex   personal items (no organisation)
// Requests wait for the customer (so both cancel and answer would apply); tickets are open with
// a public staff reply carrying a file (an attachment to download).

export const PERSONAS = ['olive', 'mia', 'nora', 'bill', 'rex', 'paula', 'bert'] as const
export type PersonaKey = (typeof PERSONAS)[number]

export const ITEM_KEYS = [
  'a-private',
  'a-named',
  'a-organisation',
  'a-owner-private',
  'a-removed',
  'b-organisation',
  'b-named',
  'b-paula',
  'personal-paula',
  'personal-mia',
  'personal-rex',
] as const
export type ItemKey = (typeof ITEM_KEYS)[number]

export const ITEM_KINDS: readonly ItemKind[] = ['order', 'request', 'ticket']

export interface Person {
  key: PersonaKey
  accountId: string
  customerId: string
  customerNumber: string
  email: string
  /** The display name colleagues see (given + family name; no preferred name is set). */
  name: string
}

export interface WorldItem {
  key: ItemKey
  kind: ItemKind
  id: string
  /** O…, R… or T…: what the URL carries. */
  number: string
  organisation: 'A' | 'B' | null
  visibility: ItemVisibility
  opener: PersonaKey
  sharedWith: PersonaKey[]
  /** Tickets only: a staff reply's file, downloadable by whoever may see the ticket. */
  attachmentId: string | null
  /** Tickets only: the subject, to find the item in a list by more than its number. */
  subject: string
}

/** A browser: who is signed in, and what the session acts for. */
export interface Viewer {
  key: string
  person: PersonaKey
  actingFor: 'A' | 'B' | null
  cookie: string
}

export interface OrganisationWorld {
  organisations: {
    A: { id: string; customerNumber: string }
    B: { id: string; customerNumber: string }
  }
  people: Record<PersonaKey, Person>
  items: WorldItem[]
  item(kind: ItemKind, key: ItemKey): WorldItem
  /** A fresh signed-in session of the person, acting for an organisation or for themselves. */
  cookieFor(person: PersonaKey, actingFor: 'A' | 'B' | null): Promise<string>
  /** Rex's session acting for A, started before his removal (which left it in place). */
  removedMemberOldCookie: string
  staff: { accountId: string; name: string }
}

const NAMES: Record<PersonaKey, [string, string]> = {
  olive: ['Olive', 'Lundqvist'],
  mia: ['Mia', 'Sandberg'],
  nora: ['Nora', 'Vikström'],
  bill: ['Bill', 'Ekholm'],
  rex: ['Rex', 'Holmgren'],
  paula: ['Paula', 'Strandberg'],
  bert: ['Bert', 'Kaufmann'],
}

const MEMBERSHIPS: { person: PersonaKey; organisation: 'A' | 'B'; role: OrganisationRole }[] = [
  { person: 'mia', organisation: 'A', role: 'member' },
  { person: 'nora', organisation: 'A', role: 'member' },
  { person: 'bill', organisation: 'A', role: 'billing' },
  { person: 'rex', organisation: 'A', role: 'member' },
  { person: 'paula', organisation: 'A', role: 'member' },
  { person: 'paula', organisation: 'B', role: 'member' },
]

const ITEM_SPECS: Record<
  ItemKey,
  {
    opener: PersonaKey
    organisation: 'A' | 'B' | null
    visibility: ItemVisibility
    sharedWith?: PersonaKey[]
  }
> = {
  'a-private': { opener: 'paula', organisation: 'A', visibility: 'private' },
  'a-named': { opener: 'paula', organisation: 'A', visibility: 'named', sharedWith: ['mia'] },
  'a-organisation': { opener: 'mia', organisation: 'A', visibility: 'organisation' },
  'a-owner-private': { opener: 'olive', organisation: 'A', visibility: 'private' },
  'a-removed': { opener: 'rex', organisation: 'A', visibility: 'organisation' },
  'b-organisation': { opener: 'bert', organisation: 'B', visibility: 'organisation' },
  'b-named': { opener: 'bert', organisation: 'B', visibility: 'named', sharedWith: ['paula'] },
  'b-paula': { opener: 'paula', organisation: 'B', visibility: 'private' },
  'personal-paula': { opener: 'paula', organisation: null, visibility: 'private' },
  'personal-mia': { opener: 'mia', organisation: null, visibility: 'private' },
  'personal-rex': { opener: 'rex', organisation: null, visibility: 'private' },
}

export const STAFF_NAME = 'Xenia Fixturesson'

/** The display name of a person of the world, as colleagues see it. */
export function displayName(person: PersonaKey): string {
  return NAMES[person].join(' ')
}

/** Builds the world described above. Call it once per test file (it is not cheap). */
export async function organisationWorld(db: Database): Promise<OrganisationWorld> {
  const people = {} as Record<PersonaKey, Person>
  for (const key of PERSONAS) {
    const [givenName, familyName] = NAMES[key]
    const account = await createCustomerAccount(db, {
      givenName,
      email: `${key}.${Math.random().toString(36).slice(2, 8)}@example.com`,
    })
    await db
      .updateTable('customers')
      .set({ family_name: familyName })
      .where('id', '=', account.customerId)
      .execute()
    people[key] = { key, ...account, name: `${givenName} ${familyName}` }
  }
  const system = { actor: { kind: 'system' as const }, channel: 'system' as const }
  const organisationA = await createOrganisation(
    db,
    {
      name: 'Acme Fixtures AB',
      legalName: 'Acme Fixtures Aktiebolag',
      registrationNumber: 'SE556000111101',
      defaultVisibility: 'organisation',
      ownerCustomerId: people.olive.customerId,
    },
    system,
  )
  const organisationB = await createOrganisation(
    db,
    {
      name: 'Bravo Fixtures GmbH',
      registrationNumber: 'HRB 12345',
      defaultVisibility: 'private',
      ownerCustomerId: people.bert.customerId,
    },
    system,
  )
  const organisations = { A: organisationA, B: organisationB }
  const organisationId = (which: 'A' | 'B' | null) => (which ? organisations[which].id : null)
  for (const membership of MEMBERSHIPS) {
    await addMember(db, {
      organisationId: organisations[membership.organisation].id,
      customerId: people[membership.person].customerId,
      role: membership.role,
      ...system,
    })
  }

  const staff = await createStaffAccount(db, { displayName: STAFF_NAME })
  const items: WorldItem[] = []
  for (const key of ITEM_KEYS) {
    const spec = ITEM_SPECS[key]
    const opener = people[spec.opener]
    const columns = {
      organisation_id: organisationId(spec.organisation),
      visibility: spec.visibility,
    }
    const sharedWith = spec.sharedWith ?? []
    const subject = `Fixture ${key}`

    const order = await createOrder(db, opener.customerId, {
      status: 'shipped',
      shipment: { carrier: 'PostNord', trackingNumber: null, status: 'in_transit' },
    })
    await db.updateTable('orders').set(columns).where('id', '=', order.id).execute()
    items.push({
      key,
      kind: 'order',
      id: order.id,
      number: order.orderNumber,
      organisation: spec.organisation,
      visibility: spec.visibility,
      opener: spec.opener,
      sharedWith,
      attachmentId: null,
      subject,
    })

    const request = await createRequest(db, {
      customerId: opener.customerId,
      actor: { kind: 'customer', id: opener.accountId },
      channel: 'portal',
      kind: 'document',
      subject,
      details: { document: 'invoice_copy' },
      idempotencyKey: crypto.randomUUID(),
    })
    await db
      .updateTable('requests')
      .set({ ...columns, status: 'waiting_for_customer' })
      .where('id', '=', request.id)
      .execute()
    items.push({
      key,
      kind: 'request',
      id: request.id,
      number: request.requestNumber,
      organisation: spec.organisation,
      visibility: spec.visibility,
      opener: spec.opener,
      sharedWith,
      attachmentId: null,
      subject,
    })

    const ticket = await createTicket(db, opener, { subject })
    await db.updateTable('tickets').set(columns).where('id', '=', ticket.ticketId).execute()
    const reply = await addStaffMessage(
      db,
      ticket.ticketId,
      { accountId: staff.accountId, customerId: opener.customerId },
      { visibility: 'public', body: `Staff answer on ${key}`, file: `${key}.txt` },
    )
    items.push({
      key,
      kind: 'ticket',
      id: ticket.ticketId,
      number: ticket.ticketNumber,
      organisation: spec.organisation,
      visibility: spec.visibility,
      opener: spec.opener,
      sharedWith,
      attachmentId: reply.attachmentId,
      subject,
    })
  }
  for (const item of items) {
    for (const person of item.sharedWith) {
      await db
        .insertInto('item_shares')
        .values({
          item_kind: item.kind,
          item_id: item.id,
          customer_id: people[person].customerId,
          added_by: people[item.opener].accountId,
        })
        .execute()
    }
  }

  const cookieFor = (person: PersonaKey, actingFor: 'A' | 'B' | null) =>
    sessionCookieFor(people[person].accountId, { actingFor: organisationId(actingFor) })
  // Rex signed in acting for A while he belonged, and was removed after.
  const removedMemberOldCookie = await cookieFor('rex', 'A')
  await markRemoved(db, organisations.A.id, people.rex.customerId)
  return {
    organisations,
    people,
    items,
    item(kind, key) {
      const found = items.find((item) => item.kind === kind && item.key === key)
      if (!found) throw new Error(`No ${kind} ${key} in the world`)
      return found
    },
    cookieFor,
    removedMemberOldCookie,
    staff: { accountId: staff.accountId, name: STAFF_NAME },
  }
}

/**
 * One more item of the world, for a test that changes it (closes, cancels, reshares): the
 * world's own items stay as described above. Tickets are opened with a staff reply and file.
 */
export async function addWorldItem(
  db: Database,
  world: OrganisationWorld,
  input: {
    kind: ItemKind
    opener: PersonaKey
    organisation: 'A' | 'B' | null
    visibility: ItemVisibility
    /** Requests: 'submitted' (cancellable) or 'waiting_for_customer' (answerable, the default). */
    requestStatus?: 'submitted' | 'waiting_for_customer'
    /** Tickets: the default is open. */
    ticketStatus?: 'open' | 'resolved' | 'closed'
    /** Orders: the default is shipped. */
    orderStatus?: 'shipped' | 'delivered'
  },
): Promise<{ id: string; number: string }> {
  const opener = world.people[input.opener]
  const columns = {
    organisation_id: input.organisation ? world.organisations[input.organisation].id : null,
    visibility: input.visibility,
  }
  const subject = `Extra ${input.kind} ${crypto.randomUUID()}`
  switch (input.kind) {
    case 'order': {
      const order = await createOrder(db, opener.customerId, {
        status: input.orderStatus ?? 'shipped',
      })
      await db.updateTable('orders').set(columns).where('id', '=', order.id).execute()
      return { id: order.id, number: order.orderNumber }
    }
    case 'request': {
      const request = await createRequest(db, {
        customerId: opener.customerId,
        actor: { kind: 'customer', id: opener.accountId },
        channel: 'portal',
        kind: 'document',
        subject,
        details: { document: 'invoice_copy' },
        idempotencyKey: crypto.randomUUID(),
      })
      await db
        .updateTable('requests')
        .set({ ...columns, status: input.requestStatus ?? 'waiting_for_customer' })
        .where('id', '=', request.id)
        .execute()
      return { id: request.id, number: request.requestNumber }
    }
    case 'ticket': {
      const ticket = await createTicket(db, opener, {
        subject,
        ...(input.ticketStatus ? { status: input.ticketStatus } : {}),
      })
      await db.updateTable('tickets').set(columns).where('id', '=', ticket.ticketId).execute()
      return { id: ticket.ticketId, number: ticket.ticketNumber }
    }
  }
}

/**
 * Marks a member removed straight in the database, as a removal long ago would have left it,
 * and leaves their sessions alone: a session still naming the organisation must act for nobody
 * but the person themselves from then on.
 */
export async function markRemoved(
  db: Database,
  organisationId: string,
  customerId: string,
): Promise<void> {
  await db
    .updateTable('organisation_members')
    .set({ removed_at: new Date() })
    .where('organisation_id', '=', organisationId)
    .where('customer_id', '=', customerId)
    .where('removed_at', 'is', null)
    .execute()
}
