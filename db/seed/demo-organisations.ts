import type { Actor, HistoryChannel } from '../history.ts'
import type { OrganisationRole } from '../item-visibility.ts'
import type { JsonValue } from '../schema.ts'
import { buildConsentOf } from './demo-consent.ts'
import { type DemoContext, DemoClock } from './demo-context.ts'
import { buildCustomer } from './demo-customers.ts'
import { DEMO_ORGANISATIONS } from './demo-logins.ts'
import { buildOrder, type DemoOrder } from './demo-orders.ts'
import type { DemoPerson } from './demo-people.ts'
import { buildRequest } from './demo-requests.ts'
import { buildTicket } from './demo-tickets.ts'

// Two business customers and their people. Built after everything else, so the personal
// customers' random draws (and with them their records) stay exactly as they were.

export const MAJA_LIND = 'maja-lind'
export const ERIK_HOLM = 'erik-holm'
export const SARA_EK = 'sara-ek'
export const JONAS_WEBER = 'jonas-weber'

export const LIND_AND_CO = DEMO_ORGANISATIONS.lind
export const NORDLICHT = DEMO_ORGANISATIONS.nordlicht

/** The people of the demo organisations; they sign in with the demo password like everyone. */
export const ORGANISATION_PEOPLE: DemoPerson[] = [
  {
    key: MAJA_LIND,
    givenName: 'Maja',
    familyName: 'Lind',
    language: 'en',
    timeZone: 'Europe/Stockholm',
    region: 'SE',
    city: 'Malmö',
    postalCode: '211 19',
    emails: ['maja.lind@example.com'],
    phones: 1,
    addresses: 1,
    customerSinceDays: 240,
  },
  {
    key: ERIK_HOLM,
    givenName: 'Erik',
    familyName: 'Holm',
    language: 'en',
    timeZone: 'Europe/Stockholm',
    region: 'SE',
    city: 'Malmö',
    postalCode: '214 21',
    emails: ['erik.holm@example.com'],
    phones: 1,
    addresses: 1,
    customerSinceDays: 200,
  },
  // Swedish by heart; the portal speaks English, German and Spanish, so English it is.
  {
    key: SARA_EK,
    givenName: 'Sara',
    familyName: 'Ek',
    language: 'en',
    timeZone: 'Europe/Stockholm',
    region: 'SE',
    city: 'Lund',
    postalCode: '222 21',
    emails: ['sara.ek@example.com'],
    phones: 1,
    addresses: 1,
    customerSinceDays: 180,
  },
  {
    key: JONAS_WEBER,
    givenName: 'Jonas',
    familyName: 'Weber',
    language: 'de',
    timeZone: 'Europe/Berlin',
    region: 'DE',
    city: 'Hamburg',
    postalCode: '20457',
    emails: ['jonas.weber@example.com'],
    phones: 1,
    addresses: 1,
    customerSinceDays: 400,
  },
]

interface AddressScript {
  kind: 'registered' | 'billing' | 'shipping'
  recipient: string
  line1: string
  line2?: string
  city: string
  postalCode: string
  countryCode: string
}

interface OrganisationScript {
  name: string
  legalName: string
  registrationNumber: string
  defaultVisibility: 'private' | 'organisation'
  createdBy: string
  createdDaysAgo: number
  addresses: AddressScript[]
  /** Who joined after the founder, invited by them. */
  members: { customer: string; role: OrganisationRole; joinedDaysAgo: number }[]
}

const LIND: OrganisationScript = {
  name: LIND_AND_CO,
  legalName: 'Lind & Co Interiors Aktiebolag',
  registrationNumber: 'SE556677889901',
  defaultVisibility: 'organisation',
  createdBy: MAJA_LIND,
  createdDaysAgo: 220,
  addresses: [
    {
      kind: 'registered',
      recipient: LIND_AND_CO,
      line1: 'Stortorget 9',
      city: 'Malmö',
      postalCode: '211 22',
      countryCode: 'SE',
    },
    {
      kind: 'billing',
      recipient: LIND_AND_CO,
      line1: 'Box 4711',
      line2: 'Ekonomiavdelningen',
      city: 'Malmö',
      postalCode: '203 12',
      countryCode: 'SE',
    },
  ],
  members: [
    { customer: ERIK_HOLM, role: 'member', joinedDaysAgo: 199 },
    { customer: SARA_EK, role: 'billing', joinedDaysAgo: 179 },
  ],
}

const NORDLICHT_LOGISTIK: OrganisationScript = {
  name: NORDLICHT,
  legalName: 'Nordlicht Logistik GmbH',
  registrationNumber: 'DE298765432',
  defaultVisibility: 'private',
  createdBy: JONAS_WEBER,
  createdDaysAgo: 380,
  addresses: [
    {
      kind: 'registered',
      recipient: NORDLICHT,
      line1: 'Am Sandtorkai 50',
      city: 'Hamburg',
      postalCode: '20457',
      countryCode: 'DE',
    },
  ],
  members: [{ customer: MAJA_LIND, role: 'member', joinedDaysAgo: 99 }],
}

