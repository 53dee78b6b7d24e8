import { beforeAll } from 'vitest'
import { action as adminAction } from '#app/routes/staff.admin._index.tsx'
import { action as memberAction } from '#app/routes/staff.admin.staff.$accountId.tsx'
import { action as wordingsAction } from '#app/routes/staff.admin.wordings.tsx'
import { action as cannedAction } from '#app/routes/staff.canned-replies.tsx'
import { action as mergeAction } from '#app/routes/staff.duplicates.$survivorId.$mergedId.tsx'
import { action as targetsAction } from '#app/routes/staff.targets.tsx'
import { action as workspaceAction } from '#app/routes/staff.tickets.$ticketNumber.tsx'
import { createCannedReply } from '#db/canned-replies.ts'
import { targetSubjects } from '#db/service-targets.ts'
import { getStaffMember } from '#db/staff-admin.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createCustomerAccount,
  createStaffAccount,
  sessionCookieFor,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import {
  type Entries,
  describeFuzzedForms,
  type FormRoute,
  useScratchDataDir,
} from './fuzz-support.ts'
import { createWorld, STOCKHOLM, versionOf, type World } from './fuzz-world.ts'

// Every staff form and each of its intents, fuzzed (see fuzz-support.ts) as an admin, who may
// use them all, so the fuzz reaches validation rather than the role check.

const database = useTestDatabase()
useScratchDataDir()

