import { type Kysely, type Selectable, sql } from 'kysely'
import { INVITATION_TTL_MINUTES } from './account-lifecycle.ts'
import {
  consumeAccountToken,
  createAccountToken,
  peekAccountToken,
  revokeAccountTokens,
} from './account-tokens.ts'
import { InvalidStateError, NotFoundError, VersionConflictError } from './errors.ts'
import { isUuid } from './ids.ts'
import type { DB, JsonValue, StaffChanges, StaffMembers } from './schema.ts'
import { deleteAccountSessions } from './sessions.ts'

// Staff accounts are not customer records, so their changes go to the append-only
// staff_changes table rather than record_history. Each change is written in the transaction
// that makes it.

export type StaffRole = Selectable<StaffMembers>['role']
export type StaffChangeAction = Selectable<StaffChanges>['action']

export { INVITATION_TTL_MINUTES }

/** `invited`: no password yet (the invitation was not claimed). */
export type StaffState = 'active' | 'invited' | 'deactivated'

export interface StaffListEntry {
  accountId: string
  displayName: string
  email: string
  role: StaffRole
  state: StaffState
  createdAt: Date
}

/** What an edit is checked against. */
export interface StaffMemberState {
  /**
   * The number of changes recorded for the member. staff_members has no version column, and
   * every change writes exactly one staff_changes row under the member's row lock, so the count
   * only ever grows and works as one.
   */
  version: number
  displayName: string
  role: StaffRole
  deactivated: boolean
}

export interface StaffChange {
  id: number
  action: StaffChangeAction
  actorId: string | null
  actorName: string | null
  before: JsonValue | null
  after: JsonValue | null
  occurredAt: Date
}

export interface StaffMemberDetail extends StaffListEntry {
  version: number
  deactivatedAt: Date | null
  changes: StaffChange[]
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === '23505'
}

function stateOf(row: { passwordHash: string | null; deactivatedAt: Date | null }): StaffState {
  if (row.deactivatedAt !== null) return 'deactivated'
  return row.passwordHash === null ? 'invited' : 'active'
}

function staffQuery(db: Kysely<DB>) {
  return db
    .selectFrom('staff_members')
    .innerJoin('accounts', 'accounts.id', 'staff_members.account_id')
    .select([
      'staff_members.account_id as accountId',
      'staff_members.display_name as displayName',
      'staff_members.role',
      'staff_members.created_at as createdAt',
      'staff_members.deactivated_at as deactivatedAt',
      'accounts.email',
      'accounts.password_hash as passwordHash',
    ])
    .where('accounts.kind', '=', 'staff')
}

/** Every staff member: active first, then invited, then deactivated; by name within each. */
export async function listStaff(db: Kysely<DB>): Promise<StaffListEntry[]> {
  const rows = await staffQuery(db).orderBy('staff_members.display_name').execute()
  const order: Record<StaffState, number> = { active: 0, invited: 1, deactivated: 2 }
  return rows
    .map((row) => ({
      accountId: row.accountId,
      displayName: row.displayName,
      email: row.email,
      role: row.role,
      state: stateOf(row),
      createdAt: row.createdAt,
    }))
    .sort((a, b) => order[a.state] - order[b.state])
}

