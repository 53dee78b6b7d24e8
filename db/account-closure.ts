import { type Kysely, sql } from 'kysely'
import { CHANNEL_CODES, MARKETING_TOPICS, recordConsentDecisions } from './consent.ts'
import { InvalidStateError, NotFoundError } from './errors.ts'
import { type Actor, historyValues } from './history.ts'
import { isUuid } from './ids.ts'
import { notifyRequestStatus } from './notifications.ts'
import { endMembership, listSolelyOwnedOrganisations } from './organisations.ts'
import { CLOSED_REQUEST_STATUSES, createRequest, type RequestStatus } from './requests.ts'
import type { DB } from './schema.ts'
import { dueAt } from './service-targets.ts'

// Closing an account (DOMAIN.md, rule 3): the customer asks through an `account_closure`
// request; staff complete it, and then the personal fields are anonymised in place, every
// session ends, marketing consent is withdrawn through the ledger, and orders stay for legal
// retention. What is kept and why: docs/decisions/004-data-export-scope.md.

/** What stands in for the name of a closed customer (the columns may not be empty). */
export const CLOSED_GIVEN_NAME = 'Closed'
export const CLOSED_FAMILY_NAME = 'account'
/** What stands in for anonymised address lines, in the address book and in order snapshots. */
export const ANONYMISED_TEXT = 'Anonymised'

/**
 * The sign-in address of a closed account: unique (the account's id), valid for the column's
 * check, and undeliverable (RFC 2606 reserves `.invalid`), so nothing can be sent to it or
 * signed in with it, and the real address is free to sign up again.
 */
export function closedAccountEmail(accountId: string): string {
  return `closed-${accountId}@closed.invalid`
}

/** Staff may complete a closure from these; not while we wait for the customer's answer. */
const COMPLETABLE: readonly RequestStatus[] = ['submitted', 'in_review', 'approved']

export interface OpenAccountClosure {
  requestNumber: string
  status: RequestStatus
  createdAt: Date
  /** When we aim to have finished, from the kind's resolution target. */
  dueAt: Date | null
}

/** The customer's closure request that is still open, if any (one statement). */
export async function getOpenAccountClosure(
  db: Kysely<DB>,
  customerId: string,
): Promise<OpenAccountClosure | null> {
  if (!isUuid(customerId)) return null
  const row = await db
    .selectFrom('requests as r')
    .leftJoin('service_targets as st', (join) =>
      join.on('st.subject_kind', '=', 'request_kind').onRef('st.subject_value', '=', 'r.kind'),
    )
    .select([
      'r.request_number as requestNumber',
      'r.status',
      'r.created_at as createdAt',
      'st.resolution_minutes as resolutionMinutes',
    ])
    .where('r.customer_id', '=', customerId)
    .where('r.kind', '=', 'account_closure')
    .where('r.status', 'not in', CLOSED_REQUEST_STATUSES)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!row) return null
  const { resolutionMinutes, ...request } = row
  return { ...request, dueAt: dueAt(row.createdAt, resolutionMinutes) }
}

export interface RequestAccountClosureInput {
  customerId: string
  /** The customer's account: the actor of the request. */
  accountId: string
  /** The request's title, in the customer's language. */
  subject: string
  /** Why they leave, if they said; kept in the request's details. */
  reason: string | null
}

export type RequestAccountClosureResult =
  { status: 'created'; requestNumber: string } | { status: 'exists'; requestNumber: string }

/**
 * Creates the customer's account-closure request (status submitted), unless one is already
 * open: then that one is returned and nothing is written. The customer's row is locked first,
 * so two submissions at once (two tabs, a double click) cannot both create one.
 *
 * @throws NotFoundError for an unknown customer.
 */
export async function requestAccountClosure(
  db: Kysely<DB>,
  input: RequestAccountClosureInput,
): Promise<RequestAccountClosureResult> {
  if (!isUuid(input.customerId)) throw new NotFoundError('customer', input.customerId)
  return inTransaction(db, async (trx) => {
    const customer = await trx
      .selectFrom('customers')
      .select('status')
      .where('id', '=', input.customerId)
      .forNoKeyUpdate()
      .executeTakeFirst()
    if (!customer) throw new NotFoundError('customer', input.customerId)
    const open = await getOpenAccountClosure(trx, input.customerId)
    if (open) return { status: 'exists', requestNumber: open.requestNumber }
    const created = await createRequest(trx, {
      customerId: input.customerId,
      actor: { kind: 'customer', id: input.accountId },
      channel: 'portal',
      kind: 'account_closure',
      subject: input.subject,
      details: input.reason ? { reason: input.reason } : {},
    })
    return { status: 'created', requestNumber: created.requestNumber }
  })
}

