import { type LoaderFunctionArgs } from '@remix-run/node'
import { beforeAll, describe, expect, test } from 'vitest'
import { loader as searchLoader } from '#app/routes/staff._index.tsx'
import { loader as customer360Loader } from '#app/routes/staff.customers.$customerId.tsx'
import { loader as viewAsCustomerLoader } from '#app/routes/staff.customers.$customerId_.as-customer.tsx'
import { loader as metricsLoader } from '#app/routes/staff.metrics.tsx'
import {
  action as organisationAction,
  loader as organisationLoader,
} from '#app/routes/staff.organisations.$organisationId.tsx'
import {
  action as ticketAction,
  loader as ticketLoader,
} from '#app/routes/staff.tickets.$ticketNumber.tsx'
import { action as targetsAction, loader as targetsLoader } from '#app/routes/staff.targets.tsx'
import { loader as queueLoader } from '#app/routes/staff.tickets._index.tsx'
import { action as adminAction, loader as adminLoader } from '#app/routes/staff.admin._index.tsx'
import {
  action as memberAction,
  loader as memberLoader,
} from '#app/routes/staff.admin.staff.$accountId.tsx'
import {
  action as wordingsAction,
  loader as wordingsLoader,
} from '#app/routes/staff.admin.wordings.tsx'
import {
  action as cannedAction,
  loader as cannedLoader,
} from '#app/routes/staff.canned-replies.tsx'
import {
  action as mergeAction,
  loader as mergeLoader,
} from '#app/routes/staff.duplicates.$survivorId.$mergedId.tsx'
import { loader as duplicatesLoader } from '#app/routes/staff.duplicates._index.tsx'
import { action as passwordAction, loader as passwordLoader } from '#app/routes/staff.password.tsx'
import { action as securityAction, loader as securityLoader } from '#app/routes/staff.security.tsx'
import { createCustomer } from '#db/customers.ts'
import { createCannedReply } from '#db/canned-replies.ts'
import { latestWordingVersion } from '#db/consent-wordings.ts'
import { inviteStaff } from '#db/staff-admin.ts'
import { targetSubjects } from '#db/service-targets.ts'
import { addCustomerAddress } from '#db/customer-contacts.ts'
import { createOrganisation } from '#db/organisations.ts'
import { createRequest } from '#db/requests.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  cookieFrom,
  createStaffAccount,
  formRequest,
  getRequest,
  PASSWORD,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
  uniqueEmail,
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

