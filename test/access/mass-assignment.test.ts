import { sql } from 'kysely'
import { beforeAll, describe, expect, test } from 'vitest'
import { action as preferencesAction } from '#app/routes/preferences.tsx'
import { action as profileAction } from '#app/routes/profile._index.tsx'
import { action as editAddressAction } from '#app/routes/profile.addresses.$addressId.tsx'
import { action as newAddressAction } from '#app/routes/profile.addresses.new.tsx'
import { action as newEmailAction } from '#app/routes/profile.emails.new.tsx'
import { action as editPhoneAction } from '#app/routes/profile.phones.$phoneId.tsx'
import { action as newPhoneAction } from '#app/routes/profile.phones.new.tsx'
import { action as newRequestAction } from '#app/routes/requests.new.tsx'
import { action as ticketAction } from '#app/routes/tickets.$ticketNumber.tsx'
import { action as newTicketAction } from '#app/routes/tickets.new.tsx'
import { addCustomerAddress, addCustomerPhone } from '#db/customer-contacts.ts'
import { type Database } from '#db/database.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  formRequest,
  routeArgs,
  signedInCustomer,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { createTicket, multipartRequest, useUploadsDir } from '#test/tickets/ticket-fixtures.ts'

// Mass assignment (ASVS 5.1.2): a customer form that is sent fields only staff may set must
// ignore them. Each form is submitted twice by the same customer, once as the page sends it and
// once with staff-only fields added; every column that decides ownership, role or workflow, in
// every table, must change in exactly the same way both times. The legitimate fields may change.

const database = useTestDatabase()
useUploadsDir()

/** Columns a customer may never set, wherever they occur. `version` is checked on its own. */
const PROTECTED_COLUMNS = [
  'role',
  'status',
  'customer_id',
  'account_id',
  'assignee_id',
  'assigned_to',
  'priority',
  'owner_id',
  'kind',
  'customer_number',
  'disabled_at',
  'deactivated_at',
  'closed_at',
  'merged_into_id',
  'password_hash',
  'email_verified_at',
  'anonymised_at',
  'visibility',
  'author_kind',
  'author_account_id',
  'actor_kind',
  'actor_id',
  'channel',
]

/** A version no form here can reach honestly: if it appears anywhere, a form took it. */
const FORGED_VERSION = '987654'

type Customer = Awaited<ReturnType<typeof signedInCustomer>>
let anna: Customer
let ben: Customer
let staffAccountId = ''

/** What a forger adds to a form: every staff-only name, pointing at someone else's records. */
function staffOnlyFields(): Record<string, string> {
  return {
    role: 'admin',
    staffRole: 'admin',
    status: 'closed',
    customer_id: ben.customerId,
    customerId: ben.customerId,
    account_id: ben.accountId,
    accountId: ben.accountId,
    assignee_id: staffAccountId,
    assigneeId: staffAccountId,
    priority: 'urgent',
    owner: staffAccountId,
    owner_id: staffAccountId,
    customer_number: ben.customerNumber,
    kind: 'staff',
    visibility: 'internal',
    authorKind: 'staff',
    author_kind: 'staff',
    actor_kind: 'staff',
    channel: 'staff',
    email_verified_at: '2026-01-01T00:00:00Z',
    verified: 'true',
  }
}

interface Snapshot {
  /** Per table and row id, the protected columns' values as JSON. */
  rows: Map<string, string>
}

async function protectedColumnsByTable(db: Database): Promise<Map<string, string[]>> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name
    from information_schema.columns c
    join information_schema.tables t
      on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db)
  const byTable = new Map<string, string[]>()
  for (const { table_name, column_name } of rows) {
    const columns = byTable.get(table_name) ?? []
    columns.push(column_name)
    byTable.set(table_name, columns)
  }
  const result = new Map<string, string[]>()
  for (const [table, columns] of byTable) {
    const watched = columns.filter((column) => PROTECTED_COLUMNS.includes(column))
    if (watched.length > 0) result.set(table, columns.includes('id') ? watched : [])
  }
  return result
}

/** The protected columns of every row, keyed by table and row (the whole row where no id). */
async function snapshot(db: Database): Promise<Snapshot> {
  const tables = await protectedColumnsByTable(db)
  const rows = new Map<string, string>()
  for (const [table, columns] of tables) {
    // A table without an id is keyed by its protected values: a change shows as gone + new.
    const watched = columns.length > 0 ? columns : PROTECTED_COLUMNS
    const present = (
      await sql<{ column_name: string }>`
        select column_name from information_schema.columns
        where table_schema = current_schema() and table_name = ${table}`.execute(db)
    ).rows
      .map((row) => row.column_name)
      .filter((column) => watched.includes(column))
    const selected = sql.join(present.map((column) => sql`${sql.ref(`t.${column}`)}::text`))
    const keyed = columns.length > 0
    const result = await sql<{ key: string; value: string }>`
      select ${keyed ? sql`t.id::text` : sql`''`} as key,
        json_build_array(${selected})::text as value
      from ${sql.table(table)} t`.execute(db)
    // Rows without an id are told apart by their values, equal ones by how many there are.
    const seen = new Map<string, number>()
    for (const { key, value } of result.rows) {
      const count = (seen.get(value) ?? 0) + 1
      seen.set(value, count)
      rows.set(keyed ? `${table}#${key}` : `${table}#${value}#${count}`, value)
    }
  }
  return { rows }
}

