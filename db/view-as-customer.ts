import type { Kysely } from 'kysely'
import { recordHistory } from './history.ts'
import { recordRecordView } from './record-access.ts'
import type { DB } from './schema.ts'

/**
 * A staff member looked at the customer's portal pages as the customer sees them: one row in
 * the record's history (the customer reads who did it, and which page) and one in the record
 * access log ("who looked at my record"), in one transaction so neither exists without the
 * other.
 */
export async function recordViewAsCustomer(
  db: Kysely<DB>,
  view: { customerId: string; staffAccountId: string; page: string },
): Promise<void> {
  const write = async (trx: Kysely<DB>) => {
    await recordHistory(trx, {
      customerId: view.customerId,
      entityType: 'customer',
      entityId: view.customerId,
      action: 'viewed_as_customer',
      actor: { kind: 'staff', id: view.staffAccountId },
      channel: 'staff',
      after: { page: view.page },
    })
    await recordRecordView(trx, {
      customerId: view.customerId,
      staffAccountId: view.staffAccountId,
      page: 'view_as_customer',
    })
  }
  await (db.isTransaction ? write(db) : db.transaction().execute(write))
}
