import type { Kysely, Selectable } from 'kysely'
import type { DB, ServiceTargets } from './schema.ts'

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
