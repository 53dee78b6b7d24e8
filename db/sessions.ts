import { createHash } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { Adapter, DatabaseSession, DatabaseUser } from 'lucia'
import type { DB } from './schema.ts'

/** What each session row carries besides its account and expiry (shown in a devices list). */
export interface SessionAttributes {
  user_agent: string | null
  ip_address: string | null
  /** The organisation the person acts for in this session; null or absent: for themselves. */
  active_organisation_id?: string | null
}

/** The organisation a customer's session acts for, with their role in it. */
export interface ActingOrganisation {
  id: string
  name: string
  customerNumber: string
  role: 'owner' | 'member' | 'billing'
}

/** The account as one query sees it: enough to render any page without another lookup. */
export interface AccountAttributes {
  kind: 'customer' | 'staff'
  customer_id: string | null
  customer_number: string | null
  customer_given_name: string | null
  customer_preferred_name: string | null
  /** The customer's language and time zone; null for staff (they use the browser's). */
  customer_language: string | null
  customer_time_zone: string | null
  staff_display_name: string | null
  staff_role: 'agent' | 'supervisor' | 'admin' | null
  /**
   * Read with the session in the same statement: the organisation chosen for this session,
   * only while the person is still a member of it (a removal takes effect on the next request).
   */
  acting_organisation: ActingOrganisation | null
}

declare module 'lucia' {
  interface Register {
    DatabaseUserAttributes: AccountAttributes
    DatabaseSessionAttributes: SessionAttributes
  }
}

// A header is whatever the client sends; the column has no limit, so we impose one.
const USER_AGENT_MAX_LENGTH = 512

/** A staff session ends after this long without a request (ASVS 3.3.2, level 2). */
export const STAFF_SESSION_IDLE_MINUTES = 30
/** A staff session ends this long after sign-in, however active (ASVS 3.3.2, level 2). */
export const STAFF_SESSION_ABSOLUTE_HOURS = 12
/**
 * `last_seen_at` is written at most this often per session, so a busy page does not write on
 * every request. The idle limit is measured from it, so it can end a session up to this much
 * early, never late.
 */
export const LAST_SEEN_PRECISION_SECONDS = 60

/**
 * Whether the session row (joined with its account) may still be used: not past its sliding
 * expiry, and for staff neither idle too long nor too old. Raw SQL, because the same condition
 * serves a select, an update and a delete; all use the database's clock, so app servers' clocks
 * never matter.
 */
const sessionIsLive = sql<boolean>`(
  sessions.expires_at > now()
  and (
    accounts.kind = 'customer'
    or (
      sessions.last_seen_at > now() - make_interval(mins => ${STAFF_SESSION_IDLE_MINUTES})
      and sessions.created_at > now() - make_interval(hours => ${STAFF_SESSION_ABSOLUTE_HOURS})
    )
  )
)`

/**
 * The stored form of a session id. Only this is written, so a copy of the table (a backup, a
 * leak, a read-only SQL injection) holds nothing a browser could present as a cookie.
 */
export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex')
}

type DatabaseSource = Kysely<DB> | (() => Promise<Kysely<DB>>)

/**
 * Lucia v3's storage, over our own tables. Lucia hands us the raw session id; every method hashes
 * it before it reaches SQL.
 *
 * `getUserSessions` cannot return raw ids (they are not stored): its sessions carry the stored
 * hash as `id`, which identifies a row for display but cannot be passed back to Lucia as a
 * session id.
 */
export class KyselySessionAdapter implements Adapter {
  readonly #source: DatabaseSource

  /** A function is called on every use, so tests can swap the process database under it. */
  constructor(source: DatabaseSource) {
    this.#source = source
  }

