import { type Kysely } from 'kysely'
import { type AccountKind, setAccountPassword } from './accounts.ts'
import { type HistoryChannel } from './history.ts'
import type { DB } from './schema.ts'
import { deleteAccountSessions } from './sessions.ts'

// Changing a password while signed in: the account is known from the session, never from the
// form, so these functions take the signed-in account's id and nothing else names an account.

export interface AccountCredentials {
  id: string
  kind: AccountKind
  /** The address sign-in attempts are counted under, so a guess here counts as one there. */
  email: string
  passwordHash: string | null
}

export async function findAccountCredentials(
  db: Kysely<DB>,
  accountId: string,
): Promise<AccountCredentials | undefined> {
  return db
    .selectFrom('accounts')
    .select(['id', 'kind', 'email', 'password_hash as passwordHash'])
    .where('id', '=', accountId)
    .executeTakeFirst()
}

export interface ReplaceAccountPasswordOptions {
  accountId: string
  /** The hash the current password was checked against; the change is refused if it moved on. */
  expectedHash: string
  passwordHash: string
  channel: HistoryChannel
}

/**
 * Replaces the password the caller verified, ends every session of the account and (for a
 * customer) records the change, all in the caller's transaction. False when the stored hash is no
 * longer the verified one: a change made meanwhile (another tab, a reset link) wins, and the
 * password typed as current is no longer current.
 */
export async function replaceAccountPassword(
  trx: Kysely<DB>,
  options: ReplaceAccountPasswordOptions,
): Promise<boolean> {
  const locked = await trx
    .selectFrom('accounts')
    .select('id')
    .where('id', '=', options.accountId)
    .where('password_hash', '=', options.expectedHash)
    .forUpdate()
    .executeTakeFirst()
  if (!locked) return false
  await setAccountPassword(trx, {
    accountId: options.accountId,
    passwordHash: options.passwordHash,
    channel: options.channel,
  })
  await deleteAccountSessions(trx, options.accountId)
  return true
}
