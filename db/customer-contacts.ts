import { type Kysely, sql } from 'kysely'
import {
  consumeAccountToken,
  createAccountToken,
  hashToken,
  peekAccountToken,
} from './account-tokens.ts'
import {
  addressSelection,
  type CustomerAddress,
  type CustomerPhone,
  inTransaction,
} from './customers.ts'
import { InvalidStateError, NotFoundError, VersionConflictError } from './errors.ts'
import { type Actor, changedFields, type HistoryChannel, recordHistory } from './history.ts'
import { isUuid } from './ids.ts'
import type { DB, JsonValue } from './schema.ts'
import { deleteAccountSessions } from './sessions.ts'

// A customer's emails, phones and postal addresses, and their sign-in address. Every function
// takes the customer and scopes each statement by it, so an id of someone else's row is simply
// not found; every change writes its history row and touches the record's `updated_at` in the
// same transaction. History field names are snake_case, as the history page expects.

/** Who is changing a customer's contact details, and how. */
export interface ContactChange {
  customerId: string
  actor: Actor
  channel: HistoryChannel
}

export const EMAIL_VERIFICATION_TTL_MINUTES = 24 * 60
export const EMAIL_CHANGE_UNDO_TTL_MINUTES = 7 * 24 * 60

/** The record changed: its `updated_at` moves, its `version` (the details form's) does not. */
async function touchCustomer(db: Kysely<DB>, customerId: string): Promise<void> {
  await db
    .updateTable('customers')
    .set({ updated_at: sql<Date>`now()` })
    .where('id', '=', customerId)
    .execute()
}

/**
 * A unique index refusing a row (two concurrent adds of the same address) becomes the same
 * answer the check before the insert gives, never a server error.
 */
async function refusingDuplicates<T>(reason: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof Error && (error as Error & { code?: unknown }).code === '23505') {
      throw new InvalidStateError(reason)
    }
    throw error
  }
}

function requireId(entity: string, id: string): void {
  if (!isUuid(id)) throw new NotFoundError(entity, id)
}

// Emails ---------------------------------------------------------------------------------------

export async function addCustomerEmail(
  db: Kysely<DB>,
  options: ContactChange & { email: string },
): Promise<{ id: string; email: string }> {
  const { customerId, actor, channel } = options
  const email = options.email.trim()
  return refusingDuplicates('profile:errors.emailAlreadyAdded', () =>
    inTransaction(db, async (trx) => {
      const existing = await trx
        .selectFrom('customer_emails')
        .select(['id', 'is_primary'])
        .where('customer_id', '=', customerId)
        .execute()
      const same = await trx
        .selectFrom('customer_emails')
        .select('id')
        .where('customer_id', '=', customerId)
        .where(sql<boolean>`lower(email) = lower(${email})`)
        .executeTakeFirst()
      if (same) throw new InvalidStateError('profile:errors.emailAlreadyAdded')
      const isPrimary = !existing.some((row) => row.is_primary)
      const row = await trx
        .insertInto('customer_emails')
        .values({ customer_id: customerId, email, is_primary: isPrimary })
        .returning(['id', 'email'])
        .executeTakeFirstOrThrow()
      await recordHistory(trx, {
        customerId,
        entityType: 'email',
        entityId: row.id,
        action: 'added',
        actor,
        channel,
        after: { email: row.email, is_primary: isPrimary },
      })
      await touchCustomer(trx, customerId)
      return row
    }),
  )
}

async function findEmail(db: Kysely<DB>, customerId: string, emailId: string) {
  requireId('email', emailId)
  const row = await db
    .selectFrom('customer_emails')
    .select(['id', 'email', 'is_primary', 'verified_at'])
    .where('id', '=', emailId)
    .where('customer_id', '=', customerId)
    .forUpdate()
    .executeTakeFirst()
  if (!row) throw new NotFoundError('email', emailId)
  return row
}

