import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import { authenticate } from '#app/auth/sign-in.server.ts'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { loader as customer360Loader } from '#app/routes/staff.customers.$customerId.tsx'
import {
  action as mergeAction,
  loader as mergeLoader,
} from '#app/routes/staff.duplicates.$survivorId.$mergedId.tsx'
import { createAccountToken } from '#db/account-tokens.ts'
import { getConsentDecision, recordConsent, withdrawByLink } from '#db/consent.ts'
import {
  countMovableRows,
  getMergedInto,
  getMergePreview,
  mergeCustomers,
  type MovableCounts,
} from '#db/customer-merge.ts'
import { createCustomer, resolveMergedCustomerId } from '#db/customers.ts'
import { VersionConflictError } from '#db/errors.ts'
import { enqueueNotification } from '#db/notifications.ts'
import { recordRecordView } from '#db/record-access.ts'
import { searchCustomers } from '#db/staff-search.ts'
import { createOrder } from '#test/orders/order-fixtures.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createCustomerAccount,
  createStaffAccount,
  formRequest,
  getRequest,
  PASSWORD,
  routeArgs,
  sessionCookieFor,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { answerOf, createTicket } from '#test/tickets/ticket-fixtures.ts'

const database = useTestDatabase()

const movedTables = {
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
} as const satisfies Record<keyof MovableCounts, string>

