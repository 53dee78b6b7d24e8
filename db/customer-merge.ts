import { type Kysely, sql } from 'kysely'
import { type ChannelCode, type ConsentCell, getConsentState, type TopicCode } from './consent.ts'
import { type CustomerProfile, getCustomerProfile } from './customers.ts'
import { InvalidStateError, NotFoundError, VersionConflictError } from './errors.ts'
import { recordHistory } from './history.ts'
import { isUuid } from './ids.ts'
import type { DB, JsonValue } from './schema.ts'
import { deleteAccountSessions } from './sessions.ts'

// Merging a duplicate customer into the record that survives. One transaction moves everything
// that hangs from the duplicate onto the survivor; the duplicate stays as a row marked 'merged'
// (old links and mails still resolve to it) pointing at the survivor, and customer_merges keeps
// what moved and the duplicate as it was.
//
// Append-only tables (record_history, consent_ledger, record_access_log) refuse every update;
// the merge transaction sets cmr.merge locally, which lets through an update that changes
// customer_id and nothing else (see the staff-workspace migration). So history is re-pointed,
// never rewritten.

/** Rows of the duplicate that move to the survivor as they are. */
export interface MovableCounts {
  orders: number
  requests: number
  tickets: number
  ticketAttachments: number
  consentLedger: number
  history: number
  accessLog: number
  outbox: number
  deliveries: number
  accountTokens: number
}

const movableTables = {
  orders: 'orders',
  requests: 'requests',
  tickets: 'tickets',
  ticketAttachments: 'ticket_attachments',
  consentLedger: 'consent_ledger',
  history: 'record_history',
  accessLog: 'record_access_log',
  outbox: 'notification_outbox',
  deliveries: 'notification_deliveries',
  accountTokens: 'account_tokens',
} as const satisfies Record<keyof MovableCounts, keyof DB>

/** What happens to each email, phone and address of the duplicate. */
export interface ContactPlan {
  emails: { move: string[]; skip: string[] }
  phones: { move: string[]; skip: string[] }
  /** Addresses as one line each ("Storgatan 1, 118 46 Stockholm, SE"). */
  addresses: { move: string[]; skip: string[] }
}

export type MovedCounts = MovableCounts & {
  emails: number
  phones: number
  addresses: number
  emailsSkipped: number
  phonesSkipped: number
  addressesSkipped: number
}

/** One channel and topic where the two records' current decisions differ. */
export interface ConsentDifference {
  channel: ChannelCode
  topic: TopicCode
  survivor: ConsentCell['decision']
  duplicate: ConsentCell['decision']
  /** The survivor's decision after the merge: the later of the two (see mergedConsentCells). */
  result: ConsentCell['decision']
}

export type SignInOutcome = 'none' | 'kept' | 'moved' | 'disabled'

export interface MergePreview {
  survivor: CustomerProfile
  duplicate: CustomerProfile
  counts: MovableCounts
  contacts: ContactPlan
  /** Name fields whose values differ: the survivor's stay. */
  nameDifferences: { field: NameField; survivor: string | null; duplicate: string | null }[]
  consentDifferences: ConsentDifference[]
  /** What happens to the duplicate's sign-in. */
  signIn: SignInOutcome
  /** Why the two cannot be merged (one is closed or merged already); null when they can. */
  blockedBy: string | null
}

const nameFields = ['givenName', 'familyName', 'preferredName', 'legalName'] as const
type NameField = (typeof nameFields)[number]

/** How many rows of each kind the customer has that a merge would move. One statement. */
export async function countMovableRows(db: Kysely<DB>, customerId: string): Promise<MovableCounts> {
  const counts = Object.entries(movableTables).map(
    ([key, table]) =>
      sql`(select count(*) from ${sql.table(table)} where customer_id = ${customerId})::int as ${sql.ref(key)}`,
  )
  const { rows } = await sql<MovableCounts>`select ${sql.join(counts)}`.execute(db)
  const row = rows[0]
  if (!row) throw new Error('count query returned no row')
  return row
}

function normalisedPostcode(value: string | null): string {
  return (value ?? '').replace(/\s+/g, '').toUpperCase()
}

interface AddressRow {
  id: string
  recipient: string
  line1: string
  line2: string | null
  city: string
  postal_code: string | null
  country_code: string
  removed_at: Date | null
}

