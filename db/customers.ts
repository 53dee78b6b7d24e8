import { type Kysely, type Selectable, sql, type Updateable } from 'kysely'
import { InvalidStateError, NotFoundError, VersionConflictError } from './errors.ts'
import { type Actor, changedFields, type HistoryChannel, historyValues } from './history.ts'
import type { Customers, DB, JsonValue } from './schema.ts'
import { isUuid } from './ids.ts'

/** A merged record points at the one that survived; see db/customer-merge.ts. */
export type CustomerStatus = Selectable<Customers>['status']

/** The fields a customer (or staff on their behalf) edits as one form. */
export type CustomerDetails = {
  givenName: string
  familyName: string
  preferredName: string | null
  language: string
  timeZone: string
}

/** The details form of the portal: the editable fields plus the legal name (while it may change). */
export type ProfileDetails = CustomerDetails & { legalName: string | null }

export type VersionedProfileDetails = ProfileDetails & { version: number }

const detailSelection = [
  'given_name as givenName',
  'family_name as familyName',
  'preferred_name as preferredName',
  'language',
  'time_zone as timeZone',
  'version',
] as const

const profileSelection = [...detailSelection, 'legal_name as legalName'] as const

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
  status: CustomerStatus
  version: number
  createdAt: Date
  updatedAt: Date
  /** The address the customer signs in with (their account's), null without an account. */
  signInEmail: string | null
  /** A sign-in address change waiting for its verification link to be followed. */
  pendingSignInEmail: { email: string; expiresAt: Date } | null
  /** Invoices exist once there is an order: the legal name then changes only through a request. */
  hasOrders: boolean
  emails: CustomerEmail[]
  phones: CustomerPhone[]
  addresses: CustomerAddress[]
}

export interface CustomerEmail {
  id: string
  email: string
  isPrimary: boolean
  verifiedAt: Date | null
}

export interface CustomerPhone {
  id: string
  e164: string
  kind: 'mobile' | 'home' | 'work'
  isPrimary: boolean
  verifiedAt: Date | null
}

export interface CustomerAddress {
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
}

export const addressSelection = [
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
] as const

/**
 * The record with its contact details (removed addresses left out), or null if there is none.
 * Four statements: the record with its account, then emails, phones and addresses side by side.
 */
export async function getCustomerProfile(
  db: Kysely<DB>,
  customerId: string,
): Promise<CustomerProfile | null> {
  // A malformed id is as unknown as a missing one, not a database error.
  if (!isUuid(customerId)) return null
  const customer = await db
    .selectFrom('customers')
    .leftJoin('accounts', 'accounts.customer_id', 'customers.id')
    .select([
      'customers.id',
      'customers.customer_number as customerNumber',
      'customers.given_name as givenName',
      'customers.family_name as familyName',
      'customers.preferred_name as preferredName',
      'customers.legal_name as legalName',
      'customers.language',
      'customers.time_zone as timeZone',
      'customers.status',
      'customers.version',
      'customers.created_at as createdAt',
      'customers.updated_at as updatedAt',
      'accounts.email as signInEmail',
    ])
    .select((eb) => {
      const pending = eb
        .selectFrom('account_tokens')
        .whereRef('account_tokens.account_id', '=', 'accounts.id')
        .where('account_tokens.purpose', '=', 'email_verification')
        .where('account_tokens.used_at', 'is', null)
        .where('account_tokens.expires_at', '>', sql<Date>`now()`)
        .where(sql<boolean>`account_tokens.payload ->> 'newEmail' is not null`)
        .orderBy('account_tokens.created_at', 'desc')
        .limit(1)
      return [
        eb
          .exists(
            eb
              .selectFrom('orders')
              .select('orders.id')
              .whereRef('orders.customer_id', '=', 'customers.id'),
          )
          .as('hasOrders'),
        pending
          .select(sql<string>`account_tokens.payload ->> 'newEmail'`.as('email'))
          .as('pendingEmail'),
        pending.select('account_tokens.expires_at').as('pendingExpiresAt'),
      ]
    })
    .where('customers.id', '=', customerId)
    .executeTakeFirst()
  if (!customer) return null
  const { pendingEmail, pendingExpiresAt, ...record } = customer

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
      .select(addressSelection)
      .where('customer_id', '=', customerId)
      .where('removed_at', 'is', null)
      .orderBy('is_default_shipping', 'desc')
      .orderBy('is_default_billing', 'desc')
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ])
  return {
    ...record,
    hasOrders: Boolean(record.hasOrders),
    pendingSignInEmail:
      pendingEmail && pendingExpiresAt
        ? { email: pendingEmail, expiresAt: pendingExpiresAt }
        : null,
    emails,
    phones,
    addresses,
  }
}