async function rowsOf(table: string, customerId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}
    where customer_id = ${customerId}`.execute(database.db)
  return rows[0]?.n ?? 0
}

async function versionOf(customerId: string): Promise<number> {
  const row = await database.db
    .selectFrom('customers')
    .select('version')
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow()
  return row.version
}

/** A customer without a sign-in, with a primary email and optionally a phone. */
async function plainCustomer(givenName: string, phone: string | null = null) {
  const email = uniqueEmail(givenName.toLowerCase())
  const created = await createCustomer(
    database.db,
    { givenName, familyName: 'Berg', email, phone },
    { kind: 'system' },
    'system',
  )
  return { customerId: created.id, email, accountId: null as string | null }
}

/** Everything a merge moves, hung from the customer. */
async function fillRecord(owner: { customerId: string; accountId: string | null }) {
  const db = database.db
  const staff = await createStaffAccount(db, { role: 'agent' })
  await createOrder(db, owner.customerId, { status: 'delivered' })
  await db
    .insertInto('requests')
    .values({ customer_id: owner.customerId, kind: 'return', subject: 'Return the kettle' })
    .execute()
  const ticket = await createTicket(db, {
    customerId: owner.customerId,
    accountId: owner.accountId ?? staff.accountId,
  })
  const message = await db
    .selectFrom('ticket_messages')
    .select('id')
    .where('ticket_id', '=', ticket.ticketId)
    .executeTakeFirstOrThrow()
  await db
    .insertInto('ticket_attachments')
    .values({
      message_id: message.id,
      customer_id: owner.customerId,
      file_name: 'receipt.txt',
      content_type: 'text/plain',
      size_bytes: 10,
      sha256: 'a'.repeat(64),
      storage_key: `merge-test/${crypto.randomUUID()}`,
    })
    .execute()
  await recordRecordView(db, {
    customerId: owner.customerId,
    staffAccountId: staff.accountId,
    page: 'customer_360',
  })
  const outboxId = await enqueueNotification(db, {
    customerId: owner.customerId,
    topic: 'service',
    template: 'ticket_replied',
    payload: { ticketNumber: ticket.ticketNumber },
  })
  await db
    .insertInto('notification_deliveries')
    .values({
      outbox_id: outboxId,
      customer_id: owner.customerId,
      channel: 'email',
      topic: 'service',
      outcome: 'sent',
    })
    .execute()
  await createAccountToken(db, {
    purpose: 'consent_confirmation',
    accountId: owner.accountId,
    customerId: owner.customerId,
    ttlMinutes: 60,
  })
  return { ticketNumber: ticket.ticketNumber }
}

async function decide(
  customerId: string,
  channel: 'email' | 'sms',
  topic: 'newsletter' | 'offers' | 'order_updates',
  decision: 'granted' | 'withdrawn',
) {
  await recordConsent(database.db, {
    customerId,
    channel,
    topic,
    decision,
    wordingId: null,
    language: 'en',
    source: 'portal',
    actor: { kind: 'system' },
  })
}

async function supervisor() {
  return createStaffAccount(database.db, { role: 'supervisor', displayName: 'Sara Supervisor' })
}

async function merge(survivorId: string, mergedId: string, staffAccountId: string) {
  return mergeCustomers(database.db, {
    survivorId,
    mergedId,
    staffAccountId,
    expected: {
      survivorVersion: await versionOf(survivorId),
      mergedVersion: await versionOf(mergedId),
    },
  })
}

describe('merging a duplicate customer', () => {
  test('the preview counts are what moves, and nothing is left on the duplicate', async () => {
    const db = database.db
    const survivor = await plainCustomer('Anna', '+46701000001')
    const duplicate = await createCustomerAccount(db, { givenName: 'Ana' })
    await fillRecord(survivor)
    await fillRecord(duplicate)
    await decide(duplicate.customerId, 'sms', 'offers', 'granted')
    // Contacts: one email and phone the survivor has already (other letter case), one new each.
    const survivorEmail = await db
      .selectFrom('customer_emails')
      .select('email')
      .where('customer_id', '=', survivor.customerId)
      .executeTakeFirstOrThrow()
    await db
      .insertInto('customer_emails')
      .values([
        { customer_id: duplicate.customerId, email: survivorEmail.email.toUpperCase() },
        { customer_id: duplicate.customerId, email: 'ana.work@example.com' },
      ])
      .execute()
    await db
      .insertInto('customer_phones')
      .values([
        { customer_id: duplicate.customerId, e164: '+46701000001', is_primary: true },
        { customer_id: duplicate.customerId, e164: '+46701000002' },
      ])
      .execute()
    await db
      .insertInto('customer_addresses')
      .values([
        {
          customer_id: survivor.customerId,
          recipient: 'Anna Berg',
          line1: 'Götgatan 12',
          city: 'Stockholm',
          postal_code: '118 46',
          country_code: 'SE',
          is_default_shipping: true,
        },
        {
          customer_id: duplicate.customerId,
          recipient: 'Anna Berg',
          line1: 'Götgatan 12',
          city: 'Stockholm',
          postal_code: '11846',
          country_code: 'SE',
          is_default_shipping: true,
        },
        {
          customer_id: duplicate.customerId,
          recipient: 'Ana Berg',
          line1: 'Strandvägen 3',
          city: 'Visby',
          postal_code: '621 55',
          country_code: 'SE',
          is_default_billing: true,
        },
      ])
      .execute()

    const preview = await getMergePreview(db, survivor.customerId, duplicate.customerId)
    if (!preview) throw new Error('no preview')
    expect(preview.blockedBy).toBeNull()
    expect(preview.signIn).toBe('moved')
    expect(preview.nameDifferences).toEqual([
      { field: 'givenName', survivor: 'Anna', duplicate: 'Ana' },
    ])
    expect(preview.contacts.emails.skip).toEqual([survivorEmail.email.toUpperCase()])
    expect(preview.contacts.emails.move).toHaveLength(2)
    expect(preview.contacts.phones).toEqual({ move: ['+46701000002'], skip: ['+46701000001'] })
    expect(preview.contacts.addresses.skip).toHaveLength(1)
    expect(preview.contacts.addresses.move).toEqual(['Strandvägen 3, 621 55 Visby, SE'])
    for (const [key, table] of Object.entries(movedTables)) {
      expect(preview.counts[key as keyof MovableCounts], key).toBe(
        await rowsOf(table, duplicate.customerId),
      )
      expect(preview.counts[key as keyof MovableCounts], key).toBeGreaterThan(0)
    }
    const survivorBefore = await countMovableRows(db, survivor.customerId)

    const staff = await supervisor()
    const result = await merge(survivor.customerId, duplicate.customerId, staff.accountId)

    for (const key of Object.keys(movedTables) as (keyof MovableCounts)[]) {
      expect(result.moved[key], key).toBe(preview.counts[key])
    }
    expect(result.moved).toMatchObject({
      emails: 2,
      emailsSkipped: 1,
      phones: 1,
      phonesSkipped: 1,
      addresses: 1,
      addressesSkipped: 1,
    })
    // Nothing is left on the duplicate, and the survivor has both sets.
    for (const table of [
      ...Object.values(movedTables),
      'customer_emails',
      'customer_phones',
      'customer_addresses',
      'consent_current',
      'accounts',
    ]) {
      expect(await rowsOf(table, duplicate.customerId), table).toBe(0)
    }
    const survivorAfter = await countMovableRows(db, survivor.customerId)
    for (const key of Object.keys(movedTables) as (keyof MovableCounts)[]) {
      // History gains the merge's own row besides the moved ones.
      const extra = key === 'history' ? 1 : 0
      expect(survivorAfter[key], key).toBe(survivorBefore[key] + preview.counts[key] + extra)
    }
    // The survivor keeps its primaries and defaults; the moved ones are not.
    const profile = await getMergePreview(db, survivor.customerId, duplicate.customerId)
    expect(profile?.survivor.emails.filter((email) => email.isPrimary)).toHaveLength(1)
    expect(profile?.survivor.emails.find((email) => email.isPrimary)?.email).toBe(
      survivorEmail.email,
    )
    expect(profile?.survivor.phones.find((phone) => phone.isPrimary)?.e164).toBe('+46701000001')
    expect(
      profile?.survivor.addresses.map((address) => [
        address.line1,
        address.isDefaultShipping,
        address.isDefaultBilling,
      ]),
    ).toEqual([
      ['Götgatan 12', true, false],
      // The survivor had no billing default: the duplicate's stays one.
      ['Strandvägen 3', false, true],
    ])

    // The duplicate is marked merged, both versions moved on, the audit row and history exist.
    const rows = await db
      .selectFrom('customers')
      .select(['id', 'status', 'merged_into_id', 'version'])
      .where('id', 'in', [survivor.customerId, duplicate.customerId])
      .execute()
    const merged = rows.find((row) => row.id === duplicate.customerId)
    expect(merged).toMatchObject({ status: 'merged', merged_into_id: survivor.customerId })
    expect(merged?.version).toBe(preview.duplicate.version + 1)
    expect(rows.find((row) => row.id === survivor.customerId)?.version).toBe(
      preview.survivor.version + 1,
    )
    const audit = await db
      .selectFrom('customer_merges')
      .select(['survivor_id', 'merged_id', 'merged_by', 'moved', 'duplicate_before'])
      .where('merged_id', '=', duplicate.customerId)
      .executeTakeFirstOrThrow()
    expect(audit).toMatchObject({ survivor_id: survivor.customerId, merged_by: staff.accountId })
    expect(audit.moved).toMatchObject({ orders: 1, tickets: 1, emails: 2, emailsSkipped: 1 })
    expect(audit.duplicate_before).toMatchObject({
      profile: { id: duplicate.customerId, givenName: 'Ana' },
      signIn: 'moved',
    })
    const history = await db
      .selectFrom('record_history')
      .select(['entity_type', 'entity_id', 'actor_kind', 'actor_id', 'channel', 'before', 'after'])
      .where('customer_id', '=', survivor.customerId)
      .where('action', '=', 'merged')
      .execute()
    expect(history).toHaveLength(1)
    expect(history[0]).toMatchObject({
      entity_type: 'customer',
      entity_id: survivor.customerId,
      actor_kind: 'staff',
      actor_id: staff.accountId,
      channel: 'staff',
      before: { customer_number: preview.duplicate.customerNumber, given_name: 'Ana' },
      after: { customer_number: preview.survivor.customerNumber, orders: 1, sign_in: 'moved' },
    })

    // The merged id now points at the survivor; staff search lists only the survivor.
    expect(await getMergedInto(db, duplicate.customerId)).toEqual({
      id: survivor.customerId,
      customerNumber: preview.survivor.customerNumber,
    })
    const found = await searchCustomers(db, preview.duplicate.customerNumber, { limit: 10 })
    expect(found.items).toEqual([])

    // And it cannot be merged again.
    await expect(merge(survivor.customerId, duplicate.customerId, staff.accountId)).rejects.toThrow(
      /merge:errors.notActive/,
    )
  })

  test('a chain of merges resolves to the record that holds everything now', async () => {
    const first = await plainCustomer('Anna')
    const second = await plainCustomer('Ana')
    const third = await plainCustomer('Anne')
    const staff = await supervisor()
    await merge(second.customerId, first.customerId, staff.accountId)
    await merge(third.customerId, second.customerId, staff.accountId)
    expect(await resolveMergedCustomerId(database.db, first.customerId)).toBe(third.customerId)
    expect(await resolveMergedCustomerId(database.db, third.customerId)).toBe(third.customerId)
    expect(await resolveMergedCustomerId(database.db, crypto.randomUUID())).toBeNull()
  })

  test('an unsubscribe link mailed to the duplicate before the merge withdraws on the survivor', async () => {
    const survivor = await plainCustomer('Anna')
    const duplicate = await plainCustomer('Ana')
    await decide(survivor.customerId, 'email', 'newsletter', 'granted')
    await decide(duplicate.customerId, 'email', 'newsletter', 'granted')
    await merge(survivor.customerId, duplicate.customerId, (await supervisor()).accountId)

    await withdrawByLink(database.db, {
      customerId: duplicate.customerId,
      channel: 'email',
      topic: 'newsletter',
      everything: false,
      language: 'en',
    })
    expect(await getConsentDecision(database.db, survivor.customerId, 'email', 'newsletter')).toBe(
      'withdrawn',
    )
  })

  test('history and ledger rows move unchanged except for their customer', async () => {
    const db = database.db
    const survivor = await plainCustomer('Anna')
    const duplicate = await plainCustomer('Anne')
    await fillRecord(duplicate)
    await decide(duplicate.customerId, 'email', 'newsletter', 'granted')
    const snapshot = async (table: 'record_history' | 'consent_ledger' | 'record_access_log') => {
      const { rows } = await sql<{ id: string; customer_id: string; row: string }>`
        select id::text, customer_id::text, (to_jsonb(t) - 'customer_id')::text as row
        from ${sql.table(table)} t where customer_id = ${duplicate.customerId} order by id`.execute(
        db,
      )
      return rows
    }
    const before = {
      history: await snapshot('record_history'),
      ledger: await snapshot('consent_ledger'),
      access: await snapshot('record_access_log'),
    }
    expect(before.history.length).toBeGreaterThan(2)
    expect(before.ledger.length).toBe(1)

    await merge(survivor.customerId, duplicate.customerId, (await supervisor()).accountId)

    for (const [table, rows] of [
      ['record_history', before.history],
      ['consent_ledger', before.ledger],
      ['record_access_log', before.access],
    ] as const) {
      const { rows: now } = await sql<{ id: string; customer_id: string; row: string }>`
        select id::text, customer_id::text, (to_jsonb(t) - 'customer_id')::text as row
        from ${sql.table(table)} t where id in (${sql.join(rows.map((row) => BigInt(row.id)))})
        order by id`.execute(db)
      expect(
        now.map((row) => row.row),
        table,
      ).toEqual(rows.map((row) => row.row))
      expect(new Set(now.map((row) => row.customer_id)), table).toEqual(
        new Set([survivor.customerId]),
      )
    }
  })

  test('outside a merge, history stays append-only', async () => {
    const db = database.db
    const customer = await plainCustomer('Nils')
    const change = () =>
      sql`update record_history set customer_id = customer_id
        where customer_id = ${customer.customerId}`.execute(db)
    await expect(change()).rejects.toThrow(/append-only/)
    await expect(
      sql`delete from record_history where customer_id = ${customer.customerId}`.execute(db),
    ).rejects.toThrow(/append-only/)
    // Even inside a merge transaction, only customer_id may change.
    const other = await plainCustomer('Nora')
    await expect(
      db.transaction().execute(async (trx) => {
        await sql`select set_config('cmr.merge', 'on', true)`.execute(trx)
        await sql`update record_history set action = 'rewritten', customer_id = ${other.customerId}
          where customer_id = ${customer.customerId}`.execute(trx)
      }),
    ).rejects.toThrow(/append-only/)
    // And the setting does not outlive its transaction.
    await db.transaction().execute(async (trx) => {
      await sql`select set_config('cmr.merge', 'on', true)`.execute(trx)
    })
    await expect(
      sql`update record_history set customer_id = ${other.customerId}
        where customer_id = ${customer.customerId}`.execute(db),
    ).rejects.toThrow(/append-only/)
  })

  test('consent after the merge is the latest decision of either record', async () => {
    const db = database.db
    const survivor = await plainCustomer('Anna')
    const duplicate = await plainCustomer('Ana')
    await decide(survivor.customerId, 'email', 'newsletter', 'granted')
    await decide(survivor.customerId, 'sms', 'offers', 'granted')
    // A no to something never given is not recorded: the duplicate said yes, then no.
    await decide(duplicate.customerId, 'email', 'newsletter', 'granted')
    await decide(duplicate.customerId, 'email', 'newsletter', 'withdrawn')
    await decide(duplicate.customerId, 'email', 'order_updates', 'granted')
    await decide(survivor.customerId, 'sms', 'order_updates', 'granted')

    const preview = await getMergePreview(db, survivor.customerId, duplicate.customerId)
    const difference = (channel: string, topic: string) =>
      preview?.consentDifferences.find((row) => row.channel === channel && row.topic === topic)
    expect(difference('email', 'newsletter')).toMatchObject({
      survivor: 'granted',
      duplicate: 'withdrawn',
      result: 'withdrawn',
    })
    expect(difference('email', 'order_updates')).toMatchObject({
      survivor: null,
      duplicate: 'granted',
      result: 'granted',
    })
    expect(difference('sms', 'offers')).toMatchObject({ survivor: 'granted', result: 'granted' })

    await merge(survivor.customerId, duplicate.customerId, (await supervisor()).accountId)
    const current = await db
      .selectFrom('consent_current as c')
      .innerJoin('consent_ledger as l', 'l.id', 'c.ledger_id')
      .select(['c.channel', 'c.topic', 'c.decision', 'l.customer_id as ledgerCustomer'])
      .where('c.customer_id', '=', survivor.customerId)
      .orderBy('c.channel')
      .orderBy('c.topic')
      .execute()
    expect(current.map((row) => [row.channel, row.topic, row.decision])).toEqual([
      ['email', 'newsletter', 'withdrawn'],
      ['email', 'order_updates', 'granted'],
      ['sms', 'offers', 'granted'],
      ['sms', 'order_updates', 'granted'],
    ])
    expect(new Set(current.map((row) => row.ledgerCustomer))).toEqual(
      new Set([survivor.customerId]),
    )
  })

  test('a stale preview is a conflict and nothing moves', async () => {
    const db = database.db
    const survivor = await plainCustomer('Anna')
    const duplicate = await plainCustomer('Ana')
    await fillRecord(duplicate)
    const staff = await supervisor()
    const expected = {
      survivorVersion: await versionOf(survivor.customerId),
      mergedVersion: await versionOf(duplicate.customerId),
    }
    // Someone edits the duplicate after the preview was opened.
    await db
      .updateTable('customers')
      .set((eb) => ({ version: eb('version', '+', 1) }))
      .where('id', '=', duplicate.customerId)
      .execute()
    const before = await databaseFingerprint(db)
    const error = await mergeCustomers(db, {
      survivorId: survivor.customerId,
      mergedId: duplicate.customerId,
      staffAccountId: staff.accountId,
      expected,
    }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(VersionConflictError)
    expect((error as VersionConflictError<unknown>).current).toEqual({
      survivorVersion: expected.survivorVersion,
      mergedVersion: expected.mergedVersion + 1,
    })
    expect(await databaseFingerprint(db)).toEqual(before)

    // Through the page: 409 with both pairs of versions, and still nothing changed.
    const cookie = await sessionCookieFor(staff.accountId)
    const path = `/staff/duplicates/${survivor.customerId}/${duplicate.customerId}`
    const params = { survivorId: survivor.customerId, mergedId: duplicate.customerId }
    const answer = await answerOf(() =>
      mergeAction(
        routeArgs(
          formRequest(
            path,
            {
              intent: 'merge',
              survivorVersion: String(expected.survivorVersion),
              mergedVersion: String(expected.mergedVersion),
            },
            { cookie },
          ),
          params,
        ),
      ),
    )
    expect(answer.status).toBe(409)
    expect(answer.data).toMatchObject({
      conflict: {
        expected,
        current: { mergedVersion: expected.mergedVersion + 1 },
      },
    })
    const sessionsRow = await databaseFingerprint(db)
    // The fingerprint differs only by the session the cookie made.
    expect({ ...sessionsRow, sessions: '' }).toEqual({ ...before, sessions: '' })
  })

  test('the page: supervisors preview and merge, agents get 403, bad input 400', async () => {
    const db = database.db
    const survivor = await plainCustomer('Anna')
    const duplicate = await plainCustomer('Ana')
    const path = `/staff/duplicates/${survivor.customerId}/${duplicate.customerId}`
    const params = { survivorId: survivor.customerId, mergedId: duplicate.customerId }
    const agentCookie = await sessionCookieFor(
      (await createStaffAccount(db, { role: 'agent' })).accountId,
    )
    const cookie = await sessionCookieFor((await supervisor()).accountId)
    const fields = {
      intent: 'merge',
      survivorVersion: String(await versionOf(survivor.customerId)),
      mergedVersion: String(await versionOf(duplicate.customerId)),
    }

    const forbidden = await answerOf(() =>
      mergeAction(routeArgs(formRequest(path, fields, { cookie: agentCookie }), params)),
    )
    expect(forbidden.status).toBe(403)
    expect(
      (
        await answerOf(() =>
          mergeLoader(routeArgs(getRequest(path, { cookie: agentCookie }), params)),
        )
      ).status,
    ).toBe(403)
    const unknown = await answerOf(() =>
      mergeLoader(
        routeArgs(getRequest(path, { cookie }), {
          survivorId: survivor.customerId,
          mergedId: crypto.randomUUID(),
        }),
      ),
    )
    expect(unknown.status).toBe(404)
    const bad = await answerOf(() =>
      mergeAction(routeArgs(formRequest(path, { intent: 'merge' }, { cookie }), params)),
    )
    expect(bad.status).toBe(400)
    const self = await answerOf(() =>
      mergeAction(
        routeArgs(formRequest(path, fields, { cookie }), {
          survivorId: survivor.customerId,
          mergedId: survivor.customerId,
        }),
      ),
    )
    expect(self.status).toBe(409)
    expect(await versionOf(duplicate.customerId)).toBe(Number(fields.mergedVersion))

    const preview = await answerOf(() =>
      mergeLoader(routeArgs(getRequest(path, { cookie }), params)),
    )
    expect(preview.status).toBe(200)
    const done = await answerOf(() =>
      mergeAction(routeArgs(formRequest(path, fields, { cookie }), params)),
    )
    expect(done.status).toBe(302)
    expect(done.location).toBe(`${path}?saved=merged`)
    expect(await getMergedInto(db, duplicate.customerId)).toMatchObject({
      id: survivor.customerId,
    })

    // The merged record's 360 still opens, pointing at the survivor; the survivor's does not.
    const merged360 = await answerOf(() =>
      customer360Loader(
        routeArgs(getRequest(`/staff/customers/${duplicate.customerId}`, { cookie }), {
          customerId: duplicate.customerId,
        }),
      ),
    )
    expect(merged360.status).toBe(200)
    expect(merged360.data).toMatchObject({ mergedInto: { id: survivor.customerId } })
    const survivor360 = await answerOf(() =>
      customer360Loader(
        routeArgs(getRequest(`/staff/customers/${survivor.customerId}`, { cookie }), {
          customerId: survivor.customerId,
        }),
      ),
    )
    expect(survivor360.data).toMatchObject({ mergedInto: null })
  })

  test("the duplicate's sign-in moves to a survivor without one", async () => {
    const db = database.db
    const survivor = await plainCustomer('Anna')
    const duplicate = await createCustomerAccount(db, { givenName: 'Ana' })
    const cookie = await sessionCookieFor(duplicate.accountId)
    await merge(survivor.customerId, duplicate.customerId, (await supervisor()).accountId)

    const accountId = await authenticate(db, {
      email: duplicate.email,
      password: PASSWORD,
      kind: 'customer',
    })
    expect(accountId).toBe(duplicate.accountId)
    // The session it had goes on, now on the surviving record.
    const { user } = await getOptionalUser(getRequest('/', { cookie }))
    expect(user?.customerId).toBe(survivor.customerId)
  })

  test("when both have a sign-in, the duplicate's is disabled and its sessions end", async () => {
    const db = database.db
    const survivor = await createCustomerAccount(db, { givenName: 'Anna' })
    const duplicate = await createCustomerAccount(db, { givenName: 'Ana' })
    const cookie = await sessionCookieFor(duplicate.accountId)
    const preview = await getMergePreview(db, survivor.customerId, duplicate.customerId)
    expect(preview?.signIn).toBe('disabled')
    await merge(survivor.customerId, duplicate.customerId, (await supervisor()).accountId)

    expect(
      await authenticate(db, { email: duplicate.email, password: PASSWORD, kind: 'customer' }),
    ).toBeNull()
    expect(
      await authenticate(db, { email: survivor.email, password: PASSWORD, kind: 'customer' }),
    ).toBe(survivor.accountId)
    const sessions = await db
      .selectFrom('sessions')
      .select('id')
      .where('account_id', '=', duplicate.accountId)
      .execute()
    expect(sessions).toEqual([])
    const { user } = await getOptionalUser(getRequest('/', { cookie }))
    expect(user).toBeNull()
  })
})