/** What changed between two snapshots, without row ids, with Anna's ids named. */
function changes(before: Snapshot, after: Snapshot): string[] {
  const name = (value: string) =>
    value
      .replaceAll(anna.customerId, 'ANNA_CUSTOMER')
      .replaceAll(anna.accountId, 'ANNA_ACCOUNT')
      .replaceAll(anna.customerNumber, 'ANNA_NUMBER')
  const table = (key: string) => key.slice(0, key.indexOf('#'))
  const found: string[] = []
  for (const [key, value] of after.rows) {
    const old = before.rows.get(key)
    if (old === undefined) found.push(`+ ${table(key)} ${name(value)}`)
    else if (old !== value) found.push(`~ ${table(key)} ${name(old)} -> ${name(value)}`)
  }
  for (const [key, value] of before.rows) {
    if (!after.rows.has(key)) found.push(`- ${table(key)} ${name(value)}`)
  }
  return found.sort()
}

async function statusOf(run: () => Promise<unknown>): Promise<number> {
  try {
    const result = await run()
    if (result instanceof Response) return result.status
    return (result as { init?: { status?: number } | null }).init?.status ?? 200
  } catch (error) {
    if (error instanceof Response) return error.status
    throw error
  }
}

/** Tables with a `version` column that hold the forged version somewhere. */
async function tablesWithForgedVersion(db: Database): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where table_schema = current_schema() and column_name = 'version'`.execute(db)
  const found: string[] = []
  for (const { table_name } of rows) {
    const hit = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.table(table_name)}
      where version::text = ${FORGED_VERSION}`.execute(db)
    if ((hit.rows[0]?.n ?? 0) > 0) found.push(table_name)
  }
  return found
}

async function versionOf(
  table: 'customers' | 'customer_addresses' | 'communication_preferences',
  column: 'id' | 'customer_id',
  id: string,
): Promise<string> {
  const row = await sql<{ version: number }>`
    select version from ${sql.table(table)} where ${sql.ref(column)} = ${id}`.execute(database.db)
  return String(row.rows[0]?.version ?? 1)
}

async function marketingFrequencyOf(customerId: string): Promise<string | null> {
  const row = await database.db
    .selectFrom('communication_preferences')
    .select('marketing_frequency')
    .where('customer_id', '=', customerId)
    .executeTakeFirst()
  return row?.marketing_frequency ?? null
}

const post = (path: string, fields: Record<string, string>, params: Record<string, string> = {}) =>
  routeArgs(formRequest(path, fields, { cookie: anna.cookie }), params)
const postMultipart = (
  path: string,
  fields: Record<string, string>,
  params: Record<string, string> = {},
) => routeArgs(multipartRequest(path, fields, [], { cookie: anna.cookie }), params)

interface Form {
  name: string
  /** Whether the form itself carries a version (then a forged one is not added). */
  takesVersion: boolean
  /** Makes what the form works on, fresh for each submission; returns route params. */
  prepare?: () => Promise<Record<string, string>>
  /** The form's own fields, fresh for each submission. */
  fields: (params: Record<string, string>) => Promise<Record<string, string>>
  submit: (fields: Record<string, string>, params: Record<string, string>) => Promise<unknown>
}

const contact = () => ({
  customerId: anna.customerId,
  actor: { kind: 'customer' as const, id: anna.accountId },
  channel: 'portal' as const,
})

