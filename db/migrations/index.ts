import type { Migration } from 'kysely/migration'
import * as domainSchema from './2026-11-23T00-00_domain-schema.ts'
import * as notificationWorker from './2026-11-23T12-00_notification-worker.ts'
import * as staffWorkspace from './2026-11-23T19-30_staff-workspace.ts'
import * as rateLimits from './2026-11-23T21-00_rate-limits.ts'
import * as twoFactor from './2026-11-23T22-30_two-factor.ts'
import * as organisations from './2026-11-24T02-00_organisations.ts'

// A static list rather than a folder scan, so migrations work the same under tsx and when
// bundled. Names sort by their ISO date prefix; add new ones at the end.
export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00_domain-schema': domainSchema,
  '2026-11-23T12-00_notification-worker': notificationWorker,
  '2026-11-23T19-30_staff-workspace': staffWorkspace,
  '2026-11-23T21-00_rate-limits': rateLimits,
  '2026-11-23T22-30_two-factor': twoFactor,
  '2026-11-24T02-00_organisations': organisations,
}