export type CompletenessIssue =
  'email_unverified' | 'phone_missing' | 'address_missing' | 'default_shipping_missing'

/** What is missing or unconfirmed in a record, most important first. */
export function completenessOf(profile: {
  emails: Pick<CustomerEmail, 'verifiedAt'>[]
  phones: unknown[]
  addresses: Pick<CustomerAddress, 'isDefaultShipping'>[]
}): CompletenessIssue[] {
  const issues: CompletenessIssue[] = []
  if (profile.emails.some((email) => email.verifiedAt === null)) issues.push('email_unverified')
  if (profile.phones.length === 0) issues.push('phone_missing')
  if (profile.addresses.length === 0) issues.push('address_missing')
  else if (!profile.addresses.some((address) => address.isDefaultShipping)) {
    issues.push('default_shipping_missing')
  }
  return issues
}

/**
 * The dashboard's "complete your details" hints, in one statement. An unknown customer has no
 * issues to show (the caller found the customer through the session, so this does not happen).
 */
export async function getProfileCompleteness(
  db: Kysely<DB>,
  customerId: string,
): Promise<CompletenessIssue[]> {
  if (!isUuid(customerId)) return []
  const row = await db
    .selectFrom('customers')
    .select((eb) => [
      eb
        .exists(
          eb
            .selectFrom('customer_emails')
            .select('customer_emails.id')
            .whereRef('customer_emails.customer_id', '=', 'customers.id')
            .where('customer_emails.verified_at', 'is', null),
        )
        .as('emailUnverified'),
      eb
        .exists(
          eb
            .selectFrom('customer_phones')
            .select('customer_phones.id')
            .whereRef('customer_phones.customer_id', '=', 'customers.id'),
        )
        .as('hasPhone'),
      eb
        .exists(
          eb
            .selectFrom('customer_addresses')
            .select('customer_addresses.id')
            .whereRef('customer_addresses.customer_id', '=', 'customers.id')
            .where('customer_addresses.removed_at', 'is', null),
        )
        .as('hasAddress'),
      eb
        .exists(
          eb
            .selectFrom('customer_addresses')
            .select('customer_addresses.id')
            .whereRef('customer_addresses.customer_id', '=', 'customers.id')
            .where('customer_addresses.removed_at', 'is', null)
            .where('customer_addresses.is_default_shipping', '=', true),
        )
        .as('hasDefaultShipping'),
    ])
    .where('customers.id', '=', customerId)
    .executeTakeFirst()
  if (!row) return []
  return completenessOf({
    emails: row.emailUnverified ? [{ verifiedAt: null }] : [],
    phones: row.hasPhone ? [true] : [],
    addresses: row.hasAddress ? [{ isDefaultShipping: Boolean(row.hasDefaultShipping) }] : [],
  })
}

export interface UpdateProfileDetailsOptions {
  customerId: string
  /** The version the editor was looking at; a save against any other is refused. */
  expectedVersion: number
  changes: Partial<ProfileDetails>
  actor: Actor
  channel: HistoryChannel
}

/**
 * The portal's (and staff's) save of the details form. Applies the changed fields if the record
 * is still at `expectedVersion`, and records one history row `customer` / `details_changed` with
 * only those fields (snake_case names). Saving values equal to the stored ones is a no-op (no new
 * version, no history), even from an older version, as nothing would be lost. A customer cannot
 * change their own legal name once they have an order (it is on invoices).
 *
 * @throws NotFoundError when there is no such customer.
 * @throws VersionConflictError with the stored values when the record moved on.
 * @throws InvalidStateError('profile:errors.legalNameLocked') for that legal name change.
 */
export async function updateProfileDetails(
  db: Kysely<DB>,
  options: UpdateProfileDetailsOptions,
): Promise<VersionedProfileDetails> {
  return saveDetails(db, options)
}

/**
 * The language switcher's save for a signed-in customer: only the language, against whatever
 * version the record is at now (the switcher shows no version, and a language choice made this
 * second is the one the customer means). Same history row as a details save.
 */
