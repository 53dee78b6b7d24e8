import type { Kysely } from 'kysely'
import { isUuid } from './ids.ts'
import type { DB } from './schema.ts'

/** The staff pages a view can be recorded for; the customer's history page translates each. */
export const RECORD_VIEW_PAGES = ['customer_360', 'ticket_workspace', 'view_as_customer'] as const
export type RecordViewPage = (typeof RECORD_VIEW_PAGES)[number]

export function isRecordViewPage(value: string): value is RecordViewPage {
  return (RECORD_VIEW_PAGES as readonly string[]).includes(value)
}

/**
 * Appends one row to the access log: a staff member opened this customer's record. The table
 * refuses updates and deletes, so the customer's account of who looked cannot be edited away.
 */
export async function recordRecordView(
  db: Kysely<DB>,
  view: { customerId: string; staffAccountId: string; page: RecordViewPage },
): Promise<void> {
  await db
    .insertInto('record_access_log')
    .values({
      customer_id: view.customerId,
      staff_account_id: view.staffAccountId,
      page: view.page,
    })
    .execute()
}

export interface RecordView {
  id: number
  viewedAt: Date
  staffName: string
  page: string
}

/** Who on our side looked at the customer's record, newest first. One statement. */
export async function listRecordViews(
  db: Kysely<DB>,
  customerId: string,
  options: { limit: number },
): Promise<RecordView[]> {
  if (!isUuid(customerId)) return []
  const limit = Math.max(1, Math.min(options.limit, 100))
  return db
    .selectFrom('record_access_log as l')
    .innerJoin('staff_members as s', 's.account_id', 'l.staff_account_id')
    .select(['l.id', 'l.viewed_at as viewedAt', 's.display_name as staffName', 'l.page'])
    .where('l.customer_id', '=', customerId)
    .orderBy('l.viewed_at', 'desc')
    .orderBy('l.id', 'desc')
    .limit(limit)
    .execute()
}
