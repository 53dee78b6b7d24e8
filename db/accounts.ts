import { type Kysely, sql } from 'kysely'
import { type Actor, type HistoryChannel, recordHistory } from './history.ts'
import type { DB } from './schema.ts'

export type AccountKind = 'customer' | 'staff'

// Addresses are unique whatever their letter case (accounts_email_key on lower(email)), so
// every lookup compares lower() to lower() and can use that index.
function byEmail(email: string) {
  return sql<boolean>`lower(accounts.email) = lower(${email.trim()})`
}

export interface AccountForSignIn {
  id: string
  kind: AccountKind
  password_hash: string | null
  disabled_at: Date | null
  /** Null for customers, and for a staff account whose staff record is missing. */
  staff_role: 'agent' | 'supervisor' | 'admin' | null
  staff_deactivated_at: Date | null
}

/** Everything sign-in needs to decide, and nothing more. */
export async function findAccountForSignIn(
  db: Kysely<DB>,
  email: string,
): Promise<AccountForSignIn | undefined> {
  return db
    .selectFrom('accounts')
    .leftJoin('staff_members', 'staff_members.account_id', 'accounts.id')
    .select([
      'accounts.id',
      'accounts.kind',
      'accounts.password_hash',
      'accounts.disabled_at',
      'staff_members.role as staff_role',
      'staff_members.deactivated_at as staff_deactivated_at',
    ])
    .where(byEmail(email))
    .executeTakeFirst()
}

export interface AccountForPasswordReset {
  id: string
  kind: AccountKind
  email: string
  customer_id: string | null
  /** The language to write to them in: the customer's own, English for staff. */
  language: string
}

/**
 * An account that may reset its password: not disabled, and for staff not deactivated. A reset
 * link for anyone else would only lead to a sign-in that is refused anyway.
 */
export async function findAccountForPasswordReset(
  db: Kysely<DB>,
  email: string,
): Promise<AccountForPasswordReset | undefined> {
  const row = await db
    .selectFrom('accounts')
    .leftJoin('staff_members', 'staff_members.account_id', 'accounts.id')
    .leftJoin('customers', 'customers.id', 'accounts.customer_id')
    .select([
      'accounts.id',
      'accounts.kind',
      'accounts.email',
      'accounts.customer_id',
      'customers.language',
    ])
    .where(byEmail(email))
    .where('accounts.disabled_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('accounts.kind', '=', 'customer'),
        eb.and([
          eb('staff_members.account_id', 'is not', null),
          eb('staff_members.deactivated_at', 'is', null),
        ]),
      ]),
    )
    .executeTakeFirst()
  if (!row) return undefined
  return { ...row, language: row.language ?? 'en' }
}

export interface SetAccountPasswordOptions {
  accountId: string
  passwordHash: string
  /** Who changed it; by default the account holder themself. */
  actor?: Actor
  channel: HistoryChannel
}

/**
 * Replaces an account's password. For a customer's account the change goes into their history
 * (that it happened, never the hash), in the same transaction as the change; a handle that is
 * not already a transaction gets one here.
 */
export async function setAccountPassword(
  db: Kysely<DB>,
  options: SetAccountPasswordOptions,
): Promise<{ id: string; kind: AccountKind; customer_id: string | null } | undefined> {
  if (!db.isTransaction) {
    return db.transaction().execute((trx) => setAccountPassword(trx, options))
  }
  const account = await db
    .updateTable('accounts')
    .set({ password_hash: options.passwordHash })
    .where('id', '=', options.accountId)
    .returning(['id', 'kind', 'customer_id'])
    .executeTakeFirst()
  if (account?.customer_id) {
    await recordHistory(db, {
      customerId: account.customer_id,
      entityType: 'account',
      entityId: account.id,
      action: 'password_changed',
      actor: options.actor ?? { kind: account.kind, id: account.id },
      channel: options.channel,
    })
  }
  return account
}