/** The ticket workspace's records: a default address, a paid order, a request, a sent message. */
async function workspaceRecords(target: Omit<Target, 'extra'>): Promise<Record<string, string>> {
  const actor = { kind: 'system' as const }
  const address = await addCustomerAddress(database.db, {
    customerId: target.customerId,
    actor,
    channel: 'system',
    address: {
      label: null,
      recipient: 'Anna Berg',
      line1: 'Götgatan 12',
      line2: null,
      city: 'Stockholm',
      region: null,
      postalCode: '118 46',
      countryCode: 'SE',
    },
  })
  const order = await database.db
    .insertInto('orders')
    .values({
      customer_id: target.customerId,
      status: 'paid',
      currency: 'SEK',
      subtotal_minor: 100,
      total_minor: 100,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const request = await createRequest(database.db, {
    customerId: target.customerId,
    actor,
    channel: 'system',
    kind: 'repair',
    subject: 'Kettle',
    details: {},
  })
  const outbox = await database.db
    .insertInto('notification_outbox')
    .values({
      customer_id: target.customerId,
      topic: 'service',
      template: 'ticket_replied',
      payload: JSON.stringify({ ticketNumber: target.ticketNumber, status: 'open' }),
      status: 'sent',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const delivery = await database.db
    .insertInto('notification_deliveries')
    .values({
      outbox_id: outbox.id,
      customer_id: target.customerId,
      channel: 'email',
      topic: 'service',
      outcome: 'sent',
      subject: 'We answered you',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return {
    addressId: address.id,
    orderId: order.id,
    requestId: request.id,
    deliveryId: String(delivery.id),
  }
}

/** A staff member for the admin pages to act on; `deactivated` or `invited` when asked. */
async function staffMemberFor(state: 'active' | 'deactivated' | 'invited') {
  if (state === 'invited') {
    const inviter = await createStaffAccount(database.db, { role: 'admin' })
    const invitation = await inviteStaff(database.db, {
      email: uniqueEmail('invited'),
      displayName: 'Ivy Invited',
      role: 'agent',
      actorId: inviter.accountId,
    })
    return { staffId: invitation.accountId }
  }
  const member = await createStaffAccount(database.db, { role: 'agent', displayName: 'Ola Other' })
  if (state === 'deactivated') {
    await database.db
      .updateTable('staff_members')
      .set({ deactivated_at: new Date() })
      .where('account_id', '=', member.accountId)
      .execute()
  }
  return { staffId: member.accountId }
}

const postToMember = (fields: Record<string, string>) => (cookie: string | null, target: Target) =>
  memberAction(
    routeArgs(formRequest(`/staff/admin/staff/${target.extra.staffId}`, fields, { cookie }), {
      accountId: target.extra.staffId ?? '',
    }),
  )

async function cannedReplyFor(): Promise<Record<string, string>> {
  const author = await createStaffAccount(database.db, { role: 'supervisor' })
  const reply = await createCannedReply(database.db, {
    title: `Matrix ${uniqueEmail('reply')}`,
    language: 'en',
    body: 'Hello {{customerName}}',
    staffAccountId: author.accountId,
  })
  return { replyId: reply.id }
}

const postCanned =
  (fields: (target: Target) => Record<string, string>) => (cookie: string | null, target: Target) =>
    cannedAction(routeArgs(formRequest('/staff/canned-replies', fields(target), { cookie })))

// Admin pages (staff, consent wordings) and the supervisors' canned replies.
const adminAndCannedEntries: Entry[] = [
  {
    route: 'GET /staff/admin',
    minimumRole: 'admin',
    call: load(adminLoader, () => '/staff/admin'),
  },
  {
    route: 'POST /staff/admin',
    intent: 'invite',
    minimumRole: 'admin',
    call: (cookie) =>
      adminAction(
        routeArgs(
          formRequest(
            '/staff/admin',
            { email: uniqueEmail('invitee'), displayName: 'New Colleague', role: 'agent' },
            { cookie },
          ),
        ),
      ),
    redirectsTo: () => '/staff/admin?saved=invited',
  },
  {
    route: 'GET /staff/admin/staff/:accountId',
    minimumRole: 'admin',
    setup: () => staffMemberFor('active'),
    call: load(
      memberLoader,
      (target) => `/staff/admin/staff/${target.extra.staffId}`,
      (target) => ({ accountId: target.extra.staffId ?? '' }),
    ),
  },
  ...(
    [
      ['rename', 'active', { displayName: 'Ola Renamed' }, 'renamed'],
      ['role', 'active', { role: 'supervisor' }, 'role'],
      ['deactivate', 'active', {}, 'deactivated'],
      ['reactivate', 'deactivated', {}, 'reactivated'],
      ['resend', 'invited', {}, 'resent'],
    ] as const
  ).map(([intent, state, fields, saved]): Entry => ({
    route: 'POST /staff/admin/staff/:accountId',
    intent,
    minimumRole: 'admin',
    setup: () => staffMemberFor(state),
    // A fresh member has no recorded changes yet: version 0. (The invited one has one.)
    call: (cookie, target) =>
      postToMember({ intent, version: state === 'invited' ? '1' : '0', ...fields })(cookie, target),
    redirectsTo: (target) => `/staff/admin/staff/${target.extra.staffId}?saved=${saved}`,
  })),
  {
    route: 'GET /staff/admin/wordings',
    minimumRole: 'admin',
    call: load(wordingsLoader, () => '/staff/admin/wordings'),
  },
  {
    route: 'POST /staff/admin/wordings',
    intent: 'add',
    minimumRole: 'admin',
    setup: async () => ({
      version: String(await latestWordingVersion(database.db, 'events', 'en')),
    }),
    call: (cookie, target) =>
      wordingsAction(
        routeArgs(
          formRequest(
            '/staff/admin/wordings',
            {
              intent: 'add',
              topic: 'events',
              language: 'en',
              body: 'Invite me to events near me.',
              basedOnVersion: target.extra.version ?? '0',
            },
            { cookie },
          ),
        ),
      ),
    redirectsTo: () => '/staff/admin/wordings?saved=added',
  },
  {
    route: 'GET /staff/canned-replies',
    minimumRole: 'supervisor',
    call: load(cannedLoader, () => '/staff/canned-replies'),
  },
  {
    route: 'POST /staff/canned-replies',
    intent: 'create',
    minimumRole: 'supervisor',
    call: postCanned(() => ({
      intent: 'create',
      title: `Matrix ${uniqueEmail('new')}`,
      language: 'en',
      body: 'Hello',
    })),
    redirectsTo: () => '/staff/canned-replies?saved=created',
  },
  {
    route: 'POST /staff/canned-replies',
    intent: 'update',
    minimumRole: 'supervisor',
    setup: cannedReplyFor,
    call: postCanned((target) => ({
      intent: 'update',
      id: target.extra.replyId ?? '',
      version: '1',
      title: `Matrix ${uniqueEmail('edited')}`,
      language: 'en',
      body: 'Hello again',
    })),
    redirectsTo: () => '/staff/canned-replies?saved=updated',
  },
  {
    route: 'POST /staff/canned-replies',
    intent: 'archive',
    minimumRole: 'supervisor',
    setup: cannedReplyFor,
    call: postCanned((target) => ({
      intent: 'archive',
      id: target.extra.replyId ?? '',
      version: '1',
    })),
    redirectsTo: () => '/staff/canned-replies?saved=archived',
  },
]

/** A second record of the target's customer, to compare with it or merge into it. */
async function duplicateOf(target: Omit<Target, 'extra'>): Promise<Record<string, string>> {
  const duplicate = await createCustomer(
    database.db,
    { givenName: 'Ana', familyName: 'Berg', email: uniqueEmail('ana.berg') },
    { kind: 'system' },
    'system',
  )
  const versions = await database.db
    .selectFrom('customers')
    .select(['id', 'version'])
    .where('id', 'in', [target.customerId, duplicate.id])
    .execute()
  const versionOf = (id: string) => String(versions.find((row) => row.id === id)?.version ?? '')
  return {
    duplicateId: duplicate.id,
    survivorVersion: versionOf(target.customerId),
    mergedVersion: versionOf(duplicate.id),
  }
}

// Possible duplicates and merging them: supervisors.
const mergeEntries: Entry[] = [
  {
    route: 'GET /staff/duplicates',
    minimumRole: 'supervisor',
    call: load(duplicatesLoader, () => '/staff/duplicates'),
  },
  {
    route: 'GET /staff/duplicates/:survivorId/:mergedId',
    minimumRole: 'supervisor',
    setup: duplicateOf,
    call: load(
      mergeLoader,
      (target) => `/staff/duplicates/${target.customerId}/${target.extra.duplicateId}`,
      (target) => ({ survivorId: target.customerId, mergedId: target.extra.duplicateId ?? '' }),
    ),
  },
  {
    route: 'POST /staff/duplicates/:survivorId/:mergedId',
    intent: 'merge',
    minimumRole: 'supervisor',
    setup: duplicateOf,
    call: (cookie, target) =>
      mergeAction(
        routeArgs(
          formRequest(
            `/staff/duplicates/${target.customerId}/${target.extra.duplicateId}`,
            {
              intent: 'merge',
              survivorVersion: target.extra.survivorVersion ?? '',
              mergedVersion: target.extra.mergedVersion ?? '',
            },
            { cookie },
          ),
          { survivorId: target.customerId, mergedId: target.extra.duplicateId ?? '' },
        ),
      ),
    redirectsTo: (target) =>
      `/staff/duplicates/${target.customerId}/${target.extra.duplicateId}?saved=merged`,
  },
]

/** An organisation the target's customer owns, for its staff 360 page. */
async function organisationOf(target: Omit<Target, 'extra'>): Promise<Record<string, string>> {
  const created = await createOrganisation(
    database.db,
    { name: 'Matrix Interiors AB', ownerCustomerId: target.customerId },
    { actor: { kind: 'system' }, channel: 'system' },
  )
  return { organisationId: created.id }
}

const organisationEntries: Entry[] = [
  {
    route: 'GET /staff/organisations/:organisationId',
    minimumRole: 'agent',
    setup: organisationOf,
    call: load(
      organisationLoader,
      (target) => `/staff/organisations/${target.extra.organisationId}`,
      (target) => ({ organisationId: target.extra.organisationId ?? '' }),
    ),
  },
  {
    route: 'POST /staff/organisations/:organisationId',
    intent: 'details',
    minimumRole: 'agent',
    setup: organisationOf,
    call: (cookie, target) =>
      organisationAction(
        routeArgs(
          formRequest(
            `/staff/organisations/${target.extra.organisationId}`,
            {
              intent: 'details',
              version: '1',
              name: 'Matrix Interiors AB',
              registrationNumber: 'SE556000000001',
            },
            { cookie },
          ),
          { organisationId: target.extra.organisationId ?? '' },
        ),
      ),
    redirectsTo: (target) => `/staff/organisations/${target.extra.organisationId}?saved=details`,
  },
]

const matrix: Entry[] = [
  ...adminAndCannedEntries,
  ...organisationEntries,
  ...mergeEntries,
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
    route: 'GET /staff/metrics',
    minimumRole: 'supervisor',
    call: load(metricsLoader, () => '/staff/metrics'),
  },
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
    route: 'GET /staff/customers/:customerId/as-customer',
    minimumRole: 'agent',
    call: load(
      viewAsCustomerLoader,
      (target) => `/staff/customers/${target.customerId}/as-customer?page=profile`,
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
  {
    route: 'POST /staff/tickets/:ticketNumber',
    intent: 'details',
    minimumRole: 'agent',
    setup: workspaceRecords,
    call: postToTicket(async () => ({
      intent: 'details',
      version: '1',
      legalNameEditable: '1',
      givenName: 'Annika',
      familyName: 'Berg',
      language: 'en',
      timeZone: 'UTC',
    })),
  },
  {
    route: 'POST /staff/tickets/:ticketNumber',
    intent: 'address',
    minimumRole: 'agent',
    setup: workspaceRecords,
    call: postToTicket(async (target) => ({
      intent: 'address',
      addressId: target.extra.addressId ?? '',
      version: '1',
      recipient: 'Anna Berg',
      line1: 'Götgatan 14',
      postalCode: '118 46',
      city: 'Stockholm',
      countryCode: 'SE',
    })),
  },
  {
    route: 'POST /staff/tickets/:ticketNumber',
    intent: 'orderStatus',
    minimumRole: 'agent',
    setup: workspaceRecords,
    call: postToTicket(async (target) => ({
      intent: 'orderStatus',
      orderId: target.extra.orderId ?? '',
      toStatus: 'packed',
      version: '1',
    })),
  },
  {
    route: 'POST /staff/tickets/:ticketNumber',
    intent: 'requestStatus',
    minimumRole: 'agent',
    setup: workspaceRecords,
    call: postToTicket(async (target) => ({
      intent: 'requestStatus',
      requestId: target.extra.requestId ?? '',
      toStatus: 'in_review',
      version: '1',
    })),
  },
  {
    route: 'POST /staff/tickets/:ticketNumber',
    intent: 'link',
    minimumRole: 'agent',
    setup: workspaceRecords,
    call: postToTicket(async (target) => ({
      intent: 'link',
      target: `order:${target.extra.orderId ?? ''}`,
      version: await ticketVersion(target.ticketId),
    })),
  },
  {
    route: 'POST /staff/tickets/:ticketNumber',
    intent: 'resend',
    minimumRole: 'agent',
    setup: workspaceRecords,
    call: postToTicket(async (target) => ({
      intent: 'resend',
      deliveryId: target.extra.deliveryId ?? '',
    })),
  },
  {
    route: 'GET /staff/password',
    minimumRole: 'agent',
    call: load(passwordLoader, () => '/staff/password'),
  },
  {
    route: 'POST /staff/password',
    minimumRole: 'agent',
    call: (cookie) => changeStaffPassword(cookie),
    redirectsTo: () => '/staff/password?changed=1',
  },
  {
    route: 'GET /staff/security',
    minimumRole: 'agent',
    call: load(securityLoader, () => '/staff/security'),
  },
  {
    route: 'POST /staff/security',
    intent: 'start',
    minimumRole: 'agent',
    call: (cookie) =>
      securityAction(routeArgs(formRequest('/staff/security', { intent: 'start' }, { cookie }))),
    redirectsTo: () => '/staff/security',
  },
]

/**
 * A password change ends every session of the account and gives this browser a new one. When
 * it goes through, the role's cookie is swapped for the new one (as a browser would) and the
 * password is changed back, so the entries after this one find the account as it was.
 */
async function changeStaffPassword(cookie: string | null) {
  const post = (from: string, to: string, with_: string | null) =>
    passwordAction(
      routeArgs(
        formRequest(
          '/staff/password',
          { currentPassword: from, password: to, confirmPassword: to },
          { cookie: with_ },
        ),
      ),
    )
  const answer = await post(PASSWORD, 'a matrix passphrase 2026', cookie)
  const role = staffRoles.find((role) => staffCookies[role] === cookie)
  if (!(answer instanceof Response) || answer.status !== 302 || !role) return answer
  const back = await post('a matrix passphrase 2026', PASSWORD, cookieFrom(answer))
  if (!(back instanceof Response)) throw new Error('Changing the password back was refused')
  staffCookies[role] = cookieFrom(back)
  return answer
}

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
