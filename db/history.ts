import { type Insertable, type Kysely, type Selectable, sql } from 'kysely'
import { isUuid } from './ids.ts'
import type { DB, JsonValue, RecordHistory } from './schema.ts'
import { afterCursor, decodeCursor, exactTime, pageOf } from './keyset.ts'

type HistoryRow = Selectable<RecordHistory>
export type ActorKind = HistoryRow['actor_kind']
export type HistoryChannel = HistoryRow['channel']
export type HistoryEntityType = HistoryRow['entity_type']

/** Who made a change: a person (customer or staff account id), an integration, or the system. */
export type Actor =
  | { kind: 'customer' | 'staff'; id: string }
  | { kind: 'integration' | 'system'; id?: string | null }

export interface HistoryEntry {
  customerId: string
  entityType: HistoryEntityType
  entityId: string
  action: string
  actor: Actor
  channel: HistoryChannel
  before?: JsonValue | null
  after?: JsonValue | null
}

/**
 * Appends one history row. Call it with the transaction that makes the change, so the change
 * and its history commit or fail together.
 */
export async function recordHistory(db: Kysely<DB>, entry: HistoryEntry): Promise<void> {
  await db.insertInto('record_history').values(historyValues(entry)).execute()
}

export function historyValues(entry: HistoryEntry): Insertable<RecordHistory> {
  return {
    customer_id: entry.customerId,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    action: entry.action,
    actor_kind: entry.actor.kind,
    actor_id: entry.actor.id ?? null,
    channel: entry.channel,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
  }
}

/** Only the fields whose values differ, for a readable before/after pair. */
export function changedFields<T extends Record<string, JsonValue>>(
  before: T,
  after: Partial<T>,
): { before: Partial<T>; after: Partial<T> } | null {
  const was: Partial<T> = {}
  const now: Partial<T> = {}
  for (const key of Object.keys(after) as (keyof T)[]) {
    const next = after[key]
    if (next === undefined) continue
    if (JSON.stringify(before[key]) !== JSON.stringify(next)) {
      was[key] = before[key]
      now[key] = next
    }
  }
  return Object.keys(now).length > 0 ? { before: was, after: now } : null
}

/** The areas of the record the history page filters by, each a set of entity types. */
export const HISTORY_AREAS = {
  details: ['customer', 'account', 'session'],
  contact: ['email', 'phone', 'address'],
  consent: ['consent', 'preferences'],
  orders: ['order'],
  requests: ['request'],
  tickets: ['ticket'],
} as const satisfies Record<string, readonly HistoryEntityType[]>

export type HistoryArea = keyof typeof HISTORY_AREAS

export function isHistoryArea(value: string): value is HistoryArea {
  return Object.hasOwn(HISTORY_AREAS, value)
}

/** One row of a customer's history, as the customer may see it. */
export interface CustomerHistoryEntry {
  id: number
  occurredAt: Date
  entityType: HistoryEntityType
  action: string
  actorKind: ActorKind
  /** The staff member's display name when staff acted; null otherwise. */
  staffName: string | null
  channel: HistoryChannel
  before: JsonValue | null
  after: JsonValue | null
  /** The order, request or ticket number the row is about, to link to it. */
  reference: string | null
}

export interface ListCustomerHistoryOptions {
  /** Only these areas; all of them when absent or empty. */
  areas?: readonly HistoryArea[]
  /** Only these entity types (combined with `areas` as an intersection). */
  entityType?: HistoryEntityType | readonly HistoryEntityType[]
  /** The `nextCursor` of the previous page. */
  after?: string | null
  limit: number
  /**
   * The customer's own view: rows about an order, request or ticket of an organisation show
   * only while they act for that organisation (null: acting for themselves, so none). Absent
   * for staff, who see the whole record.
   */
  actingOrganisationId?: string | null
}

/**
 * A customer's history, newest first, one keyset page at a time (no OFFSET), with the acting
 * staff member's display name and the number of the order, request or ticket a row is about.
 * One statement per page.
 */
export async function listCustomerHistory(
  db: Kysely<DB>,
  customerId: string,
  options: ListCustomerHistoryOptions,
): Promise<{ items: CustomerHistoryEntry[]; nextCursor: string | null }> {
  if (!isUuid(customerId)) return { items: [], nextCursor: null }
  const limit = Math.max(1, Math.min(options.limit, 100))
  const cursor = decodeCursor(options.after)

  let types: readonly HistoryEntityType[] | null = options.areas?.length
    ? options.areas.flatMap((area) => HISTORY_AREAS[area])
    : null
  if (options.entityType !== undefined) {
    const only: readonly HistoryEntityType[] =
      typeof options.entityType === 'string' ? [options.entityType] : options.entityType
    types = types ? types.filter((type) => only.includes(type)) : only
  }
  if (types && types.length === 0) return { items: [], nextCursor: null }

  let query = db
    .selectFrom('record_history as h')
    // Only staff rows name someone; a customer's own account id is never joined to a name.
    .leftJoin('staff_members as s', (join) =>
      join.onRef('s.account_id', '=', 'h.actor_id').on('h.actor_kind', '=', 'staff'),
    )
    // Each join is scoped to the same customer, so a row can only ever name their own things.
    .leftJoin('orders as o', (join) =>
      join
        .on('h.entity_type', '=', 'order')
        .onRef('o.customer_id', '=', 'h.customer_id')
        .on(sql<boolean>`o.id::text = h.entity_id`),
    )
    .leftJoin('requests as r', (join) =>
      join
        .on('h.entity_type', '=', 'request')
        .onRef('r.customer_id', '=', 'h.customer_id')
        .on(sql<boolean>`r.id::text = h.entity_id`),
    )
    .leftJoin('tickets as t', (join) =>
      join
        .on('h.entity_type', '=', 'ticket')
        .onRef('t.customer_id', '=', 'h.customer_id')
        .on(sql<boolean>`t.id::text = h.entity_id`),
    )
    .select([
      'h.id',
      'h.occurred_at as occurredAt',
      exactTime('h.occurred_at').as('cursorAt'),
      'h.entity_type as entityType',
      'h.action',
      'h.actor_kind as actorKind',
      's.display_name as staffName',
      'h.channel',
      'h.before',
      'h.after',
      sql<string | null>`coalesce(o.order_number, r.request_number, t.ticket_number)`.as(
        'reference',
      ),
    ])
    .where('h.customer_id', '=', customerId)
  if (types) query = query.where('h.entity_type', 'in', types)
  if (options.actingOrganisationId !== undefined) {
    const itemOrganisation = sql`coalesce(o.organisation_id, r.organisation_id, t.organisation_id)`
    query = query.where(
      options.actingOrganisationId === null
        ? sql<boolean>`${itemOrganisation} is null`
        : sql<boolean>`(${itemOrganisation} is null or ${itemOrganisation} = ${options.actingOrganisationId})`,
    )
  }
  if (cursor) query = query.where(afterCursor('h.occurred_at', 'h.id', cursor))
  const rows = await query
    .orderBy('h.occurred_at', 'desc')
    .orderBy('h.id', 'desc')
    .limit(limit + 1)
    .execute()

  return pageOf(rows, limit)
}
