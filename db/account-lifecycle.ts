import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import {
  consumeAccountToken,
  createAccountToken,
  hashToken,
  peekAccountToken,
} from './account-tokens.ts'
import { type AccountKind } from './accounts.ts'
import { createCustomer, inTransaction } from './customers.ts'
import { InvalidStateError, NotFoundError } from './errors.ts'
import { type Actor, type HistoryChannel, recordHistory } from './history.ts'
import { isUuid } from './ids.ts'
import type { DB, JsonValue } from './schema.ts'

// How a customer comes to have an account: signing up (a new customer record and its account,
// confirmed by a link to the address), claiming a record that staff or an integration created
// (an invitation link to its primary email), and signing in by an emailed one-time link. Every
// link is an `account_tokens` row holding only the token's hash; using one is a conditional
// UPDATE, so of two concurrent uses exactly one succeeds.

export const SIGN_UP_VERIFICATION_TTL_MINUTES = 24 * 60
export const INVITATION_TTL_MINUTES = 7 * 24 * 60
export const MAGIC_LINK_TTL_MINUTES = 15

// Sign-up links share the `email_verification` purpose with the profile's links; this payload
// marker keeps them apart, so neither page accepts the other's link.
const SIGN_UP_FLOW = 'sign_up'

function lowerEquals(column: string, email: string) {
  return sql<boolean>`lower(${sql.ref(column)}) = lower(${email.trim()})`
}

function stringField(payload: JsonValue, key: string): string | null {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return null
  const value = payload[key]
  return typeof value === 'string' ? value : null
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === '23505'
}

/** A customer's account may sign in: not disabled, and its record not closed. */
function usableCustomerAccount<T extends Kysely<DB>>(db: T) {
  return db
    .selectFrom('accounts')
    .innerJoin('customers', 'customers.id', 'accounts.customer_id')
    .where('accounts.kind', '=', 'customer')
    .where('accounts.disabled_at', 'is', null)
    .where('customers.status', '=', 'active')
}

// Shared steps ---------------------------------------------------------------------------------

/**
 * The link that proved the address came to it: the account's sign-in address counts as verified,
 * and so does the customer's email of that address (with its history row, once).
 */
async function markAddressVerified(
  trx: Kysely<DB>,
  account: { accountId: string; customerId: string },
  channel: HistoryChannel,
): Promise<void> {
  const row = await trx
    .updateTable('accounts')
    .set({ email_verified_at: sql<Date>`coalesce(email_verified_at, now())` })
    .where('id', '=', account.accountId)
    .returning('email')
    .executeTakeFirstOrThrow()
  const verified = await trx
    .updateTable('customer_emails')
    .set({ verified_at: sql<Date>`now()` })
    .where('customer_id', '=', account.customerId)
    .where(lowerEquals('email', row.email))
    .where('verified_at', 'is', null)
    .returning(['id', 'email'])
    .executeTakeFirst()
  if (!verified) return
  await recordHistory(trx, {
    customerId: account.customerId,
    entityType: 'email',
    entityId: verified.id,
    action: 'verified',
    actor: { kind: 'customer', id: account.accountId },
    channel,
    after: { email: verified.email },
  })
  await trx
    .updateTable('customers')
    .set({ updated_at: sql<Date>`now()` })
    .where('id', '=', account.customerId)
    .execute()
}

// Sign-up --------------------------------------------------------------------------------------

/** Who already uses an address that someone tries to sign up with. */
export type SignUpConflict =
  | {
      kind: 'account'
      accountKind: AccountKind
      accountId: string
      customerId: string | null
      email: string
      /** The language to write to them in: the customer's own, English for staff. */
      language: string
      verified: boolean
      /** False for a disabled account, a closed record, or staff no longer employed. */
      usable: boolean
    }
  | { kind: 'unclaimed'; customerId: string }

/**
 * The account that signs in with this address (any letter case), or else the oldest open
 * customer record with it as primary email and no account yet (one to claim, not to duplicate).
 */
