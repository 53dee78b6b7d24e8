import { type Kysely, sql } from 'kysely'
import { InvalidStateError, NotFoundError, VersionConflictError } from './errors.ts'
import type { Actor, HistoryChannel } from './history.ts'
import { isUuid } from './ids.ts'
import { afterCursor, decodeCursor, exactTime, pageOf } from './keyset.ts'
import { endOrganisationSessions } from './sessions.ts'
import type { OrganisationRole } from './item-visibility.ts'
import type { DB, JsonValue } from './schema.ts'

export type { OrganisationRole }

export interface Membership {
  organisationId: string
  name: string
  customerNumber: string
  role: OrganisationRole
}

/** The organisations a person currently belongs to, by name (the header's switcher). */
export async function listMemberships(db: Kysely<DB>, customerId: string): Promise<Membership[]> {
  if (!isUuid(customerId)) return []
  return db
    .selectFrom('organisation_members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select([
      'm.organisation_id as organisationId',
      'o.name',
      'o.customer_number as customerNumber',
      'm.role',
    ])
    .where('m.customer_id', '=', customerId)
    .where('m.removed_at', 'is', null)
    .orderBy('o.name')
    .orderBy('o.id')
    .execute()
}

/** The person's current role in the organisation, or null if they are not (or no longer) in it. */
export async function getMembershipRole(
  db: Kysely<DB>,
  organisationId: string,
  customerId: string,
): Promise<OrganisationRole | null> {
  if (!isUuid(organisationId) || !isUuid(customerId)) return null
  const row = await db
    .selectFrom('organisation_members')
    .select('role')
    .where('organisation_id', '=', organisationId)
    .where('customer_id', '=', customerId)
    .where('removed_at', 'is', null)
    .executeTakeFirst()
  return row?.role ?? null
}

export interface OrganisationHistoryEntry {
  organisationId: string
  action: string
  subjectCustomerId?: string | null
  actor: Actor
  channel: HistoryChannel
  before?: JsonValue | null
  after?: JsonValue | null
}

/** Appends one row to the organisation's history; call it inside the change's transaction. */
export async function recordOrganisationHistory(
  db: Kysely<DB>,
  entry: OrganisationHistoryEntry,
): Promise<void> {
  await db
    .insertInto('organisation_history')
    .values({
      organisation_id: entry.organisationId,
      action: entry.action,
      subject_customer_id: entry.subjectCustomerId ?? null,
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id ?? null,
      channel: entry.channel,
      before: entry.before == null ? null : JSON.stringify(entry.before),
      after: entry.after == null ? null : JSON.stringify(entry.after),
    })
    .execute()
}

export interface NewOrganisation {
  name: string
  legalName?: string | null
  registrationNumber?: string | null
  defaultVisibility?: 'private' | 'organisation'
  /** The first owner. */
  ownerCustomerId: string
}

/**
 * Creates an organisation with its first owner, and both facts in its history, in one
 * transaction (the caller's, if it passes one).
 */
export async function createOrganisation(
  db: Kysely<DB>,
  input: NewOrganisation,
  by: { actor: Actor; channel: HistoryChannel },
): Promise<{ id: string; customerNumber: string }> {
  const write = async (trx: Kysely<DB>) => {
    const organisation = await trx
      .insertInto('organisations')
      .values({
        name: input.name,
        legal_name: input.legalName ?? null,
        registration_number: input.registrationNumber ?? null,
        default_visibility: input.defaultVisibility ?? 'private',
      })
      .returning(['id', 'customer_number as customerNumber', 'name'])
      .executeTakeFirstOrThrow()
    await recordOrganisationHistory(trx, {
      organisationId: organisation.id,
      action: 'organisation_created',
      actor: by.actor,
      channel: by.channel,
      after: {
        name: input.name,
        legalName: input.legalName ?? null,
        registrationNumber: input.registrationNumber ?? null,
      },
    })
    await addMember(trx, {
      organisationId: organisation.id,
      customerId: input.ownerCustomerId,
      role: 'owner',
      ...by,
    })
    return { id: organisation.id, customerNumber: organisation.customerNumber }
  }
  return db.isTransaction ? write(db) : db.transaction().execute(write)
}

