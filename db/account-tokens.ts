import { createHash, randomBytes } from 'node:crypto'
import { type Kysely, type Selectable, sql } from 'kysely'
import type { AccountTokens, DB, JsonValue } from './schema.ts'

export type TokenPurpose = Selectable<AccountTokens>['purpose']

export interface AccountTokenRecord {
  accountId: string | null
  customerId: string | null
  payload: JsonValue
}

/** Only this is stored: whoever reads the table cannot use what they read. */
export function hashToken(rawToken: string): string {
  return createHash('sha256').update(rawToken).digest('hex')
}

export interface CreateAccountTokenOptions {
  /** Null for a token that hangs from a customer record with no account yet (an invitation). */
  accountId: string | null
  purpose: TokenPurpose
  ttlMinutes: number
  customerId?: string | null
  payload?: JsonValue
}

/** A one-time token for a link we email. Returns the raw token; the database keeps its hash. */
export async function createAccountToken(
  db: Kysely<DB>,
  options: CreateAccountTokenOptions,
): Promise<string> {
  // 256 bits: unguessable, so the token alone is the proof and needs no account id beside it.
  const rawToken = randomBytes(32).toString('base64url')
  await db
    .insertInto('account_tokens')
    .values({
      token_hash: hashToken(rawToken),
      purpose: options.purpose,
      account_id: options.accountId,
      customer_id: options.customerId ?? null,
      payload: JSON.stringify(options.payload ?? {}),
      // The database's clock both sets and checks the expiry, so app servers' clocks never matter.
      expires_at: sql<Date>`now() + make_interval(mins => ${options.ttlMinutes})`,
    })
    .execute()
  return rawToken
}

/** Whether a token would be accepted now, without using it up (to show the form or not). */
export async function peekAccountToken(
  db: Kysely<DB>,
  rawToken: string,
  purpose: TokenPurpose,
): Promise<AccountTokenRecord | null> {
  const row = await db
    .selectFrom('account_tokens')
    .select(['account_id', 'customer_id', 'payload'])
    .where('token_hash', '=', hashToken(rawToken))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst()
  return row ? toRecord(row) : null
}

/**
 * Uses a token up. One conditional UPDATE both checks and marks it, so of two concurrent uses
 * exactly one gets the row back; null for a token that is unknown, used, expired, or for
 * another purpose.
 */
export async function consumeAccountToken(
  db: Kysely<DB>,
  rawToken: string,
  purpose: TokenPurpose,
): Promise<AccountTokenRecord | null> {
  const row = await db
    .updateTable('account_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', hashToken(rawToken))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['account_id', 'customer_id', 'payload'])
    .executeTakeFirst()
  return row ? toRecord(row) : null
}

/** Retires an account's other open tokens of a purpose, e.g. older reset links once one worked. */
export async function revokeAccountTokens(
  db: Kysely<DB>,
  accountId: string,
  purpose: TokenPurpose,
): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('account_id', '=', accountId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute()
}

function toRecord(row: {
  account_id: string | null
  customer_id: string | null
  payload: JsonValue
}): AccountTokenRecord {
  return { accountId: row.account_id, customerId: row.customer_id, payload: row.payload }
}