function addressKey(address: AddressRow): string {
  return [
    address.recipient.trim().toLowerCase(),
    address.line1.trim().toLowerCase(),
    (address.line2 ?? '').trim().toLowerCase(),
    address.city.trim().toLowerCase(),
    normalisedPostcode(address.postal_code),
    address.country_code,
  ].join('|')
}

function addressLine(address: AddressRow): string {
  return [
    address.line1,
    address.line2,
    [address.postal_code, address.city].filter(Boolean).join(' '),
    address.country_code,
  ]
    .filter(Boolean)
    .join(', ')
}

interface ContactRows {
  emails: { id: string; email: string; skip: boolean }[]
  phones: { id: string; e164: string; skip: boolean }[]
  addresses: (AddressRow & { skip: boolean })[]
}

/**
 * The duplicate's contact details, each marked to skip when the survivor already has it: the same
 * email whatever its letter case, the same E.164 number, the same (current) address.
 */
async function contactRows(
  db: Kysely<DB>,
  survivorId: string,
  mergedId: string,
): Promise<ContactRows> {
  const [emails, phones, addresses, survivorAddresses] = await Promise.all([
    db
      .selectFrom('customer_emails as e')
      .select((eb) => [
        'e.id',
        'e.email',
        eb
          .exists(
            eb
              .selectFrom('customer_emails as s')
              .select('s.id')
              .where('s.customer_id', '=', survivorId)
              .where(sql<boolean>`lower(s.email) = lower(e.email)`),
          )
          .as('skip'),
      ])
      .where('e.customer_id', '=', mergedId)
      .orderBy('e.created_at')
      .orderBy('e.id')
      .execute(),
    db
      .selectFrom('customer_phones as p')
      .select((eb) => [
        'p.id',
        'p.e164',
        eb
          .exists(
            eb
              .selectFrom('customer_phones as s')
              .select('s.id')
              .where('s.customer_id', '=', survivorId)
              .whereRef('s.e164', '=', 'p.e164'),
          )
          .as('skip'),
      ])
      .where('p.customer_id', '=', mergedId)
      .orderBy('p.created_at')
      .orderBy('p.id')
      .execute(),
    addressRows(db, mergedId),
    addressRows(db, survivorId),
  ])
  const survivorKeys = new Set(
    survivorAddresses.filter((row) => row.removed_at === null).map(addressKey),
  )
  return {
    emails: emails.map((row) => ({ ...row, skip: Boolean(row.skip) })),
    phones: phones.map((row) => ({ ...row, skip: Boolean(row.skip) })),
    // Only a current address can be a duplicate of one; removed ones move as the past they are.
    addresses: addresses.map((row) => ({
      ...row,
      skip: row.removed_at === null && survivorKeys.has(addressKey(row)),
    })),
  }
}