/** Adds a person to an organisation with a role, and says so in its history. */
export async function addMember(
  db: Kysely<DB>,
  input: {
    organisationId: string
    customerId: string
    role: OrganisationRole
    actor: Actor
    channel: HistoryChannel
  },
): Promise<void> {
  await db
    .insertInto('organisation_members')
    .values({
      organisation_id: input.organisationId,
      customer_id: input.customerId,
      role: input.role,
    })
    .execute()
  await recordOrganisationHistory(db, {
    organisationId: input.organisationId,
    action: 'member_joined',
    subjectCustomerId: input.customerId,
    actor: input.actor,
    channel: input.channel,
    after: { role: input.role },
  })
}

// The organisation's own pages (app/routes/organisations.*) ----------------------------------
//
// The route decides who may call these (a member acting for the organisation; owners for the
// changes); each change locks the organisation's row first, so two owners changing members at
// once cannot both take away the last owner, and writes its history row in the same transaction.

export type DefaultVisibility = 'private' | 'organisation'
export const DEFAULT_VISIBILITIES: readonly DefaultVisibility[] = ['private', 'organisation']

/** A person's name as colleagues see it: the preferred name, else given and family name. */
export const personName = (alias: string) =>
  sql<string>`coalesce(${sql.ref(`${alias}.preferred_name`)}, ${sql.ref(`${alias}.given_name`)} || ' ' || ${sql.ref(`${alias}.family_name`)})`

/** What the owners' details form edits. */
export interface OrganisationDetails {
  name: string
  legalName: string | null
  registrationNumber: string | null
}
export type VersionedOrganisationDetails = OrganisationDetails & { version: number }

export interface OrganisationAddress {
  id: string
  kind: 'registered' | 'billing' | 'shipping'
  recipient: string
  line1: string
  line2: string | null
  city: string
  region: string | null
  postalCode: string | null
  countryCode: string
  version: number
}

export interface OrganisationMember {
  customerId: string
  name: string
  role: OrganisationRole
  joinedAt: Date
}

export interface PendingInvitation {
  id: string
  email: string
  role: OrganisationRole
  createdAt: Date
  expiresAt: Date
}

export interface OrganisationOverview extends VersionedOrganisationDetails {
  id: string
  customerNumber: string
  defaultVisibility: DefaultVisibility
  addresses: OrganisationAddress[]
  members: OrganisationMember[]
  /** Open invitations (not accepted, revoked or expired); only owners are shown them. */
  invitations: PendingInvitation[]
}

const detailsSelection = [
  'name',
  'legal_name as legalName',
  'registration_number as registrationNumber',
  'version',
] as const

/** The organisation's page: its details, addresses, current members and open invitations. */
export async function getOrganisationOverview(
  db: Kysely<DB>,
  organisationId: string,
): Promise<OrganisationOverview | null> {
  if (!isUuid(organisationId)) return null
  const organisation = await db
    .selectFrom('organisations')
    .select([
      'id',
      'customer_number as customerNumber',
      'default_visibility as defaultVisibility',
      ...detailsSelection,
    ])
    .where('id', '=', organisationId)
    .executeTakeFirst()
  if (!organisation) return null
  const [addresses, members, invitations] = await Promise.all([
    db
      .selectFrom('organisation_addresses')
      .select([
        'id',
        'kind',
        'recipient',
        'line1',
        'line2',
        'city',
        'region',
        'postal_code as postalCode',
        'country_code as countryCode',
        'version',
      ])
      .where('organisation_id', '=', organisationId)
      .where('removed_at', 'is', null)
      .orderBy('kind')
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('organisation_members as m')
      .innerJoin('customers as c', 'c.id', 'm.customer_id')
      .select([
        'm.customer_id as customerId',
        personName('c').as('name'),
        'm.role',
        'm.joined_at as joinedAt',
      ])
      .where('m.organisation_id', '=', organisationId)
      .where('m.removed_at', 'is', null)
      .orderBy('m.joined_at')
      .orderBy('m.id')
      .execute(),
    db
      .selectFrom('organisation_invitations')
      .select(['id', 'email', 'role', 'created_at as createdAt', 'expires_at as expiresAt'])
      .where('organisation_id', '=', organisationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  ])
  return { ...organisation, addresses, members, invitations }
}

async function lockOrganisation(
  trx: Kysely<DB>,
  organisationId: string,
): Promise<{ id: string; defaultVisibility: DefaultVisibility } & VersionedOrganisationDetails> {
  if (!isUuid(organisationId)) throw new NotFoundError('organisation', organisationId)
  const row = await trx
    .selectFrom('organisations')
    .select(['id', 'default_visibility as defaultVisibility', ...detailsSelection])
    .where('id', '=', organisationId)
    .forUpdate()
    .executeTakeFirst()
  if (!row) throw new NotFoundError('organisation', organisationId)
  return row
}

function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}

