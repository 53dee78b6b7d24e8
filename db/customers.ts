import { type Kysely, sql, type Updateable } from 'kysely'
import { NotFoundError, VersionConflictError } from './errors.ts'
import { type Actor, changedFields, type HistoryChannel, historyValues } from './history.ts'
import type { Customers, DB } from './schema.ts'
import { isUuid } from './ids.ts'

/** The fields a customer (or staff on their behalf) edits as one form. */
export type CustomerDetails = {
  givenName: string
  familyName: string
  preferredName: string | null
  language: string
  timeZone: string
}

export type VersionedCustomerDetails = CustomerDetails & { version: number }

const detailSelection = [
  'given_name as givenName',
  'family_name as familyName',
  'preferred_name as preferredName',
  'language',
  'time_zone as timeZone',
  'version',
] as const

export interface CreateCustomerInput {
  givenName: string
  familyName: string
  preferredName?: string | null
  language?: string
  timeZone?: string
  email: string
  phone?: string | null
}

/**
 * A new customer with a primary email, an optional primary phone, default communication
 * preferences, and the history of each. Pass the transaction of the surrounding change; given
 * a plain handle it opens one itself, so a half-created customer can never be committed.
 */
export async function createCustomer(
  db: Kysely<DB>,
  input: CreateCustomerInput,
  actor: Actor,
  channel: HistoryChannel,
): Promise<{ id: string; customerNumber: string }> {
  return inTransaction(db, async (trx) => {
    const customer = await trx
      .insertInto('customers')
      .values({
        given_name: input.givenName,
        family_name: input.familyName,
        preferred_name: input.preferredName ?? null,
        // Undefined leaves the column to its database default, the one source of defaults.
        language: input.language,
        time_zone: input.timeZone,
      })
      .returning(['id', 'customer_number as customerNumber', ...detailSelection])
      .executeTakeFirstOrThrow()
    const { id: customerId, customerNumber, version: _version, ...details } = customer

    const email = await trx
      .insertInto('customer_emails')
      .values({ customer_id: customerId, email: input.email, is_primary: true })
      .returning(['id', 'email', 'is_primary as isPrimary'])
      .executeTakeFirstOrThrow()
    const phone = input.phone
      ? await trx
          .insertInto('customer_phones')
          .values({ customer_id: customerId, e164: input.phone, is_primary: true })
          .returning(['id', 'e164', 'kind', 'is_primary as isPrimary'])
          .executeTakeFirstOrThrow()
      : null
    const preferences = await trx
      .insertInto('communication_preferences')
      .values({ customer_id: customerId })
      .returning([
        'preferred_service_channel as preferredServiceChannel',
        'marketing_frequency as marketingFrequency',
      ])
      .executeTakeFirstOrThrow()

    const entry = { customerId, actor, channel }
    await trx
      .insertInto('record_history')
      .values([
        historyValues({
          ...entry,
          entityType: 'customer',
          entityId: customerId,
          action: 'created',
          after: { customerNumber, ...details },
        }),
        historyValues({
          ...entry,
          entityType: 'email',
          entityId: email.id,
          action: 'added',
          after: { email: email.email, isPrimary: email.isPrimary },
        }),
        ...(phone
          ? [
              historyValues({
                ...entry,
                entityType: 'phone',
                entityId: phone.id,
                action: 'added',
                after: { e164: phone.e164, kind: phone.kind, isPrimary: phone.isPrimary },
              }),
            ]
          : []),
        historyValues({
          ...entry,
          entityType: 'preferences',
          entityId: customerId,
          action: 'created',
          after: preferences,
        }),
      ])
      .execute()

    return { id: customerId, customerNumber }
  })
}

export interface CustomerProfile {
  id: string
  customerNumber: string
  givenName: string
  familyName: string
  preferredName: string | null
  legalName: string | null
  language: string
  timeZone: string
  status: 'active' | 'closed'
  version: number
  createdAt: Date
  updatedAt: Date
  emails: { id: string; email: string; isPrimary: boolean; verifiedAt: Date | null }[]
  phones: {
    id: string
    e164: string
    kind: 'mobile' | 'home' | 'work'
    isPrimary: boolean
    verifiedAt: Date | null
  }[]
  addresses: {
    id: string
    label: string | null
    recipient: string
    line1: string
    line2: string | null
    city: string
    region: string | null
    postalCode: string | null
    countryCode: string
    isDefaultShipping: boolean
    isDefaultBilling: boolean
    version: number
  }[]
}