export interface CompleteAccountClosureInput {
  requestId: string
  /** The staff member completing it: the actor of every change. */
  staffAccountId: string
}

/** What the completion changed, by count only (the same figures as its history row). */
export interface AccountClosureSummary {
  customerId: string
  requestNumber: string
  anonymisedFields: string[]
  emailsRemoved: number
  phonesRemoved: number
  addressesAnonymised: number
  sessionsEnded: number
  emailLinksRevoked: number
  consentWithdrawn: number
  orderShippingAddressesAnonymised: number
  deliveryRecipientsRemoved: number
  /** Records of the same person merged into this one earlier, whose names went too. */
  mergedRecordsAnonymised: number
}

/**
 * Staff complete an account closure, in one transaction: the customer's personal fields are
 * anonymised in place (names replaced, emails and phones deleted, addresses blanked down to
 * their country, the sign-in address replaced by an undeliverable one and the password
 * removed), every session and emailed link of the account ends, every marketing consent is
 * withdrawn through the ledger (source 'system', the staff member as actor), the delivery
 * addresses in order snapshots lose their name and street (billing snapshots stay as invoiced),
 * the request is completed with a public event, and the history says what happened without
 * repeating any of the personal data.
 *
 * History rows written before stay as they were written (they are append-only); see
 * docs/decisions/004-data-export-scope.md.
 *
 * @throws NotFoundError for an unknown request or staff member.
 * @throws InvalidStateError('account:errors.notAClosureRequest') for another kind of request,
 *   ('account:errors.closureNotOpen') when it is not submitted, in review or approved,
 *   ('account:errors.alreadyClosed') when the customer's record is already closed, and
 *   ('organisations:errors.closureLastOwner') while they are an organisation's last owner.
 */