const detailColumns: Record<keyof OrganisationDetails, string> = {
  name: 'name',
  legalName: 'legal_name',
  registrationNumber: 'registration_number',
}

function historyFields(values: Partial<OrganisationDetails>): JsonValue {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      detailColumns[key as keyof OrganisationDetails],
      value ?? null,
    ]),
  )
}

export interface UpdateOrganisationDetailsOptions {
  organisationId: string
  /** The version the editor was looking at; a save against any other is refused. */
  expectedVersion: number
  changes: Partial<OrganisationDetails>
  actor: Actor
  channel: HistoryChannel
}

/**
 * Saves the organisation's name, legal name and registration (VAT) number if it is still at
 * `expectedVersion`, with one history row `details_changed` holding only the changed fields
 * before and after. Equal values are a no-op (no version, no history), as nothing would be lost.
 *
 * @throws NotFoundError for an unknown organisation.
 * @throws VersionConflictError with the stored details when someone saved in between.
 */
export async function updateOrganisationDetails(
  db: Kysely<DB>,
  options: UpdateOrganisationDetailsOptions,
): Promise<VersionedOrganisationDetails> {
  const { organisationId, expectedVersion, changes, actor, channel } = options
  return inTransaction(db, async (trx) => {
    const locked = await lockOrganisation(trx, organisationId)
    const current: VersionedOrganisationDetails = {
      name: locked.name,
      legalName: locked.legalName,
      registrationNumber: locked.registrationNumber,
      version: locked.version,
    }
    const before: Partial<OrganisationDetails> = {}
    const after: Partial<OrganisationDetails> = {}
    for (const key of Object.keys(detailColumns) as (keyof OrganisationDetails)[]) {
      if (!(key in changes)) continue
      const next = changes[key] ?? null
      if (next === (current[key] ?? null)) continue
      Object.assign(before, { [key]: current[key] ?? null })
      Object.assign(after, { [key]: next })
    }
    if (Object.keys(after).length === 0) return current
    if (current.version !== expectedVersion) {
      throw new VersionConflictError<VersionedOrganisationDetails>({
        entity: 'organisation',
        id: organisationId,
        expectedVersion,
        current,
        changes,
      })
    }
    const updated = await trx
      .updateTable('organisations')
      .set((eb) => ({
        name: after.name,
        legal_name: after.legalName,
        registration_number: after.registrationNumber,
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', organisationId)
      .returning([...detailsSelection])
      .executeTakeFirstOrThrow()
    await recordOrganisationHistory(trx, {
      organisationId,
      action: 'details_changed',
      actor,
      channel,
      before: historyFields(before),
      after: historyFields(after),
    })
    return updated
  })
}

/** What a new ticket or request of a member starts as; the same value is a no-op. */
export async function setDefaultVisibility(
  db: Kysely<DB>,
  options: {
    organisationId: string
    visibility: DefaultVisibility
    actor: Actor
    channel: HistoryChannel
  },
): Promise<void> {
  await inTransaction(db, async (trx) => {
    const locked = await lockOrganisation(trx, options.organisationId)
    if (locked.defaultVisibility === options.visibility) return
    await trx
      .updateTable('organisations')
      .set({ default_visibility: options.visibility, updated_at: sql<Date>`now()` })
      .where('id', '=', options.organisationId)
      .execute()
    await recordOrganisationHistory(trx, {
      organisationId: options.organisationId,
      action: 'default_visibility_changed',
      actor: options.actor,
      channel: options.channel,
      before: { default_visibility: locked.defaultVisibility },
      after: { default_visibility: options.visibility },
    })
  })
}

export type OrganisationAddressKind = OrganisationAddress['kind']
/** What the owners' address forms edit. */
export type OrganisationAddressValues = Omit<OrganisationAddress, 'id' | 'version'>

const addressColumns: Record<keyof OrganisationAddressValues, string> = {
  kind: 'kind',
  recipient: 'recipient',
  line1: 'line1',
  line2: 'line2',
  city: 'city',
  region: 'region',
  postalCode: 'postal_code',
  countryCode: 'country_code',
}

const addressSelection = [
  'id',
  'kind',
  'recipient',
  'line1',
  'line2',
  'city',
  'region',
  'postal_code as postalCode',
  'country_code as countryCode',
  'version',
] as const

function addressHistory(values: Partial<OrganisationAddressValues>): JsonValue {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      addressColumns[key as keyof OrganisationAddressValues],
      value ?? null,
    ]),
  )
}

