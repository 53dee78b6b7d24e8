import { type Database } from '#db/database.ts'
import { TOPIC_CODES, type TopicCode } from '#db/consent.ts'

/** Version 1 of an English wording for every topic; returns topic → wording id. */
export async function createWordings(
  db: Database,
  options: { language?: string; version?: number } = {},
): Promise<Record<TopicCode, string>> {
  const language = options.language ?? 'en'
  const version = options.version ?? 1
  const rows = await db
    .insertInto('consent_wordings')
    .values(
      TOPIC_CODES.map((topic) => ({
        topic,
        language,
        version,
        body: `${topic} wording, ${language} version ${version}`,
      })),
    )
    .returning(['id', 'topic'])
    .execute()
  return Object.fromEntries(rows.map((row) => [row.topic, row.id])) as Record<TopicCode, string>
}

/** The customer's ledger rows, oldest first, as stored. */
export async function ledgerOf(db: Database, customerId: string) {
  return db
    .selectFrom('consent_ledger')
    .select([
      'id',
      'channel',
      'topic',
      'decision',
      'wording_id',
      'language',
      'source',
      'actor_kind',
      'actor_id',
      'recorded_at',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute()
}

/** consent_current as stored, keyed 'channel:topic'. */
export async function currentOf(db: Database, customerId: string) {
  const rows = await db
    .selectFrom('consent_current')
    .select(['channel', 'topic', 'decision', 'ledger_id'])
    .where('customer_id', '=', customerId)
    .execute()
  return Object.fromEntries(
    rows.map((row) => [
      `${row.channel}:${row.topic}`,
      { decision: row.decision, ledgerId: row.ledger_id },
    ]),
  )
}

/** The customer's history rows about consent (or preferences), oldest first. */
export async function consentHistoryOf(
  db: Database,
  customerId: string,
  entityType: 'consent' | 'preferences' = 'consent',
) {
  return db
    .selectFrom('record_history')
    .select([
      'entity_type',
      'entity_id',
      'action',
      'actor_kind',
      'actor_id',
      'channel',
      'before',
      'after',
    ])
    .where('customer_id', '=', customerId)
    .where('entity_type', '=', entityType)
    .orderBy('id')
    .execute()
}

/** A browser's form post whose fields may repeat (checkbox groups), with the cookie it holds. */
export function postForm(
  path: string,
  fields: [string, string][],
  options: { cookie?: string | null } = {},
): Request {
  const headers = new Headers({ 'Content-Type': 'application/x-www-form-urlencoded' })
  if (options.cookie) headers.set('Cookie', options.cookie)
  return new Request(`http://localhost${path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(fields),
  })
}
