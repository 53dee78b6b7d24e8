import { type LoaderFunctionArgs } from '@remix-run/node'
import { beforeAll, describe, expect, test } from 'vitest'
import { loader as searchLoader } from '#app/routes/staff._index.tsx'
import { loader as customer360Loader } from '#app/routes/staff.customers.$customerId.tsx'
import {
  action as ticketAction,
  loader as ticketLoader,
} from '#app/routes/staff.tickets.$ticketNumber.tsx'
import { action as targetsAction, loader as targetsLoader } from '#app/routes/staff.targets.tsx'
import { loader as queueLoader } from '#app/routes/staff.tickets._index.tsx'
import { targetSubjects } from '#db/service-targets.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import { answerOf, createTicket } from '#test/tickets/ticket-fixtures.ts'

// Every staff loader and action intent, called by each kind of caller. The table names the
// lowest role each one admits: a caller below it (a customer, or a staff member of a lower role)
// is answered 403 and the whole database stays exactly as it was; signed out goes to the staff
// sign-in; every role at or above the minimum gets the page or the action's success answer.
// A new staff route or intent is one more row here, with its own minimum.

const database = useTestDatabase()

const staffRoles = ['agent', 'supervisor', 'admin'] as const
type StaffRole = (typeof staffRoles)[number]

interface Target {
  customerId: string
  ticketNumber: string
  ticketId: string
  /** Whatever the entry's own setup made (a second customer, a staff account, ...). */
  extra: Record<string, string>
}

interface Entry {
  route: string
  intent?: string
  minimumRole: StaffRole
  /** The request as a browser would send it, with whatever cookie the caller holds. */
  call: (cookie: string | null, target: Target) => Promise<unknown>
  /** Where an allowed action redirects; loaders answer 200 instead. */
  redirectsTo?: (target: Target) => string
  /** Rows the call needs beyond a customer with a ticket, made before the fingerprint is taken. */
  setup?: (target: Omit<Target, 'extra'>) => Promise<Record<string, string>>
}

async function ticketVersion(ticketId: string): Promise<string> {
  const row = await database.db
    .selectFrom('tickets')
    .select('version')
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow()
  return String(row.version)
}

const load =
  (
    loader: (args: LoaderFunctionArgs) => Promise<unknown>,
    path: (target: Target) => string,
    params: (target: Target) => Record<string, string> = () => ({}),
  ) =>
  (cookie: string | null, target: Target) =>
    loader(routeArgs(getRequest(path(target), { cookie }), params(target)))

const postToTicket =
  (fields: (target: Target) => Promise<Record<string, string>>) =>
  async (cookie: string | null, target: Target) =>
    ticketAction(
      routeArgs(
        formRequest(`/staff/tickets/${target.ticketNumber}`, await fields(target), { cookie }),
        { ticketNumber: target.ticketNumber },
      ),
    )

/** A complete, valid targets form: every target in whole hours. */
function targetsForm(): Record<string, string> {
  const form: Record<string, string> = {}
  for (const { kind, value } of targetSubjects) {
    form[`first:${kind}:${value}`] = '4'
    form[`resolution:${kind}:${value}`] = '48'
  }
  return form
}