/** The record with its contact details (removed addresses left out), or null if there is none. */
export async function getCustomerProfile(
  db: Kysely<DB>,
  customerId: string,
): Promise<CustomerProfile | null> {
  // A malformed id is as unknown as a missing one, not a database error.
  if (!isUuid(customerId)) return null
  const customer = await db
    .selectFrom('customers')
    .select([
      'id',
      'customer_number as customerNumber',
      'given_name as givenName',
      'family_name as familyName',
      'preferred_name as preferredName',
      'legal_name as legalName',
      'language',
      'time_zone as timeZone',
      'status',
      'version',
      'created_at as createdAt',
      'updated_at as updatedAt',
    ])
    .where('id', '=', customerId)
    .executeTakeFirst()
  if (!customer) return null

  const [emails, phones, addresses] = await Promise.all([
    db
      .selectFrom('customer_emails')
      .select(['id', 'email', 'is_primary as isPrimary', 'verified_at as verifiedAt'])
      .where('customer_id', '=', customerId)
      .orderBy('is_primary', 'desc')
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('customer_phones')
      .select(['id', 'e164', 'kind', 'is_primary as isPrimary', 'verified_at as verifiedAt'])
      .where('customer_id', '=', customerId)
      .orderBy('is_primary', 'desc')
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('customer_addresses')
      .select([
        'id',
        'label',
        'recipient',
        'line1',
        'line2',
        'city',
        'region',
        'postal_code as postalCode',
        'country_code as countryCode',
        'is_default_shipping as isDefaultShipping',
        'is_default_billing as isDefaultBilling',
        'version',
      ])
      .where('customer_id', '=', customerId)
      .where('removed_at', 'is', null)
      .orderBy('is_default_shipping', 'desc')
      .orderBy('is_default_billing', 'desc')
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ])
  return { ...customer, emails, phones, addresses }
}

export interface UpdateCustomerDetailsOptions {
  customerId: string
  /** The version the editor was looking at; a save against any other is refused. */
  expectedVersion: number
  changes: Partial<CustomerDetails>
  actor: Actor
  channel: HistoryChannel
}

/**
 * Applies the changed fields if the record is still at `expectedVersion`, and records one history
 * row with only those fields. Saving values equal to the stored ones is a no-op (no new version,
 * no history), even from an older version, as nothing would be lost.
 *
 * @throws NotFoundError when there is no such customer.
 * @throws VersionConflictError with the stored values when the record moved on.
 */
export async function updateCustomerDetails(
  db: Kysely<DB>,
  options: UpdateCustomerDetailsOptions,
): Promise<VersionedCustomerDetails> {
  const { customerId, expectedVersion, changes, actor, channel } = options
  if (!isUuid(customerId)) throw new NotFoundError('customer', customerId)
  return inTransaction(db, async (trx) => {
    const conflict = (current: VersionedCustomerDetails) =>
      new VersionConflictError<VersionedCustomerDetails>({
        entity: 'customer',
        id: customerId,
        expectedVersion,
        current,
        changes,
      })

    const current = await selectDetails(trx, customerId)
    if (!current) throw new NotFoundError('customer', customerId)
    const { version: _version, ...stored } = current
    const diff = changedFields<CustomerDetails>(stored, changes)
    if (!diff) return current
    if (current.version !== expectedVersion) throw conflict(current)

    // Undefined entries are left out of the SET list, so only changed columns are written.
    const set: Updateable<Customers> = {
      given_name: diff.after.givenName,
      family_name: diff.after.familyName,
      preferred_name: diff.after.preferredName,
      language: diff.after.language,
      time_zone: diff.after.timeZone,
    }
    // The version in the WHERE clause is what makes this safe: a concurrent save that committed
    // after our read leaves no row to update, instead of being overwritten.
    const updated = await trx
      .updateTable('customers')
      .set((eb) => ({ ...set, version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
      .where('id', '=', customerId)
      .where('version', '=', expectedVersion)
      .returning(detailSelection)
      .executeTakeFirst()
    if (!updated) {
      const latest = await selectDetails(trx, customerId)
      if (!latest) throw new NotFoundError('customer', customerId)
      throw conflict(latest)
    }

    await trx
      .insertInto('record_history')
      .values(
        historyValues({
          customerId,
          entityType: 'customer',
          entityId: customerId,
          action: 'updated',
          actor,
          channel,
          before: diff.before,
          after: diff.after,
        }),
      )
      .execute()
    return updated
  })
}

async function selectDetails(
  db: Kysely<DB>,
  customerId: string,
): Promise<VersionedCustomerDetails | undefined> {
  return db
    .selectFrom('customers')
    .select(detailSelection)
    .where('id', '=', customerId)
    .executeTakeFirst()
}

function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}
