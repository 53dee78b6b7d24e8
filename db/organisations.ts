import type { Kysely } from 'kysely'
import type { Actor, HistoryChannel } from './history.ts'
import { isUuid } from './ids.ts'
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
