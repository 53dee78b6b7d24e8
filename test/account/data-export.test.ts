import { type RawBuilder, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { loader as accountLoader } from '#app/routes/account._index.tsx'
import { loader as exportLoader } from '#app/routes/account.export.tsx'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { type CustomerDataExport, DATA_EXPORT_NOTES, exportCustomerData } from '#db/data-export.ts'
import { mergeCustomers } from '#db/customer-merge.ts'
import { createCustomer } from '#db/customers.ts'
import { createOrganisation } from '#db/organisations.ts'
import { countQueries } from '#db/query-count.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
  thrownResponse,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { createOrder } from '#test/orders/order-fixtures.ts'
import { createTicket, useUploadsDir } from '#test/tickets/ticket-fixtures.ts'
import {
  customerWithEverything,
  INTERNAL_FILE_NAME,
  INTERNAL_REQUEST_NOTE,
  INTERNAL_TICKET_NOTE,
  PUBLIC_FILE_NAME,
  PUBLIC_REQUEST_NOTE,
  PUBLIC_TICKET_REPLY,
  type RichCustomer,
} from './account-fixtures.ts'

const database = useTestDatabase()
useUploadsDir()

// Every table of the schema is either exported (the section that holds its rows) or named here
// as holding no customer's data. A table added by a later migration fails the first test until
// someone decides where its rows go in the export (docs/decisions/004-data-export-scope.md).
const EXPORTED_AS = {
  customers: 'customer',
  customer_emails: 'emails',
  customer_phones: 'phones',
  customer_addresses: 'addresses',
  accounts: 'accounts',
  sessions: 'sessions',
  account_tokens: 'emailLinks',
  communication_preferences: 'communicationPreferences',
  consent_current: 'consentCurrent',
  consent_ledger: 'consentLedger',
  consent_wordings: 'consentLedger[].wording',
  orders: 'orders',
  order_lines: 'orders[].lines',
  shipments: 'orders[].shipments',
  order_events: 'orders[].events',
  requests: 'requests',
  request_events: 'requests[].events',
  tickets: 'tickets',
  ticket_messages: 'tickets[].messages',
  ticket_attachments: 'tickets[].messages[].attachments',
  ticket_events: 'tickets[].events',
  notification_outbox: 'notificationOutbox',
  notification_deliveries: 'notificationDeliveries',
  record_history: 'history',
  record_access_log: 'accessLog',
  customer_merges: 'merges',
  organisation_members: 'organisationMemberships',
  organisations: 'organisationMemberships[].organisationName',
  organisation_history: 'organisationHistory',
} as const
type CustomerTable = keyof typeof EXPORTED_AS

const NOT_CUSTOMER_DATA: Record<string, string> = {
  two_factor_secrets:
    'the authenticator secret, a credential like the password hash: never handed out (deleted on closure)',
  two_factor_recovery_codes: 'hashes of one-time recovery codes, credentials (deleted on closure)',
  sign_in_challenges: 'a sign-in halfway through, gone within 10 minutes (deleted on closure)',
  channels: 'the list of channels, the same for everyone',
  topics: 'the list of topics, the same for everyone',
  service_targets: 'our promised response times, the same for everyone',
  staff_members: 'our staff; they appear in the export by display name only',
  canned_replies: 'reply templates our staff write, the same for everyone',
  staff_changes: 'changes to our staff accounts',
  rate_limits: 'short-lived attempt counters, keyed by email or client address, not by customer',
  organisation_addresses: 'a company’s addresses, not a person’s',
  organisation_invitations:
    'an owner’s invitation is the organisation’s record; the person’s invitation and joining are in organisationHistory',
  item_shares:
    'which colleagues an organisation’s item is shared with: the item’s, not the person’s; their own items are exported',
  kysely_migration: 'schema bookkeeping',
  kysely_migration_lock: 'schema bookkeeping',
}

const notes = Object.fromEntries(DATA_EXPORT_NOTES.map((key) => [key, `note ${key}`]))

/** What the export must hold of each table: the customer's rows, public ones where that applies. */
function customerRows(customerId: string): Record<CustomerTable, RawBuilder<boolean>> {
  const accounts = sql`select id from accounts where customer_id = ${customerId}`
  const orders = sql`select id from orders where customer_id = ${customerId}`
  const requests = sql`select id from requests where customer_id = ${customerId}`
  const tickets = sql`select id from tickets where customer_id = ${customerId}`
  const own = sql<boolean>`customer_id = ${customerId}`
  return {
    customers: sql<boolean>`id = ${customerId}`,
    customer_emails: own,
    customer_phones: own,
    customer_addresses: own,
    accounts: own,
    sessions: sql<boolean>`account_id in (${accounts})`,
    account_tokens: sql<boolean>`customer_id = ${customerId} or account_id in (${accounts})`,
    communication_preferences: own,
    consent_current: own,
    consent_ledger: own,
    consent_wordings: sql<boolean>`id in (select wording_id from consent_ledger where ${own})`,
    orders: own,
    order_lines: sql<boolean>`order_id in (${orders})`,
    shipments: sql<boolean>`order_id in (${orders})`,
    order_events: sql<boolean>`order_id in (${orders})`,
    requests: own,
    request_events: sql<boolean>`request_id in (${requests}) and visibility = 'public'`,
    tickets: own,
    ticket_messages: sql<boolean>`ticket_id in (${tickets}) and visibility = 'public'`,
    ticket_attachments: sql<boolean>`message_id in (
      select id from ticket_messages where ticket_id in (${tickets}) and visibility = 'public')`,
    ticket_events: sql<boolean>`ticket_id in (${tickets})`,
    notification_outbox: own,
    notification_deliveries: own,
    record_history: own,
    record_access_log: own,
    customer_merges: sql<boolean>`survivor_id = ${customerId}`,
    organisation_members: own,
    organisations: sql<boolean>`id in (select organisation_id from organisation_members where ${own})`,
    organisation_history: sql<boolean>`subject_customer_id = ${customerId}`,
  }
}

async function countWhere(table: string, where: RawBuilder<boolean>): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from ${sql.table(table)} where ${where}`.execute(database.db)
  return rows[0]?.n ?? 0
}

/** How many rows of each table the document carries. */
function exportedCounts(document: CustomerDataExport): Record<CustomerTable, number> {
  const messages = document.tickets.flatMap((ticket) => ticket.messages)
  const wordings = new Set(
    document.consentLedger.flatMap((entry) =>
      entry.wording ? [`${entry.topic}:${entry.wording.language}:${entry.wording.version}`] : [],
    ),
  )
  return {
    customers: document.customer ? 1 : 0,
    customer_emails: document.emails.length,
    customer_phones: document.phones.length,
    customer_addresses: document.addresses.length,
    accounts: document.accounts.length,
    sessions: document.sessions.length,
    account_tokens: document.emailLinks.length,
    communication_preferences: document.communicationPreferences ? 1 : 0,
    consent_current: document.consentCurrent.length,
    consent_ledger: document.consentLedger.length,
    consent_wordings: wordings.size,
    orders: document.orders.length,
    order_lines: document.orders.flatMap((order) => order.lines).length,
    shipments: document.orders.flatMap((order) => order.shipments).length,
    order_events: document.orders.flatMap((order) => order.events).length,
    requests: document.requests.length,
    request_events: document.requests.flatMap((request) => request.events).length,
    tickets: document.tickets.length,
    ticket_messages: messages.length,
    ticket_attachments: messages.flatMap((message) => message.attachments).length,
    ticket_events: document.tickets.flatMap((ticket) => ticket.events).length,
    notification_outbox: document.notificationOutbox.length,
    notification_deliveries: document.notificationDeliveries.length,
    record_history: document.history.length,
    record_access_log: document.accessLog.length,
    customer_merges: document.merges.length,
    organisation_members: document.organisationMemberships.length,
    organisations: new Set(document.organisationMemberships.map((m) => m.organisationNumber)).size,
    organisation_history: document.organisationHistory.length,
  }
}

async function download(cookie: string): Promise<{ response: Response; body: string }> {
  const result = await exportLoader(routeArgs(getRequest('/account/export', { cookie })))
  if (!(result instanceof Response)) throw new Error('Expected the download as a Response')
  return { response: result, body: await result.text() }
}

/** Statements one request runs, in a request scope as our server runs it. */
async function count(run: () => Promise<unknown>): Promise<number> {
  const { queries } = await countQueries(() =>
    runInRequestScope(async () => {
      const result = await run()
      if (result instanceof Response) await result.text()
    }),
  )
  return queries
}

/** A second record of the same person, merged into this one by a supervisor. */
async function mergeDuplicateInto(survivorId: string): Promise<string> {
  const supervisor = await createStaffAccount(database.db, { role: 'supervisor' })
  const email = uniqueEmail('anna-old')
  const duplicate = await createCustomer(
    database.db,
    { givenName: 'Anna', familyName: 'Berg', email },
    { kind: 'system' },
    'import',
  )
  const versions = await database.db
    .selectFrom('customers')
    .select(['id', 'version'])
    .where('id', 'in', [survivorId, duplicate.id])
    .execute()
  const versionOf = (id: string) => versions.find((row) => row.id === id)?.version ?? 0
  await mergeCustomers(database.db, {
    survivorId,
    mergedId: duplicate.id,
    staffAccountId: supervisor.accountId,
    expected: { survivorVersion: versionOf(survivorId), mergedVersion: versionOf(duplicate.id) },
  })
  return email
}

describe('exportCustomerData', () => {
  it('accounts for every table of the schema: exported, or named as holding no customer data', async () => {
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(database.db)
    const tables = rows.map((row) => row.table_name).sort()
    const decided = [...Object.keys(EXPORTED_AS), ...Object.keys(NOT_CUSTOMER_DATA)].sort()
    expect(tables).toEqual(decided)
  })

  it('holds every row of every table the customer has rows in, and no internal notes', async () => {
    const anna = await customerWithEverything(database.db)
    const mergedEmail = await mergeDuplicateInto(anna.customerId)
    await createOrganisation(
      database.db,
      { name: 'Lind & Co Interiors AB', ownerCustomerId: anna.customerId },
      { actor: { kind: 'system' }, channel: 'system' },
    )
    const where = customerRows(anna.customerId)
    const expected = {} as Record<CustomerTable, number>
    for (const table of Object.keys(EXPORTED_AS) as CustomerTable[]) {
      expected[table] = await countWhere(table, where[table])
    }

    const document = await exportCustomerData(database.db, anna.customerId, { notes })
    expect(document).not.toBeNull()
    if (!document) return

    // The fixture really has a row in every table: otherwise this proves nothing for it.
    for (const [table, rows] of Object.entries(expected)) {
      expect({ table, rows: rows > 0 }).toEqual({ table, rows: true })
    }
    expect(exportedCounts(document)).toEqual(expected)

    // Figures the fixture made, so a count query that matched nothing would not pass either.
    expect(document.emails.map((email) => email.email).sort()).toEqual(
      [anna.email, anna.extraEmail, mergedEmail].sort(),
    )
    expect(document.phones.map((phone) => phone.e164)).toEqual([anna.phone])
    expect(document.addresses.map((address) => [address.label, address.removed])).toEqual([
      ['Home', false],
      ['Old flat', true],
    ])
    expect(document.sessions).toHaveLength(2)
    expect(document.sessions[0]).toEqual({
      createdAt: expect.any(Date),
      lastSeenAt: expect.any(Date),
      expiresAt: expect.any(Date),
      userAgent: 'vitest',
      ipAddress: null,
    })
    expect(document.emailLinks).toEqual([
      {
        purpose: 'password_reset',
        createdAt: expect.any(Date),
        expiresAt: expect.any(Date),
        usedAt: null,
      },
    ])
    expect(
      document.consentLedger.map((entry) => [entry.channel, entry.topic, entry.decision]),
    ).toEqual([
      ['sms', 'newsletter', 'granted'],
      ['email', 'offers', 'pending'],
      ['sms', 'order_updates', 'granted'],
    ])
    expect(document.consentLedger[0]?.wording).toEqual({
      version: 1,
      language: 'en',
      text: 'newsletter wording, en version 1',
    })
    const [order] = document.orders
    expect(order?.orderNumber).toBe(anna.orderNumber)
    expect(order?.lines.map((line) => line.sku)).toEqual(['KET-1001', 'MUG-0300'])
    expect(order?.shipments[0]?.trackingNumber).toBe('PN123456789SE')
    expect(order?.events.map((event) => event.status)).toEqual([
      'placed',
      'paid',
      'packed',
      'shipped',
    ])
    const [request] = document.requests
    expect(request?.orderNumber).toBe(anna.orderNumber)
    expect(request?.details).toEqual({ product: 'Electric kettle', fault: 'Keeps boiling' })
    expect(request?.events.map((event) => [event.toStatus, event.note])).toEqual([
      ['submitted', null],
      ['in_review', null],
      ['waiting_for_customer', PUBLIC_REQUEST_NOTE],
    ])
    const [ticket] = document.tickets
    expect(ticket?.messages.map((message) => [message.author, message.staffName])).toEqual([
      ['customer', null],
      ['staff', anna.staffName],
    ])
    expect(ticket?.messages[1]?.body).toBe(PUBLIC_TICKET_REPLY)
    expect(ticket?.messages[1]?.attachments.map((file) => file.fileName)).toEqual([
      PUBLIC_FILE_NAME,
    ])
    expect(ticket?.events.find((event) => event.kind === 'assigned')).toMatchObject({
      fromValue: null,
      toValue: null,
    })
    expect(document.notificationDeliveries[0]?.recipient).toBe(anna.phone)
    expect(document.accessLog).toEqual([
      { viewedAt: expect.any(Date), staffName: anna.staffName, page: 'customer/overview' },
    ])
    expect(document.notes.map((note) => note.topic)).toEqual([...DATA_EXPORT_NOTES])

    const text = JSON.stringify(document)
    for (const internal of [INTERNAL_REQUEST_NOTE, INTERNAL_TICKET_NOTE, INTERNAL_FILE_NAME]) {
      expect(text).not.toContain(internal)
    }
  })

  it('carries no password hash, session id, token, idempotency key, storage key or staff id', async () => {
    const anna = await customerWithEverything(database.db)
    const document = await exportCustomerData(database.db, anna.customerId, { notes })
    const text = JSON.stringify(document)

    const secrets = [
      anna.secrets.passwordHash,
      ...anna.secrets.sessionIds,
      ...anna.secrets.sessionHashes,
      ...anna.secrets.rawTokens,
      ...anna.secrets.tokenHashes,
      ...anna.secrets.idempotencyKeys,
      ...anna.secrets.storageKeys,
      anna.staffAccountId,
    ]
    expect(secrets.every((secret) => secret.length >= 16)).toBe(true)
    expect(secrets).toHaveLength(2 + 2 + 1 + 1 + 3 + 2 + 1)
    for (const secret of secrets) expect(text).not.toContain(secret)
    expect(text).not.toMatch(/\$argon2/)
    expect(text).not.toContain('idempotency_key')
  })

  it("never carries another customer's data, even through a link to their order", async () => {
    const anna = await customerWithEverything(database.db)
    const ben = await customerWithEverything(database.db, { givenName: 'Bertil' })
    // A ticket of Anna's pointing at Ben's order (the database allows it; the app does not).
    const bensOrder = await database.db
      .selectFrom('orders')
      .select('id')
      .where('order_number', '=', ben.orderNumber)
      .executeTakeFirstOrThrow()
    const stray = await createTicket(database.db, anna, { subject: 'Stray link' })
    await database.db
      .updateTable('tickets')
      .set({ order_id: bensOrder.id })
      .where('id', '=', stray.ticketId)
      .execute()

    const document = await exportCustomerData(database.db, anna.customerId, { notes })
    expect(document?.customer.customerNumber).toBe(anna.customerNumber)
    expect(document?.tickets.find((t) => t.ticketNumber === stray.ticketNumber)?.orderNumber).toBe(
      null,
    )
    const text = JSON.stringify(document)
    for (const value of [
      ben.customerId,
      ben.customerNumber,
      ben.email,
      ben.extraEmail,
      ben.phone,
      ben.orderNumber,
      ben.requestNumber,
      ben.ticketNumber,
      'Bertil',
    ]) {
      expect(text).not.toContain(value)
    }
  })

  it('answers null for an unknown or malformed customer id', async () => {
    expect(await exportCustomerData(database.db, crypto.randomUUID(), { notes })).toBeNull()
    expect(await exportCustomerData(database.db, 'not-a-uuid', { notes })).toBeNull()
  })
})

describe('GET /account/export', () => {
  it('answers a JSON download of the signed-in customer, and notes it in their history', async () => {
    const anna = await customerWithEverything(database.db)
    const before = await countWhere(
      'record_history',
      sql<boolean>`customer_id = ${anna.customerId}`,
    )

    const { response, body } = await download(anna.cookie)

    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    const day = new Date().toISOString().slice(0, 10)
    expect(response.headers.get('Content-Disposition')).toBe(
      `attachment; filename="customer-data-${anna.customerNumber}-${day}.json"`,
    )
    const parsed = JSON.parse(body) as {
      format: { name: string; version: number }
      generatedAt: string
      notes: { topic: string; text: string }[]
      customer: { customerNumber: string }
      orders: { orderNumber: string }[]
      history: unknown[]
    }
    expect(parsed.format).toEqual({ name: 'cmr-portal.customer-data', version: 1 })
    expect(Date.now() - Date.parse(parsed.generatedAt)).toBeLessThan(60_000)
    expect(parsed.customer.customerNumber).toBe(anna.customerNumber)
    expect(parsed.orders.map((order) => order.orderNumber)).toEqual([anna.orderNumber])
    // Worded in the reader's language, not the placeholders of the data layer.
    expect(parsed.notes.find((note) => note.topic === 'internalNotesExcluded')?.text).toMatch(
      /internal notes/,
    )
    // The history in the file is as it was when read; the download itself is the next row.
    expect(parsed.history).toHaveLength(before)

    const rows = await database.db
      .selectFrom('record_history')
      .select(['entity_type', 'entity_id', 'action', 'actor_kind', 'actor_id', 'channel', 'after'])
      .where('customer_id', '=', anna.customerId)
      .orderBy('id', 'desc')
      .limit(1)
      .execute()
    expect(rows).toEqual([
      {
        entity_type: 'account',
        entity_id: anna.accountId,
        action: 'data_exported',
        actor_kind: 'customer',
        actor_id: anna.accountId,
        channel: 'portal',
        after: { format: 'cmr-portal.customer-data', format_version: 1 },
      },
    ])
    expect(await countWhere('record_history', sql<boolean>`customer_id = ${anna.customerId}`)).toBe(
      before + 1,
    )
  })

  it('gives each customer only their own data: the URL takes no id', async () => {
    const anna = await customerWithEverything(database.db)
    const ben = await signedInCustomer(database.db, { givenName: 'Bertil' })

    const { body } = await download(ben.cookie)
    const parsed = JSON.parse(body) as { customer: { customerNumber: string; id: string } }
    expect(parsed.customer.customerNumber).toBe(ben.customerNumber)
    expect(body).not.toContain(anna.customerId)
    expect(body).not.toContain(anna.email)
    expect(body).not.toContain(anna.orderNumber)

    // A query string naming Anna changes nothing.
    const withId = await exportLoader(
      routeArgs(getRequest(`/account/export?customer=${anna.customerId}`, { cookie: ben.cookie })),
    )
    expect(await withId.text()).not.toContain(anna.customerId)
  })

  it('sends the signed-out to sign in and refuses staff, writing nothing', async () => {
    const staff = await createStaffAccount(database.db)
    const staffCookie = await sessionCookieFor(staff.accountId)
    const before = await databaseFingerprint(database.db)

    const signedOut = await thrownResponse(() =>
      exportLoader(routeArgs(getRequest('/account/export'))),
    )
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get('Location')).toBe('/login?redirectTo=%2Faccount%2Fexport')

    const forbidden = await thrownResponse(() =>
      exportLoader(routeArgs(getRequest('/account/export', { cookie: staffCookie }))),
    )
    expect(forbidden.status).toBe(403)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('SQL statements per request', () => {
  it('are the same for a customer with much and with little data', async () => {
    const rich: RichCustomer = await customerWithEverything(database.db)
    for (let index = 0; index < 3; index++) {
      await createOrder(database.db, rich.customerId, { status: 'delivered' })
    }
    const plain = await signedInCustomer(database.db)

    const exportRich = await count(() =>
      exportLoader(routeArgs(getRequest('/account/export', { cookie: rich.cookie }))),
    )
    const exportPlain = await count(() =>
      exportLoader(routeArgs(getRequest('/account/export', { cookie: plain.cookie }))),
    )
    const pageRich = await count(() =>
      accountLoader(routeArgs(getRequest('/account', { cookie: rich.cookie }))),
    )
    const pagePlain = await count(() =>
      accountLoader(routeArgs(getRequest('/account', { cookie: plain.cookie }))),
    )

    // The session check, one statement for each of the 25 tables read (the wordings are joined to
    // the ledger rows that name them, the organisations to the memberships), the organisations'
    // history rows about the person, and the history row.
    expect({ exportRich, exportPlain }).toEqual({ exportRich: 29, exportPlain: 29 })
    // The session check, the open closure request, and the last download.
    expect({ pageRich, pagePlain }).toEqual({ pageRich: 3, pagePlain: 3 })
  })
})
