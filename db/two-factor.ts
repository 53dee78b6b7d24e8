import { type Kysely, sql } from 'kysely'
import { recordHistory } from './history.ts'
import type { DB } from './schema.ts'

// Second sign-in factor: an authenticator secret per account (stored encrypted; the app encrypts
// and decrypts, this layer only stores the text), one-time recovery codes (stored as SHA-256),
// and the pending sign-in challenges between the first and the second factor.

export interface TwoFactorState {
  secretEncrypted: string
  /** Null while an enrolment waits for its first right code. */
  enabledAt: Date | null
  lastUsedStep: number | null
}

export async function getTwoFactor(
  db: Kysely<DB>,
  accountId: string,
): Promise<TwoFactorState | null> {
  const row = await db
    .selectFrom('two_factor_secrets')
    .select([
      'secret_encrypted as secretEncrypted',
      'enabled_at as enabledAt',
      'last_used_step as lastUsedStep',
    ])
    .where('account_id', '=', accountId)
    .executeTakeFirst()
  return row
    ? { ...row, lastUsedStep: row.lastUsedStep === null ? null : Number(row.lastUsedStep) }
    : null
}

export async function isTwoFactorEnabled(db: Kysely<DB>, accountId: string): Promise<boolean> {
  const row = await db
    .selectFrom('two_factor_secrets')
    .select('account_id')
    .where('account_id', '=', accountId)
    .where('enabled_at', 'is not', null)
    .executeTakeFirst()
  return row !== undefined
}

/**
 * A new secret waiting for its first code. Replaces an earlier pending one (each enrolment shows
 * a fresh secret), never an enabled one: false when the account already has 2FA on.
 */
export async function savePendingSecret(
  db: Kysely<DB>,
  accountId: string,
  secretEncrypted: string,
): Promise<boolean> {
  const saved = await db
    .insertInto('two_factor_secrets')
    .values({ account_id: accountId, secret_encrypted: secretEncrypted })
    .onConflict((oc) =>
      oc
        .column('account_id')
        .doUpdateSet({
          secret_encrypted: secretEncrypted,
          last_used_step: null,
          created_at: sql<Date>`now()`,
        })
        .where('two_factor_secrets.enabled_at', 'is', null),
    )
    .returning('account_id')
    .executeTakeFirst()
  return saved !== undefined
}

/**
 * Takes a code's time step for the account: true only when it is later than every step accepted
 * before, so each code works once. One conditional update, so two requests racing with the same
 * code cannot both win.
 */
export async function acceptTimeStep(
  db: Kysely<DB>,
  accountId: string,
  step: number,
  options: { enabled: boolean },
): Promise<boolean> {
  const row = await db
    .updateTable('two_factor_secrets')
    .set({ last_used_step: step })
    .where('account_id', '=', accountId)
    .where('enabled_at', options.enabled ? 'is not' : 'is', null)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
    .returning('account_id')
    .executeTakeFirst()
  return row !== undefined
}