/**
 * The organisations' people (customer records, consent and history like everyone's), the two
 * organisations with their addresses, memberships and history, and what was ordered, asked and
 * discussed for them. `customerNumbers` holds one number per person of ORGANISATION_PEOPLE.
 */
export function buildOrganisations(
  ctx: DemoContext,
  options: {
    passwordHash: string
    customerNumbers: string[]
    wordings: Map<string, string>
    orders: Map<string, DemoOrder>
  },
): void {
  ORGANISATION_PEOPLE.forEach((person, index) => {
    const customerNumber = options.customerNumbers[index]
    if (!customerNumber) throw new Error('Not enough customer numbers reserved for the demo')
    buildCustomer(ctx, person, customerNumber, options.passwordHash)
    buildConsentOf(ctx, person.key, ctx.customer(person.key), options.wordings)
  })

  const lind = buildOrganisation(ctx, LIND)
  const nordlicht = buildOrganisation(ctx, NORDLICHT_LOGISTIK)

  // History rows name fields as db/organisations.ts writes them (the columns' names).
  // Lind & Co: the owner chose that new items are seen by the whole company...
  const maja = ctx.customer(MAJA_LIND)
  const majaActor: Actor = { kind: 'customer', id: maja.accountId }
  organisationHistory(ctx, {
    organisationId: lind.id,
    action: 'default_visibility_changed',
    actor: majaActor,
    channel: 'portal',
    before: { default_visibility: 'private' },
    after: { default_visibility: 'organisation' },
    at: ctx.clock.daysAgo(LIND.createdDaysAgo, 10),
  })
  // ...and a staff member corrected its registration number from the paperwork.
  organisationHistory(ctx, {
    organisationId: lind.id,
    action: 'details_changed',
    actor: ctx.staffActor('agent'),
    channel: 'staff',
    before: { registration_number: 'SE556677889900' },
    after: { registration_number: LIND.registrationNumber },
    at: ctx.clock.daysAgo(60, 14),
  })
  lind.row.version = 3
  lind.row.updated_at = ctx.clock.daysAgo(60, 14)

  const lindAddress = addressSnapshot(LIND.addresses[0])
  const orders = options.orders
  orders.set(
    'lind-lamps',
    buildOrder(ctx, {
      customer: maja,
      status: 'delivered',
      daysAgo: 30,
      items: [
        ['LMP-5500', 8],
        ['NTB-0200', 20],
      ],
      organisation: { id: lind.id, visibility: 'organisation' },
      address: lindAddress,
    }),
  )
  // Placed for the company but kept to herself: the owner and billing still see it.
  orders.set(
    'lind-coffee',
    buildOrder(ctx, {
      customer: maja,
      status: 'paid',
      daysAgo: 3,
      items: [
        ['COF-0500', 10],
        ['MUG-0102', 3],
      ],
      organisation: { id: lind.id, visibility: 'private' },
      address: lindAddress,
    }),
  )
  // Her own, at home: seen only while she acts for herself.
  orders.set(
    'maja-blanket',
    buildOrder(ctx, { customer: maja, status: 'delivered', daysAgo: 50, items: [['BLK-1500', 1]] }),
  )

  buildRequest(
    ctx,
    {
      customer: MAJA_LIND,
      kind: 'return',
      subject: 'Return: two desk lamps flicker',
      details: {
        reason: 'defective',
        lines: [{ sku: 'LMP-5500', quantity: 2 }],
        outcome: 'refund',
      },
      order: 'lind-lamps',
      daysAgo: 10,
      hour: 11,
      steps: [
        {
          to: 'in_review',
          by: 'agent',
          afterHours: 4,
          note: 'Thank you, we are checking the lamps with our warehouse.',
        },
      ],
      organisation: { id: lind.id, visibility: 'named', sharedWith: [SARA_EK] },
    },
    orders,
  )

  buildTicket(
    ctx,
    {
      customer: MAJA_LIND,
      subject: 'Delivery of the conference chairs',
      category: 'delivery',
      priority: 'high',
      daysAgo: 2,
      hour: 9,
      assignee: 'agent',
      messages: [
        {
          from: 'customer',
          afterHours: 0,
          body: 'Our twelve conference chairs were confirmed for delivery this week, but the carrier has not been in touch. We have a board meeting on Friday: can you tell us when they arrive?',
        },
        {
          from: 'agent',
          afterHours: 2,
          body: 'Hi Maja, the chairs left our warehouse yesterday and are booked for delivery on Thursday morning. Is someone at the office to receive them?',
        },
        {
          from: 'customer',
          author: ERIK_HOLM,
          afterHours: 3,
          body: 'I will be at the office on Thursday from 8. The loading dock is behind the building, on Lilla Nygatan.',
        },
      ],
      changes: [],
      organisation: { id: lind.id, visibility: 'organisation' },
    },
    orders,
  )
  buildTicket(
    ctx,
    {
      customer: ERIK_HOLM,
      subject: 'Invoice address for our Malmö office',
      category: 'billing',
      priority: 'normal',
      daysAgo: 3,
      hour: 14,
      messages: [
        {
          from: 'customer',
          afterHours: 0,
          body: 'Could the invoices for the Malmö office show our cost centre 4410 in the address? Please keep this between us for now, I am still checking it with finance.',
        },
      ],
      changes: [],
      organisation: { id: lind.id, visibility: 'private' },
    },
    orders,
  )
  buildTicket(
    ctx,
    {
      customer: JONAS_WEBER,
      subject: 'Lieferschein für die Paletten fehlt',
      category: 'delivery',
      priority: 'normal',
      daysAgo: 5,
      hour: 8,
      assignee: 'agent',
      messages: [
        {
          from: 'customer',
          afterHours: 0,
          body: 'Bei der Lieferung an unser Lager fehlte der Lieferschein. Können Sie ihn uns schicken?',
        },
        {
          from: 'agent',
          afterHours: 5,
          body: 'Guten Tag Herr Weber, der Lieferschein ist unterwegs. Bitte bestätigen Sie uns kurz, ob er angekommen ist.',
        },
      ],
      changes: [{ to: 'waiting_on_customer', by: 'agent', afterHours: 5 }],
      organisation: { id: nordlicht.id, visibility: 'organisation' },
    },
    orders,
  )
}

