import { sql } from 'kysely'
import { hashPassword } from '#app/auth/password.server.ts'
import { encryptTotpKey, totpKeyFromBase32 } from '#app/auth/two-factor.server.ts'
import type { Database } from '../database.ts'
import { DEMO_PASSWORD, DEMO_STAFF_LOGINS, DEMO_STAFF_TOTP_SECRET } from './demo-logins.ts'
import { describeSummary, type SeedSummary } from './summary.ts'

export {
  DEMO_CUSTOMER_LOGINS,
  DEMO_ORGANISATIONS,
  DEMO_PASSWORD,
  DEMO_STAFF_LOGINS,
  DEMO_STAFF_TOTP_SECRET,
} from './demo-logins.ts'
export type { SeedSummary } from './summary.ts'

/**
 * Writes the demo: about thirty customers with orders, requests, tickets, consent and history,
 * and the fixed demo logins, in one transaction (all of it or nothing). Meant for an empty
 * database; it does not check, the callers do.
 *
 * Deterministic: the same customers, numbers, names and conversations on every run. Times are
 * the exception on purpose: they are placed relative to the start of today (UTC), so the demo
 * always looks recent, with nothing later than yesterday.
 */
export async function seedDemo(db: Database): Promise<SeedSummary> {
  // Hashed once: every demo account shares the password, and argon2 is slow by design.
  const passwordHash = await hashPassword(DEMO_PASSWORD)
  const { writeDemo } = await import('./demo-seed.ts')
  const write = async (trx: Database) => {
    const summary = await writeDemo(trx, { now: new Date(), passwordHash })
    await enableDemoStaffTwoFactor(trx)
    return summary
  }
  return db.isTransaction ? write(db) : db.transaction().execute(write)
}

/**
 * The demo staff accounts get the published demo authenticator secret, encrypted like any other
 * (so with this process's SESSION_SECRET: seed and serve with the same one).
 */
async function enableDemoStaffTwoFactor(db: Database): Promise<void> {
  const emails = Object.values(DEMO_STAFF_LOGINS).map((login) => login.email)
  const staff = await db
    .selectFrom('accounts')
    .select('id')
    .where('kind', '=', 'staff')
    .where('email', 'in', emails)
    .execute()
  if (staff.length === 0) return
  const key = totpKeyFromBase32(DEMO_STAFF_TOTP_SECRET)
  await db
    .insertInto('two_factor_secrets')
    .values(
      staff.map(({ id }) => ({
        account_id: id,
        secret_encrypted: encryptTotpKey(key, id),
        enabled_at: new Date(),
      })),
    )
    .execute()
}

/**
 * Called on every server start: seeds the demo into an empty database when asked to, and costs
 * one indexed lookup otherwise. `SEED_DEMO=1` seeds, `SEED_DEMO=0` never does; unset, it seeds
 * only the embedded database (no `DATABASE_URL`), so a real server is never filled by surprise.
 */
export async function seedDemoIfNeeded(
  db: Database,
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  const wanted = env.SEED_DEMO === undefined ? !env.DATABASE_URL : env.SEED_DEMO === '1'
  if (!wanted) return
  // Any one row answers the question; counting them all would not stay cheap at scale.
  if (await hasCustomers(db)) return
  const started = performance.now()
  const summary = await db.transaction().execute(async (trx) => {
    // Two servers starting at once on one empty database: the second waits, then finds data.
    await sql`select pg_advisory_xact_lock(${DEMO_SEED_LOCK})`.execute(trx)
    return (await hasCustomers(trx)) ? null : seedDemo(trx)
  })
  if (!summary) return
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(`[seed] Demo data: ${describeSummary(summary)} in ${seconds} s`)
}

/** An arbitrary key for PostgreSQL's advisory locks, used only by the demo seed. */
const DEMO_SEED_LOCK = 2026_1123_01

async function hasCustomers(db: Database): Promise<boolean> {
  return (await db.selectFrom('customers').select('id').limit(1).executeTakeFirst()) !== undefined
}