function addressRows(db: Kysely<DB>, customerId: string): Promise<AddressRow[]> {
  return db
    .selectFrom('customer_addresses')
    .select([
      'id',
      'recipient',
      'line1',
      'line2',
      'city',
      'postal_code',
      'country_code',
      'removed_at',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

function planOf(rows: ContactRows): ContactPlan {
  const split = <T extends { skip: boolean }>(items: T[], label: (item: T) => string) => ({
    move: items.filter((item) => !item.skip).map(label),
    skip: items.filter((item) => item.skip).map(label),
  })
  return {
    emails: split(rows.emails, (row) => row.email),
    phones: split(rows.phones, (row) => row.e164),
    addresses: split(rows.addresses, addressLine),
  }
}

/**
 * Consent after a merge, for each channel and topic the duplicate ever decided: the latest
 * decision in either ledger. Both records are one person, and consent is what that person said
 * last: a newsletter "no" given on the duplicate last month overrides a "yes" given on the
 * survivor last year, and the other way round. Ties on the instant go to the higher ledger id,
 * as everywhere the ledger is read newest first.
 */
async function mergedConsentCells(db: Kysely<DB>, customerIds: readonly string[], cellsOf: string) {
  const { rows } = await sql<{
    channel: ChannelCode
    topic: TopicCode
    decision: NonNullable<ConsentCell['decision']>
    ledger_id: number
    recorded_at: Date
  }>`
    select distinct on (l.channel, l.topic)
      l.channel, l.topic, l.decision, l.id as ledger_id, l.recorded_at
    from consent_ledger l
    where l.customer_id in (${sql.join(customerIds)})
      and (l.channel, l.topic) in (
        select d.channel, d.topic from consent_ledger d where d.customer_id = ${cellsOf})
    order by l.channel, l.topic, l.recorded_at desc, l.id desc`.execute(db)
  return rows
}

async function signInOutcome(
  db: Kysely<DB>,
  survivorId: string,
  mergedId: string,
): Promise<{ outcome: SignInOutcome; mergedAccountId: string | null }> {
  const accounts = await db
    .selectFrom('accounts')
    .select(['id', 'customer_id'])
    .where('customer_id', 'in', [survivorId, mergedId])
    .execute()
  const survivor = accounts.find((row) => row.customer_id === survivorId)
  const merged = accounts.find((row) => row.customer_id === mergedId)
  if (!merged) return { outcome: survivor ? 'kept' : 'none', mergedAccountId: null }
  return { outcome: survivor ? 'disabled' : 'moved', mergedAccountId: merged.id }
}

function blockedBy(survivor: CustomerProfile, duplicate: CustomerProfile): string | null {
  if (survivor.id === duplicate.id) return 'merge:errors.same'
  if (survivor.status !== 'active' || duplicate.status !== 'active') {
    return 'merge:errors.notActive'
  }
  return null
}

/**
 * Both records side by side with everything a merge of `mergedId` into `survivorId` would do.
 * Null when either id is unknown. The counts are what mergeCustomers then moves, unless the
 * records change in between (their versions are checked at the merge).
 */
export async function getMergePreview(
  db: Kysely<DB>,
  survivorId: string,
  mergedId: string,
): Promise<MergePreview | null> {
  if (!isUuid(survivorId) || !isUuid(mergedId)) return null
  const [survivor, duplicate] = await Promise.all([
    getCustomerProfile(db, survivorId),
    getCustomerProfile(db, mergedId),
  ])
  if (!survivor || !duplicate) return null
  const [counts, contacts, survivorConsent, duplicateConsent, merged, signIn] = await Promise.all([
    countMovableRows(db, mergedId),
    contactRows(db, survivorId, mergedId),
    getConsentState(db, survivorId),
    getConsentState(db, mergedId),
    mergedConsentCells(db, [survivorId, mergedId], mergedId),
    signInOutcome(db, survivorId, mergedId),
  ])

  const cellKey = (channel: string, topic: string) => `${channel}:${topic}`
  const resultOf = new Map(merged.map((row) => [cellKey(row.channel, row.topic), row.decision]))
  const duplicateOf = new Map(
    duplicateConsent.map((cell) => [cellKey(cell.channel, cell.topic), cell.decision]),
  )
  const consentDifferences: ConsentDifference[] = []
  for (const cell of survivorConsent) {
    const key = cellKey(cell.channel, cell.topic)
    const other = duplicateOf.get(key) ?? null
    if (other === cell.decision) continue
    consentDifferences.push({
      channel: cell.channel,
      topic: cell.topic,
      survivor: cell.decision,
      duplicate: other,
      result: resultOf.get(key) ?? cell.decision,
    })
  }

  return {
    survivor,
    duplicate,
    counts,
    contacts: planOf(contacts),
    nameDifferences: nameFields
      .filter((field) => (survivor[field] ?? null) !== (duplicate[field] ?? null))
      .map((field) => ({ field, survivor: survivor[field], duplicate: duplicate[field] })),
    consentDifferences,
    signIn: signIn.outcome,
    blockedBy: blockedBy(survivor, duplicate),
  }
}

/** The two versions a merge was previewed at; a conflict carries the current pair. */
export interface MergeVersions {
  survivorVersion: number
  mergedVersion: number
}

export interface MergeCustomersInput {
  survivorId: string
  mergedId: string
  expected: MergeVersions
  staffAccountId: string
}

export interface MergeResult {
  mergeId: string
  moved: MovedCounts
  signIn: SignInOutcome
}

/**
 * Merges the duplicate into the survivor in one transaction (see the top of this file).
 *
 * - Orders, requests, tickets and their attachments, the consent ledger, history, the record
 *   access log, notifications and one-time tokens move as they are.
 * - Emails, phones and addresses move as non-primary / non-default ones (the survivor's choices
 *   stay), except where the survivor has none: then the duplicate's primary or default is kept,
 *   so the survivor is not left without one. Exact duplicates are not moved but deleted: the
 *   survivor has them already, and customer_merges keeps the duplicate as it was.
 * - consent_current of the survivor is recomputed from the merged ledger (mergedConsentCells).
 * - communication_preferences: the survivor's stay (they are the record we keep writing to);
 *   only a survivor without any takes the duplicate's.
 * - The duplicate's sign-in: moved to the survivor when the survivor has none (its owner signs
 *   in as before and now sees the merged record); when both have one, the duplicate's is
 *   disabled and its sessions end, since one record has one sign-in.
 *
 * @throws NotFoundError when either id is unknown.
 * @throws InvalidStateError when the two are one record, or either is not active.
 * @throws VersionConflictError when either record changed since the preview: nothing moves.
 */
export async function mergeCustomers(
  db: Kysely<DB>,
  input: MergeCustomersInput,
): Promise<MergeResult> {
  const { survivorId, mergedId, expected, staffAccountId } = input
  if (!isUuid(survivorId)) throw new NotFoundError('customer', survivorId)
  if (!isUuid(mergedId)) throw new NotFoundError('customer', mergedId)
  if (survivorId.toLowerCase() === mergedId.toLowerCase()) {
    throw new InvalidStateError('merge:errors.same')
  }

  return db.transaction().execute(async (trx) => {
    await sql`select set_config('cmr.merge', 'on', true)`.execute(trx)

    // Both rows locked, in id order so two merges of overlapping pairs cannot deadlock.
    const locked = await trx
      .selectFrom('customers')
      .select(['id', 'version', 'status', 'customer_number as customerNumber'])
      .where('id', 'in', [survivorId, mergedId])
      .orderBy('id')
      .forUpdate()
      .execute()
    const survivor = locked.find((row) => row.id === survivorId)
    const merged = locked.find((row) => row.id === mergedId)
    if (!survivor) throw new NotFoundError('customer', survivorId)
    if (!merged) throw new NotFoundError('customer', mergedId)
    if (survivor.status !== 'active' || merged.status !== 'active') {
      throw new InvalidStateError('merge:errors.notActive')
    }
    if (
      survivor.version !== expected.survivorVersion ||
      merged.version !== expected.mergedVersion
    ) {
      const stale = survivor.version !== expected.survivorVersion ? survivor : merged
      throw new VersionConflictError<MergeVersions>({
        entity: 'customer',
        id: stale.id,
        expectedVersion: stale === survivor ? expected.survivorVersion : expected.mergedVersion,
        current: { survivorVersion: survivor.version, mergedVersion: merged.version },
        changes: expected,
      })
    }

    // Read before anything moves. The latest decisions keep their ledger ids when the rows
    // move, so they can be read now and pointed at afterwards.
    const [duplicateProfile, duplicateConsent, survivorConsentBefore, contacts, signIn, cells] =
      await Promise.all([
        getCustomerProfile(trx, mergedId),
        getConsentState(trx, mergedId),
        getConsentState(trx, survivorId),
        contactRows(trx, survivorId, mergedId),
        signInOutcome(trx, survivorId, mergedId),
        mergedConsentCells(trx, [survivorId, mergedId], mergedId),
      ])
    const duplicatePreferences = await trx
      .selectFrom('communication_preferences')
      .select([
        'preferred_service_channel',
        'marketing_frequency',
        'quiet_hours_start',
        'quiet_hours_end',
        'message_language',
        'version',
      ])
      .where('customer_id', '=', mergedId)
      .executeTakeFirst()

    // Contacts: skipped ones deleted, the rest moved without taking the survivor's primaries.
    const moveContacts = await moveContactDetails(trx, survivorId, mergedId, contacts)

    const moved = { ...moveContacts } as MovedCounts
    for (const [key, table] of Object.entries(movableTables) as [
      keyof MovableCounts,
      (typeof movableTables)[keyof MovableCounts],
    ][]) {
      const result = await sql`update ${sql.table(table)} set customer_id = ${survivorId}
        where customer_id = ${mergedId}`.execute(trx)
      moved[key] = Number(result.numAffectedRows ?? 0)
    }

    // Consent: the duplicate's current state goes; the survivor's is recomputed where the
    // duplicate had decided anything (those ledger rows are the survivor's now).
    await trx.deleteFrom('consent_current').where('customer_id', '=', mergedId).execute()
    if (cells.length > 0) {
      await trx
        .insertInto('consent_current')
        .values(
          cells.map((cell) => ({
            customer_id: survivorId,
            channel: cell.channel,
            topic: cell.topic,
            decision: cell.decision,
            ledger_id: cell.ledger_id,
            updated_at: cell.recorded_at,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['customer_id', 'channel', 'topic']).doUpdateSet((eb) => ({
            decision: eb.ref('excluded.decision'),
            ledger_id: eb.ref('excluded.ledger_id'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute()
    }
    const survivorConsentAfter = await getConsentState(trx, survivorId)

    const survivorHasPreferences = await trx
      .selectFrom('communication_preferences')
      .select('customer_id')
      .where('customer_id', '=', survivorId)
      .executeTakeFirst()
    if (!survivorHasPreferences && duplicatePreferences) {
      await trx
        .updateTable('communication_preferences')
        .set({ customer_id: survivorId })
        .where('customer_id', '=', mergedId)
        .execute()
    }

    if (signIn.mergedAccountId && signIn.outcome === 'moved') {
      await trx
        .updateTable('accounts')
        .set({ customer_id: survivorId })
        .where('id', '=', signIn.mergedAccountId)
        .execute()
    } else if (signIn.mergedAccountId && signIn.outcome === 'disabled') {
      await trx
        .updateTable('accounts')
        .set({ disabled_at: sql<Date>`now()` })
        .where('id', '=', signIn.mergedAccountId)
        .execute()
      await deleteAccountSessions(trx, signIn.mergedAccountId)
    }

    await trx
      .updateTable('customers')
      .set((eb) => ({
        status: 'merged',
        merged_into_id: survivorId,
        version: eb('version', '+', 1),
        updated_at: sql<Date>`now()`,
      }))
      .where('id', '=', mergedId)
      .execute()
    // The survivor changed too (new contacts, orders, consent): an edit opened before the
    // merge must not be saved over it unseen.
    await trx
      .updateTable('customers')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
      .where('id', '=', survivorId)
      .execute()

    const duplicateBefore = {
      profile: duplicateProfile,
      consent: duplicateConsent.filter((cell) => cell.decision !== null),
      preferences: duplicatePreferences ?? null,
      signIn: signIn.outcome,
    }
    const audit = await trx
      .insertInto('customer_merges')
      .values({
        survivor_id: survivorId,
        merged_id: mergedId,
        merged_by: staffAccountId,
        moved: JSON.stringify(moved),
        duplicate_before: JSON.stringify(duplicateBefore),
      })
      .returning('id')
      .executeTakeFirstOrThrow()

    const consentChanged = survivorConsentAfter.filter((cell, index) => {
      const before = survivorConsentBefore[index]
      return before && before.decision !== cell.decision
    })
    const consentOf = (source: ConsentCell[]) =>
      Object.fromEntries(
        consentChanged.map((cell) => [
          `${cell.channel}:${cell.topic}`,
          source.find((other) => other.channel === cell.channel && other.topic === cell.topic)
            ?.decision ?? null,
        ]),
      )
    const before: Record<string, JsonValue> = {
      customer_number: merged.customerNumber,
      given_name: duplicateProfile?.givenName ?? null,
      family_name: duplicateProfile?.familyName ?? null,
    }
    // The customer reads this row on their history page: only what actually came over.
    const after: Record<string, JsonValue> = { customer_number: survivor.customerNumber }
    for (const key of ['orders', 'requests', 'tickets', 'emails', 'phones', 'addresses'] as const) {
      if (moved[key] > 0) after[key] = moved[key]
    }
    if (signIn.outcome === 'moved' || signIn.outcome === 'disabled') after.sign_in = signIn.outcome
    if (consentChanged.length > 0) {
      before.consent = consentOf(survivorConsentBefore)
      after.consent = consentOf(survivorConsentAfter)
    }
    await recordHistory(trx, {
      customerId: survivorId,
      entityType: 'customer',
      entityId: survivorId,
      action: 'merged',
      actor: { kind: 'staff', id: staffAccountId },
      channel: 'staff',
      before,
      after,
    })

    return { mergeId: audit.id, moved, signIn: signIn.outcome }
  })
}

async function moveContactDetails(
  trx: Kysely<DB>,
  survivorId: string,
  mergedId: string,
  contacts: ContactRows,
) {
  const survivorHas = await trx
    .selectNoFrom((eb) => [
      eb
        .exists(
          eb
            .selectFrom('customer_emails')
            .select('id')
            .where('customer_id', '=', survivorId)
            .where('is_primary', '=', true),
        )
        .as('primaryEmail'),
      eb
        .exists(
          eb
            .selectFrom('customer_phones')
            .select('id')
            .where('customer_id', '=', survivorId)
            .where('is_primary', '=', true),
        )
        .as('primaryPhone'),
      eb
        .exists(
          eb
            .selectFrom('customer_addresses')
            .select('id')
            .where('customer_id', '=', survivorId)
            .where('removed_at', 'is', null)
            .where('is_default_shipping', '=', true),
        )
        .as('defaultShipping'),
      eb
        .exists(
          eb
            .selectFrom('customer_addresses')
            .select('id')
            .where('customer_id', '=', survivorId)
            .where('removed_at', 'is', null)
            .where('is_default_billing', '=', true),
        )
        .as('defaultBilling'),
    ])
    .executeTakeFirstOrThrow()

  const skipped = <T extends { id: string; skip: boolean }>(rows: T[]) =>
    rows.filter((row) => row.skip).map((row) => row.id)
  const skip = {
    emails: skipped(contacts.emails),
    phones: skipped(contacts.phones),
    addresses: skipped(contacts.addresses),
  }
  if (skip.emails.length) {
    await trx.deleteFrom('customer_emails').where('id', 'in', skip.emails).execute()
  }
  if (skip.phones.length) {
    await trx.deleteFrom('customer_phones').where('id', 'in', skip.phones).execute()
  }
  if (skip.addresses.length) {
    await trx.deleteFrom('customer_addresses').where('id', 'in', skip.addresses).execute()
  }

  // Where the survivor already has a primary or default, the moved ones give theirs up.
  const emails = await trx
    .updateTable('customer_emails')
    .set(
      survivorHas.primaryEmail
        ? { customer_id: survivorId, is_primary: false }
        : { customer_id: survivorId },
    )
    .where('customer_id', '=', mergedId)
    .executeTakeFirst()
  const phones = await trx
    .updateTable('customer_phones')
    .set(
      survivorHas.primaryPhone
        ? { customer_id: survivorId, is_primary: false }
        : { customer_id: survivorId },
    )
    .where('customer_id', '=', mergedId)
    .executeTakeFirst()
  const addresses = await trx
    .updateTable('customer_addresses')
    .set((eb) => ({
      customer_id: survivorId,
      ...(survivorHas.defaultShipping ? { is_default_shipping: false } : {}),
      ...(survivorHas.defaultBilling ? { is_default_billing: false } : {}),
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
    }))
    .where('customer_id', '=', mergedId)
    .executeTakeFirst()
  return {
    emails: Number(emails.numUpdatedRows),
    phones: Number(phones.numUpdatedRows),
    addresses: Number(addresses.numUpdatedRows),
    emailsSkipped: skip.emails.length,
    phonesSkipped: skip.phones.length,
    addressesSkipped: skip.addresses.length,
  }
}

/** The record a merged customer now lives on, for a notice on the merged one's pages. */
export async function getMergedInto(
  db: Kysely<DB>,
  customerId: string,
): Promise<{ id: string; customerNumber: string } | null> {
  if (!isUuid(customerId)) return null
  const row = await db
    .selectFrom('customers as c')
    .innerJoin('customers as survivor', 'survivor.id', 'c.merged_into_id')
    .select(['survivor.id', 'survivor.customer_number as customerNumber'])
    .where('c.id', '=', customerId)
    .executeTakeFirst()
  return row ?? null
}