async function changeCount(db: Kysely<DB>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('staff_changes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('staff_account_id', '=', accountId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** One staff member with the changes recorded for them, newest first; null for unknown ids. */
export async function getStaffMember(
  db: Kysely<DB>,
  accountId: string,
): Promise<StaffMemberDetail | null> {
  if (!isUuid(accountId)) return null
  const row = await staffQuery(db)
    .where('staff_members.account_id', '=', accountId)
    .executeTakeFirst()
  if (!row) return null
  const changes = await db
    .selectFrom('staff_changes')
    .leftJoin('staff_members as actor', 'actor.account_id', 'staff_changes.actor_id')
    .select([
      'staff_changes.id',
      'staff_changes.action',
      'staff_changes.actor_id as actorId',
      'actor.display_name as actorName',
      'staff_changes.before',
      'staff_changes.after',
      'staff_changes.occurred_at as occurredAt',
    ])
    .where('staff_changes.staff_account_id', '=', accountId)
    .orderBy('staff_changes.occurred_at', 'desc')
    .orderBy('staff_changes.id', 'desc')
    .execute()
  return {
    accountId: row.accountId,
    displayName: row.displayName,
    email: row.email,
    role: row.role,
    state: stateOf(row),
    createdAt: row.createdAt,
    deactivatedAt: row.deactivatedAt,
    version: changes.length,
    changes: changes.map((change) => ({ ...change, id: Number(change.id) })),
  }
}

async function recordStaffChange(
  db: Kysely<DB>,
  change: {
    staffAccountId: string
    actorId: string
    action: StaffChangeAction
    before?: JsonValue
    after?: JsonValue
  },
): Promise<void> {
  await db
    .insertInto('staff_changes')
    .values({
      staff_account_id: change.staffAccountId,
      actor_id: change.actorId,
      action: change.action,
      before: change.before === undefined ? null : JSON.stringify(change.before),
      after: change.after === undefined ? null : JSON.stringify(change.after),
    })
    .execute()
}

function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}

export interface StaffInvitation {
  accountId: string
  email: string
  displayName: string
  role: StaffRole
  /** The raw token for the mailed link; only its hash is stored. */
  token: string
}

async function issueInvitationToken(
  trx: Kysely<DB>,
  accountId: string,
  email: string,
  actorId: string,
): Promise<string> {
  // One working link at a time: a resent invitation retires the older one.
  await revokeAccountTokens(trx, accountId, 'invitation')
  return createAccountToken(trx, {
    accountId,
    purpose: 'invitation',
    ttlMinutes: INVITATION_TTL_MINUTES,
    // The address the link goes to: claiming only works while it is still the account's.
    payload: { email, invitedBy: { kind: 'staff', id: actorId } },
  })
}

/**
 * A staff account without a password, its staff record, a 7-day invitation token and the
 * `invited` change, in one transaction. The caller mails the link.
 * @throws InvalidStateError('admin:errors.emailTaken') when any account signs in with the address
 */
export async function inviteStaff(
  db: Kysely<DB>,
  input: { email: string; displayName: string; role: StaffRole; actorId: string },
): Promise<StaffInvitation> {
  const email = input.email.trim()
  try {
    return await inTransaction(db, async (trx) => {
      const taken = await trx
        .selectFrom('accounts')
        .select('id')
        .where(sql<boolean>`lower(email) = lower(${email})`)
        .executeTakeFirst()
      if (taken) throw new InvalidStateError('admin:errors.emailTaken')
      const account = await trx
        .insertInto('accounts')
        .values({ kind: 'staff', email, password_hash: null })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('staff_members')
        .values({ account_id: account.id, display_name: input.displayName, role: input.role })
        .execute()
      const token = await issueInvitationToken(trx, account.id, email, input.actorId)
      await recordStaffChange(trx, {
        staffAccountId: account.id,
        actorId: input.actorId,
        action: 'invited',
        after: { email, displayName: input.displayName, role: input.role },
      })
      return {
        accountId: account.id,
        email,
        displayName: input.displayName,
        role: input.role,
        token,
      }
    })
  } catch (error) {
    // Two admins inviting one address at once: the unique index on lower(email) decides.
    if (isUniqueViolation(error)) throw new InvalidStateError('admin:errors.emailTaken')
    throw error
  }
}

/**
 * A new link for an invitation not yet claimed (the first expired or went astray); the older
 * link stops working. Recorded as another `invited` change.
 * @throws NotFoundError, InvalidStateError('admin:staff.errors.notInvited')
 */
export async function resendStaffInvitation(
  db: Kysely<DB>,
  input: { accountId: string; actorId: string },
): Promise<StaffInvitation> {
  if (!isUuid(input.accountId)) throw new NotFoundError('staff', input.accountId)
  return inTransaction(db, async (trx) => {
    const row = await lockedStaff(trx, input.accountId)
    if (stateOf(row) !== 'invited') throw new InvalidStateError('admin:staff.errors.notInvited')
    const token = await issueInvitationToken(trx, input.accountId, row.email, input.actorId)
    await recordStaffChange(trx, {
      staffAccountId: input.accountId,
      actorId: input.actorId,
      action: 'invited',
      after: { email: row.email, resent: true },
    })
    return {
      accountId: input.accountId,
      email: row.email,
      displayName: row.displayName,
      role: row.role,
      token,
    }
  })
}

export type StaffInvitationPreview =
  { status: 'usable'; email: string; displayName: string } | { status: 'invalid' }

/**
 * What a staff invitation link is for, without using it up. Customer invitations (which hang
 * from a customer record, not an account) are not usable here.
 */
export async function describeStaffInvitation(
  db: Kysely<DB>,
  rawToken: string,
): Promise<StaffInvitationPreview> {
  const token = await peekAccountToken(db, rawToken, 'invitation')
  if (!token?.accountId) return { status: 'invalid' }
  const row = await claimableStaff(db, token.accountId, token.payload)
  return row
    ? { status: 'usable', email: row.email, displayName: row.displayName }
    : { status: 'invalid' }
}

/** The invited account, while it can still be claimed: staff, no password, not switched off. */
async function claimableStaff(db: Kysely<DB>, accountId: string, payload: JsonValue) {
  const row = await staffQuery(db)
    .select('accounts.disabled_at as disabledAt')
    .where('staff_members.account_id', '=', accountId)
    .executeTakeFirst()
  if (!row || row.disabledAt !== null || stateOf(row) !== 'invited') return null
  const invited =
    payload && typeof payload === 'object' && !Array.isArray(payload) ? payload.email : null
  if (typeof invited !== 'string' || invited.toLowerCase() !== row.email.toLowerCase()) return null
  return row
}

/** Thrown inside the claim's transaction to undo using up a token that was not a staff one. */
class NotAStaffInvitation extends Error {}

export type StaffClaimOutcome = { status: 'claimed'; accountId: string } | { status: 'invalid' }

/**
 * Sets the invited staff member's password from the link, in one transaction: the token is used
 * up, the address counts as verified (the link came to it), and `claimed` is recorded with the
 * staff member as actor. Unknown, used, expired, customer or revoked links are `invalid`.
 */
export async function claimStaffInvitation(
  db: Kysely<DB>,
  input: { token: string; passwordHash: string },
): Promise<StaffClaimOutcome> {
  try {
    return await inTransaction(db, async (trx): Promise<StaffClaimOutcome> => {
      const used = await consumeAccountToken(trx, input.token, 'invitation')
      if (!used) return { status: 'invalid' }
      // A customer's invitation must stay usable on its own page: roll back, not burn it.
      if (!used.accountId) throw new NotAStaffInvitation()
      await trx
        .selectFrom('staff_members')
        .select('account_id')
        .where('account_id', '=', used.accountId)
        .forUpdate()
        .executeTakeFirst()
      const row = await claimableStaff(trx, used.accountId, used.payload)
      if (!row) return { status: 'invalid' }
      await trx
        .updateTable('accounts')
        .set({ password_hash: input.passwordHash, email_verified_at: sql<Date>`now()` })
        .where('id', '=', row.accountId)
        .execute()
      await recordStaffChange(trx, {
        staffAccountId: row.accountId,
        actorId: row.accountId,
        action: 'claimed',
        after: { email: row.email },
      })
      return { status: 'claimed', accountId: row.accountId }
    })
  } catch (error) {
    if (error instanceof NotAStaffInvitation) return { status: 'invalid' }
    throw error
  }
}

async function lockedStaff(trx: Kysely<DB>, accountId: string) {
  // The lock serialises changes to one member, which keeps the change count a version.
  const row = await staffQuery(trx)
    .where('staff_members.account_id', '=', accountId)
    .forUpdate('staff_members')
    .executeTakeFirst()
  if (!row) throw new NotFoundError('staff', accountId)
  return row
}

type StaffEdit =
  | { kind: 'role_changed'; role: StaffRole }
  | { kind: 'renamed'; displayName: string }
  | { kind: 'deactivated' }
  | { kind: 'reactivated' }

export interface StaffEditInput {
  accountId: string
  /** The admin making the change. */
  actorId: string
  expectedVersion: number
}

/**
 * Locks the member, refuses a stale form (VersionConflictError with both sides) and the admin's
 * own demotion or deactivation, applies one change and records it. Asking for what is already
 * so changes nothing and records nothing.
 * @returns whether anything changed
 */
async function editStaff(db: Kysely<DB>, input: StaffEditInput, edit: StaffEdit): Promise<boolean> {
  if (!isUuid(input.accountId)) throw new NotFoundError('staff', input.accountId)
  return inTransaction(db, async (trx) => {
    const row = await lockedStaff(trx, input.accountId)
    const current: StaffMemberState = {
      version: await changeCount(trx, input.accountId),
      displayName: row.displayName,
      role: row.role,
      deactivated: row.deactivatedAt !== null,
    }
    const wanted: Partial<StaffMemberState> =
      edit.kind === 'role_changed'
        ? { role: edit.role }
        : edit.kind === 'renamed'
          ? { displayName: edit.displayName }
          : { deactivated: edit.kind === 'deactivated' }
    const same = Object.entries(wanted).every(
      ([key, value]) => current[key as keyof StaffMemberState] === value,
    )
    if (same) return false
    if (current.version !== input.expectedVersion) {
      throw new VersionConflictError<StaffMemberState>({
        entity: 'staff',
        id: input.accountId,
        expectedVersion: input.expectedVersion,
        current,
        changes: wanted,
      })
    }
    // An admin keeps their own admin rights: otherwise the last admin could lock everyone out.
    if (input.accountId === input.actorId) {
      if (edit.kind === 'role_changed') throw new InvalidStateError('admin:staff.errors.selfDemote')
      if (edit.kind === 'deactivated') {
        throw new InvalidStateError('admin:staff.errors.selfDeactivate')
      }
    }

    const change = { staffAccountId: input.accountId, actorId: input.actorId }
    switch (edit.kind) {
      case 'role_changed':
        await trx
          .updateTable('staff_members')
          .set({ role: edit.role })
          .where('account_id', '=', input.accountId)
          .execute()
        await recordStaffChange(trx, {
          ...change,
          action: 'role_changed',
          before: { role: row.role },
          after: { role: edit.role },
        })
        break
      case 'renamed':
        await trx
          .updateTable('staff_members')
          .set({ display_name: edit.displayName })
          .where('account_id', '=', input.accountId)
          .execute()
        await recordStaffChange(trx, {
          ...change,
          action: 'renamed',
          before: { displayName: row.displayName },
          after: { displayName: edit.displayName },
        })
        break
      case 'deactivated':
        await trx
          .updateTable('staff_members')
          .set({ deactivated_at: sql<Date>`now()` })
          .where('account_id', '=', input.accountId)
          .execute()
        // Signed out everywhere at once, not at the next session check.
        await deleteAccountSessions(trx, input.accountId)
        await recordStaffChange(trx, { ...change, action: 'deactivated' })
        break
      case 'reactivated':
        await trx
          .updateTable('staff_members')
          .set({ deactivated_at: null })
          .where('account_id', '=', input.accountId)
          .execute()
        await recordStaffChange(trx, { ...change, action: 'reactivated' })
        break
    }
    return true
  })
}

/**
 * @throws NotFoundError, VersionConflictError<StaffMemberState>,
 *   InvalidStateError('admin:staff.errors.selfDemote')
 */
export function changeStaffRole(
  db: Kysely<DB>,
  input: StaffEditInput & { role: StaffRole },
): Promise<boolean> {
  return editStaff(db, input, { kind: 'role_changed', role: input.role })
}

/** @throws NotFoundError, VersionConflictError<StaffMemberState> */
export function renameStaff(
  db: Kysely<DB>,
  input: StaffEditInput & { displayName: string },
): Promise<boolean> {
  return editStaff(db, input, { kind: 'renamed', displayName: input.displayName })
}

/**
 * Deactivates the member and ends all their sessions in one transaction.
 * @throws NotFoundError, VersionConflictError<StaffMemberState>,
 *   InvalidStateError('admin:staff.errors.selfDeactivate')
 */
export function deactivateStaff(db: Kysely<DB>, input: StaffEditInput): Promise<boolean> {
  return editStaff(db, input, { kind: 'deactivated' })
}

/** @throws NotFoundError, VersionConflictError<StaffMemberState> */
export function reactivateStaff(db: Kysely<DB>, input: StaffEditInput): Promise<boolean> {
  return editStaff(db, input, { kind: 'reactivated' })
}
