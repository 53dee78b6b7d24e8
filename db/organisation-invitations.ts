import { randomBytes, randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import { hashToken } from './account-tokens.ts'
import { createCustomer } from './customers.ts'
import { InvalidStateError, NotFoundError } from './errors.ts'
import { type Actor, type HistoryChannel, recordHistory } from './history.ts'
import { isUuid } from './ids.ts'
import {
  addMember,
  type OrganisationRole,
  personName,
  recordOrganisationHistory,
} from './organisations.ts'
import type { DB } from './schema.ts'

// An owner invites a colleague by email: a link with a random token (only its SHA-256 stored),
// valid for 7 days, used once, revocable. Claiming it adds the person to the organisation, with
// the role the owner chose: an existing customer signed in with the invited address, or a new
// person who opens their customer account on the spot (the link proved the mailbox is theirs).
// Using a link is a conditional UPDATE, so of two concurrent claims exactly one succeeds.

export const ORGANISATION_INVITATION_TTL_DAYS = 7

export const ALREADY_MEMBER = 'organisations:errors.alreadyMember'
export const ACCOUNT_EXISTS = 'organisations:errors.accountExists'
export const LINK_NOT_USABLE = 'organisations:errors.linkNotUsable'

function lowerEquals(column: string, email: string) {
  return sql<boolean>`lower(${sql.ref(column)}) = lower(${email.trim()})`
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === '23505'
}

function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}

export interface CreatedInvitation {
  id: string
  /** The raw token for the mail's link; never stored. */
  token: string
  email: string
  role: OrganisationRole
  language: string
  organisationName: string
  /** The inviting person's full name (a staff member's display name), for the mail. */
  invitedByName: string
  expiresAt: Date
}

/**
 * A new invitation, with `member_invited` in the organisation's history. An earlier open
 * invitation of the same address to the same organisation is replaced (revoked), so only the
 * newest link works.
 *
 * @throws NotFoundError for an unknown organisation.
 * @throws InvalidStateError(ALREADY_MEMBER) when the address signs in to a current member.
 */
export async function createOrganisationInvitation(
  db: Kysely<DB>,
  input: {
    organisationId: string
    email: string
    role: OrganisationRole
    language: string
    /** The inviting account (an owner, or staff). */
    invitedBy: string
    actor: Actor
    channel: HistoryChannel
  },
): Promise<CreatedInvitation> {
  if (!isUuid(input.organisationId)) throw new NotFoundError('organisation', input.organisationId)
  const email = input.email.trim()
  return inTransaction(db, async (trx) => {
    const organisation = await trx
      .selectFrom('organisations')
      .select(['id', 'name'])
      .where('id', '=', input.organisationId)
      .forUpdate()
      .executeTakeFirst()
    if (!organisation) throw new NotFoundError('organisation', input.organisationId)
    const member = await trx
      .selectFrom('organisation_members as m')
      .innerJoin('accounts as a', 'a.customer_id', 'm.customer_id')
      .select('m.id')
      .where('m.organisation_id', '=', input.organisationId)
      .where('m.removed_at', 'is', null)
      .where(lowerEquals('a.email', email))
      .executeTakeFirst()
    if (member) throw new InvalidStateError(ALREADY_MEMBER)

    await trx
      .updateTable('organisation_invitations')
      .set({ revoked_at: sql<Date>`now()` })
      .where('organisation_id', '=', input.organisationId)
      .where(lowerEquals('email', email))
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute()

    // 256 bits: unguessable, so the token alone is the proof.
    const token = randomBytes(32).toString('base64url')
    const invitation = await trx
      .insertInto('organisation_invitations')
      .values({
        organisation_id: input.organisationId,
        email,
        role: input.role,
        token_hash: hashToken(token),
        invited_by: input.invitedBy,
        language: input.language,
        // The database's clock sets and checks the expiry.
        expires_at: sql<Date>`now() + make_interval(days => ${ORGANISATION_INVITATION_TTL_DAYS})`,
      })
      .returning(['id', 'expires_at as expiresAt'])
      .executeTakeFirstOrThrow()
    const inviter = await trx
      .selectFrom('accounts as a')
      .leftJoin('customers as c', 'c.id', 'a.customer_id')
      .leftJoin('staff_members as s', 's.account_id', 'a.id')
      .select(sql<string | null>`coalesce(s.display_name, ${personName('c')})`.as('name'))
      .where('a.id', '=', input.invitedBy)
      .executeTakeFirst()
    await recordOrganisationHistory(trx, {
      organisationId: input.organisationId,
      action: 'member_invited',
      actor: input.actor,
      channel: input.channel,
      after: { email, role: input.role },
    })
    return {
      id: invitation.id,
      token,
      email,
      role: input.role,
      language: input.language,
      organisationName: organisation.name,
      invitedByName: inviter?.name ?? organisation.name,
      expiresAt: invitation.expiresAt,
    }
  })
}