  #db(): Promise<Kysely<DB>> {
    return typeof this.#source === 'function' ? this.#source() : Promise.resolve(this.#source)
  }

  async getSessionAndUser(
    sessionId: string,
  ): Promise<[session: DatabaseSession | null, user: DatabaseUser | null]> {
    const db = await this.#db()
    const id = hashSessionId(sessionId)
    // One statement, so validating stays one round trip: the data-modifying CTEs run whether or
    // not the select reads them. All three parts see the same snapshot, and a row is either live
    // (touched, returned) or not (deleted), never both.
    const row = await db
      // A dead session is deleted at once: an ended staff session cannot be revived, and its
      // browser is sent to sign in (Lucia blanks the cookie when we return nothing).
      .with('ended', (qb) =>
        qb
          .deleteFrom('sessions')
          .using('accounts')
          .whereRef('accounts.id', '=', 'sessions.account_id')
          .where('sessions.id', '=', id)
          .where(sql<boolean>`not ${sessionIsLive}`)
          .returning('sessions.id'),
      )
      // Activity, for the staff idle limit and the devices list; throttled (see the constant).
      .with('touched', (qb) =>
        qb
          .updateTable('sessions')
          .from('accounts')
          .set({ last_seen_at: sql<Date>`now()` })
          .whereRef('accounts.id', '=', 'sessions.account_id')
          .where('sessions.id', '=', id)
          .where(sessionIsLive)
          .where(
            'sessions.last_seen_at',
            '<',
            sql<Date>`now() - make_interval(secs => ${LAST_SEEN_PRECISION_SECONDS})`,
          )
          .returning('sessions.id'),
      )
      .selectFrom('sessions')
      .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
      .leftJoin('staff_members', 'staff_members.account_id', 'accounts.id')
      .leftJoin('customers', 'customers.id', 'accounts.customer_id')
      .leftJoin('organisation_members as membership', (join) =>
        join
          .onRef('membership.organisation_id', '=', 'sessions.active_organisation_id')
          .onRef('membership.customer_id', '=', 'accounts.customer_id')
          .on('membership.removed_at', 'is', null),
      )
      .leftJoin('organisations', 'organisations.id', 'membership.organisation_id')
      .select([
        'sessions.account_id',
        'sessions.expires_at',
        'sessions.user_agent',
        'sessions.ip_address',
        'sessions.active_organisation_id',
        'organisations.name as organisation_name',
        'organisations.customer_number as organisation_number',
        'membership.role as organisation_role',
        'accounts.kind',
        'accounts.disabled_at',
        'accounts.customer_id',
        'customers.customer_number',
        'customers.given_name',
        'customers.preferred_name',
        'customers.status as customer_status',
        'customers.language',
        'customers.time_zone',
        'staff_members.display_name',
        'staff_members.role',
        'staff_members.deactivated_at',
      ])
      .where('sessions.id', '=', id)
      // Filtered here as well as by Lucia, so the adapter never hands out an expired session.
      .where(sessionIsLive)
      .executeTakeFirst()
    if (!row) return [null, null]

    const session: DatabaseSession = {
      id: sessionId,
      userId: row.account_id,
      expiresAt: row.expires_at,
      attributes: {
        user_agent: row.user_agent,
        ip_address: row.ip_address,
        active_organisation_id: row.active_organisation_id,
      },
    }
    const usable =
      row.disabled_at === null &&
      (row.kind === 'customer'
        ? row.customer_id !== null && row.customer_status === 'active'
        : row.role !== null && row.deactivated_at === null)
    // A session without a user makes Lucia delete it: a disabled account or a closed customer
    // record is signed out at once.
    if (!usable) return [session, null]

    const user: DatabaseUser = {
      id: row.account_id,
      attributes: {
        kind: row.kind,
        customer_id: row.customer_id,
        customer_number: row.customer_number,
        customer_given_name: row.given_name,
        customer_preferred_name: row.preferred_name,
        customer_language: row.language,
        customer_time_zone: row.time_zone,
        staff_display_name: row.display_name,
        staff_role: row.role,
        acting_organisation:
          row.active_organisation_id !== null &&
          row.organisation_name !== null &&
          row.organisation_number !== null &&
          row.organisation_role !== null
            ? {
                id: row.active_organisation_id,
                name: row.organisation_name,
                customerNumber: row.organisation_number,
                role: row.organisation_role,
              }
            : null,
      },
    }
    return [session, user]
  }

  async getUserSessions(accountId: string): Promise<DatabaseSession[]> {
    const db = await this.#db()
    const rows = await db
      .selectFrom('sessions')
      .select([
        'id',
        'account_id',
        'expires_at',
        'user_agent',
        'ip_address',
        'active_organisation_id',
      ])
      .where('account_id', '=', accountId)
      .orderBy('last_seen_at', 'desc')
      .execute()
    return rows.map((row) => ({
      id: row.id,
      userId: row.account_id,
      expiresAt: row.expires_at,
      attributes: {
        user_agent: row.user_agent,
        ip_address: row.ip_address,
        active_organisation_id: row.active_organisation_id,
      },
    }))
  }

  async setSession(session: DatabaseSession): Promise<void> {
    const db = await this.#db()
    await db
      .insertInto('sessions')
      .values({
        id: hashSessionId(session.id),
        account_id: session.userId,
        expires_at: session.expiresAt,
        user_agent: session.attributes.user_agent?.slice(0, USER_AGENT_MAX_LENGTH) ?? null,
        ip_address: session.attributes.ip_address,
        active_organisation_id: session.attributes.active_organisation_id ?? null,
      })
      .execute()
  }

  async updateSessionExpiration(sessionId: string, expiresAt: Date): Promise<void> {
    const db = await this.#db()
    // Lucia extends a session only when it is used, so it was also seen now.
    await db
      .updateTable('sessions')
      .set({ expires_at: expiresAt, last_seen_at: sql<Date>`now()` })
      .where('id', '=', hashSessionId(sessionId))
      .execute()
  }

  async deleteSession(sessionId: string): Promise<void> {
    const db = await this.#db()
    await db.deleteFrom('sessions').where('id', '=', hashSessionId(sessionId)).execute()
  }

  async deleteUserSessions(accountId: string): Promise<void> {
    const db = await this.#db()
    await db.deleteFrom('sessions').where('account_id', '=', accountId).execute()
  }

  async deleteExpiredSessions(): Promise<void> {
    const db = await this.#db()
    await db
      .deleteFrom('sessions')
      .where('expires_at', '<=', sql<Date>`now()`)
      .execute()
  }
}