export async function completeAccountClosure(
  db: Kysely<DB>,
  input: CompleteAccountClosureInput,
): Promise<AccountClosureSummary> {
  if (!isUuid(input.requestId)) throw new NotFoundError('request', input.requestId)
  if (!isUuid(input.staffAccountId)) throw new NotFoundError('staff member', input.staffAccountId)
  const actor: Actor = { kind: 'staff', id: input.staffAccountId }

  return inTransaction(db, async (trx) => {
    const staff = await trx
      .selectFrom('staff_members')
      .select('account_id')
      .where('account_id', '=', input.staffAccountId)
      .where('deactivated_at', 'is', null)
      .executeTakeFirst()
    if (!staff) throw new NotFoundError('staff member', input.staffAccountId)

    const request = await trx
      .selectFrom('requests')
      .select([
        'id',
        'customer_id as customerId',
        'request_number as requestNumber',
        'kind',
        'status',
      ])
      .where('id', '=', input.requestId)
      .forUpdate()
      .executeTakeFirst()
    if (!request) throw new NotFoundError('request', input.requestId)
    if (request.kind !== 'account_closure') {
      throw new InvalidStateError('account:errors.notAClosureRequest')
    }
    if (!COMPLETABLE.includes(request.status)) {
      throw new InvalidStateError('account:errors.closureNotOpen')
    }
    const { customerId } = request

    const customer = await trx
      .selectFrom('customers')
      .select(['status', 'language', 'preferred_name', 'legal_name'])
      .where('id', '=', customerId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (customer.status === 'closed') throw new InvalidStateError('account:errors.alreadyClosed')

    // The person leaves every organisation they belong to (member_left, by the system): their
    // colleagues keep the organisation, and its history keeps that they were there. An
    // organisation is never left without an owner: the last owner hands ownership over first.
    if ((await listSolelyOwnedOrganisations(trx, customerId)).length > 0) {
      throw new InvalidStateError('organisations:errors.closureLastOwner')
    }
    const memberships = await trx
      .selectFrom('organisation_members as m')
      .select(['m.organisation_id as organisationId', 'm.role'])
      .where('m.customer_id', '=', customerId)
      .where('m.removed_at', 'is', null)
      .orderBy('m.organisation_id')
      .execute()

    // Through the ledger, like every consent change: a no to each marketing topic on each
    // channel; cells that were never a yes are left alone by recordConsentDecisions.
    const withdrawn = await recordConsentDecisions(trx, {
      customerId,
      source: 'system',
      actor,
      decisions: CHANNEL_CODES.flatMap((channel) =>
        MARKETING_TOPICS.map((topic) => ({
          channel,
          topic,
          decision: 'withdrawn' as const,
          wordingId: null,
          language: customer.language,
        })),
      ),
    })

    const anonymisedFields = [
      'given_name',
      'family_name',
      ...(customer.preferred_name !== null ? ['preferred_name'] : []),
      ...(customer.legal_name !== null ? ['legal_name'] : []),
    ]
    await trx
      .updateTable('customers')
      .set((eb) => ({
        given_name: CLOSED_GIVEN_NAME,
        family_name: CLOSED_FAMILY_NAME,
        preferred_name: null,
        legal_name: null,
        status: 'closed',
        closed_at: sql<Date>`now()`,
        anonymised_at: sql<Date>`now()`,
        updated_at: sql<Date>`now()`,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', customerId)
      .execute()

    // Records merged into this one (and into those, for a chain of merges) stay as rows so old
    // links still resolve, and the merge audit keeps what each held: the same person's names
    // and sign-in, which go now as well. Everything else they held already moved here.
    const { rows: mergedRecords } = await sql<{ id: string }>`
      with recursive merged (id) as (
        select id from customers where merged_into_id = ${customerId}
        union
        select c.id from customers c join merged m on c.merged_into_id = m.id
      )
      select id from merged`.execute(trx)
    const mergedIds = mergedRecords.map((row) => row.id)
    if (mergedIds.length > 0) {
      await trx
        .updateTable('customers')
        .set((eb) => ({
          given_name: CLOSED_GIVEN_NAME,
          family_name: CLOSED_FAMILY_NAME,
          preferred_name: null,
          legal_name: null,
          anonymised_at: sql<Date>`now()`,
          updated_at: sql<Date>`now()`,
          version: eb('version', '+', 1),
        }))
        .where('id', 'in', mergedIds)
        .execute()
      await trx
        .updateTable('accounts')
        .set({
          email: sql<string>`'closed-' || id || '@closed.invalid'`,
          password_hash: null,
          email_verified_at: null,
          disabled_at: sql<Date>`coalesce(disabled_at, now())`,
        })
        .where('customer_id', 'in', mergedIds)
        .execute()
      await trx
        .updateTable('customer_merges')
        .set({ duplicate_before: JSON.stringify({ anonymised: true }) })
        .where('merged_id', 'in', mergedIds)
        .execute()
    }

    // An email or phone row is nothing but the personal value, and nothing refers to it: the
    // rows go. Address rows stay, blanked down to their country (the column may not be empty).
    const emails = await trx
      .deleteFrom('customer_emails')
      .where('customer_id', '=', customerId)
      .executeTakeFirst()
    const phones = await trx
      .deleteFrom('customer_phones')
      .where('customer_id', '=', customerId)
      .executeTakeFirst()
    const addresses = await trx
      .updateTable('customer_addresses')
      .set((eb) => ({
        label: null,
        recipient: ANONYMISED_TEXT,
        line1: ANONYMISED_TEXT,
        line2: null,
        city: ANONYMISED_TEXT,
        region: null,
        postal_code: null,
        is_default_shipping: false,
        is_default_billing: false,
        removed_at: sql<Date>`coalesce(removed_at, now())`,
        updated_at: sql<Date>`now()`,
        version: eb('version', '+', 1),
      }))
      .where('customer_id', '=', customerId)
      .executeTakeFirst()

    // One account per customer at most (accounts.customer_id is unique).
    const account = await trx
      .selectFrom('accounts')
      .select(['id', 'disabled_at as disabledAt'])
      .where('customer_id', '=', customerId)
      .executeTakeFirst()
    let sessionsEnded = 0
    if (account) {
      await trx
        .updateTable('accounts')
        .set({
          email: closedAccountEmail(account.id),
          password_hash: null,
          email_verified_at: null,
          disabled_at: account.disabledAt ?? sql<Date>`now()`,
        })
        .where('id', '=', account.id)
        .execute()
      const sessions = await trx
        .deleteFrom('sessions')
        .where('account_id', '=', account.id)
        .executeTakeFirst()
      sessionsEnded = Number(sessions.numDeletedRows)
      // The account stays (anonymised) for the history's sake; its authenticator secret, recovery
      // codes and any sign-in half done are credentials of a person who has left.
      await trx.deleteFrom('two_factor_secrets').where('account_id', '=', account.id).execute()
      await trx
        .deleteFrom('two_factor_recovery_codes')
        .where('account_id', '=', account.id)
        .execute()
      await trx.deleteFrom('sign_in_challenges').where('account_id', '=', account.id).execute()
    }
    // After the sessions above, so they are counted there.
    for (const membership of memberships) {
      await endMembership(trx, {
        organisationId: membership.organisationId,
        customerId,
        action: 'member_left',
        actor: { kind: 'system' },
        channel: 'system',
      })
    }
    // Reset, verification and confirmation links would otherwise outlive the account, and their
    // payloads can carry addresses.
    const links = await trx
      .deleteFrom('account_tokens')
      .where((eb) =>
        account
          ? eb.or([eb('customer_id', '=', customerId), eb('account_id', '=', account.id)])
          : eb('customer_id', '=', customerId),
      )
      .executeTakeFirst()

    // The billing snapshot is the invoice as issued and stays for the legal retention period.
    // The delivery snapshot keeps only where the goods went to the postal code (place of supply
    // for VAT, returns); the name and street go, and unknown keys with them.
    const orders = await trx
      .updateTable('orders')
      .set((eb) => ({
        shipping_address: sql`jsonb_build_object(
          'recipient', ${ANONYMISED_TEXT}::text,
          'line1', ${ANONYMISED_TEXT}::text,
          'line2', null,
          'city', shipping_address -> 'city',
          'region', shipping_address -> 'region',
          'postalCode', shipping_address -> 'postalCode',
          'countryCode', shipping_address -> 'countryCode',
          'anonymised', true)`,
        updated_at: sql<Date>`now()`,
        version: eb('version', '+', 1),
      }))
      .where('customer_id', '=', customerId)
      .where(sql<boolean>`jsonb_typeof(shipping_address) = 'object'`)
      .executeTakeFirst()

    // The log of messages sent keeps what was sent when and why, not to which address.
    const deliveries = await trx
      .updateTable('notification_deliveries')
      .set({ recipient: null })
      .where('customer_id', '=', customerId)
      .where('recipient', 'is not', null)
      .executeTakeFirst()

    await trx
      .updateTable('requests')
      .set((eb) => ({
        status: 'completed',
        updated_at: sql<Date>`now()`,
        closed_at: sql<Date>`now()`,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', request.id)
      .execute()
    await trx
      .insertInto('request_events')
      .values({
        request_id: request.id,
        from_status: request.status,
        to_status: 'completed',
        visibility: 'public',
        actor_kind: actor.kind,
        actor_id: actor.id,
      })
      .execute()

    // Like every status change a customer can see, it is queued for them; the worker refuses it
    // at send time (customer_closed) and records that, as there is no one left to write to.
    await notifyRequestStatus(trx, {
      customerId,
      requestId: request.id,
      requestNumber: request.requestNumber,
      status: 'completed',
    })

    const summary: AccountClosureSummary = {
      customerId,
      requestNumber: request.requestNumber,
      anonymisedFields,
      emailsRemoved: Number(emails.numDeletedRows),
      phonesRemoved: Number(phones.numDeletedRows),
      addressesAnonymised: Number(addresses.numUpdatedRows),
      sessionsEnded,
      emailLinksRevoked: Number(links.numDeletedRows),
      consentWithdrawn: withdrawn.length,
      orderShippingAddressesAnonymised: Number(orders.numUpdatedRows),
      deliveryRecipientsRemoved: Number(deliveries.numUpdatedRows),
      mergedRecordsAnonymised: mergedIds.length,
    }

    const entry = { customerId, actor, channel: 'staff' as const }
    await trx
      .insertInto('record_history')
      .values([
        historyValues({
          ...entry,
          entityType: 'request',
          entityId: request.id,
          action: 'status_changed',
          before: { status: request.status },
          after: { status: 'completed' },
        }),
        // Which fields and how many rows, never their values: the row outlives the data.
        historyValues({
          ...entry,
          entityType: 'customer',
          entityId: customerId,
          action: 'anonymised',
          before: { status: 'active' },
          after: {
            status: 'closed',
            request_number: request.requestNumber,
            anonymised_fields: summary.anonymisedFields,
            emails_removed: summary.emailsRemoved,
            phones_removed: summary.phonesRemoved,
            addresses_anonymised: summary.addressesAnonymised,
            order_shipping_addresses_anonymised: summary.orderShippingAddressesAnonymised,
            delivery_recipients_removed: summary.deliveryRecipientsRemoved,
            consent_withdrawn: summary.consentWithdrawn,
            merged_records_anonymised: summary.mergedRecordsAnonymised,
          },
        }),
        ...(account
          ? [
              historyValues({
                ...entry,
                entityType: 'account',
                entityId: account.id,
                action: 'closed',
                before: { disabled: account.disabledAt !== null },
                after: {
                  disabled: true,
                  anonymised_fields: ['email', 'password'],
                  sessions_ended: summary.sessionsEnded,
                  email_links_revoked: summary.emailLinksRevoked,
                },
              }),
            ]
          : []),
      ])
      .execute()

    return summary
  })
}

function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}