/**
 * Revokes an open invitation of the organisation, with `invitation_revoked` in its history.
 *
 * @throws NotFoundError when there is no open invitation with that id in this organisation.
 */
export async function revokeOrganisationInvitation(
  db: Kysely<DB>,
  input: { organisationId: string; invitationId: string; actor: Actor; channel: HistoryChannel },
): Promise<void> {
  if (!isUuid(input.invitationId) || !isUuid(input.organisationId)) {
    throw new NotFoundError('invitation', input.invitationId)
  }
  await inTransaction(db, async (trx) => {
    const revoked = await trx
      .updateTable('organisation_invitations')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', input.invitationId)
      .where('organisation_id', '=', input.organisationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .returning(['email', 'role'])
      .executeTakeFirst()
    if (!revoked) throw new NotFoundError('invitation', input.invitationId)
    await recordOrganisationHistory(trx, {
      organisationId: input.organisationId,
      action: 'invitation_revoked',
      actor: input.actor,
      channel: input.channel,
      before: { email: revoked.email, role: revoked.role },
    })
  })
}

export type InvitationPreview =
  | { status: 'invalid' }
  | {
      status: 'usable'
      organisationId: string
      organisationName: string
      email: string
      role: OrganisationRole
      language: string
      /** The customer account that signs in with the invited address, if there is one. */
      account: { accountId: string } | null
      /** The address signs in to a staff account, or to a disabled or closed one: no joining. */
      blocked: boolean
    }

function usableInvitation(db: Kysely<DB>, token: string) {
  return db
    .selectFrom('organisation_invitations as i')
    .where('i.token_hash', '=', hashToken(token))
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .where('i.expires_at', '>', sql<Date>`now()`)
}

/** What the claim page shows, without using the link up. */
export async function describeOrganisationInvitation(
  db: Kysely<DB>,
  token: string,
): Promise<InvitationPreview> {
  if (!token || token.length > 200) return { status: 'invalid' }
  const invitation = await usableInvitation(db, token)
    .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
    .select([
      'i.organisation_id as organisationId',
      'o.name as organisationName',
      'i.email',
      'i.role',
      'i.language',
    ])
    .executeTakeFirst()
  if (!invitation) return { status: 'invalid' }
  const account = await db
    .selectFrom('accounts')
    .leftJoin('customers', 'customers.id', 'accounts.customer_id')
    .select(['accounts.id', 'accounts.kind', 'accounts.disabled_at', 'customers.status'])
    .where(lowerEquals('accounts.email', invitation.email))
    .executeTakeFirst()
  const usableCustomer =
    account?.kind === 'customer' && account.disabled_at === null && account.status === 'active'
  return {
    status: 'usable',
    ...invitation,
    account: account && usableCustomer ? { accountId: account.id } : null,
    blocked: account !== undefined && !usableCustomer,
  }
}

/** Uses the link up; the invitation, or null when it is unknown, used, revoked or expired. */
async function consume(trx: Kysely<DB>, token: string, customerId: string | null) {
  return (
    (await trx
      .updateTable('organisation_invitations')
      .set({ accepted_at: sql<Date>`now()`, accepted_by: customerId })
      .where('token_hash', '=', hashToken(token))
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .returning(['id', 'organisation_id as organisationId', 'email', 'role', 'language'])
      .executeTakeFirst()) ?? null
  )
}

async function join(
  trx: Kysely<DB>,
  invitation: { id: string; organisationId: string; role: OrganisationRole },
  person: { customerId: string; accountId: string },
): Promise<void> {
  const already = await trx
    .selectFrom('organisation_members')
    .select('id')
    .where('organisation_id', '=', invitation.organisationId)
    .where('customer_id', '=', person.customerId)
    .where('removed_at', 'is', null)
    .executeTakeFirst()
  if (already) throw new InvalidStateError(ALREADY_MEMBER)
  await addMember(trx, {
    organisationId: invitation.organisationId,
    customerId: person.customerId,
    role: invitation.role,
    actor: { kind: 'customer', id: person.accountId },
    channel: 'email_link',
  })
}

/**
 * The signed-in customer whose sign-in address the invitation was sent to joins the
 * organisation (`member_joined`, the person as actor, channel email_link).
 *
 * @throws InvalidStateError(LINK_NOT_USABLE) for an unknown, used, revoked or expired link, or
 *   one sent to another address; (ALREADY_MEMBER) when they already belong. Nothing is written.
 */
export async function acceptOrganisationInvitation(
  db: Kysely<DB>,
  input: { token: string; accountId: string },
): Promise<{ organisationId: string }> {
  if (!input.token || input.token.length > 200 || !isUuid(input.accountId)) {
    throw new InvalidStateError(LINK_NOT_USABLE)
  }
  return db.transaction().execute(async (trx) => {
    const account = await trx
      .selectFrom('accounts')
      .innerJoin('customers', 'customers.id', 'accounts.customer_id')
      .select(['accounts.id', 'accounts.email', 'accounts.customer_id as customerId'])
      .where('accounts.id', '=', input.accountId)
      .where('accounts.kind', '=', 'customer')
      .where('accounts.disabled_at', 'is', null)
      .where('customers.status', '=', 'active')
      .executeTakeFirst()
    if (!account?.customerId) throw new InvalidStateError(LINK_NOT_USABLE)
    const invitation = await consume(trx, input.token, account.customerId)
    if (!invitation || invitation.email.toLowerCase() !== account.email.toLowerCase()) {
      throw new InvalidStateError(LINK_NOT_USABLE)
    }
    await join(trx, invitation, { customerId: account.customerId, accountId: account.id })
    return { organisationId: invitation.organisationId }
  })
}

/**
 * A new person opens their customer account through the invitation and joins: the customer
 * record (in the invitation's language) with the invited address as primary email, verified
 * (the link came to it), the account with the chosen password, their history, and the
 * membership with `member_joined`, all in one transaction.
 *
 * @throws InvalidStateError(LINK_NOT_USABLE) for a link that does not work any more, and
 *   (ACCOUNT_EXISTS) when some account signs in with the address already. Nothing is written.
 */
export async function joinAsNewCustomer(
  db: Kysely<DB>,
  input: { token: string; givenName: string; familyName: string; passwordHash: string },
): Promise<{ accountId: string; customerId: string; organisationId: string }> {
  if (!input.token || input.token.length > 200) throw new InvalidStateError(LINK_NOT_USABLE)
  // Chosen here so the record's first history rows already name the person as their author.
  const accountId = randomUUID()
  const actor: Actor = { kind: 'customer', id: accountId }
  try {
    return await db.transaction().execute(async (trx) => {
      const invitation = await consume(trx, input.token, null)
      if (!invitation) throw new InvalidStateError(LINK_NOT_USABLE)
      const existing = await trx
        .selectFrom('accounts')
        .select('id')
        .where(lowerEquals('email', invitation.email))
        .executeTakeFirst()
      if (existing) throw new InvalidStateError(ACCOUNT_EXISTS)

      const customer = await createCustomer(
        trx,
        {
          givenName: input.givenName,
          familyName: input.familyName,
          language: invitation.language,
          email: invitation.email,
        },
        actor,
        'email_link',
      )
      await trx
        .insertInto('accounts')
        .values({
          id: accountId,
          kind: 'customer',
          email: invitation.email,
          password_hash: input.passwordHash,
          customer_id: customer.id,
          email_verified_at: sql<Date>`now()`,
        })
        .execute()
      await recordHistory(trx, {
        customerId: customer.id,
        entityType: 'account',
        entityId: accountId,
        action: 'created',
        actor,
        channel: 'email_link',
        after: { sign_in_email: invitation.email },
      })
      const email = await trx
        .updateTable('customer_emails')
        .set({ verified_at: sql<Date>`now()` })
        .where('customer_id', '=', customer.id)
        .where('verified_at', 'is', null)
        .returning(['id', 'email'])
        .executeTakeFirst()
      if (email) {
        await recordHistory(trx, {
          customerId: customer.id,
          entityType: 'email',
          entityId: email.id,
          action: 'verified',
          actor,
          channel: 'email_link',
          after: { email: email.email },
        })
      }
      await trx
        .updateTable('organisation_invitations')
        .set({ accepted_by: customer.id })
        .where('id', '=', invitation.id)
        .execute()
      await join(trx, invitation, { customerId: customer.id, accountId })
      return { accountId, customerId: customer.id, organisationId: invitation.organisationId }
    })
  } catch (error) {
    // Another account took the address a moment ago.
    if (isUniqueViolation(error)) throw new InvalidStateError(ACCOUNT_EXISTS)
    throw error
  }
}