export async function findSignUpConflict(
  db: Kysely<DB>,
  email: string,
): Promise<SignUpConflict | null> {
  const account = await db
    .selectFrom('accounts')
    .leftJoin('customers', 'customers.id', 'accounts.customer_id')
    .leftJoin('staff_members', 'staff_members.account_id', 'accounts.id')
    .select([
      'accounts.id',
      'accounts.kind',
      'accounts.email',
      'accounts.customer_id',
      'accounts.email_verified_at',
      'accounts.disabled_at',
      'customers.language',
      'customers.status',
      'staff_members.role',
      'staff_members.deactivated_at',
    ])
    .where(lowerEquals('accounts.email', email))
    .executeTakeFirst()
  if (account) {
    const usable =
      account.disabled_at === null &&
      (account.kind === 'customer'
        ? account.status === 'active'
        : account.role !== null && account.deactivated_at === null)
    return {
      kind: 'account',
      accountKind: account.kind,
      accountId: account.id,
      customerId: account.customer_id,
      email: account.email,
      language: account.language ?? 'en',
      verified: account.email_verified_at !== null,
      usable,
    }
  }
  const unclaimed = await db
    .selectFrom('customers')
    .innerJoin('customer_emails', 'customer_emails.customer_id', 'customers.id')
    .select('customers.id')
    .where('customer_emails.is_primary', '=', true)
    .where(lowerEquals('customer_emails.email', email))
    .where('customers.status', '=', 'active')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('accounts')
            .select('accounts.id')
            .whereRef('accounts.customer_id', '=', 'customers.id'),
        ),
      ),
    )
    .orderBy('customers.created_at')
    .orderBy('customers.id')
    .limit(1)
    .executeTakeFirst()
  return unclaimed ? { kind: 'unclaimed', customerId: unclaimed.id } : null
}

export interface SignUpInput {
  givenName: string
  familyName: string
  email: string
  language: string
  passwordHash: string
}

/**
 * A new customer record and its account (address not yet verified) in one transaction, with the
 * history of both, and the raw token of the verification link.
 *
 * @throws InvalidStateError('auth:errors.emailTaken') when another account took the address
 *   meanwhile (a concurrent sign-up); nothing is written then.
 */