/** One of the customer's emails, for its own page; null when it is not theirs or unknown. */
export async function getCustomerEmail(
  db: Kysely<DB>,
  customerId: string,
  emailId: string,
): Promise<{ id: string; email: string; isPrimary: boolean; verifiedAt: Date | null } | null> {
  if (!isUuid(emailId)) return null
  const row = await db
    .selectFrom('customer_emails')
    .select(['id', 'email', 'is_primary as isPrimary', 'verified_at as verifiedAt'])
    .where('id', '=', emailId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst()
  return row ?? null
}

/**
 * Removes an extra email. The primary one and the sign-in address stay: messages and sign-in
 * would otherwise have nowhere to go.
 */
export async function removeCustomerEmail(
  db: Kysely<DB>,
  options: ContactChange & { emailId: string },
): Promise<void> {
  const { customerId, actor, channel } = options
  await inTransaction(db, async (trx) => {
    const row = await findEmail(trx, customerId, options.emailId)
    if (row.is_primary) throw new InvalidStateError('profile:errors.primaryEmailCannotBeRemoved')
    const account = await trx
      .selectFrom('accounts')
      .select('email')
      .where('customer_id', '=', customerId)
      .executeTakeFirst()
    if (account && account.email.toLowerCase() === row.email.toLowerCase()) {
      throw new InvalidStateError('profile:errors.signInEmailCannotBeRemoved')
    }
    await trx.deleteFrom('customer_emails').where('id', '=', row.id).execute()
    await recordHistory(trx, {
      customerId,
      entityType: 'email',
      entityId: row.id,
      action: 'removed',
      actor,
      channel,
      before: { email: row.email, is_primary: false },
    })
    await touchCustomer(trx, customerId)
  })
}

/** Makes a confirmed email the one we write to. */
export async function setPrimaryEmail(
  db: Kysely<DB>,
  options: ContactChange & { emailId: string },
): Promise<void> {
  const { customerId, actor, channel } = options
  await inTransaction(db, async (trx) => {
    const row = await findEmail(trx, customerId, options.emailId)
    if (row.is_primary) return
    if (!row.verified_at) throw new InvalidStateError('profile:errors.verifyBeforePrimary')
    await movePrimaryEmail(trx, { customerId, actor, channel }, row)
  })
}

/** Unsets the old primary first: the partial unique index allows one primary at a time. */
async function movePrimaryEmail(
  trx: Kysely<DB>,
  change: ContactChange,
  to: { id: string; email: string },
): Promise<void> {
  const previous = await trx
    .updateTable('customer_emails')
    .set({ is_primary: false })
    .where('customer_id', '=', change.customerId)
    .where('is_primary', '=', true)
    .returning('email')
    .executeTakeFirst()
  await trx
    .updateTable('customer_emails')
    .set({ is_primary: true })
    .where('id', '=', to.id)
    .execute()
  await recordHistory(trx, {
    ...change,
    entityType: 'email',
    entityId: to.id,
    action: 'primary_changed',
    before: { primary_email: previous?.email ?? null },
    after: { primary_email: to.email },
  })
  await touchCustomer(trx, change.customerId)
}

/**
 * A link to confirm an email the customer added. The raw token goes into the mail.
 *
 * @throws NotFoundError when the email is not the customer's, or unknown.
 * @throws InvalidStateError('profile:errors.alreadyVerified') when it is confirmed already.
 */
export async function createEmailVerificationToken(
  db: Kysely<DB>,
  options: { customerId: string; accountId: string; emailId: string },
): Promise<{ token: string; email: string }> {
  const email = await getCustomerEmail(db, options.customerId, options.emailId)
  if (!email) throw new NotFoundError('email', options.emailId)
  if (email.verifiedAt) throw new InvalidStateError('profile:errors.alreadyVerified')
  const token = await createAccountToken(db, {
    accountId: options.accountId,
    customerId: options.customerId,
    purpose: 'email_verification',
    ttlMinutes: EMAIL_VERIFICATION_TTL_MINUTES,
    payload: { emailId: email.id, email: email.email },
  })
  return { token, email: email.email }
}

// Phones ---------------------------------------------------------------------------------------

export type PhoneKind = CustomerPhone['kind']

async function findPhone(db: Kysely<DB>, customerId: string, phoneId: string) {
  requireId('phone', phoneId)
  const row = await db
    .selectFrom('customer_phones')
    .select(['id', 'e164', 'kind', 'is_primary'])
    .where('id', '=', phoneId)
    .where('customer_id', '=', customerId)
    .forUpdate()
    .executeTakeFirst()
  if (!row) throw new NotFoundError('phone', phoneId)
  return row
}

/** One of the customer's phones; null when it is not theirs or unknown. */
export async function getCustomerPhone(
  db: Kysely<DB>,
  customerId: string,
  phoneId: string,
): Promise<CustomerPhone | null> {
  if (!isUuid(phoneId)) return null
  const row = await db
    .selectFrom('customer_phones')
    .select(['id', 'e164', 'kind', 'is_primary as isPrimary', 'verified_at as verifiedAt'])
    .where('id', '=', phoneId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst()
  return row ?? null
}

async function phoneTaken(
  db: Kysely<DB>,
  customerId: string,
  e164: string,
  exceptId?: string,
): Promise<boolean> {
  let query = db
    .selectFrom('customer_phones')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('e164', '=', e164)
  if (exceptId) query = query.where('id', '!=', exceptId)
  return (await query.executeTakeFirst()) !== undefined
}

/** A phone number, already normalised to E.164. The first one becomes the main number. */
export async function addCustomerPhone(
  db: Kysely<DB>,
  options: ContactChange & { e164: string; kind: PhoneKind; makePrimary?: boolean },
): Promise<{ id: string }> {
  const { customerId, actor, channel, e164, kind } = options
  return refusingDuplicates('profile:errors.phoneAlreadyAdded', () =>
    inTransaction(db, async (trx) => {
      if (await phoneTaken(trx, customerId, e164)) {
        throw new InvalidStateError('profile:errors.phoneAlreadyAdded')
      }
      const previous = await trx
        .selectFrom('customer_phones')
        .select(['id', 'e164'])
        .where('customer_id', '=', customerId)
        .where('is_primary', '=', true)
        .executeTakeFirst()
      const isPrimary = Boolean(options.makePrimary) || !previous
      if (isPrimary && previous) {
        await trx
          .updateTable('customer_phones')
          .set({ is_primary: false })
          .where('id', '=', previous.id)
          .execute()
      }
      const row = await trx
        .insertInto('customer_phones')
        .values({ customer_id: customerId, e164, kind, is_primary: isPrimary })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordHistory(trx, {
        customerId,
        entityType: 'phone',
        entityId: row.id,
        action: 'added',
        actor,
        channel,
        after: { e164, kind, is_primary: isPrimary },
      })
      if (isPrimary && previous) {
        await recordPrimaryPhoneMove(trx, options, row.id, previous.e164, e164)
      }
      await touchCustomer(trx, customerId)
      return row
    }),
  )
}

async function recordPrimaryPhoneMove(
  trx: Kysely<DB>,
  change: ContactChange,
  phoneId: string,
  from: string | null,
  to: string,
): Promise<void> {
  await recordHistory(trx, {
    customerId: change.customerId,
    actor: change.actor,
    channel: change.channel,
    entityType: 'phone',
    entityId: phoneId,
    action: 'updated',
    before: { primary_phone: from },
    after: { primary_phone: to },
  })
}

/** A new number needs confirming again; a new kind alone does not. */
export async function updateCustomerPhone(
  db: Kysely<DB>,
  options: ContactChange & { phoneId: string; e164: string; kind: PhoneKind },
): Promise<void> {
  const { customerId, actor, channel } = options
  await refusingDuplicates('profile:errors.phoneAlreadyAdded', () =>
    inTransaction(db, async (trx) => {
      const row = await findPhone(trx, customerId, options.phoneId)
      const diff = changedFields(
        { e164: row.e164, kind: row.kind },
        { e164: options.e164, kind: options.kind },
      )
      if (!diff) return
      if (diff.after.e164 && (await phoneTaken(trx, customerId, diff.after.e164, row.id))) {
        throw new InvalidStateError('profile:errors.phoneAlreadyAdded')
      }
      await trx
        .updateTable('customer_phones')
        .set({
          e164: options.e164,
          kind: options.kind,
          ...(diff.after.e164 ? { verified_at: null } : {}),
        })
        .where('id', '=', row.id)
        .where('customer_id', '=', customerId)
        .execute()
      await recordHistory(trx, {
        customerId,
        entityType: 'phone',
        entityId: row.id,
        action: 'updated',
        actor,
        channel,
        before: diff.before,
        after: diff.after,
      })
      await touchCustomer(trx, customerId)
    }),
  )
}

export async function setPrimaryPhone(
  db: Kysely<DB>,
  options: ContactChange & { phoneId: string },
): Promise<void> {
  const { customerId } = options
  await inTransaction(db, async (trx) => {
    const row = await findPhone(trx, customerId, options.phoneId)
    if (row.is_primary) return
    const previous = await trx
      .updateTable('customer_phones')
      .set({ is_primary: false })
      .where('customer_id', '=', customerId)
      .where('is_primary', '=', true)
      .returning('e164')
      .executeTakeFirst()
    await trx
      .updateTable('customer_phones')
      .set({ is_primary: true })
      .where('id', '=', row.id)
      .execute()
    await recordPrimaryPhoneMove(trx, options, row.id, previous?.e164 ?? null, row.e164)
    await touchCustomer(trx, customerId)
  })
}

/** Removing the main number makes the oldest remaining one the main number. */
export async function removeCustomerPhone(
  db: Kysely<DB>,
  options: ContactChange & { phoneId: string },
): Promise<void> {
  const { customerId, actor, channel } = options
  await inTransaction(db, async (trx) => {
    const row = await findPhone(trx, customerId, options.phoneId)
    await trx.deleteFrom('customer_phones').where('id', '=', row.id).execute()
    await recordHistory(trx, {
      customerId,
      entityType: 'phone',
      entityId: row.id,
      action: 'removed',
      actor,
      channel,
      before: { e164: row.e164, kind: row.kind, is_primary: row.is_primary },
    })
    if (row.is_primary) {
      const next = await trx
        .selectFrom('customer_phones')
        .select(['id', 'e164'])
        .where('customer_id', '=', customerId)
        .orderBy('created_at')
        .orderBy('id')
        .executeTakeFirst()
      if (next) {
        await trx
          .updateTable('customer_phones')
          .set({ is_primary: true })
          .where('id', '=', next.id)
          .execute()
        await recordPrimaryPhoneMove(trx, options, next.id, row.e164, next.e164)
      }
    }
    await touchCustomer(trx, customerId)
  })
}

// Postal addresses -----------------------------------------------------------------------------

/** The fields of the address form (already validated for the country). */
export type AddressInput = {
  label: string | null
  recipient: string
  line1: string
  line2: string | null
  city: string
  region: string | null
  postalCode: string | null
  countryCode: string
}

export type VersionedAddress = AddressInput & { version: number }

export type DefaultAddressUse = 'shipping' | 'billing'

const addressColumns: Record<keyof AddressInput, string> = {
  label: 'label',
  recipient: 'recipient',
  line1: 'line1',
  line2: 'line2',
  city: 'city',
  region: 'region',
  postalCode: 'postal_code',
  countryCode: 'country_code',
}

function snakeAddress(values: Partial<AddressInput>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {}
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) out[addressColumns[key as keyof AddressInput]] = value
  }
  return out
}

