import { sql } from 'kysely'
import { addCustomerAddress, addCustomerEmail, addCustomerPhone } from '#db/customer-contacts.ts'
import type { Database } from '#db/database.ts'
import type { Actor } from '#db/history.ts'
import { createRequest } from '#db/requests.ts'
import { createWordings } from '#test/consent/consent-fixtures.ts'
import { createTestOrder } from '#test/requests/request-fixtures.ts'
import { signedInCustomer } from '#test/support/fixtures.ts'
import { createTicket } from '#test/tickets/ticket-fixtures.ts'

// The records a fuzzed form needs to exist so a valid submission gets past "not found": a
// customer with a second email, a phone, an address, a delivered order, a request, a ticket and
// consent wordings.

export const STOCKHOLM = {
  label: 'Home',
  recipient: 'Anna Berg',
  line1: 'Storgatan 1',
  line2: 'c/o Lind',
  city: 'Stockholm',
  region: '',
  postalCode: '118 46',
  countryCode: 'SE',
} as const

export async function createWorld(db: Database) {
  const customer = await signedInCustomer(db)
  const actor: Actor = { kind: 'customer', id: customer.accountId }
  const change = { customerId: customer.customerId, actor, channel: 'portal' as const }
  const email = await addCustomerEmail(db, { ...change, email: `second.${customer.email}` })
  const phone = await addCustomerPhone(db, { ...change, e164: '+46701234567', kind: 'mobile' })
  const address = await addCustomerAddress(db, {
    ...change,
    address: { ...STOCKHOLM, region: null },
    defaultShipping: true,
  })
  const order = await createTestOrder(db, customer.customerId)
  const request = await createRequest(db, {
    ...change,
    kind: 'repair',
    subject: 'Kettle repair',
    details: { product: 'Kettle', fault: 'Does not heat' },
    orderId: order.id,
    idempotencyKey: crypto.randomUUID(),
  })
  const ticket = await createTicket(db, customer)
  const wordings = await createWordings(db)
  return { customer, email, phone, address, order, request, ticket, wordings }
}

export type World = Awaited<ReturnType<typeof createWorld>>

type Versioned =
  | 'customers'
  | 'customer_addresses'
  | 'orders'
  | 'requests'
  | 'tickets'
  | 'canned_replies'
  | 'communication_preferences'

/** The row's current version, as the page would render it in a hidden field. */
export async function versionOf(db: Database, table: Versioned, id: string): Promise<string> {
  const column = table === 'communication_preferences' ? sql.ref('customer_id') : sql.ref('id')
  const { rows } = await sql<{ version: number }>`
    select version from ${sql.table(table)} where ${column} = ${id}`.execute(db)
  return String(rows[0]?.version ?? 1)
}
