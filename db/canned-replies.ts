import { type Kysely, sql } from 'kysely'
import { InvalidStateError, NotFoundError, VersionConflictError } from './errors.ts'
import { isUuid } from './ids.ts'
import type { DB } from './schema.ts'

// Canned replies are staff tooling, not customer records: they carry who created and last
// changed them (created_by / updated_by) but write no record_history row, which is the
// customer's own history of their records.

export interface CannedReply {
  id: string
  title: string
  language: string
  body: string
  version: number
  updatedAt: Date
}

export interface CannedReplyInput {
  title: string
  language: string
  body: string
}

/** The placeholders a canned reply may use; anything else in braces is left as written. */
export const cannedReplyPlaceholders = ['customerName', 'agentName', 'ticketNumber'] as const

const columns = ['id', 'title', 'language', 'body', 'version', 'updated_at as updatedAt'] as const

/** Replies not archived, by title (case-insensitive), optionally for one language. */
export async function listCannedReplies(
  db: Kysely<DB>,
  options: { language?: string },
): Promise<CannedReply[]> {
  let query = db
    .selectFrom('canned_replies')
    .select(columns)
    .where('archived_at', 'is', null)
    .orderBy(sql`lower(title)`)
    .orderBy('language')
    .orderBy('id')
  if (options.language !== undefined) query = query.where('language', '=', options.language)
  return query.execute()
}

/** The reply, or null for a malformed or unknown id or an archived reply. */
export async function getCannedReply(db: Kysely<DB>, id: string): Promise<CannedReply | null> {
  if (!isUuid(id)) return null
  const row = await db
    .selectFrom('canned_replies')
    .select(columns)
    .where('id', '=', id)
    .where('archived_at', 'is', null)
    .executeTakeFirst()
  return row ?? null
}

/** The languages that have at least one reply, for the language filter. */
export async function listCannedReplyLanguages(db: Kysely<DB>): Promise<string[]> {
  const rows = await db
    .selectFrom('canned_replies')
    .select('language')
    .distinct()
    .where('archived_at', 'is', null)
    .orderBy('language')
    .execute()
  return rows.map((row) => row.language)
}

const placeholderPattern = new RegExp(`\\{\\{(${cannedReplyPlaceholders.join('|')})\\}\\}`, 'g')

/**
 * Puts the ticket's values into the reply, in one pass: a value that itself contains
 * `{{agentName}}` (a customer can name themself anything) stays as written. A function replacer,
 * so `$&` in a value is not read as a pattern either. Nothing in the body is evaluated.
 */
export function fillCannedReply(
  body: string,
  values: { customerName: string; agentName: string; ticketNumber: string },
): string {
  return body.replace(placeholderPattern, (_match, name: keyof typeof values) => values[name])
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === '23505'
}

const titleTaken = 'admin:canned.errors.titleTaken'

/** Refuses a title another live reply in the same language already has (case-insensitive). */
async function assertTitleFree(
  db: Kysely<DB>,
  input: CannedReplyInput,
  exceptId: string | null,
): Promise<void> {
  let query = db
    .selectFrom('canned_replies')
    .select('id')
    .where(sql<string>`lower(title)`, '=', input.title.toLowerCase())
    .where('language', '=', input.language)
    .where('archived_at', 'is', null)
  if (exceptId !== null) query = query.where('id', '<>', exceptId)
  if (await query.executeTakeFirst()) throw new InvalidStateError(titleTaken)
}

/**
 * A new reply.
 * @throws InvalidStateError('admin:canned.errors.titleTaken')
 */
export async function createCannedReply(
  db: Kysely<DB>,
  input: CannedReplyInput & { staffAccountId: string },
): Promise<CannedReply> {
  await assertTitleFree(db, input, null)
  try {
    return await db
      .insertInto('canned_replies')
      .values({
        title: input.title,
        language: input.language,
        body: input.body,
        created_by: input.staffAccountId,
        updated_by: input.staffAccountId,
      })
      .returning(columns)
      .executeTakeFirstOrThrow()
  } catch (error) {
    // Two supervisors adding the same title at once: the partial unique index decides.
    if (isUniqueViolation(error)) throw new InvalidStateError(titleTaken)
    throw error
  }
}

/**
 * Saves an edit made on `expectedVersion`; a stale form gets both sides back instead of
 * overwriting someone else's wording.
 * @throws NotFoundError (unknown or archived), VersionConflictError<CannedReply>,
 *   InvalidStateError('admin:canned.errors.titleTaken')
 */
export async function updateCannedReply(
  db: Kysely<DB>,
  input: CannedReplyInput & { id: string; expectedVersion: number; staffAccountId: string },
): Promise<CannedReply> {
  if (!isUuid(input.id)) throw new NotFoundError('canned_reply', input.id)
  const work = async (trx: Kysely<DB>): Promise<CannedReply> => {
    const current = await trx
      .selectFrom('canned_replies')
      .select(columns)
      .where('id', '=', input.id)
      .where('archived_at', 'is', null)
      .forUpdate()
      .executeTakeFirst()
    if (!current) throw new NotFoundError('canned_reply', input.id)
    if (current.version !== input.expectedVersion) {
      throw new VersionConflictError<CannedReply>({
        entity: 'canned_reply',
        id: input.id,
        expectedVersion: input.expectedVersion,
        current,
        changes: { title: input.title, language: input.language, body: input.body },
      })
    }
    if (
      current.title === input.title &&
      current.language === input.language &&
      current.body === input.body
    ) {
      return current
    }
    await assertTitleFree(trx, input, input.id)
    return trx
      .updateTable('canned_replies')
      .set((eb) => ({
        title: input.title,
        language: input.language,
        body: input.body,
        updated_by: input.staffAccountId,
        updated_at: sql<Date>`now()`,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', input.id)
      .returning(columns)
      .executeTakeFirstOrThrow()
  }
  try {
    return await (db.isTransaction ? work(db) : db.transaction().execute(work))
  } catch (error) {
    if (isUniqueViolation(error)) throw new InvalidStateError(titleTaken)
    throw error
  }
}

/**
 * Takes the reply out of use (kept for who wrote what). Checked against the version the list was
 * rendered with, so a reply edited in the meantime is not archived unseen.
 * @throws NotFoundError (unknown or already archived), VersionConflictError<CannedReply>
 */
export async function archiveCannedReply(
  db: Kysely<DB>,
  input: { id: string; expectedVersion: number; staffAccountId: string },
): Promise<void> {
  if (!isUuid(input.id)) throw new NotFoundError('canned_reply', input.id)
  const work = async (trx: Kysely<DB>): Promise<void> => {
    const current = await trx
      .selectFrom('canned_replies')
      .select(columns)
      .where('id', '=', input.id)
      .where('archived_at', 'is', null)
      .forUpdate()
      .executeTakeFirst()
    if (!current) throw new NotFoundError('canned_reply', input.id)
    if (current.version !== input.expectedVersion) {
      throw new VersionConflictError<CannedReply>({
        entity: 'canned_reply',
        id: input.id,
        expectedVersion: input.expectedVersion,
        current,
        changes: {},
      })
    }
    await trx
      .updateTable('canned_replies')
      .set((eb) => ({
        archived_at: sql<Date>`now()`,
        updated_by: input.staffAccountId,
        updated_at: sql<Date>`now()`,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', input.id)
      .execute()
  }
  await (db.isTransaction ? work(db) : db.transaction().execute(work))
}