/** How an address reads in history: "Home: Storgatan 1, 118 46 Stockholm, SE". */
export function addressSummary(address: AddressInput): string {
  const place = [address.postalCode, address.city].filter(Boolean).join(' ')
  const text = [address.line1, address.line2, place, address.region, address.countryCode]
    .filter(Boolean)
    .join(', ')
  return address.label ? `${address.label}: ${text}` : text
}

function inputOf(address: CustomerAddress): AddressInput {
  return {
    label: address.label,
    recipient: address.recipient,
    line1: address.line1,
    line2: address.line2,
    city: address.city,
    region: address.region,
    postalCode: address.postalCode,
    countryCode: address.countryCode,
  }
}

async function findAddress(
  db: Kysely<DB>,
  customerId: string,
  addressId: string,
): Promise<CustomerAddress> {
  requireId('address', addressId)
  const row = await db
    .selectFrom('customer_addresses')
    .select(addressSelection)
    .where('id', '=', addressId)
    .where('customer_id', '=', customerId)
    .where('removed_at', 'is', null)
    .forUpdate()
    .executeTakeFirst()
  if (!row) throw new NotFoundError('address', addressId)
  return row
}

/** One of the customer's current addresses; null when removed, not theirs or unknown. */
export async function getCustomerAddress(
  db: Kysely<DB>,
  customerId: string,
  addressId: string,
): Promise<CustomerAddress | null> {
  if (!isUuid(addressId)) return null
  const row = await db
    .selectFrom('customer_addresses')
    .select(addressSelection)
    .where('id', '=', addressId)
    .where('customer_id', '=', customerId)
    .where('removed_at', 'is', null)
    .executeTakeFirst()
  return row ?? null
}

