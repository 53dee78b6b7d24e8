import type { Insertable, Kysely, Selectable } from 'kysely'
import type { DB, JsonValue, RecordHistory } from './schema.ts'

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