function buildOrganisation(ctx: DemoContext, script: OrganisationScript) {
  const id = ctx.id()
  const founder = ctx.customer(script.createdBy)
  const founderActor: Actor = { kind: 'customer', id: founder.accountId }
  const createdAt = ctx.clock.daysAgo(script.createdDaysAgo, 9)
  const row = {
    id,
    name: script.name,
    legal_name: script.legalName,
    registration_number: script.registrationNumber,
    default_visibility: script.defaultVisibility,
    version: 1,
    created_at: createdAt,
    updated_at: createdAt,
  }
  ctx.rows.organisations.push(row)
  for (const address of script.addresses) {
    ctx.rows.organisation_addresses.push({
      id: ctx.id(),
      organisation_id: id,
      kind: address.kind,
      recipient: address.recipient,
      line1: address.line1,
      line2: address.line2 ?? null,
      city: address.city,
      postal_code: address.postalCode,
      country_code: address.countryCode,
      created_at: createdAt,
      updated_at: createdAt,
    })
  }
  organisationHistory(ctx, {
    organisationId: id,
    action: 'organisation_created',
    actor: founderActor,
    channel: 'portal',
    after: {
      name: script.name,
      legalName: script.legalName,
      registrationNumber: script.registrationNumber,
    },
    at: createdAt,
  })
  membership(ctx, id, script.createdBy, 'owner', createdAt, founderActor)
  for (const member of script.members) {
    const person = ctx.customer(member.customer)
    const joinedAt = ctx.clock.daysAgo(member.joinedDaysAgo, 10)
    organisationHistory(ctx, {
      organisationId: id,
      action: 'member_invited',
      actor: founderActor,
      channel: 'portal',
      after: { email: person.person.emails[0], role: member.role },
      at: DemoClock.plusHours(joinedAt, -20),
    })
    membership(ctx, id, member.customer, member.role, joinedAt, {
      kind: 'customer',
      id: person.accountId,
    })
  }
  return { id, row }
}

function membership(
  ctx: DemoContext,
  organisationId: string,
  key: string,
  role: OrganisationRole,
  at: Date,
  actor: Actor,
): void {
  const customer = ctx.customer(key)
  ctx.rows.organisation_members.push({
    id: ctx.id(),
    organisation_id: organisationId,
    customer_id: customer.id,
    role,
    joined_at: at,
  })
  organisationHistory(ctx, {
    organisationId,
    action: 'member_joined',
    subjectCustomerId: customer.id,
    actor,
    channel: 'portal',
    after: { role },
    at,
  })
}

function organisationHistory(
  ctx: DemoContext,
  entry: {
    organisationId: string
    action: string
    subjectCustomerId?: string
    actor: Actor
    channel: HistoryChannel
    before?: JsonValue
    after?: JsonValue
    at: Date
  },
): void {
  ctx.rows.organisation_history.push({
    organisation_id: entry.organisationId,
    action: entry.action,
    subject_customer_id: entry.subjectCustomerId ?? null,
    actor_kind: entry.actor.kind,
    actor_id: entry.actor.id ?? null,
    channel: entry.channel,
    before: entry.before == null ? null : JSON.stringify(entry.before),
    after: entry.after == null ? null : JSON.stringify(entry.after),
    occurred_at: entry.at,
  })
}

function addressSnapshot(address: AddressScript | undefined): { [key: string]: JsonValue } {
  if (!address) throw new Error('A demo organisation needs an address')
  return {
    recipient: address.recipient,
    line1: address.line1,
    line2: address.line2 ?? null,
    city: address.city,
    region: null,
    postalCode: address.postalCode,
    countryCode: address.countryCode,
  }
}