const matrix: Entry[] = [
  {
    route: 'GET /staff/targets',
    minimumRole: 'agent',
    call: load(targetsLoader, () => '/staff/targets'),
  },
  {
    route: 'POST /staff/targets',
    minimumRole: 'supervisor',
    call: (cookie) =>
      targetsAction(routeArgs(formRequest('/staff/targets', targetsForm(), { cookie }))),
    redirectsTo: () => '/staff/targets?saved=1',
  },
  { route: 'GET /staff', minimumRole: 'agent', call: load(searchLoader, () => '/staff?q=Berg') },
  {
    route: 'GET /staff/customers/:customerId',
    minimumRole: 'agent',
    call: load(
      customer360Loader,
      (target) => `/staff/customers/${target.customerId}`,
      (target) => ({ customerId: target.customerId }),
    ),
  },
  {
    route: 'GET /staff/tickets',
    minimumRole: 'agent',
    call: load(queueLoader, () => '/staff/tickets?status=active'),
  },
  {
    route: 'GET /staff/tickets/:ticketNumber',
    minimumRole: 'agent',
    call: load(
      ticketLoader,
      (target) => `/staff/tickets/${target.ticketNumber}`,
      (target) => ({ ticketNumber: target.ticketNumber }),
    ),
  },
  {
    route: 'POST /staff/tickets/:ticketNumber',
    intent: 'reply',
    minimumRole: 'agent',
    call: postToTicket(async () => ({
      intent: 'reply',
      body: 'We have sent a replacement.',
      status: 'keep',
    })),
  },
  {
    route: 'POST /staff/tickets/:ticketNumber',
    intent: 'note',
    minimumRole: 'agent',
    call: postToTicket(async () => ({ intent: 'note', body: 'Courier confirmed the loss.' })),
  },
  {
    route: 'POST /staff/tickets/:ticketNumber',
    intent: 'assign',
    minimumRole: 'agent',
    call: postToTicket(async (target) => ({
      intent: 'assign',
      assignToMe: '1',
      version: await ticketVersion(target.ticketId),
    })),
  },
  {
    route: 'POST /staff/tickets/:ticketNumber',
    intent: 'priority',
    minimumRole: 'agent',
    call: postToTicket(async (target) => ({
      intent: 'priority',
      priority: 'high',
      version: await ticketVersion(target.ticketId),
    })),
  },
]

const rank: Record<StaffRole, number> = { agent: 0, supervisor: 1, admin: 2 }
const nameOf = (entry: Entry) =>
  entry.intent ? `${entry.route} intent=${entry.intent}` : entry.route
const isAction = (entry: Entry) => entry.route.startsWith('POST ')

let customerCookie = ''
const staffCookies = {} as Record<StaffRole, string>

/** Each call gets a customer and an open ticket of its own, so no call depends on another. */
async function freshTarget(entry: Entry): Promise<Target> {
  const customer = await signedInCustomer(database.db, { givenName: 'Anna' })
  const ticket = await createTicket(database.db, customer)
  const target = {
    customerId: customer.customerId,
    ticketNumber: ticket.ticketNumber,
    ticketId: ticket.ticketId,
  }
  return { ...target, extra: entry.setup ? await entry.setup(target) : {} }
}

beforeAll(async () => {
  customerCookie = (await signedInCustomer(database.db)).cookie
  for (const role of staffRoles) {
    const account = await createStaffAccount(database.db, { role, displayName: `Sam ${role}` })
    staffCookies[role] = await sessionCookieFor(account.accountId)
  }
})

async function expectForbiddenAndUnchanged(entry: Entry, cookie: string) {
  const target = await freshTarget(entry)
  const before = await databaseFingerprint(database.db)
  const answer = await answerOf(() => entry.call(cookie, target))
  expect(answer.status).toBe(403)
  expect(await databaseFingerprint(database.db)).toEqual(before)
}

describe.each(matrix.map((entry) => [nameOf(entry), entry] as const))('%s', (_name, entry) => {
  test('signed out: sent to the staff sign-in, nothing changed', async () => {
    const target = await freshTarget(entry)
    const before = await databaseFingerprint(database.db)
    const answer = await answerOf(() => entry.call(null, target))
    expect(answer.status).toBe(302)
    expect(answer.location).toMatch(/^\/staff\/login\?redirectTo=/)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('a customer session: 403 and nothing changed', async () => {
    await expectForbiddenAndUnchanged(entry, customerCookie)
  })

  test.each(staffRoles.map((role) => [role] as const))('%s', async (role) => {
    if (rank[role] < rank[entry.minimumRole]) {
      await expectForbiddenAndUnchanged(entry, staffCookies[role])
      return
    }
    const target = await freshTarget(entry)
    const answer = await answerOf(() => entry.call(staffCookies[role], target))
    if (entry.redirectsTo) {
      expect(answer.status).toBe(302)
      expect(answer.location).toBe(entry.redirectsTo(target))
    } else if (isAction(entry)) {
      expect(answer.status).toBe(302)
      expect(answer.location).toBe(`/staff/tickets/${target.ticketNumber}?saved=${entry.intent}`)
    } else {
      expect(answer.status).toBe(200)
    }
  })
})