/** The organisation's current (not removed) address, locked; another organisation's is unknown. */
async function lockAddress(
  trx: Kysely<DB>,
  organisationId: string,
  addressId: string,
): Promise<OrganisationAddress> {
  if (!isUuid(addressId)) throw new NotFoundError('organisation_address', addressId)
  await lockOrganisation(trx, organisationId)
  const row = await trx
    .selectFrom('organisation_addresses')
    .select([...addressSelection])
    .where('id', '=', addressId)
    .where('organisation_id', '=', organisationId)
    .where('removed_at', 'is', null)
    .forUpdate()
    .executeTakeFirst()
  if (!row) throw new NotFoundError('organisation_address', addressId)
  return row
}

/**
 * Adds an address to the organisation, with one history row `address_added` holding it.
 *
 * @throws NotFoundError for an unknown organisation.
 */
export async function addOrganisationAddress(
  db: Kysely<DB>,
  options: {
    organisationId: string
    address: OrganisationAddressValues
    actor: Actor
    channel: HistoryChannel
  },
): Promise<OrganisationAddress> {
  const { organisationId, address, actor, channel } = options
  return inTransaction(db, async (trx) => {
    await lockOrganisation(trx, organisationId)
    const created = await trx
      .insertInto('organisation_addresses')
      .values({
        organisation_id: organisationId,
        kind: address.kind,
        recipient: address.recipient,
        line1: address.line1,
        line2: address.line2,
        city: address.city,
        region: address.region,
        postal_code: address.postalCode,
        country_code: address.countryCode,
      })
      .returning([...addressSelection])
      .executeTakeFirstOrThrow()
    await recordOrganisationHistory(trx, {
      organisationId,
      action: 'address_added',
      actor,
      channel,
      after: { address_id: created.id, ...(addressHistory(address) as object) },
    })
    return created
  })
}

/**
 * Saves an address of the organisation if it is still at `expectedVersion`, with one history row
 * `address_changed` holding only the changed fields before and after. Equal values are a no-op.
 *
 * @throws NotFoundError for an unknown address or one of another organisation.
 * @throws VersionConflictError with the stored address when someone saved in between.
 */