const defaultColumn = {
  shipping: 'is_default_shipping',
  billing: 'is_default_billing',
} as const

/**
 * Makes `to` the default for one use. The old default is unset first, in the same transaction:
 * the partial unique index allows one default of each kind, so the order matters.
 */
async function moveDefault(
  trx: Kysely<DB>,
  change: ContactChange,
  use: DefaultAddressUse,
  to: { id: string; summary: string },
): Promise<void> {
  const column = defaultColumn[use]
  const previous = await trx
    .updateTable('customer_addresses')
    .set({ [column]: false })
    .where('customer_id', '=', change.customerId)
    .where(column, '=', true)
    .where('removed_at', 'is', null)
    .returning(addressSelection)
    .executeTakeFirst()
  await trx
    .updateTable('customer_addresses')
    .set({ [column]: true })
    .where('id', '=', to.id)
    .execute()
  await recordHistory(trx, {
    ...change,
    entityType: 'address',
    entityId: to.id,
    action: 'defaults_changed',
    before: { [`default_${use}`]: previous ? addressSummary(inputOf(previous)) : null },
    after: { [`default_${use}`]: to.summary },
  })
}

/**
 * A new address. It becomes the default for shipping or billing when asked, or when there is
 * no default of that kind yet.
 */
export async function addCustomerAddress(
  db: Kysely<DB>,
  options: ContactChange & {
    address: AddressInput
    defaultShipping?: boolean
    defaultBilling?: boolean
  },
): Promise<{ id: string }> {
  const { customerId, actor, channel, address } = options
  return inTransaction(db, async (trx) => {
    const defaults = await trx
      .selectFrom('customer_addresses')
      .select(['is_default_shipping', 'is_default_billing'])
      .where('customer_id', '=', customerId)
      .where('removed_at', 'is', null)
      .where((eb) =>
        eb.or([eb('is_default_shipping', '=', true), eb('is_default_billing', '=', true)]),
      )
      .execute()
    const hasShipping = defaults.some((row) => row.is_default_shipping)
    const hasBilling = defaults.some((row) => row.is_default_billing)
    const row = await trx
      .insertInto('customer_addresses')
      .values({
        customer_id: customerId,
        label: address.label,
        recipient: address.recipient,
        line1: address.line1,
        line2: address.line2,
        city: address.city,
        region: address.region,
        postal_code: address.postalCode,
        country_code: address.countryCode,
        // Set when nothing else holds the default; a moved default is set below, after the old
        // one is unset.
        is_default_shipping: !hasShipping,
        is_default_billing: !hasBilling,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordHistory(trx, {
      customerId,
      entityType: 'address',
      entityId: row.id,
      action: 'added',
      actor,
      channel,
      after: {
        ...snakeAddress(address),
        is_default_shipping: !hasShipping,
        is_default_billing: !hasBilling,
      },
    })
    const summary = addressSummary(address)
    if (options.defaultShipping && hasShipping) {
      await moveDefault(trx, options, 'shipping', { id: row.id, summary })
    }
    if (options.defaultBilling && hasBilling) {
      await moveDefault(trx, options, 'billing', { id: row.id, summary })
    }
    await touchCustomer(trx, customerId)
    return row
  })
}

/**
 * Saves an edit made on version `expectedVersion` of the address. Unchanged values are a no-op;
 * an edit of an address that changed since is refused with both versions, like the details.
 *
 * @throws NotFoundError when the address is not the customer's, unknown, or removed.
 * @throws VersionConflictError with the stored address when it moved on.
 */
export async function updateCustomerAddress(
  db: Kysely<DB>,
  options: ContactChange & {
    addressId: string
    expectedVersion: number
    changes: AddressInput
  },
): Promise<VersionedAddress> {
  const { customerId, actor, channel, addressId, expectedVersion, changes } = options
  return inTransaction(db, async (trx) => {
    const conflict = (current: VersionedAddress) =>
      new VersionConflictError<VersionedAddress>({
        entity: 'address',
        id: addressId,
        expectedVersion,
        current,
        changes,
      })
    const stored = await findAddress(trx, customerId, addressId)
    const current: VersionedAddress = { ...inputOf(stored), version: stored.version }
    const diff = changedFields<AddressInput>(inputOf(stored), changes)
    if (!diff) return current
    if (stored.version !== expectedVersion) throw conflict(current)

    const updated = await trx
      .updateTable('customer_addresses')
      .set((eb) => ({
        label: changes.label,
        recipient: changes.recipient,
        line1: changes.line1,
        line2: changes.line2,
        city: changes.city,
        region: changes.region,
        postal_code: changes.postalCode,
        country_code: changes.countryCode,
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', addressId)
      .where('customer_id', '=', customerId)
      .where('version', '=', expectedVersion)
      .returning(addressSelection)
      .executeTakeFirst()
    if (!updated) {
      const latest = await findAddress(trx, customerId, addressId)
      throw conflict({ ...inputOf(latest), version: latest.version })
    }
    await recordHistory(trx, {
      customerId,
      entityType: 'address',
      entityId: addressId,
      action: 'updated',
      actor,
      channel,
      before: snakeAddress(diff.before),
      after: snakeAddress(diff.after),
    })
    await touchCustomer(trx, customerId)
    return { ...inputOf(updated), version: updated.version }
  })
}

/**
 * Removes an address from the customer's list. The row stays (orders and history may refer to
 * it) with `removed_at` set, and it stops being a default.
 */
export async function removeCustomerAddress(
  db: Kysely<DB>,
  options: ContactChange & { addressId: string },
): Promise<void> {
  const { customerId, actor, channel, addressId } = options
  await inTransaction(db, async (trx) => {
    const stored = await findAddress(trx, customerId, addressId)
    await trx
      .updateTable('customer_addresses')
      .set((eb) => ({
        removed_at: sql<Date>`now()`,
        is_default_shipping: false,
        is_default_billing: false,
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', addressId)
      .where('customer_id', '=', customerId)
      .execute()
    await recordHistory(trx, {
      customerId,
      entityType: 'address',
      entityId: addressId,
      action: 'removed',
      actor,
      channel,
      before: {
        ...snakeAddress(inputOf(stored)),
        is_default_shipping: stored.isDefaultShipping,
        is_default_billing: stored.isDefaultBilling,
      },
    })
    await touchCustomer(trx, customerId)
  })
}

/** Makes an address the default for shipping or for billing. */
export async function setDefaultAddress(
  db: Kysely<DB>,
  options: ContactChange & { addressId: string; use: DefaultAddressUse },
): Promise<void> {
  const { customerId, addressId, use } = options
  await inTransaction(db, async (trx) => {
    const stored = await findAddress(trx, customerId, addressId)
    const already = use === 'shipping' ? stored.isDefaultShipping : stored.isDefaultBilling
    if (already) return
    await moveDefault(trx, options, use, {
      id: stored.id,
      summary: addressSummary(inputOf(stored)),
    })
    await touchCustomer(trx, customerId)
  })
}

// The sign-in address --------------------------------------------------------------------------

export interface SignInAccount {
  id: string
  email: string
  passwordHash: string | null
}

/** The customer's account, with what is needed to confirm their password on the server. */
export async function findSignInAccount(
  db: Kysely<DB>,
  customerId: string,
): Promise<SignInAccount | undefined> {
  if (!isUuid(customerId)) return undefined
  return db
    .selectFrom('accounts')
    .select(['id', 'email', 'password_hash as passwordHash'])
    .where('customer_id', '=', customerId)
    .where('kind', '=', 'customer')
    .executeTakeFirst()
}

/** Whether another account signs in with this address (whose is never told). */
export async function isSignInEmailTaken(
  db: Kysely<DB>,
  email: string,
  exceptAccountId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('accounts')
    .select('id')
    .where(sql<boolean>`lower(email) = lower(${email.trim()})`)
    .where('id', '!=', exceptAccountId)
    .executeTakeFirst()
  return row !== undefined
}

/** Ends the pending sign-in changes of an account; returns the addresses they were for. */
async function revokePendingSignInChanges(trx: Kysely<DB>, accountId: string): Promise<string[]> {
  const rows = await trx
    .updateTable('account_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('account_id', '=', accountId)
    .where('purpose', '=', 'email_verification')
    .where('used_at', 'is', null)
    .where(sql<boolean>`payload ->> 'newEmail' is not null`)
    .returning(sql<string>`payload ->> 'newEmail'`.as('newEmail'))
    .execute()
  return rows.map((row) => row.newEmail)
}

/**
 * Starts a change of the sign-in address: a link to confirm the new address (24 hours) and a
 * link for the old address to undo the change (7 days). An earlier pending change ends. The
 * raw tokens go into the two mails; only their hashes are stored.
 */
export async function startSignInEmailChange(
  db: Kysely<DB>,
  options: {
    customerId: string
    accountId: string
    previousEmail: string
    newEmail: string
    channel: HistoryChannel
  },
): Promise<{ verifyToken: string; undoToken: string }> {
  const { customerId, accountId, previousEmail, newEmail, channel } = options
  return inTransaction(db, async (trx) => {
    await revokePendingSignInChanges(trx, accountId)
    const verifyToken = await createAccountToken(trx, {
      accountId,
      customerId,
      purpose: 'email_verification',
      ttlMinutes: EMAIL_VERIFICATION_TTL_MINUTES,
      payload: { newEmail },
    })
    const undoToken = await createAccountToken(trx, {
      accountId,
      customerId,
      purpose: 'email_change_undo',
      ttlMinutes: EMAIL_CHANGE_UNDO_TTL_MINUTES,
      payload: { previousEmail },
    })
    await recordHistory(trx, {
      customerId,
      entityType: 'email',
      entityId: accountId,
      action: 'sign_in_change_requested',
      actor: { kind: 'customer', id: accountId },
      channel,
      after: { requested_email: newEmail },
    })
    return { verifyToken, undoToken }
  })
}

/** Makes `email` a confirmed, primary email of the customer, adding it when missing. */
async function ensurePrimaryEmail(
  trx: Kysely<DB>,
  change: ContactChange,
  email: string,
): Promise<void> {
  let row = await trx
    .selectFrom('customer_emails')
    .select(['id', 'email', 'is_primary', 'verified_at'])
    .where('customer_id', '=', change.customerId)
    .where(sql<boolean>`lower(email) = lower(${email})`)
    .executeTakeFirst()
  if (!row) {
    row = await trx
      .insertInto('customer_emails')
      .values({
        customer_id: change.customerId,
        email,
        is_primary: false,
        verified_at: sql<Date>`now()`,
      })
      .returning(['id', 'email', 'is_primary', 'verified_at'])
      .executeTakeFirstOrThrow()
    await recordHistory(trx, {
      ...change,
      entityType: 'email',
      entityId: row.id,
      action: 'added',
      after: { email: row.email, is_primary: false },
    })
  } else if (!row.verified_at) {
    await trx
      .updateTable('customer_emails')
      .set({ verified_at: sql<Date>`now()` })
      .where('id', '=', row.id)
      .execute()
    await recordHistory(trx, {
      ...change,
      entityType: 'email',
      entityId: row.id,
      action: 'verified',
      after: { email: row.email },
    })
  }
  if (!row.is_primary) await movePrimaryEmail(trx, change, row)
}

export type EmailVerificationOutcome =
  { kind: 'sign_in_changed'; email: string } | { kind: 'email_verified'; email: string }

function stringField(payload: JsonValue, key: string): string | null {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return null
  const value = payload[key]
  return typeof value === 'string' ? value : null
}

/** What a verification link is for, without using it up (to show the right page). */
export async function describeEmailVerificationToken(
  db: Kysely<DB>,
  rawToken: string,
): Promise<EmailVerificationOutcome | null> {
  const row = await db
    .selectFrom('account_tokens')
    .select('payload')
    .where('token_hash', '=', hashToken(rawToken))
    .where('purpose', '=', 'email_verification')
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst()
  if (!row) return null
  const newEmail = stringField(row.payload, 'newEmail')
  if (newEmail) return { kind: 'sign_in_changed', email: newEmail }
  const email = stringField(row.payload, 'email')
  return email ? { kind: 'email_verified', email } : null
}

/**
 * Follows a verification link: the token is the proof, no session is needed. A sign-in change
 * makes the new address the sign-in and the primary email; an added email becomes confirmed.
 * Null when the link is unknown, used, expired, or its email is gone.
 *
 * @throws InvalidStateError('profile:errors.emailTaken') when another account took the address
 *   in the meantime (the link stays unused).
 */
export async function confirmEmailVerification(
  db: Kysely<DB>,
  rawToken: string,
): Promise<EmailVerificationOutcome | null> {
  return refusingDuplicates('profile:errors.emailTaken', () =>
    inTransaction(db, async (trx) => {
      const used = await consumeAccountToken(trx, rawToken, 'email_verification')
      if (!used?.accountId || !used.customerId) return null
      const customerId = used.customerId
      const change: ContactChange = {
        customerId,
        actor: { kind: 'customer', id: used.accountId },
        channel: 'email_link',
      }

      const newEmail = stringField(used.payload, 'newEmail')
      if (newEmail) {
        const account = await trx
          .selectFrom('accounts')
          .select(['id', 'email'])
          .where('id', '=', used.accountId)
          .where('customer_id', '=', customerId)
          .forUpdate()
          .executeTakeFirst()
        if (!account) return null
        if (await isSignInEmailTaken(trx, newEmail, account.id)) {
          throw new InvalidStateError('profile:errors.emailTaken')
        }
        await trx
          .updateTable('accounts')
          .set({ email: newEmail, email_verified_at: sql<Date>`now()` })
          .where('id', '=', account.id)
          .execute()
        await recordHistory(trx, {
          ...change,
          entityType: 'email',
          entityId: account.id,
          action: 'sign_in_changed',
          before: { sign_in_email: account.email },
          after: { sign_in_email: newEmail },
        })
        await ensurePrimaryEmail(trx, change, newEmail)
        await touchCustomer(trx, customerId)
        return { kind: 'sign_in_changed', email: newEmail }
      }

      const emailId = stringField(used.payload, 'emailId')
      if (!emailId || !isUuid(emailId)) return null
      const verified = await trx
        .updateTable('customer_emails')
        .set({ verified_at: sql<Date>`now()` })
        .where('id', '=', emailId)
        .where('customer_id', '=', customerId)
        .where('verified_at', 'is', null)
        .returning(['id', 'email'])
        .executeTakeFirst()
      if (!verified) return null
      await recordHistory(trx, {
        ...change,
        entityType: 'email',
        entityId: verified.id,
        action: 'verified',
        after: { email: verified.email },
      })
      await touchCustomer(trx, customerId)
      return { kind: 'email_verified', email: verified.email }
    }),
  )
}

/** Whether an undo link would still work, and for which address, without using it up. */
export async function describeUndoToken(
  db: Kysely<DB>,
  rawToken: string,
): Promise<{ previousEmail: string } | null> {
  const token = await peekAccountToken(db, rawToken, 'email_change_undo')
  const previousEmail = token ? stringField(token.payload, 'previousEmail') : null
  return previousEmail ? { previousEmail } : null
}

/**
 * Follows the undo link sent to the old address: the previous address is the sign-in again
 * (and the primary email), a pending change ends, and every session of the account ends, since
 * whoever made the change may still be signed in. Null when the link is unknown, used or expired.
 *
 * @throws InvalidStateError('profile:errors.undoAddressTaken') when another account signs in
 *   with the previous address by now.
 */
export async function undoSignInEmailChange(
  db: Kysely<DB>,
  rawToken: string,
): Promise<{ restoredEmail: string; accountId: string } | null> {
  return refusingDuplicates('profile:errors.undoAddressTaken', () =>
    inTransaction(db, async (trx) => {
      const used = await consumeAccountToken(trx, rawToken, 'email_change_undo')
      const previousEmail = used ? stringField(used.payload, 'previousEmail') : null
      if (!used?.accountId || !used.customerId || !previousEmail) return null
      const customerId = used.customerId
      const account = await trx
        .selectFrom('accounts')
        .select(['id', 'email'])
        .where('id', '=', used.accountId)
        .where('customer_id', '=', customerId)
        .forUpdate()
        .executeTakeFirst()
      if (!account) return null
      const change: ContactChange = {
        customerId,
        actor: { kind: 'customer', id: account.id },
        channel: 'email_link',
      }

      const pending = await revokePendingSignInChanges(trx, account.id)
      const changed = account.email.toLowerCase() !== previousEmail.toLowerCase()
      if (changed) {
        if (await isSignInEmailTaken(trx, previousEmail, account.id)) {
          throw new InvalidStateError('profile:errors.undoAddressTaken')
        }
        await trx
          .updateTable('accounts')
          .set({ email: previousEmail, email_verified_at: sql<Date>`now()` })
          .where('id', '=', account.id)
          .execute()
      }
      await recordHistory(trx, {
        ...change,
        entityType: 'email',
        entityId: account.id,
        action: 'sign_in_change_undone',
        // Undone before it was confirmed: the address never changed, the request is what ends.
        before: changed
          ? { sign_in_email: account.email }
          : { requested_email: pending[0] ?? null },
        after: changed ? { sign_in_email: previousEmail } : { requested_email: null },
      })
      await ensurePrimaryEmail(trx, change, previousEmail)
      await deleteAccountSessions(trx, account.id)
      await touchCustomer(trx, customerId)
      return { restoredEmail: previousEmail, accountId: account.id }
    }),
  )
}

/** The country a new phone number most likely belongs to: that of the delivery address. */
export async function getHomeCountry(db: Kysely<DB>, customerId: string): Promise<string | null> {
  if (!isUuid(customerId)) return null
  const row = await db
    .selectFrom('customer_addresses')
    .select('country_code')
    .where('customer_id', '=', customerId)
    .where('removed_at', 'is', null)
    .orderBy('is_default_shipping', 'desc')
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst()
  return row?.country_code ?? null
}