let world: World
let adminCookie = ''
let memberId = ''
let cannedId = ''
let twins = { survivorId: '', mergedId: '' }
let deliveryId = ''
beforeAll(async () => {
  world = await createWorld(database.db)
  const admin = await createStaffAccount(database.db, { role: 'admin', displayName: 'Alex Admin' })
  adminCookie = await sessionCookieFor(admin.accountId)
  memberId = (await createStaffAccount(database.db, { role: 'agent' })).accountId
  cannedId = (
    await createCannedReply(database.db, {
      title: 'Where is my parcel',
      language: 'en',
      body: 'Hello {{name}}, it is on its way.',
      staffAccountId: admin.accountId,
    })
  ).id
  const survivor = await createCustomerAccount(database.db, { givenName: 'Eva' })
  const merged = await createCustomerAccount(database.db, { givenName: 'Eva' })
  twins = { survivorId: survivor.customerId, mergedId: merged.customerId }
  // A message the worker already sent, for "send again".
  const outbox = await database.db
    .insertInto('notification_outbox')
    .values({
      customer_id: world.customer.customerId,
      topic: 'service',
      template: 'ticket_replied',
      payload: JSON.stringify({ ticketNumber: world.ticket.ticketNumber, status: 'open' }),
      status: 'sent',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const delivery = await database.db
    .insertInto('notification_deliveries')
    .values({
      outbox_id: outbox.id,
      customer_id: world.customer.customerId,
      channel: 'email',
      topic: 'service',
      outcome: 'sent',
      subject: 'We answered you',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  deliveryId = String(delivery.id)
})

const db = () => database.db
const cookie = () => adminCookie
let counter = 0
const next = <T>(values: readonly T[]): T => values[counter++ % values.length] as T
const ticketPath = () => `/staff/tickets/${world.ticket.ticketNumber}`
const ticketParams = () => ({ ticketNumber: world.ticket.ticketNumber })
const ticketVersion = () => versionOf(db(), 'tickets', world.ticket.ticketId)

/** The staff ticket workspace, one intent per fuzzed route. */
function workspace(name: string, numRuns: number, base: () => Promise<Entries>): FormRoute {
  return {
    name: `ticket workspace: ${name}`,
    action: workspaceAction,
    path: ticketPath,
    params: ticketParams,
    cookie,
    numRuns,
    base,
  }
}

const routes: FormRoute[] = [
  {
    name: 'admin: invite staff',
    action: adminAction,
    path: '/staff/admin',
    cookie,
    numRuns: 50,
    base: () => [
      ['email', uniqueEmail('invited')],
      ['displayName', 'Nora Newcomer'],
      ['role', next(['agent', 'supervisor', 'admin'])],
    ],
  },
  {
    name: 'admin: staff member',
    action: memberAction,
    path: () => `/staff/admin/staff/${memberId}`,
    params: () => ({ accountId: memberId }),
    cookie,
    numRuns: 70,
    base: async () => {
      const version = String((await getStaffMember(db(), memberId))?.version ?? 0)
      return next<Entries>([
        [
          ['intent', 'rename'],
          ['displayName', 'Sam Renamed'],
          ['version', version],
        ],
        [
          ['intent', 'role'],
          ['role', next(['agent', 'supervisor'])],
          ['version', version],
        ],
        [
          ['intent', 'deactivate'],
          ['version', version],
        ],
        [
          ['intent', 'reactivate'],
          ['version', version],
        ],
        [['intent', 'resend']],
      ])
    },
  },
  {
    name: 'admin: consent wordings',
    action: wordingsAction,
    path: '/staff/admin/wordings',
    cookie,
    numRuns: 50,
    base: async () => {
      const row = await db()
        .selectFrom('consent_wordings')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('topic', '=', 'newsletter')
        .where('language', '=', 'en')
        .executeTakeFirst()
      return [
        ['intent', 'add'],
        ['topic', 'newsletter'],
        ['language', 'en'],
        ['body', 'Our monthly newsletter.\nUnsubscribe at any time.'],
        ['basedOnVersion', String(row?.version ?? 0)],
      ]
    },
  },
  {
    name: 'canned replies',
    action: cannedAction,
    path: '/staff/canned-replies?language=en',
    cookie,
    numRuns: 70,
    base: async () => {
      const version = await versionOf(db(), 'canned_replies', cannedId)
      const fields: Entries = [
        ['title', `Parcel ${counter}`],
        ['language', 'en'],
        ['body', 'Hello,\nit is on its way.'],
      ]
      return next<Entries>([
        [['intent', 'create'], ...fields],
        [['intent', 'update'], ['id', cannedId], ['version', version], ...fields],
        [
          ['intent', 'archive'],
          ['id', cannedId],
          ['version', version],
        ],
      ])
    },
  },
  {
    name: 'merge duplicates',
    action: mergeAction,
    path: () => `/staff/duplicates/${twins.survivorId}/${twins.mergedId}`,
    params: () => twins,
    cookie,
    numRuns: 40,
    base: async () => [
      ['intent', 'merge'],
      ['survivorVersion', await versionOf(db(), 'customers', twins.survivorId)],
      ['mergedVersion', await versionOf(db(), 'customers', twins.mergedId)],
    ],
  },
  {
    name: 'service targets',
    action: targetsAction,
    path: '/staff/targets',
    cookie,
    numRuns: 50,
    base: () =>
      targetSubjects.flatMap(({ kind, value }): Entries => [
        [`first:${kind}:${value}`, '8'],
        [`resolution:${kind}:${value}`, '72'],
      ]),
  },
  workspace('reply', 40, async () => [
    ['intent', 'reply'],
    ['body', 'Thanks, we are on it.\n\nSam'],
    ['status', next(['keep', 'waiting_on_customer', 'resolved'])],
  ]),
  workspace('note', 30, async () => [
    ['intent', 'note'],
    ['body', 'Checked with the courier.'],
  ]),
  workspace('assign', 30, async () => [
    ['intent', 'assign'],
    ['assignee', ''],
    ['assignToMe', next(['1', ''])],
    ['version', await ticketVersion()],
  ]),
  workspace('priority', 30, async () => [
    ['intent', 'priority'],
    ['priority', next(['low', 'normal', 'high', 'urgent'])],
    ['version', await ticketVersion()],
  ]),
  workspace('details', 50, async () => [
    ['intent', 'details'],
    ['version', await versionOf(db(), 'customers', world.customer.customerId)],
    ['legalNameEditable', '1'],
    ['givenName', 'Anna'],
    ['familyName', 'Berg'],
    ['preferredName', ''],
    ['legalName', 'Anna Berg'],
    ['language', 'en'],
    ['timeZone', 'Europe/Stockholm'],
  ]),
  workspace('address', 50, async () => [
    ['intent', 'address'],
    ['addressId', world.address.id],
    ['version', await versionOf(db(), 'customer_addresses', world.address.id)],
    ...Object.entries(STOCKHOLM),
  ]),
  workspace('order status', 30, async () => [
    ['intent', 'orderStatus'],
    ['orderId', world.order.id],
    ['number', world.order.orderNumber],
    ['toStatus', next(['returned', 'refunded'])],
    ['note', 'Customer sent it back'],
    ['version', await versionOf(db(), 'orders', world.order.id)],
  ]),
  workspace('request status', 30, async () => [
    ['intent', 'requestStatus'],
    ['requestId', world.request.id],
    ['number', world.request.requestNumber],
    ['toStatus', next(['in_review', 'waiting_for_customer', 'approved'])],
    ['note', 'Looking into it'],
    ['version', await versionOf(db(), 'requests', world.request.id)],
  ]),
  workspace('link', 30, async () => [
    ['intent', 'link'],
    ['target', next([`order:${world.order.id}`, `request:${world.request.id}`])],
    ['version', await ticketVersion()],
  ]),
  {
    ...workspace('resend', 30, async () => {
      // As if the worker had sent the last one again: a pending copy would refuse the resend.
      await db()
        .updateTable('notification_outbox')
        .set({ status: 'sent' })
        .where('customer_id', '=', world.customer.customerId)
        .where('status', '=', 'pending')
        .execute()
      return [
        ['intent', 'resend'],
        ['deliveryId', deliveryId],
      ]
    }),
    baseWrites: true,
  },
]

describeFuzzedForms({
  title: 'fuzzed staff forms: no 5xx, refused input changes nothing',
  file: 'staff-forms',
  database,
  routes,
})
