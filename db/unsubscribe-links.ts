import { type Kysely, sql } from 'kysely'
import { NotFoundError } from './errors.ts'
import { type Actor, type HistoryChannel, historyValues } from './history.ts'
import { isUuid } from './ids.ts'
import type { DB } from './schema.ts'

// The generation of a customer's unsubscribe links (see app/consent/unsubscribe-token.server.ts):
// a link is valid while it carries the customer's current generation.

/** The customer's current generation; null for an unknown customer. */
export async function getUnsubscribeGeneration(
  db: Kysely<DB>,
  customerId: string,
): Promise<number | null> {
  if (!isUuid(customerId)) return null
  const row = await db
    .selectFrom('communication_preferences')
    .select('unsubscribe_generation')
    .where('customer_id', '=', customerId)
    .executeTakeFirst()
  return row?.unsubscribe_generation ?? null
}

/**
 * Ends every unsubscribe link the customer was ever sent (a forwarded newsletter, a leaked
 * mailbox): their generation goes up by one, with a history row, in one transaction. Messages
 * sent afterwards carry links of the new generation. Returns the new generation.
 *
 * @throws NotFoundError for an unknown customer.
 */
export async function revokeUnsubscribeLinks(
  db: Kysely<DB>,
  options: { customerId: string; actor: Actor; channel: HistoryChannel },
): Promise<number> {
  const { customerId, actor, channel } = options
  if (!isUuid(customerId)) throw new NotFoundError('customer', customerId)
  const work = async (trx: Kysely<DB>) => {
    const updated = await trx
      .updateTable('communication_preferences')
      .set((eb) => ({
        unsubscribe_generation: eb('unsubscribe_generation', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('customer_id', '=', customerId)
      .returning('unsubscribe_generation')
      .executeTakeFirst()
    if (!updated) throw new NotFoundError('customer', customerId)
    await trx
      .insertInto('record_history')
      .values(
        historyValues({
          customerId,
          entityType: 'preferences',
          entityId: customerId,
          action: 'unsubscribe_links_revoked',
          actor,
          channel,
          before: { unsubscribe_generation: updated.unsubscribe_generation - 1 },
          after: { unsubscribe_generation: updated.unsubscribe_generation },
        }),
      )
      .execute()
    return updated.unsubscribe_generation
  }
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}