export async function updateOrganisationAddress(
  db: Kysely<DB>,
  options: {
    organisationId: string
    addressId: string
    expectedVersion: number
    changes: Partial<OrganisationAddressValues>
    actor: Actor
    channel: HistoryChannel
  },
): Promise<OrganisationAddress> {
  const { organisationId, addressId, expectedVersion, changes, actor, channel } = options
  return inTransaction(db, async (trx) => {
    const current = await lockAddress(trx, organisationId, addressId)
    const before: Partial<OrganisationAddressValues> = {}
    const after: Partial<OrganisationAddressValues> = {}
    for (const key of Object.keys(addressColumns) as (keyof OrganisationAddressValues)[]) {
      if (!(key in changes)) continue
      const next = changes[key] ?? null
      if (next === (current[key] ?? null)) continue
      Object.assign(before, { [key]: current[key] ?? null })
      Object.assign(after, { [key]: next })
    }
    if (Object.keys(after).length === 0) return current
    if (current.version !== expectedVersion) {
      throw new VersionConflictError<OrganisationAddress>({
        entity: 'organisation_address',
        id: addressId,
        expectedVersion,
        current,
        changes,
      })
    }
    const updated = await trx
      .updateTable('organisation_addresses')
      .set((eb) => ({
        kind: after.kind,
        recipient: after.recipient,
        line1: after.line1,
        line2: after.line2,
        city: after.city,
        region: after.region,
        postal_code: after.postalCode,
        country_code: after.countryCode,
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', addressId)
      .returning([...addressSelection])
      .executeTakeFirstOrThrow()
    await recordOrganisationHistory(trx, {
      organisationId,
      action: 'address_changed',
      actor,
      channel,
      before: { address_id: addressId, ...(addressHistory(before) as object) },
      after: { address_id: addressId, ...(addressHistory(after) as object) },
    })
    return updated
  })
}

/**
 * Removes an address of the organisation (removed_at; the row stays for the history), with one
 * history row `address_removed` holding what it was.
 *
 * @throws NotFoundError for an unknown or already removed address, or one of another organisation.
 */
export async function removeOrganisationAddress(
  db: Kysely<DB>,
  options: { organisationId: string; addressId: string; actor: Actor; channel: HistoryChannel },
): Promise<void> {
  const { organisationId, addressId, actor, channel } = options
  await inTransaction(db, async (trx) => {
    const { id, version: _version, ...current } = await lockAddress(trx, organisationId, addressId)
    await trx
      .updateTable('organisation_addresses')
      .set({ removed_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute()
    await recordOrganisationHistory(trx, {
      organisationId,
      action: 'address_removed',
      actor,
      channel,
      before: { address_id: id, ...(addressHistory(current) as object) },
    })
  })
}

/** The reason shown when a change would leave the organisation without an owner. */
export const LAST_OWNER = 'organisations:errors.lastOwner'

async function currentMembership(trx: Kysely<DB>, organisationId: string, customerId: string) {
  if (!isUuid(customerId)) throw new NotFoundError('member', customerId)
  const member = await trx
    .selectFrom('organisation_members')
    .select(['id', 'role'])
    .where('organisation_id', '=', organisationId)
    .where('customer_id', '=', customerId)
    .where('removed_at', 'is', null)
    .executeTakeFirst()
  if (!member) throw new NotFoundError('member', customerId)
  return member
}

async function otherOwners(
  trx: Kysely<DB>,
  organisationId: string,
  customerId: string,
): Promise<number> {
  const row = await trx
    .selectFrom('organisation_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('customer_id', '!=', customerId)
    .where('role', '=', 'owner')
    .where('removed_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Gives a current member another role. The last owner cannot be made anything else.
 *
 * @throws NotFoundError when the person is not a current member.
 * @throws InvalidStateError(LAST_OWNER).
 */
export async function changeMemberRole(
  db: Kysely<DB>,
  options: {
    organisationId: string
    customerId: string
    role: OrganisationRole
    actor: Actor
    channel: HistoryChannel
  },
): Promise<void> {
  const { organisationId, customerId, role } = options
  await inTransaction(db, async (trx) => {
    await lockOrganisation(trx, organisationId)
    const member = await currentMembership(trx, organisationId, customerId)
    if (member.role === role) return
    if (member.role === 'owner' && (await otherOwners(trx, organisationId, customerId)) === 0) {
      throw new InvalidStateError(LAST_OWNER)
    }
    await trx
      .updateTable('organisation_members')
      .set({ role })
      .where('id', '=', member.id)
      .execute()
    await recordOrganisationHistory(trx, {
      organisationId,
      action: 'role_changed',
      subjectCustomerId: customerId,
      actor: options.actor,
      channel: options.channel,
      before: { role: member.role },
      after: { role },
    })
  })
}

/**
 * Ends a person's membership: the row stays with `removed_at` (the history still names them),
 * the sessions in which they act for the organisation end, and everything of their own stays.
 * `member_removed` when an owner or staff removes them, `member_left` when they leave (or their
 * account is closed). The last owner cannot go.
 *
 * @throws NotFoundError when the person is not a current member.
 * @throws InvalidStateError(LAST_OWNER).
 */
export async function endMembership(
  db: Kysely<DB>,
  options: {
    organisationId: string
    customerId: string
    action: 'member_removed' | 'member_left'
    actor: Actor
    channel: HistoryChannel
  },
): Promise<void> {
  const { organisationId, customerId } = options
  await inTransaction(db, async (trx) => {
    await lockOrganisation(trx, organisationId)
    const member = await currentMembership(trx, organisationId, customerId)
    if (member.role === 'owner' && (await otherOwners(trx, organisationId, customerId)) === 0) {
      throw new InvalidStateError(LAST_OWNER)
    }
    await trx
      .updateTable('organisation_members')
      .set({ removed_at: sql<Date>`now()` })
      .where('id', '=', member.id)
      .execute()
    await endOrganisationSessions(trx, organisationId, customerId)
    await recordOrganisationHistory(trx, {
      organisationId,
      action: options.action,
      subjectCustomerId: customerId,
      actor: options.actor,
      channel: options.channel,
      before: { role: member.role },
    })
  })
}

/** One row of the organisation's history, with the names of who did it and whom it is about. */
export interface OrganisationHistoryRow {
  id: number
  occurredAt: Date
  action: string
  actorKind: 'customer' | 'staff' | 'integration' | 'system'
  /** The member's or staff member's name when a person acted; null otherwise. */
  actorName: string | null
  subjectName: string | null
  channel: HistoryChannel
  before: JsonValue | null
  after: JsonValue | null
}

/** The organisation's history, newest first, one keyset page (one statement) at a time. */
export async function listOrganisationHistory(
  db: Kysely<DB>,
  organisationId: string,
  options: { after?: string | null; limit: number },
): Promise<{ items: OrganisationHistoryRow[]; nextCursor: string | null }> {
  if (!isUuid(organisationId)) return { items: [], nextCursor: null }
  const limit = Math.max(1, Math.min(options.limit, 100))
  const cursor = decodeCursor(options.after)
  let query = db
    .selectFrom('organisation_history as h')
    .leftJoin('staff_members as s', (join) =>
      join.onRef('s.account_id', '=', 'h.actor_id').on('h.actor_kind', '=', 'staff'),
    )
    .leftJoin('accounts as a', (join) =>
      join.onRef('a.id', '=', 'h.actor_id').on('h.actor_kind', '=', 'customer'),
    )
    .leftJoin('customers as actor', 'actor.id', 'a.customer_id')
    .leftJoin('customers as subject', 'subject.id', 'h.subject_customer_id')
    .select([
      'h.id',
      'h.occurred_at as occurredAt',
      exactTime('h.occurred_at').as('cursorAt'),
      'h.action',
      'h.actor_kind as actorKind',
      sql<string | null>`coalesce(s.display_name, ${personName('actor')})`.as('actorName'),
      sql<
        string | null
      >`case when subject.id is null then null else ${personName('subject')} end`.as('subjectName'),
      'h.channel',
      'h.before',
      'h.after',
    ])
    .where('h.organisation_id', '=', organisationId)
  if (cursor) query = query.where(afterCursor('h.occurred_at', 'h.id', cursor))
  const rows = await query
    .orderBy('h.occurred_at', 'desc')
    .orderBy('h.id', 'desc')
    .limit(limit + 1)
    .execute()
  return pageOf(rows, limit)
}

/**
 * A person's memberships, current and ended, with the organisation's name: their data export.
 */
export async function listMembershipRecords(
  db: Kysely<DB>,
  customerId: string,
): Promise<
  {
    organisationName: string
    organisationNumber: string
    role: OrganisationRole
    joinedAt: Date
    removedAt: Date | null
  }[]
> {
  if (!isUuid(customerId)) return []
  return db
    .selectFrom('organisation_members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select([
      'o.name as organisationName',
      'o.customer_number as organisationNumber',
      'm.role',
      'm.joined_at as joinedAt',
      'm.removed_at as removedAt',
    ])
    .where('m.customer_id', '=', customerId)
    .orderBy('m.joined_at')
    .orderBy('m.id')
    .execute()
}

/**
 * The organisations this person is the only owner of, by name: they cannot leave them (or close
 * their account) until someone else owns them, or the organisation would have nobody to run it.
 */
export async function listSolelyOwnedOrganisations(
  db: Kysely<DB>,
  customerId: string,
): Promise<string[]> {
  if (!isUuid(customerId)) return []
  const rows = await db
    .selectFrom('organisation_members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select('o.name')
    .where('m.customer_id', '=', customerId)
    .where('m.role', '=', 'owner')
    .where('m.removed_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('organisation_members as other')
            .select('other.id')
            .whereRef('other.organisation_id', '=', 'm.organisation_id')
            .whereRef('other.customer_id', '!=', 'm.customer_id')
            .where('other.role', '=', 'owner')
            .where('other.removed_at', 'is', null),
        ),
      ),
    )
    .orderBy('o.name')
    .execute()
  return rows.map((row) => row.name)
}
