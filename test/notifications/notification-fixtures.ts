import { afterEach } from 'vitest'
import { type ChannelCode, recordConsent, type TopicCode } from '#db/consent.ts'
import { type Database } from '#db/database.ts'
import { type MarketingFrequency } from '#db/preferences.ts'
import { signedInCustomer } from '#test/support/fixtures.ts'

export interface NotifiedCustomerOptions {
  givenName?: string
  /** A mobile number, for SMS. */
  mobile?: string | null
  preferredServiceChannel?: ChannelCode
  marketingFrequency?: MarketingFrequency
  quietHours?: { start: string; end: string } | null
  timeZone?: string
  language?: string
  /** Consent given (granted) before the test starts. */
  grants?: [ChannelCode, TopicCode][]
}

/** A signed-in customer with the contact details, preferences and consent a test needs. */
export async function notifiedCustomer(db: Database, options: NotifiedCustomerOptions = {}) {
  const customer = await signedInCustomer(db, { givenName: options.givenName ?? 'Anna' })
  if (options.mobile) {
    await db
      .insertInto('customer_phones')
      .values({
        customer_id: customer.customerId,
        e164: options.mobile,
        kind: 'mobile',
        is_primary: true,
      })
      .execute()
  }
  await db
    .updateTable('customers')
    .set({ time_zone: options.timeZone ?? 'UTC', language: options.language ?? 'en' })
    .where('id', '=', customer.customerId)
    .execute()
  await db
    .updateTable('communication_preferences')
    .set({
      preferred_service_channel: options.preferredServiceChannel ?? 'email',
      marketing_frequency: options.marketingFrequency ?? 'immediate',
      quiet_hours_start: options.quietHours?.start ?? null,
      quiet_hours_end: options.quietHours?.end ?? null,
    })
    .where('customer_id', '=', customer.customerId)
    .execute()
  for (const [channel, topic] of options.grants ?? []) {
    await setConsent(db, customer.customerId, channel, topic, 'granted')
  }
  return customer
}

export async function setConsent(
  db: Database,
  customerId: string,
  channel: ChannelCode,
  topic: TopicCode,
  decision: 'granted' | 'withdrawn' | 'pending',
) {
  await recordConsent(db, {
    customerId,
    channel,
    topic,
    decision,
    wordingId: null,
    language: 'en',
    source: 'portal',
    actor: { kind: 'system' },
  })
}

export async function outboxOf(db: Database, customerId: string) {
  return db
    .selectFrom('notification_outbox')
    .select([
      'id',
      'topic',
      'template',
      'payload',
      'entity_type',
      'entity_id',
      'status',
      'attempts',
      'next_attempt_at',
      'last_error',
      'processed_at',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute()
}

export async function deliveriesOf(db: Database, customerId: string) {
  return db
    .selectFrom('notification_deliveries')
    .select(['outbox_id', 'channel', 'topic', 'outcome', 'reason', 'recipient', 'subject'])
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute()
}

/**
 * The worker takes every due row in the database, whoever it is for. So that no test meets the
 * rows another left behind (held for quiet hours, waiting for a retry), each test's unsent rows
 * are put out of reach after it.
 */
export function settleLeftoversAfterEach(database: { readonly db: Database }) {
  afterEach(async () => {
    await database.db
      .updateTable('notification_outbox')
      .set({ status: 'failed', last_error: 'left over by a test' })
      .where('status', 'in', ['pending', 'processing'])
      .execute()
  })
}

/** An order row of the customer's, straight in the database. */
export async function createOrderRow(
  db: Database,
  customerId: string,
  status: 'placed' | 'paid' | 'packed' | 'shipped' = 'packed',
) {
  return db
    .insertInto('orders')
    .values({
      customer_id: customerId,
      status,
      currency: 'EUR',
      subtotal_minor: 4990,
      total_minor: 4990,
    })
    .returning(['id', 'order_number as orderNumber'])
    .executeTakeFirstOrThrow()
}
