import { type Kysely, type Selectable, sql } from 'kysely'
import type { DB, Requests, ServiceTargets, Tickets } from './schema.ts'

export type ServiceTarget = Pick<
  Selectable<ServiceTargets>,
  'subject_kind' | 'subject_value' | 'first_response_minutes' | 'resolution_minutes'
>

/** Keyed `ticket_priority:normal`, `request_kind:return`, ... */
export type ServiceTargetMap = ReadonlyMap<string, ServiceTarget>

/** The response and resolution promises staff set; small, read whole. */
export async function getServiceTargets(db: Kysely<DB>): Promise<ServiceTargetMap> {
  const rows = await db
    .selectFrom('service_targets')
    .select(['subject_kind', 'subject_value', 'first_response_minutes', 'resolution_minutes'])
    .execute()
  return new Map(rows.map((row) => [`${row.subject_kind}:${row.subject_value}`, row]))
}

export function targetFor(
  targets: ServiceTargetMap,
  kind: ServiceTarget['subject_kind'],
  value: string,
): ServiceTarget | null {
  return targets.get(`${kind}:${value}`) ?? null
}

/** When a promise made at `from` falls due, or null when there is no target. */
export function dueAt(from: Date, minutes: number | null): Date | null {
  return minutes === null ? null : new Date(from.getTime() + minutes * 60_000)
}

export const targetTicketPriorities = [
  'low',
  'normal',
  'high',
  'urgent',
] as const satisfies readonly Selectable<Tickets>['priority'][]

export const targetRequestKinds = [
  'return',
  'repair',
  'document',
  'data_correction',
  'account_closure',
] as const satisfies readonly Selectable<Requests>['kind'][]

/** Every subject a target can be set for, in the order staff see them. */
export const targetSubjects = [
  ...targetTicketPriorities.map((value) => ({ kind: 'ticket_priority' as const, value })),
  ...targetRequestKinds.map((value) => ({ kind: 'request_kind' as const, value })),
]

export interface ServiceTargetInput {
  kind: ServiceTarget['subject_kind']
  value: string
  /** Null: no promise for this measure (the staff form always sends both). */
  firstResponseMinutes: number | null
  resolutionMinutes: number | null
}

/**
 * A supervisor's edit of the targets, all or nothing: a half-saved set would promise customers
 * a mix of old and new times. Each row records who set it and when.
 */
export async function saveServiceTargets(
  db: Kysely<DB>,
  input: { targets: readonly ServiceTargetInput[]; staffAccountId: string },
): Promise<void> {
  if (input.targets.length === 0) return
  const write = async (trx: Kysely<DB>) => {
    await trx
      .insertInto('service_targets')
      .values(
        input.targets.map((target) => ({
          subject_kind: target.kind,
          subject_value: target.value,
          first_response_minutes: target.firstResponseMinutes,
          resolution_minutes: target.resolutionMinutes,
          updated_at: sql<Date>`now()`,
          updated_by: input.staffAccountId,
        })),
      )
      .onConflict((conflict) =>
        conflict.columns(['subject_kind', 'subject_value']).doUpdateSet((eb) => ({
          first_response_minutes: eb.ref('excluded.first_response_minutes'),
          resolution_minutes: eb.ref('excluded.resolution_minutes'),
          updated_at: eb.ref('excluded.updated_at'),
          updated_by: eb.ref('excluded.updated_by'),
        })),
      )
      .execute()
  }
  await (db.isTransaction ? write(db) : db.transaction().execute(write))
}