/** Spends a recovery code: true when it was the account's and unused, and is now used. */
export async function spendRecoveryCode(
  db: Kysely<DB>,
  accountId: string,
  codeHash: string,
): Promise<boolean> {
  const row = await db
    .updateTable('two_factor_recovery_codes')
    .set({ used_at: sql<Date>`now()` })
    .where('account_id', '=', accountId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

export async function countUnusedRecoveryCodes(db: Kysely<DB>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('two_factor_recovery_codes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** A customer's own change is written to their record's history; staff have no record. */
type HistoryTarget = { customerId: string; channel: 'portal' } | null

async function writeHistory(
  db: Kysely<DB>,
  accountId: string,
  target: HistoryTarget,
  action: 'two_factor_enabled' | 'two_factor_disabled' | 'recovery_codes_regenerated',
): Promise<void> {
  if (!target) return
  // What changed, never a secret or a code.
  await recordHistory(db, {
    customerId: target.customerId,
    entityType: 'account',
    entityId: accountId,
    action,
    actor: { kind: 'customer', id: accountId },
    channel: target.channel,
    before: null,
    after: action === 'two_factor_disabled' ? { twoFactor: false } : { twoFactor: true },
  })
}

async function replaceCodes(db: Kysely<DB>, accountId: string, codeHashes: string[]) {
  await db.deleteFrom('two_factor_recovery_codes').where('account_id', '=', accountId).execute()
  await db
    .insertInto('two_factor_recovery_codes')
    .values(codeHashes.map((code_hash) => ({ account_id: accountId, code_hash })))
    .execute()
}

/**
 * Turns the pending secret on with the step of the code that proved it, and stores a new set of
 * recovery codes. False (and nothing changed) when there was no pending secret or the step was
 * already used. Call inside a transaction: the secret, the codes and the history row go together.
 */
export async function enableTwoFactor(
  db: Kysely<DB>,
  options: { accountId: string; step: number; codeHashes: string[]; history: HistoryTarget },
): Promise<boolean> {
  const enabled = await db
    .updateTable('two_factor_secrets')
    .set({ enabled_at: sql<Date>`now()`, last_used_step: options.step })
    .where('account_id', '=', options.accountId)
    .where('enabled_at', 'is', null)
    .where((eb) =>
      eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', options.step)]),
    )
    .returning('account_id')
    .executeTakeFirst()
  if (!enabled) return false
  await replaceCodes(db, options.accountId, options.codeHashes)
  await writeHistory(db, options.accountId, options.history, 'two_factor_enabled')
  return true
}

/** A new set of recovery codes; the old ones stop working. Inside a transaction. */
export async function regenerateRecoveryCodes(
  db: Kysely<DB>,
  options: { accountId: string; codeHashes: string[]; history: HistoryTarget },
): Promise<void> {
  await replaceCodes(db, options.accountId, options.codeHashes)
  await writeHistory(db, options.accountId, options.history, 'recovery_codes_regenerated')
}

/** Removes the secret and the codes. False when 2FA was not on. Inside a transaction. */
export async function disableTwoFactor(
  db: Kysely<DB>,
  options: { accountId: string; history: HistoryTarget },
): Promise<boolean> {
  const removed = await db
    .deleteFrom('two_factor_secrets')
    .where('account_id', '=', options.accountId)
    .where('enabled_at', 'is not', null)
    .returning('account_id')
    .executeTakeFirst()
  await db
    .deleteFrom('two_factor_recovery_codes')
    .where('account_id', '=', options.accountId)
    .execute()
  if (!removed) return false
  await writeHistory(db, options.accountId, options.history, 'two_factor_disabled')
  return true
}

// Sign-in challenges ----------------------------------------------------------------------------

export const CHALLENGE_TTL_MINUTES = 10

export type ChallengeFlow = 'password' | 'magic_link'

export interface SignInChallenge {
  accountId: string
  accountKind: 'customer' | 'staff'
  email: string
  flow: ChallengeFlow
  redirectTo: string | null
  enrolledAt: Date | null
}

export async function createSignInChallenge(
  db: Kysely<DB>,
  options: { tokenHash: string; accountId: string; flow: ChallengeFlow; redirectTo: string | null },
): Promise<void> {
  // Old challenges go on the way in, so the table holds only the last ten minutes' sign-ins.
  await db
    .deleteFrom('sign_in_challenges')
    .where('expires_at', '<=', sql<Date>`now()`)
    .execute()
  await db
    .insertInto('sign_in_challenges')
    .values({
      token_hash: options.tokenHash,
      account_id: options.accountId,
      flow: options.flow,
      redirect_to: options.redirectTo,
      expires_at: sql<Date>`now() + make_interval(mins => ${CHALLENGE_TTL_MINUTES})`,
    })
    .execute()
}

/** A live (unexpired) challenge with its account, or null. */
export async function findSignInChallenge(
  db: Kysely<DB>,
  tokenHash: string,
): Promise<SignInChallenge | null> {
  const row = await db
    .selectFrom('sign_in_challenges as c')
    .innerJoin('accounts as a', 'a.id', 'c.account_id')
    .select([
      'c.account_id as accountId',
      'a.kind as accountKind',
      'a.email',
      'c.flow',
      'c.redirect_to as redirectTo',
      'c.enrolled_at as enrolledAt',
    ])
    .where('c.token_hash', '=', tokenHash)
    .where('c.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst()
  return row ?? null
}

export async function markChallengeEnrolled(db: Kysely<DB>, tokenHash: string): Promise<void> {
  await db
    .updateTable('sign_in_challenges')
    .set({ enrolled_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .execute()
}

/**
 * Uses a challenge up: its account when it was live, else null. One delete, so a challenge
 * starts at most one session however many requests race for it.
 */
export async function consumeSignInChallenge(
  db: Kysely<DB>,
  tokenHash: string,
): Promise<string | null> {
  const row = await db
    .deleteFrom('sign_in_challenges')
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('account_id')
    .executeTakeFirst()
  return row?.account_id ?? null
}

export async function deleteSignInChallenge(db: Kysely<DB>, tokenHash: string): Promise<void> {
  await db.deleteFrom('sign_in_challenges').where('token_hash', '=', tokenHash).execute()
}

/** The sign-in address, shown as the account's name in the authenticator app. */
export async function getAccountEmail(db: Kysely<DB>, accountId: string): Promise<string | null> {
  const row = await db
    .selectFrom('accounts')
    .select('email')
    .where('id', '=', accountId)
    .executeTakeFirst()
  return row?.email ?? null
}

export async function getPasswordHash(db: Kysely<DB>, accountId: string): Promise<string | null> {
  const row = await db
    .selectFrom('accounts')
    .select('password_hash')
    .where('id', '=', accountId)
    .executeTakeFirst()
  return row?.password_hash ?? null
}
