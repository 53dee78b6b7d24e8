import { type Kysely, sql } from 'kysely'
import { type ConsentWording, type TopicCode } from './consent.ts'
import { VersionConflictError } from './errors.ts'
import type { DB } from './schema.ts'

// Consent wordings are never edited in place: ledger rows point at the exact version a customer
// agreed to, so a changed sentence is always a new version. What customers see is the newest
// version (currentWordings in consent.ts); these are the admin's reads and the one write.

export interface WordingVersion extends ConsentWording {
  createdAt: Date
  createdByName: string | null
}

/** Every version, by topic (in the portal's order), language, newest version first. */
export async function listWordingVersions(
  db: Kysely<DB>,
  options: { topic?: TopicCode; language?: string } = {},
): Promise<WordingVersion[]> {
  let query = db
    .selectFrom('consent_wordings as w')
    .innerJoin('topics', 'topics.code', 'w.topic')
    .leftJoin('staff_members as s', 's.account_id', 'w.created_by')
    .select([
      'w.id',
      'w.topic',
      'w.language',
      'w.version',
      'w.body',
      'w.created_at as createdAt',
      's.display_name as createdByName',
    ])
    .orderBy('topics.sort_order')
    .orderBy('w.language')
    .orderBy('w.version', 'desc')
  if (options.topic !== undefined) query = query.where('w.topic', '=', options.topic)
  if (options.language !== undefined) query = query.where('w.language', '=', options.language)
  return query.execute()
}

/** The newest version number for a topic and language; 0 when there is none yet. */
export async function latestWordingVersion(
  db: Kysely<DB>,
  topic: TopicCode,
  language: string,
): Promise<number> {
  const row = await db
    .selectFrom('consent_wordings')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('topic', '=', topic)
    .where('language', '=', language)
    .executeTakeFirst()
  return row?.version ?? 0
}

export interface NewWordingInput {
  topic: TopicCode
  language: string
  body: string
  /**
   * The newest version the admin was looking at (0 for none). When someone added a version
   * since, the new one would silently replace a text this admin never read: refused.
   */
  basedOnVersion: number
  staffAccountId: string
}

/**
 * Adds version max+1 for the topic and language.
 * @throws VersionConflictError<{ version: number; body: string | null }> when a newer version
 *   than `basedOnVersion` exists
 */
export async function addConsentWording(
  db: Kysely<DB>,
  input: NewWordingInput,
): Promise<ConsentWording> {
  const work = async (trx: Kysely<DB>): Promise<ConsentWording> => {
    // Two admins adding a version of one topic at once would both compute the same max+1; the
    // topic's row lock makes the second wait and then see the first's version.
    await trx
      .selectFrom('topics')
      .select('code')
      .where('code', '=', input.topic)
      .forUpdate()
      .executeTakeFirstOrThrow()
    const latest = await trx
      .selectFrom('consent_wordings')
      .select(['version', 'body'])
      .where('topic', '=', input.topic)
      .where('language', '=', input.language)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst()
    const version = latest?.version ?? 0
    if (version !== input.basedOnVersion) {
      throw new VersionConflictError<{ version: number; body: string | null }>({
        entity: 'consent_wording',
        id: `${input.topic}:${input.language}`,
        expectedVersion: input.basedOnVersion,
        current: { version, body: latest?.body ?? null },
        changes: { body: input.body },
      })
    }
    return trx
      .insertInto('consent_wordings')
      .values({
        topic: input.topic,
        language: input.language,
        version: version + 1,
        body: input.body,
        created_by: input.staffAccountId,
        created_at: sql<Date>`now()`,
      })
      .returning(['id', 'topic', 'language', 'version', 'body'])
      .executeTakeFirstOrThrow()
  }
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}