export async function createSignedUpAccount(
  db: Kysely<DB>,
  input: SignUpInput,
): Promise<{ accountId: string; customerId: string; token: string }> {
  // Chosen here so the record's first history rows already name the customer as their author.
  const accountId = randomUUID()
  const actor: Actor = { kind: 'customer', id: accountId }
  try {
    return await inTransaction(db, async (trx) => {
      const customer = await createCustomer(
        trx,
        {
          givenName: input.givenName,
          familyName: input.familyName,
          language: input.language,
          email: input.email,
        },
        actor,
        'portal',
      )
      await trx
        .insertInto('accounts')
        .values({
          id: accountId,
          kind: 'customer',
          email: input.email,
          password_hash: input.passwordHash,
          customer_id: customer.id,
          email_verified_at: null,
        })
        .execute()
      await recordHistory(trx, {
        customerId: customer.id,
        entityType: 'account',
        entityId: accountId,
        action: 'created',
        actor,
        channel: 'portal',
        after: { sign_in_email: input.email },
      })
      const token = await createSignUpToken(trx, { accountId, customerId: customer.id })
      return { accountId, customerId: customer.id, token }
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new InvalidStateError('auth:errors.emailTaken')
    throw error
  }
}

/** A (new) link that verifies an account's sign-in address; the raw token goes into the mail. */
export async function createSignUpToken(
  db: Kysely<DB>,
  account: { accountId: string; customerId: string },
): Promise<string> {
  return createAccountToken(db, {
    accountId: account.accountId,
    customerId: account.customerId,
    purpose: 'email_verification',
    ttlMinutes: SIGN_UP_VERIFICATION_TTL_MINUTES,
    payload: { flow: SIGN_UP_FLOW },
  })
}

function usableSignUpToken(db: Kysely<DB>, rawToken: string) {
  return db
    .selectFrom('account_tokens')
    .where('account_tokens.token_hash', '=', hashToken(rawToken))
    .where('account_tokens.purpose', '=', 'email_verification')
    .where('account_tokens.used_at', 'is', null)
    .where('account_tokens.expires_at', '>', sql<Date>`now()`)
    .where(sql<boolean>`account_tokens.payload ->> 'flow' = ${SIGN_UP_FLOW}`)
}

/** The address a sign-up link would verify, without using it up; null when it would not work. */
export async function describeSignUpToken(
  db: Kysely<DB>,
  rawToken: string,
): Promise<{ email: string } | null> {
  const row = await usableSignUpToken(db, rawToken)
    .innerJoin('accounts', 'accounts.id', 'account_tokens.account_id')
    .select('accounts.email')
    .where('accounts.disabled_at', 'is', null)
    .executeTakeFirst()
  return row ?? null
}

/**
 * Follows a sign-up link: the link is used up, the sign-in address and the primary email count
 * as verified, and other sign-up links of the account end. Returns the account to sign in, or
 * null when the link is unknown, used, expired, or its account may not sign in.
 */
export async function confirmSignUp(
  db: Kysely<DB>,
  rawToken: string,
): Promise<{ accountId: string } | null> {
  return inTransaction(db, async (trx) => {
    const used = await trx
      .updateTable('account_tokens')
      .set({ used_at: sql<Date>`now()` })
      .where('token_hash', '=', hashToken(rawToken))
      .where('purpose', '=', 'email_verification')
      .where('used_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .where(sql<boolean>`payload ->> 'flow' = ${SIGN_UP_FLOW}`)
      .returning(['account_id', 'customer_id'])
      .executeTakeFirst()
    if (!used?.account_id || !used.customer_id) return null
    const account = await usableCustomerAccount(trx)
      .select('accounts.id')
      .where('accounts.id', '=', used.account_id)
      .where('accounts.customer_id', '=', used.customer_id)
      .executeTakeFirst()
    if (!account) return null
    await markAddressVerified(
      trx,
      { accountId: account.id, customerId: used.customer_id },
      'email_link',
    )
    await trx
      .updateTable('account_tokens')
      .set({ used_at: sql<Date>`now()` })
      .where('account_id', '=', account.id)
      .where('purpose', '=', 'email_verification')
      .where('used_at', 'is', null)
      .where(sql<boolean>`payload ->> 'flow' = ${SIGN_UP_FLOW}`)
      .execute()
    return { accountId: account.id }
  })
}

// Claiming a record ----------------------------------------------------------------------------

export interface Invitation {
  token: string
  email: string
  language: string
  name: string
  customerNumber: string
}

/**
 * An invitation to open an account for an existing customer record, to its primary email: the
 * raw token (the database keeps its hash), valid for 7 days, and what the mail needs. Earlier
 * unused invitations of the record end, so only the newest link works.
 *
 * @throws NotFoundError for an unknown customer id.
 * @throws InvalidStateError with a key of the auth namespace when the record is closed
 *   (`invitationClosed`), has no primary email (`invitationNoEmail`), has an account already
 *   (`claimHasAccount`), or its primary email is another account's sign-in
 *   (`invitationEmailTaken`).
 */
export async function createInvitationToken(
  db: Kysely<DB>,
  options: { customerId: string; actor: Actor },
): Promise<Invitation> {
  const { customerId, actor } = options
  if (!isUuid(customerId)) throw new NotFoundError('customer', customerId)
  return inTransaction(db, async (trx) => {
    const customer = await trx
      .selectFrom('customers')
      .leftJoin('customer_emails', (join) =>
        join
          .onRef('customer_emails.customer_id', '=', 'customers.id')
          .on('customer_emails.is_primary', '=', true),
      )
      .select([
        'customers.id',
        'customers.customer_number',
        'customers.given_name',
        'customers.preferred_name',
        'customers.language',
        'customers.status',
        'customer_emails.email',
      ])
      .select((eb) => [
        eb
          .exists(
            eb
              .selectFrom('accounts')
              .select('accounts.id')
              .whereRef('accounts.customer_id', '=', 'customers.id'),
          )
          .as('hasAccount'),
        eb
          .exists(
            eb
              .selectFrom('accounts')
              .select('accounts.id')
              .where(sql<boolean>`lower(accounts.email) = lower(customer_emails.email)`),
          )
          .as('emailTaken'),
      ])
      .where('customers.id', '=', customerId)
      .forUpdate('customers')
      .executeTakeFirst()
    if (!customer) throw new NotFoundError('customer', customerId)
    if (customer.status !== 'active') throw new InvalidStateError('auth:errors.invitationClosed')
    if (!customer.email) throw new InvalidStateError('auth:errors.invitationNoEmail')
    if (customer.hasAccount) throw new InvalidStateError('auth:errors.claimHasAccount')
    if (customer.emailTaken) throw new InvalidStateError('auth:errors.invitationEmailTaken')

    await trx
      .updateTable('account_tokens')
      .set({ used_at: sql<Date>`now()` })
      .where('customer_id', '=', customerId)
      .where('purpose', '=', 'invitation')
      .where('used_at', 'is', null)
      .execute()
    // No account exists yet, so the token hangs from the customer alone (account_id stays null).
    const rawToken = await createAccountToken(trx, {
      accountId: null,
      customerId,
      purpose: 'invitation',
      ttlMinutes: INVITATION_TTL_MINUTES,
      payload: {
        customerId,
        // The address the link goes to: the claim signs in with it, and only while it is still
        // the record's primary email.
        email: customer.email,
        invitedBy: { kind: actor.kind, id: actor.id ?? null },
      },
    })
    return {
      token: rawToken,
      email: customer.email,
      language: customer.language,
      name: customer.preferred_name ?? customer.given_name,
      customerNumber: customer.customer_number,
    }
  })
}

export type InvitationPreview =
  | { status: 'usable'; email: string; customerNumber: string }
  | { status: 'has_account' }
  | { status: 'invalid' }

/** What an invitation link is for, without using it up. */
export async function describeInvitation(
  db: Kysely<DB>,
  rawToken: string,
): Promise<InvitationPreview> {
  const row = await db
    .selectFrom('account_tokens')
    .innerJoin('customers', 'customers.id', 'account_tokens.customer_id')
    .innerJoin('customer_emails', (join) =>
      join
        .onRef('customer_emails.customer_id', '=', 'customers.id')
        .on('customer_emails.is_primary', '=', true),
    )
    .select([
      'account_tokens.payload',
      'customers.customer_number',
      'customers.status',
      'customer_emails.email',
    ])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('accounts')
            .select('accounts.id')
            .where((inner) =>
              inner.or([
                inner('accounts.customer_id', '=', inner.ref('customers.id')),
                sql<boolean>`lower(accounts.email) = lower(customer_emails.email)`,
              ]),
            ),
        )
        .as('hasAccount'),
    )
    .where('account_tokens.token_hash', '=', hashToken(rawToken))
    .where('account_tokens.purpose', '=', 'invitation')
    .where('account_tokens.used_at', 'is', null)
    .where('account_tokens.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst()
  if (!row || row.status !== 'active') return { status: 'invalid' }
  if (row.hasAccount) return { status: 'has_account' }
  const invited = stringField(row.payload, 'email')
  if (!invited || invited.toLowerCase() !== row.email.toLowerCase()) return { status: 'invalid' }
  return { status: 'usable', email: invited, customerNumber: row.customer_number }
}

export type ClaimOutcome =
  | { status: 'claimed'; accountId: string; customerId: string }
  | { status: 'has_account' }
  | { status: 'invalid' }

/**
 * Opens the account of the record the invitation was for, in one transaction: the link is used
 * up, the account signs in with the invited address (verified: the link came to it), and the
 * history records it. Refused when the record has an account by now or its address is another
 * account's sign-in (`has_account`), or the link is unknown, used, expired, or its address is no
 * longer the primary email (`invalid`).
 */
export async function claimCustomerRecord(
  db: Kysely<DB>,
  options: { token: string; passwordHash: string },
): Promise<ClaimOutcome> {
  try {
    return await inTransaction(db, async (trx): Promise<ClaimOutcome> => {
      // A staff invitation is an invitation too, but not for this page: left unused, so the
      // link still works where it belongs (/staff/claim).
      const peeked = await peekAccountToken(trx, options.token, 'invitation')
      if (!peeked?.customerId) return { status: 'invalid' }
      const used = await consumeAccountToken(trx, options.token, 'invitation')
      const email = used ? stringField(used.payload, 'email') : null
      if (!used?.customerId || !email) return { status: 'invalid' }
      const customerId = used.customerId
      // Locked, so two invitations of one record used at once cannot both open an account.
      const customer = await trx
        .selectFrom('customers')
        .innerJoin('customer_emails', (join) =>
          join
            .onRef('customer_emails.customer_id', '=', 'customers.id')
            .on('customer_emails.is_primary', '=', true),
        )
        .select(['customers.status', 'customer_emails.email'])
        .where('customers.id', '=', customerId)
        .forUpdate('customers')
        .executeTakeFirst()
      if (customer?.status !== 'active') return { status: 'invalid' }
      if (customer.email.toLowerCase() !== email.toLowerCase()) return { status: 'invalid' }
      const taken = await trx
        .selectFrom('accounts')
        .select('id')
        .where((eb) => eb.or([eb('customer_id', '=', customerId), lowerEquals('email', email)]))
        .executeTakeFirst()
      if (taken) return { status: 'has_account' }

      const account = await trx
        .insertInto('accounts')
        .values({
          kind: 'customer',
          email: customer.email,
          password_hash: options.passwordHash,
          customer_id: customerId,
          email_verified_at: sql<Date>`now()`,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordHistory(trx, {
        customerId,
        entityType: 'account',
        entityId: account.id,
        action: 'created',
        actor: { kind: 'customer', id: account.id },
        channel: 'email_link',
        after: { sign_in_email: customer.email },
      })
      await markAddressVerified(trx, { accountId: account.id, customerId }, 'email_link')
      return { status: 'claimed', accountId: account.id, customerId }
    })
  } catch (error) {
    // An account opened for the record or the address at the same moment: the transaction
    // rolled back (the link is still unused), and the answer is the one a later look would give.
    if (isUniqueViolation(error)) return { status: 'has_account' }
    throw error
  }
}

// Magic links ----------------------------------------------------------------------------------

export interface MagicLinkAccount {
  id: string
  customerId: string
  email: string
  language: string
}

/**
 * A customer's account that may sign in by an emailed link. Staff never get one (they will need
 * a second factor), nor do disabled accounts or closed records.
 */
export async function findAccountForMagicLink(
  db: Kysely<DB>,
  email: string,
): Promise<MagicLinkAccount | undefined> {
  const row = await usableCustomerAccount(db)
    .select(['accounts.id', 'accounts.customer_id', 'accounts.email', 'customers.language'])
    .where(lowerEquals('accounts.email', email))
    .executeTakeFirst()
  if (!row?.customer_id) return undefined
  return { id: row.id, customerId: row.customer_id, email: row.email, language: row.language }
}

export async function createMagicLinkToken(
  db: Kysely<DB>,
  account: { accountId: string; customerId: string },
): Promise<string> {
  return createAccountToken(db, {
    accountId: account.accountId,
    customerId: account.customerId,
    purpose: 'magic_link',
    ttlMinutes: MAGIC_LINK_TTL_MINUTES,
  })
}

/** The address a sign-in link is for, without using it up; null when it would not work. */
export async function describeMagicLink(
  db: Kysely<DB>,
  rawToken: string,
): Promise<{ email: string } | null> {
  const row = await usableCustomerAccount(db)
    .innerJoin('account_tokens', 'account_tokens.account_id', 'accounts.id')
    .select('accounts.email')
    .where('account_tokens.token_hash', '=', hashToken(rawToken))
    .where('account_tokens.purpose', '=', 'magic_link')
    .where('account_tokens.used_at', 'is', null)
    .where('account_tokens.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst()
  return row ?? null
}

/**
 * Uses a sign-in link up and returns the account to sign in: its other sign-in links end, and
 * its address counts as verified (the link came to it). Null when the link is unknown, used,
 * expired, or its account may no longer sign in.
 */
export async function consumeMagicLink(
  db: Kysely<DB>,
  rawToken: string,
): Promise<{ accountId: string } | null> {
  return inTransaction(db, async (trx) => {
    const used = await consumeAccountToken(trx, rawToken, 'magic_link')
    if (!used?.accountId) return null
    const account = await usableCustomerAccount(trx)
      .select(['accounts.id', 'accounts.customer_id'])
      .where('accounts.id', '=', used.accountId)
      .executeTakeFirst()
    if (!account?.customer_id) return null
    await trx
      .updateTable('account_tokens')
      .set({ used_at: sql<Date>`now()` })
      .where('account_id', '=', account.id)
      .where('purpose', '=', 'magic_link')
      .where('used_at', 'is', null)
      .execute()
    await markAddressVerified(
      trx,
      { accountId: account.id, customerId: account.customer_id },
      'email_link',
    )
    return { accountId: account.id }
  })
}
