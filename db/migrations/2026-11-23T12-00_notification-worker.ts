import { type Kysely, sql } from 'kysely'

// Frozen in time: this file never imports app code, and it is never edited once landed.
// Written for PostgreSQL 15 (the server) and 18 (PGlite).

const statements = [
  // Revocable unsubscribe links: each link carries the generation it was signed for, and
  // raising the customer's generation makes every older link of theirs stop working. Links
  // issued before this column existed carry generation 1, which it starts at.
  `alter table communication_preferences
     add column unsubscribe_generation integer not null default 1
       check (unsubscribe_generation > 0)`,

  // Outbox rows a worker claimed: their next_attempt_at is the end of the claim, after which a
  // row whose worker died is handed out again.
  `create index notification_outbox_claimed on notification_outbox (next_attempt_at)
     where status = 'processing'`,

  // "Messages we sent you" pages newest first by (created_at, id); the id settles ties.
  `drop index notification_deliveries_customer`,
  `create index notification_deliveries_customer on notification_deliveries
     (customer_id, created_at desc, id desc)`,
  `create index notification_deliveries_outbox on notification_deliveries (outbox_id)`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db)
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `drop index if exists notification_deliveries_outbox`,
    `drop index if exists notification_deliveries_customer`,
    `create index notification_deliveries_customer on notification_deliveries
       (customer_id, created_at desc)`,
    `drop index if exists notification_outbox_claimed`,
    `alter table communication_preferences drop column if exists unsubscribe_generation`,
  ]) {
    await sql.raw(statement).execute(db)
  }
}