const forms: Form[] = [
  {
    name: 'profile details',
    takesVersion: true,
    fields: async () => ({
      intent: 'details',
      version: await versionOf('customers', 'id', anna.customerId),
      givenName: 'Anna',
      familyName: `Berg ${crypto.randomUUID().slice(0, 4)}`,
      preferredName: '',
      language: 'en',
      timeZone: 'Europe/Stockholm',
    }),
    submit: (fields) => profileAction(post('/profile', fields)),
  },
  {
    name: 'new address',
    takesVersion: false,
    fields: async () => ({
      recipient: 'Anna Berg',
      line1: `Drottninggatan ${Math.floor(Math.random() * 90) + 1}`,
      city: 'Stockholm',
      postalCode: '111 51',
      countryCode: 'SE',
    }),
    submit: (fields) => newAddressAction(post('/profile/addresses/new', fields)),
  },
  {
    name: 'edit address',
    takesVersion: true,
    prepare: async () => {
      const address = await addCustomerAddress(database.db, {
        ...contact(),
        address: {
          label: null,
          recipient: 'Anna Berg',
          line1: 'Storgatan 1',
          line2: null,
          city: 'Stockholm',
          region: null,
          postalCode: '111 22',
          countryCode: 'SE',
        },
      })
      return { addressId: address.id }
    },
    fields: async ({ addressId = '' }) => ({
      version: await versionOf('customer_addresses', 'id', addressId),
      recipient: 'Anna Berg',
      line1: 'Storgatan 2',
      city: 'Stockholm',
      postalCode: '111 22',
      countryCode: 'SE',
    }),
    submit: (fields, params) =>
      editAddressAction(post(`/profile/addresses/${params.addressId}`, fields, params)),
  },
  {
    name: 'new phone',
    takesVersion: false,
    fields: async () => ({
      country: 'SE',
      number: `070-${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`,
      kind: 'mobile',
    }),
    submit: (fields) => newPhoneAction(post('/profile/phones/new', fields)),
  },
  {
    name: 'edit phone',
    takesVersion: false,
    prepare: async () => {
      const e164 = `+4670${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`
      const phone = await addCustomerPhone(database.db, { ...contact(), e164, kind: 'mobile' })
      return { phoneId: phone.id }
    },
    fields: async () => ({
      country: 'SE',
      number: `070-${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`,
      kind: 'home',
    }),
    submit: (fields, params) =>
      editPhoneAction(post(`/profile/phones/${params.phoneId}`, fields, params)),
  },
  {
    name: 'new email',
    takesVersion: false,
    fields: async () => ({ email: uniqueEmail('anna.more') }),
    submit: (fields) => newEmailAction(post('/profile/emails/new', fields)),
  },
  {
    name: 'preferences',
    takesVersion: true,
    fields: async () => ({
      version: await versionOf('communication_preferences', 'customer_id', anna.customerId),
      preferredServiceChannel: 'email',
      // Always a change, so both submissions write (and record) one.
      marketingFrequency:
        (await marketingFrequencyOf(anna.customerId)) === 'weekly' ? 'monthly' : 'weekly',
      quietHoursStart: '',
      quietHoursEnd: '',
    }),
    submit: (fields) => preferencesAction(post('/preferences', fields)),
  },
  {
    name: 'new request',
    takesVersion: false,
    fields: async () => ({
      kind: 'repair',
      product: 'Kettle',
      fault: 'It leaks.',
      idempotencyKey: crypto.randomUUID(),
    }),
    submit: (fields) => newRequestAction(post('/requests/new', fields)),
  },
  {
    name: 'new ticket',
    takesVersion: false,
    fields: async () => ({
      category: 'other',
      subject: 'A question',
      message: 'Hello there.',
      idempotencyKey: crypto.randomUUID(),
    }),
    submit: (fields) => newTicketAction(postMultipart('/tickets/new', fields)),
  },
  {
    name: 'ticket reply',
    takesVersion: false,
    prepare: async () => ({ ticketNumber: (await createTicket(database.db, anna)).ticketNumber }),
    fields: async () => ({
      intent: 'reply',
      message: 'Any news?',
      idempotencyKey: crypto.randomUUID(),
    }),
    submit: (fields, params) =>
      ticketAction(postMultipart(`/tickets/${params.ticketNumber}`, fields, params)),
  },
]

beforeAll(async () => {
  anna = await signedInCustomer(database.db)
  ben = await signedInCustomer(database.db)
  staffAccountId = (await createStaffAccount(database.db, { role: 'admin' })).accountId
})

async function submitOnce(form: Form, extra: Record<string, string>) {
  const params = (await form.prepare?.()) ?? {}
  const own = await form.fields(params)
  const before = await snapshot(database.db)
  // The form's own fields win: a forger cannot add a field twice to the parsed form.
  const status = await statusOf(() => form.submit({ ...extra, ...own }, params))
  const after = await snapshot(database.db)
  return { status, changed: changes(before, after) }
}

describe('customer forms ignore staff-only fields', () => {
  test.each(forms.map((form) => [form.name, form] as const))('%s', async (_name, form) => {
    const honest = await submitOnce(form, {})
    // The honest form is accepted, so the comparison below is about a real change.
    expect(honest.status).toBeLessThan(400)
    // Every form records something (at least its history row), so the comparison has a subject.
    expect(honest.changed).not.toEqual([])

    const forged = staffOnlyFields()
    if (!form.takesVersion) forged.version = FORGED_VERSION
    const tampered = await submitOnce(form, forged)

    expect(tampered.status).toBe(honest.status)
    expect(tampered.changed).toEqual(honest.changed)
    expect(tampered.changed.join('\n')).not.toContain(ben.customerId)
    expect(tampered.changed.join('\n')).not.toContain(staffAccountId)
    expect(await tablesWithForgedVersion(database.db)).toEqual([])
  })

  test('the protected columns exist where the forms write', async () => {
    // Guards the test itself: were the columns renamed, the comparison would watch nothing.
    const tables = await protectedColumnsByTable(database.db)
    for (const table of [
      'accounts',
      'customers',
      'tickets',
      'requests',
      'customer_addresses',
      'customer_phones',
      'customer_emails',
    ]) {
      expect(tables.has(table), table).toBe(true)
    }
  })
})