/** Ends every session of an account, inside the caller's transaction (password reset). */
export async function deleteAccountSessions(db: Kysely<DB>, accountId: string): Promise<void> {
  await db.deleteFrom('sessions').where('account_id', '=', accountId).execute()
}

/**
 * Where a new session of this account starts: the organisation it last acted for, while the
 * person still belongs to it; else for themselves.
 */
export async function initialActingOrganisationId(
  db: Kysely<DB>,
  accountId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('accounts')
    .innerJoin('organisation_members as m', (join) =>
      join
        .onRef('m.organisation_id', '=', 'accounts.last_organisation_id')
        .onRef('m.customer_id', '=', 'accounts.customer_id')
        .on('m.removed_at', 'is', null),
    )
    .select('m.organisation_id')
    .where('accounts.id', '=', accountId)
    .executeTakeFirst()
  return row?.organisation_id ?? null
}

/** Where the account's next sign-in starts: this organisation, or (null) the person themselves. */
export async function rememberActingOrganisation(
  db: Kysely<DB>,
  accountId: string,
  organisationId: string | null,
): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ last_organisation_id: organisationId })
    .where('id', '=', accountId)
    .execute()
}

/**
 * Ends the sessions in which this person acts for the organisation (they were removed from it);
 * their other sessions, personal or for another organisation, carry on.
 */
export async function endOrganisationSessions(
  db: Kysely<DB>,
  organisationId: string,
  customerId: string,
): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('active_organisation_id', '=', organisationId)
    .where('account_id', 'in', (qb) =>
      qb.selectFrom('accounts').select('id').where('customer_id', '=', customerId),
    )
    .execute()
}