export async function setCustomerLanguage(
  db: Kysely<DB>,
  options: { customerId: string; language: string; actor: Actor; channel: HistoryChannel },
): Promise<void> {
  const { customerId, language, actor, channel } = options
  if (!isUuid(customerId)) throw new NotFoundError('customer', customerId)
  // A concurrent details save can move the version between the read and the write; the retry
  // reads it again rather than failing the switch.
  for (let attempt = 0; ; attempt++) {
    const current = await selectDetails(db, customerId)
    if (!current) throw new NotFoundError('customer', customerId)
    try {
      await saveDetails(db, {
        customerId,
        expectedVersion: current.version,
        changes: { language },
        actor,
        channel,
      })
      return
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= 2) throw error
    }
  }
}

const historyColumns: Record<keyof ProfileDetails, string> = {
  givenName: 'given_name',
  familyName: 'family_name',
  preferredName: 'preferred_name',
  legalName: 'legal_name',
  language: 'language',
  timeZone: 'time_zone',
}

/** History rows name fields as the columns do. */
function historyFields(values: Partial<ProfileDetails>): JsonValue {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      historyColumns[key as keyof ProfileDetails],
      value,
    ]),
  )
}

async function saveDetails(
  db: Kysely<DB>,
  options: UpdateProfileDetailsOptions,
): Promise<VersionedProfileDetails> {
  const { customerId, expectedVersion, changes, actor, channel } = options
  if (!isUuid(customerId)) throw new NotFoundError('customer', customerId)
  return inTransaction(db, async (trx) => {
    const conflict = (current: VersionedProfileDetails) =>
      new VersionConflictError<VersionedProfileDetails>({
        entity: 'customer',
        id: customerId,
        expectedVersion,
        current,
        changes,
      })

    const current = await selectDetails(trx, customerId)
    if (!current) throw new NotFoundError('customer', customerId)
    const { version: _version, ...stored } = current
    const diff = changedFields<ProfileDetails>(stored, changes)
    if (!diff) return current
    if (current.version !== expectedVersion) throw conflict(current)
    if (
      diff.after.legalName !== undefined &&
      actor.kind === 'customer' &&
      (await customerHasOrders(trx, customerId))
    ) {
      throw new InvalidStateError('profile:errors.legalNameLocked')
    }

    // Undefined entries are left out of the SET list, so only changed columns are written.
    const set: Updateable<Customers> = {
      given_name: diff.after.givenName,
      family_name: diff.after.familyName,
      preferred_name: diff.after.preferredName,
      legal_name: diff.after.legalName,
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
      .returning(profileSelection)
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
          action: 'details_changed',
          actor,
          channel,
          before: historyFields(diff.before),
          after: historyFields(diff.after),
        }),
      )
      .execute()
    return updated
  })
}

/** Whether any order exists for the customer: then invoices exist too. */
export async function customerHasOrders(db: Kysely<DB>, customerId: string): Promise<boolean> {
  if (!isUuid(customerId)) return false
  const row = await db
    .selectFrom('orders')
    .select('id')
    .where('customer_id', '=', customerId)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

async function selectDetails(
  db: Kysely<DB>,
  customerId: string,
): Promise<VersionedProfileDetails | undefined> {
  return db
    .selectFrom('customers')
    .select(profileSelection)
    .where('id', '=', customerId)
    .executeTakeFirst()
}

/** Runs `work` in the caller's transaction, or in a new one when given a plain handle. */
export function inTransaction<T>(
  db: Kysely<DB>,
  work: (trx: Kysely<DB>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}

/**
 * The record that now holds what `customerId` held: itself unless it was merged, else the end of
 * its chain of merges (A into B, later B into C gives C). For links sent before a merge, such as
 * an unsubscribe link in an old newsletter, whose decision must reach the record we still write
 * to. Null for an unknown id.
 */
export async function resolveMergedCustomerId(
  db: Kysely<DB>,
  customerId: string,
): Promise<string | null> {
  if (!isUuid(customerId)) return null
  const { rows } = await sql<{ id: string }>`
    with recursive chain (id, merged_into_id, depth) as (
      select id, merged_into_id, 0 from customers where id = ${customerId}
      union all
      select c.id, c.merged_into_id, chain.depth + 1
      from chain join customers c on c.id = chain.merged_into_id
      where chain.depth < 20
    )
    select id from chain where merged_into_id is null`.execute(db)
  return rows[0]?.id ?? null
}
