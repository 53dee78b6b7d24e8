import { readdirSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { flushPendingMail } from '#app/mail/mailer.server.ts'
import { loader as dashboardLoader } from '#app/routes/_index.tsx'
import * as orderRoute from '#app/routes/orders.$orderNumber.tsx'
import { loader as ordersLoader } from '#app/routes/orders._index.tsx'
import {
  action as organisationAction,
  loader as organisationLoader,
} from '#app/routes/organisations.$organisationId.tsx'
import { loader as organisationHistoryLoader } from '#app/routes/organisations.$organisationId_.history.tsx'
import { action as joinAction, loader as joinLoader } from '#app/routes/organisations.join.tsx'
import {
  action as switchAction,
  loader as switchLoader,
} from '#app/routes/organisations.switch.tsx'
import {
  action as requestAction,
  loader as requestLoader,
} from '#app/routes/requests.$requestNumber.tsx'
import { loader as requestsLoader } from '#app/routes/requests._index.tsx'
import {
  action as newRequestAction,
  loader as newRequestLoader,
} from '#app/routes/requests.new.tsx'
import { loader as attachmentLoader } from '#app/routes/tickets.$ticketNumber.attachments.$attachmentId.tsx'
import {
  action as ticketAction,
  loader as ticketLoader,
} from '#app/routes/tickets.$ticketNumber.tsx'
import { loader as ticketsLoader } from '#app/routes/tickets._index.tsx'
import { action as newTicketAction, loader as newTicketLoader } from '#app/routes/tickets.new.tsx'
import { RequestActionSchema } from '#app/components/requests/request-actions.tsx'
import { ticketIntents } from '#app/components/tickets/schemas.ts'
import type { ItemKind } from '#db/item-visibility.ts'
import { createOrganisationInvitation } from '#db/organisation-invitations.ts'
import { addOrganisationAddress } from '#db/organisations.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  cookieFrom,
  formRequest,
  getRequest,
  routeArgs,
  sessionCookieFor,
} from '#test/support/fixtures.ts'
import {
  addWorldItem,
  displayName,
  ITEM_KINDS,
  type ItemKey,
  organisationWorld,
  type OrganisationWorld,
  type PersonaKey,
  type WorldItem,
} from '#test/support/organisations.ts'
import { multipartRequest, useUploadsDir } from '#test/tickets/ticket-fixtures.ts'
import { recipientOf, useSmtpSink } from '../lifecycle/lifecycle-support.ts'

// Issue 6's access rules, proved over every customer route that touches orders, requests,
// tickets (messages, attachments, sharing, close/reopen/rate, cancel/answer), the dashboard and
// the lists, for the people the issue names (test/support/organisations.ts builds their world):
// - a member named on a shared ticket (Mia): sees it (200) and may reply;
// - a member who is not named (Nora): 404, exactly the answer to an unknown number;
// - a removed member (Rex): his old session acting for the organisation sees only his personal
//   items, not even what he opened there;
// - an owner (Olive): sees what is shared with the organisation and every order of it, never a
//   colleague's private ticket or request;
// - a person in two organisations (Paula): acting for one, never an item of the other, not
//   even one she opened or one shared with her by name there (lists, detail pages, actions).
// Every refused request leaves the whole database exactly as it was (db-fingerprint).

const database = useTestDatabase()
useUploadsDir()
const smtp = useSmtpSink()

const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000'
const UNKNOWN: Record<ItemKind, string> = {
  order: 'O999999',
  request: 'R999999',
  ticket: 'T999999',
}

let world: OrganisationWorld
/** Consent rows as the world left them: nothing below may add or change one. */
let consentBefore: Record<string, string>

// ---------------------------------------------------------------------------------------------
// Who sees what: written out by hand from the rules in /work/shared/organisations.md, not
// computed from db/item-visibility.ts, so a wrong rule cannot agree with itself.

interface ViewerSpec {
  key: string
  /** What the case is, in the words. */
  role: string
  person: PersonaKey
  actingFor: 'A' | 'B' | null
  /** Tickets and requests (the same rule). */
  sees: ItemKey[]
  /** Orders: owners and billing contacts see all of their organisation's. */
  seesOrders: ItemKey[]
  /** Use Rex's session started before his removal instead of a fresh one. */
  oldSession?: boolean
  /** Their role in the organisation they act for (its page); null: no organisation page. */
  pageRole?: 'owner' | 'member' | null
}

const ALL_A: ItemKey[] = ['a-private', 'a-named', 'a-organisation', 'a-owner-private', 'a-removed']
const ALL_B: ItemKey[] = ['b-organisation', 'b-named', 'b-paula']

const VIEWER_SPECS: ViewerSpec[] = [
  {
    key: 'mia@A',
    pageRole: 'member',
    role: 'member named on a shared item',
    person: 'mia',
    actingFor: 'A',
    sees: ['a-named', 'a-organisation', 'a-removed', 'personal-mia'],
    seesOrders: ['a-named', 'a-organisation', 'a-removed', 'personal-mia'],
  },
  {
    key: 'nora@A',
    pageRole: 'member',
    role: 'member who is not named',
    person: 'nora',
    actingFor: 'A',
    sees: ['a-organisation', 'a-removed'],
    seesOrders: ['a-organisation', 'a-removed'],
  },
  {
    key: 'olive@A',
    pageRole: 'owner',
    role: 'owner',
    person: 'olive',
    actingFor: 'A',
    sees: ['a-organisation', 'a-owner-private', 'a-removed'],
    seesOrders: ALL_A,
  },
  {
    key: 'bill@A',
    pageRole: 'member',
    role: 'billing member',
    person: 'bill',
    actingFor: 'A',
    sees: ['a-organisation', 'a-removed'],
    seesOrders: ALL_A,
  },
  {
    key: 'rex@A(old session)',
    role: 'removed member, with a session acting for A from before the removal',
    person: 'rex',
    actingFor: 'A',
    oldSession: true,
    sees: ['personal-rex'],
    seesOrders: ['personal-rex'],
  },
  {
    key: 'rex@A(new session)',
    role: 'removed member, a session naming A made after the removal',
    person: 'rex',
    actingFor: 'A',
    sees: ['personal-rex'],
    seesOrders: ['personal-rex'],
  },
  {
    key: 'paula@A',
    pageRole: 'member',
    role: 'person in two organisations, acting for A',
    person: 'paula',
    actingFor: 'A',
    sees: ['a-private', 'a-named', 'a-organisation', 'a-removed', 'personal-paula'],
    seesOrders: ['a-private', 'a-named', 'a-organisation', 'a-removed', 'personal-paula'],
  },
  {
    key: 'paula@B',
    pageRole: 'member',
    role: 'person in two organisations, acting for B',
    person: 'paula',
    actingFor: 'B',
    sees: ['b-organisation', 'b-named', 'b-paula', 'personal-paula'],
    seesOrders: ['b-organisation', 'b-named', 'b-paula', 'personal-paula'],
  },
  {
    key: 'paula@personal',
    role: 'person in two organisations, acting for herself',
    person: 'paula',
    actingFor: null,
    sees: ['personal-paula'],
    seesOrders: ['personal-paula'],
  },
  {
    key: 'mia@personal',
    role: 'member acting for herself',
    person: 'mia',
    actingFor: null,
    sees: ['personal-mia'],
    seesOrders: ['personal-mia'],
  },
  {
    key: 'bert@B',
    pageRole: 'owner',
    role: 'owner of the other organisation',
    person: 'bert',
    actingFor: 'B',
    sees: ['b-organisation', 'b-named'],
    seesOrders: ALL_B,
  },
]

interface Viewer extends ViewerSpec {
  cookie: string
}
const viewers = new Map<string, Viewer>()
const viewer = (key: string): Viewer => {
  const found = viewers.get(key)
  if (!found) throw new Error(`No viewer ${key}`)
  return found
}

function mayView(spec: ViewerSpec, item: WorldItem): boolean {
  return (item.kind === 'order' ? spec.seesOrders : spec.sees).includes(item.key)
}

beforeAll(async () => {
  world = await organisationWorld(database.db)
  consentBefore = await consentFingerprint()
  for (const spec of VIEWER_SPECS) {
    const cookie = spec.oldSession
      ? world.removedMemberOldCookie
      : await world.cookieFor(spec.person, spec.actingFor)
    viewers.set(spec.key, { ...spec, cookie })
  }
})

// ---------------------------------------------------------------------------------------------
// Calling routes as a browser would, and what the browser sees of the answer.

interface Seen {
  status: number
  location: string | null
  body: string
}

/** Status, redirect and body of a loader's or action's answer (returned or thrown). */
async function answerOf(run: () => Promise<unknown>, blank: string[] = []): Promise<Seen> {
  // Let the worker answer its test runner between the many calls here: the embedded database
  // can keep it busy long enough for the runner's messages to time out.
  await new Promise((resolve) => setImmediate(resolve))
  let result: unknown
  try {
    result = await run()
  } catch (error) {
    if (!(error instanceof Response)) throw error
    result = error
  }
  let status = 200
  let location: string | null = null
  let body: string
  if (result instanceof Response) {
    status = result.status
    location = result.headers.get('Location')
    const type = result.headers.get('Content-Type') ?? ''
    body = type.startsWith('text/') || type === '' ? await result.clone().text() : `<${type}>`
  } else {
    const value = result as { data?: unknown; init?: { status?: number } | null }
    status = value.init?.status ?? 200
    // Fresh for every page view, so never equal between two views.
    body = JSON.stringify(value.data ?? result, (key, item: unknown) =>
      key === 'idempotencyKey' || key === 'aimAt' ? undefined : item,
    )
  }
  for (const value of blank) body = body.replaceAll(value, '<id>')
  return { status, location, body }
}

const get = (cookie: string, url: string, params: Record<string, string> = {}) =>
  routeArgs(getRequest(url, { cookie }), params)
const post = (
  cookie: string,
  url: string,
  fields: Record<string, string>,
  params: Record<string, string> = {},
) => routeArgs(formRequest(url, fields, { cookie }), params)
const postMultipart = (
  cookie: string,
  url: string,
  fields: Record<string, string>,
  params: Record<string, string> = {},
) => routeArgs(multipartRequest(url, fields, [], { cookie }), params)

/** A number as a whole word: T500012 must not match inside T5000123. */
function mentions(body: string, number: string): boolean {
  return new RegExp(`${number}(?![0-9])`).test(body)
}

// Every route module this file answers for, and which of its exports it calls. The last test
// reads app/routes: a customer route about these things, or an export of one, without a case
// here fails it.
const probed = new Set<string>()
function probe(route: string, exportName: 'loader' | 'action') {
  probed.add(`${route}#${exportName}`)
}

// ---------------------------------------------------------------------------------------------
// The probes: what one browser can do to one item, by its number.

interface ItemProbe {
  name: string
  kind: ItemKind
  /** Where the answer for an item the viewer may see is not a plain success (see below). */
  run: (cookie: string, item: { number: string; attachmentId: string }) => Promise<unknown>
  /**
   * The action is the opener's only: a colleague who sees the item gets 403 ('forbidden'), or
   * at least a refusal (any 4xx, 'refused') where the design names no status.
   */
  openerOnly?: 'forbidden' | 'refused'
  /** What a hidden item and an unknown number both get; 404 unless said. */
  hidden?: number
  /** The state a fresh item needs for the opener's own try to succeed (the control case). */
  control?: ItemState
}

type ItemState = Pick<
  Parameters<typeof addWorldItem>[2],
  'requestStatus' | 'ticketStatus' | 'orderStatus'
>

const TICKET_CONTROL: Record<string, ItemState> = {
  close: { ticketStatus: 'open' },
  reopen: { ticketStatus: 'closed' },
  rate: { ticketStatus: 'resolved' },
  sharing: { ticketStatus: 'open' },
}

const sharingFields = (colleague: string | null): Record<string, string> =>
  colleague
    ? { intent: 'sharing', visibility: 'named', sharedWith: colleague }
    : { intent: 'sharing', visibility: 'private' }

const ticketFields: Record<string, Record<string, string>> = {
  reply: { message: 'Hello from a colleague?' },
  close: {},
  reopen: {},
  rate: { rating: '1' },
}

function ticketIntentProbes(): ItemProbe[] {
  probe('tickets.$ticketNumber.tsx', 'action')
  const intents = [...new Set([...ticketIntents, 'sharing'] as const)]
  return intents.map((intent) => ({
    name: `POST /tickets/:ticketNumber intent=${intent}`,
    kind: 'ticket' as const,
    openerOnly: intent === 'reply' ? undefined : ('forbidden' as const),
    control: TICKET_CONTROL[intent],
    run: (cookie, item) =>
      ticketAction(
        postMultipart(
          cookie,
          `/tickets/${item.number}`,
          intent === 'sharing'
            ? { ...sharingFields(null), idempotencyKey: crypto.randomUUID() }
            : { intent, ...ticketFields[intent], idempotencyKey: crypto.randomUUID() },
          { ticketNumber: item.number },
        ),
      ),
  }))
}

const requestIntents: Record<string, Record<string, string>> = {
  cancel: { intent: 'cancel' },
  answer: { intent: 'answer', answer: 'Here it is.' },
  sharing: sharingFields(null),
}

function itemProbes(): ItemProbe[] {
  probe('orders.$orderNumber.tsx', 'loader')
  probe('requests.$requestNumber.tsx', 'loader')
  probe('requests.$requestNumber.tsx', 'action')
  probe('tickets.$ticketNumber.tsx', 'loader')
  probe('tickets.$ticketNumber.attachments.$attachmentId.tsx', 'loader')
  probe('requests.new.tsx', 'loader')
  probe('requests.new.tsx', 'action')
  probe('tickets.new.tsx', 'loader')
  probe('tickets.new.tsx', 'action')
  const probes: ItemProbe[] = [
    {
      name: 'GET /orders/:orderNumber',
      kind: 'order',
      run: (cookie, item) =>
        orderRoute.loader(get(cookie, `/orders/${item.number}`, { orderNumber: item.number })),
    },
    {
      name: 'GET /requests/new?kind=return&order=:orderNumber',
      kind: 'order',
      // The form, saying the order was not found.
      hidden: 200,
      // Only the opener starts a return from an order.
      openerOnly: 'forbidden',
      control: { orderStatus: 'delivered' },
      run: (cookie, item) =>
        newRequestLoader(get(cookie, `/requests/new?kind=return&order=${item.number}`)),
    },
    {
      name: 'POST /requests/new kind=return orderNumber=:orderNumber',
      kind: 'order',
      // Only the opener starts a return from an order.
      openerOnly: 'forbidden',
      // Refused at the order field.
      hidden: 400,
      control: { orderStatus: 'delivered' },
      run: (cookie, item) =>
        newRequestAction(
          post(cookie, '/requests/new', {
            kind: 'return',
            orderNumber: item.number,
            lines: '1',
            reason: 'defective',
            outcome: 'refund',
            visibility: 'private',
            idempotencyKey: crypto.randomUUID(),
          }),
        ),
    },
    {
      name: 'GET /tickets/new?order=:orderNumber',
      kind: 'order',
      run: (cookie, item) => newTicketLoader(get(cookie, `/tickets/new?order=${item.number}`)),
    },
    {
      name: 'POST /tickets/new order=:orderNumber',
      kind: 'order',
      run: (cookie, item) =>
        newTicketAction(
          postMultipart(cookie, '/tickets/new', {
            category: 'order',
            subject: 'About this order',
            message: 'Hello',
            order: item.number,
            // Acting for an organisation the form asks who sees the ticket; else it is ignored.
            visibility: 'private',
            idempotencyKey: crypto.randomUUID(),
          }),
        ),
    },
    {
      name: 'GET /requests/:requestNumber',
      kind: 'request',
      run: (cookie, item) =>
        requestLoader(get(cookie, `/requests/${item.number}`, { requestNumber: item.number })),
    },
    ...Object.entries(requestIntents).map(([intent, fields]): ItemProbe => ({
      name: `POST /requests/:requestNumber intent=${intent}`,
      kind: 'request',
      openerOnly: 'forbidden',
      control: { requestStatus: intent === 'cancel' ? 'submitted' : 'waiting_for_customer' },
      run: (cookie, item) =>
        requestAction(
          post(cookie, `/requests/${item.number}`, fields, { requestNumber: item.number }),
        ),
    })),
    {
      name: 'POST /requests/:requestNumber intent=answer, invalid form',
      kind: 'request',
      openerOnly: 'refused',
      run: (cookie, item) =>
        requestAction(
          post(
            cookie,
            `/requests/${item.number}`,
            { intent: 'answer', answer: '' },
            { requestNumber: item.number },
          ),
        ),
    },
    {
      name: 'GET /tickets/new?request=:requestNumber',
      kind: 'request',
      run: (cookie, item) => newTicketLoader(get(cookie, `/tickets/new?request=${item.number}`)),
    },
    {
      name: 'POST /tickets/new request=:requestNumber',
      kind: 'request',
      run: (cookie, item) =>
        newTicketAction(
          postMultipart(cookie, '/tickets/new', {
            category: 'other',
            subject: 'About this request',
            message: 'Hello',
            request: item.number,
            visibility: 'private',
            idempotencyKey: crypto.randomUUID(),
          }),
        ),
    },
    {
      name: 'GET /tickets/:ticketNumber',
      kind: 'ticket',
      run: (cookie, item) =>
        ticketLoader(get(cookie, `/tickets/${item.number}`, { ticketNumber: item.number })),
    },
    {
      name: 'GET /tickets/:ticketNumber/attachments/:attachmentId',
      kind: 'ticket',
      run: (cookie, item) =>
        attachmentLoader(
          get(cookie, `/tickets/${item.number}/attachments/${item.attachmentId}`, {
            ticketNumber: item.number,
            attachmentId: item.attachmentId,
          }),
        ),
    },
    ...ticketIntentProbes(),
    {
      name: 'POST /tickets/:ticketNumber with no intent',
      kind: 'ticket',
      run: (cookie, item) =>
        ticketAction(
          postMultipart(cookie, `/tickets/${item.number}`, {}, { ticketNumber: item.number }),
        ),
    },
  ]
  const orderAction = (orderRoute as Record<string, unknown>).action
  if (typeof orderAction === 'function') {
    probe('orders.$orderNumber.tsx', 'action')
    const act = orderAction as (args: ReturnType<typeof post>) => Promise<unknown>
    probes.push({
      name: 'POST /orders/:orderNumber intent=sharing',
      kind: 'order',
      openerOnly: 'forbidden',
      control: { orderStatus: 'shipped' },
      run: (cookie, item) =>
        act(
          post(cookie, `/orders/${item.number}`, sharingFields(null), { orderNumber: item.number }),
        ),
    })
  }
  return probes
}

const ITEM_PROBES = itemProbes()
/** Orders 5, requests 7, tickets 8 (with an order action, one more). */
const PROBE_COUNT = 20

// ---------------------------------------------------------------------------------------------

describe('detail pages: each person sees exactly the items the rules give them', () => {
  test.each(VIEWER_SPECS.map((spec) => [spec.key, spec.role] as const))(
    '%s (%s): visible items 200, the rest 404 like an unknown number, nothing changed',
    async (key) => {
      const who = viewer(key)
      const before = await databaseFingerprint(database.db)
      const wrong: string[] = []
      for (const item of world.items) {
        const visible = mayView(who, item)
        const details: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
          [
            'detail',
            () => detailLoader(who.cookie, item.kind, item.number),
            () => detailLoader(who.cookie, item.kind, UNKNOWN[item.kind]),
          ],
        ]
        if (item.attachmentId) {
          const attachmentId = item.attachmentId
          details.push([
            'attachment',
            () => attachment(who.cookie, item.number, attachmentId),
            () => attachment(who.cookie, UNKNOWN.ticket, UNKNOWN_UUID),
          ])
        }
        for (const [what, run, runUnknown] of details) {
          const seen = await answerOf(run, [item.number, item.attachmentId ?? item.number])
          const label = `${item.kind} ${item.key} ${what}`
          if (visible) {
            if (seen.status !== 200) wrong.push(`${label}: expected 200, got ${seen.status}`)
            else if (what === 'detail' && !seen.body.includes('<id>')) {
              wrong.push(`${label}: 200 but the page does not show its number`)
            }
          } else {
            const unknown = await answerOf(runUnknown, [UNKNOWN[item.kind], UNKNOWN_UUID])
            if (seen.status !== 404) wrong.push(`${label}: expected 404, got ${seen.status}`)
            else if (JSON.stringify(seen) !== JSON.stringify(unknown)) {
              wrong.push(`${label}: 404 but not the same answer as an unknown number`)
            }
          }
        }
      }
      expect(wrong).toEqual([])
      expect(await databaseFingerprint(database.db)).toEqual(before)
    },
  )
})

function detailLoader(cookie: string, kind: ItemKind, number: string) {
  switch (kind) {
    case 'order':
      return orderRoute.loader(get(cookie, `/orders/${number}`, { orderNumber: number }))
    case 'request':
      return requestLoader(get(cookie, `/requests/${number}`, { requestNumber: number }))
    case 'ticket':
      return ticketLoader(get(cookie, `/tickets/${number}`, { ticketNumber: number }))
  }
}

function attachment(cookie: string, ticketNumber: string, attachmentId: string) {
  return attachmentLoader(
    get(cookie, `/tickets/${ticketNumber}/attachments/${attachmentId}`, {
      ticketNumber,
      attachmentId,
    }),
  )
}

describe('lists and the dashboard show exactly the items the rules give each person', () => {
  probe('orders._index.tsx', 'loader')
  probe('requests._index.tsx', 'loader')
  probe('tickets._index.tsx', 'loader')
  probe('_index.tsx', 'loader')
  const lists: [string, readonly ItemKind[], (cookie: string) => Promise<unknown>][] = [
    ['/orders', ['order'], (cookie) => ordersLoader(get(cookie, '/orders'))],
    ['/requests', ['request'], (cookie) => requestsLoader(get(cookie, '/requests'))],
    ['/tickets', ['ticket'], (cookie) => ticketsLoader(get(cookie, '/tickets'))],
    [
      '/ (what waits and what is in progress)',
      ITEM_KINDS,
      // The recent activity below them is the person's own record history, which stays
      // personal (a removed member keeps theirs): only the open items are the rule's business.
      async (cookie) => {
        const answer = (await dashboardLoader(get(cookie, '/'))) as {
          data: { dashboard: DashboardShape | null }
        }
        const dashboard = answer.data.dashboard
        return {
          data: {
            waitingOnCustomer: dashboard?.waitingOnCustomer,
            inProgress: dashboard?.inProgress,
          },
        }
      },
    ],
  ]
  const cases = VIEWER_SPECS.flatMap((spec) =>
    lists.map(([page, kinds, load]) => [spec.key, page, kinds, load] as const),
  )
  test.each(cases)('%s: %s', async (key, _page, kinds, load) => {
    const who = viewer(key)
    const before = await databaseFingerprint(database.db)
    const seen = await answerOf(() => load(who.cookie))
    expect(seen.status).toBe(200)
    const wrong: string[] = []
    for (const item of world.items.filter((item) => kinds.includes(item.kind))) {
      const visible = mayView(who, item)
      if (visible !== mentions(seen.body, item.number)) {
        wrong.push(`${item.kind} ${item.key}: ${visible ? 'missing' : 'shown'}`)
      }
    }
    expect(wrong).toEqual([])
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test.each(VIEWER_SPECS.map((spec) => [spec.key] as const))(
    '%s: the dashboard counts only what the person may see',
    async (key) => {
      const who = viewer(key)
      const seen = await answerOf(() => dashboardLoader(get(who.cookie, '/')))
      const dashboard = (JSON.parse(seen.body) as { dashboard: DashboardShape }).dashboard
      const counted = { order: 0, request: 0, ticket: 0 }
      for (const entry of [...dashboard.waitingOnCustomer, ...dashboard.inProgress]) {
        counted[entry.type] += 1
      }
      const expected = { order: 0, request: 0, ticket: 0 }
      for (const item of world.items) if (mayView(who, item)) expected[item.kind] += 1
      expect(counted).toEqual(expected)
    },
  )
})

interface DashboardShape {
  waitingOnCustomer: { type: ItemKind }[]
  inProgress: { type: ItemKind }[]
}

describe('actions on items a person may not see: 404 like an unknown number, nothing changed', () => {
  const cases = VIEWER_SPECS.flatMap((spec) => ITEM_KINDS.map((kind) => [spec.key, kind] as const))
  test.each(cases)('%s: every %s action and page', async (key, kind) => {
    const who = viewer(key)
    const hidden = world.items.filter((item) => item.kind === kind && !mayView(who, item))
    const before = await databaseFingerprint(database.db)
    const wrong: string[] = []
    for (const item of hidden) {
      for (const probe of ITEM_PROBES.filter((probe) => probe.kind === kind)) {
        const ids = { number: item.number, attachmentId: item.attachmentId ?? UNKNOWN_UUID }
        const foreign = await answerOf(
          () => probe.run(who.cookie, ids),
          [item.number, item.attachmentId ?? item.number],
        )
        const unknown = await answerOf(
          () => probe.run(who.cookie, { number: UNKNOWN[kind], attachmentId: UNKNOWN_UUID }),
          [UNKNOWN[kind], UNKNOWN_UUID],
        )
        const expected = probe.hidden ?? 404
        if (foreign.status !== expected) {
          wrong.push(`${item.key} ${probe.name}: expected ${expected}, got ${foreign.status}`)
        } else if (JSON.stringify(foreign) !== JSON.stringify(unknown)) {
          wrong.push(`${item.key} ${probe.name}: not the same answer as an unknown number`)
        }
      }
    }
    await flushPendingMail()
    expect(wrong).toEqual([])
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('the attachment of a hidden ticket cannot be fetched through a ticket one may see', async () => {
    const before = await databaseFingerprint(database.db)
    const wrong: string[] = []
    for (const spec of VIEWER_SPECS) {
      const who = viewer(spec.key)
      const own = world.items.find((item) => item.kind === 'ticket' && mayView(who, item))
      if (!own) throw new Error(`${spec.key} sees no ticket`)
      for (const item of world.items.filter(
        (item) => item.kind === 'ticket' && !mayView(who, item),
      )) {
        const seen = await answerOf(() =>
          attachment(who.cookie, own.number, item.attachmentId ?? UNKNOWN_UUID),
        )
        if (seen.status !== 404) wrong.push(`${spec.key} ${item.key}: got ${seen.status}`)
      }
    }
    expect(wrong).toEqual([])
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('the opener’s actions, tried by colleagues who see the item: 403, nothing changed', () => {
  const cases = VIEWER_SPECS.flatMap((spec) => ITEM_KINDS.map((kind) => [spec.key, kind] as const))
  test.each(cases)('%s: %s actions only the opener may take', async (key, kind) => {
    const who = viewer(key)
    const others = world.items.filter(
      (item) => item.kind === kind && mayView(who, item) && item.opener !== who.person,
    )
    const before = await databaseFingerprint(database.db)
    const wrong: string[] = []
    for (const item of others) {
      for (const probe of ITEM_PROBES.filter((probe) => probe.kind === kind && probe.openerOnly)) {
        const ids = { number: item.number, attachmentId: item.attachmentId ?? UNKNOWN_UUID }
        const seen = await answerOf(() => probe.run(who.cookie, ids))
        const refused =
          probe.openerOnly === 'forbidden'
            ? seen.status === 403
            : seen.status >= 400 && seen.status < 500
        if (!refused) {
          const expected = probe.openerOnly === 'forbidden' ? '403' : 'a 4xx refusal'
          wrong.push(`${item.key} ${probe.name}: expected ${expected}, got ${seen.status}`)
        }
      }
    }
    await flushPendingMail()
    expect(wrong).toEqual([])
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('the same opener-only forms, as the opener: they succeed (so the refusals are real)', () => {
  const controlled = ITEM_PROBES.filter((probe) => probe.openerOnly && probe.control)
  test.each(controlled.map((probe) => [probe.name, probe] as const))(
    '%s: a colleague is refused and nothing changes; the opener succeeds',
    async (_name, probe) => {
      const item = await addWorldItem(database.db, world, {
        kind: probe.kind,
        opener: 'paula',
        organisation: 'A',
        visibility: 'organisation',
        ...probe.control,
      })
      const ids = { number: item.number, attachmentId: UNKNOWN_UUID }
      const before = await databaseFingerprint(database.db)
      const colleague = await answerOf(() => probe.run(viewer('nora@A').cookie, ids))
      await flushPendingMail()
      if (probe.openerOnly === 'forbidden') expect(colleague.status).toBe(403)
      else expect(colleague.status).toBeGreaterThanOrEqual(400)
      expect(await databaseFingerprint(database.db)).toEqual(before)
      const opener = await answerOf(() => probe.run(viewer('paula@A').cookie, ids))
      await flushPendingMail()
      if (probe.name.startsWith('GET ')) {
        expect(opener.status).toBe(200)
      } else {
        expect(opener.status).toBeLessThan(400)
        expect(await databaseFingerprint(database.db)).not.toEqual(before)
      }
    },
  )
})

describe('what colleagues who see a ticket may do', () => {
  test('a member named on a ticket replies; the thread names who wrote each message', async () => {
    const db = database.db
    const mia = viewer('mia@A')
    const ticket = world.item('ticket', 'a-named')
    const reply = await answerOf(() =>
      ticketAction(
        postMultipart(
          mia.cookie,
          `/tickets/${ticket.number}`,
          {
            intent: 'reply',
            message: 'Mia adds: the invoice is attached.',
            idempotencyKey: crypto.randomUUID(),
          },
          { ticketNumber: ticket.number },
        ),
      ),
    )
    expect(reply.status).toBe(302)
    const message = await db
      .selectFrom('ticket_messages')
      .select(['author_kind', 'author_account_id'])
      .where('ticket_id', '=', ticket.id)
      .where('body', '=', 'Mia adds: the invoice is attached.')
      .executeTakeFirstOrThrow()
    expect(message).toEqual({
      author_kind: 'customer',
      author_account_id: world.people.mia.accountId,
    })

    // The opener sees Mia's name on it; Mia sees the opener's name on the first message.
    const paula = viewer('paula@A')
    const asOpener = await answerOf(() =>
      ticketLoader(get(paula.cookie, `/tickets/${ticket.number}`, { ticketNumber: ticket.number })),
    )
    expect(asOpener.body).toContain(displayName('mia'))
    const asMia = await answerOf(() =>
      ticketLoader(get(mia.cookie, `/tickets/${ticket.number}`, { ticketNumber: ticket.number })),
    )
    expect(asMia.body).toContain(displayName('paula'))
    // Nora, not named, still gets the unknown number's 404 after the reply.
    const nora = await answerOf(() =>
      ticketLoader(
        get(viewer('nora@A').cookie, `/tickets/${ticket.number}`, { ticketNumber: ticket.number }),
      ),
    )
    expect(nora.status).toBe(404)
  })

  test('an owner replies on a ticket shared with the organisation', async () => {
    const olive = viewer('olive@A')
    const ticket = world.item('ticket', 'a-organisation')
    const reply = await answerOf(() =>
      ticketAction(
        postMultipart(
          olive.cookie,
          `/tickets/${ticket.number}`,
          {
            intent: 'reply',
            message: 'Olive: I will check with the warehouse.',
            idempotencyKey: crypto.randomUUID(),
          },
          { ticketNumber: ticket.number },
        ),
      ),
    )
    expect(reply.status).toBe(302)
    const asOpener = await answerOf(() =>
      ticketLoader(
        get(viewer('mia@A').cookie, `/tickets/${ticket.number}`, { ticketNumber: ticket.number }),
      ),
    )
    expect(asOpener.body).toContain('Olive: I will check with the warehouse.')
    expect(asOpener.body).toContain(displayName('olive'))
  })
})

describe('new items and sharing: only current colleagues of the organisation acted for', () => {
  async function newTicket(cookie: string, fields: Record<string, string>) {
    const subject = `New ${crypto.randomUUID()}`
    const seen = await answerOf(() =>
      newTicketAction(
        postMultipart(cookie, '/tickets/new', {
          category: 'other',
          subject,
          message: 'Hello',
          idempotencyKey: crypto.randomUUID(),
          ...fields,
        }),
      ),
    )
    const row = await database.db
      .selectFrom('tickets')
      .select(['id', 'organisation_id', 'visibility'])
      .where('subject', '=', subject)
      .executeTakeFirst()
    const shares = row
      ? await database.db
          .selectFrom('item_shares')
          .select('customer_id')
          .where('item_kind', '=', 'ticket')
          .where('item_id', '=', row.id)
          .execute()
      : []
    return { seen, row, shares: shares.map((share) => share.customer_id) }
  }

  test('acting for A, a ticket named to a colleague belongs to A and is shared with them', async () => {
    const { seen, row, shares } = await newTicket(viewer('paula@A').cookie, {
      visibility: 'named',
      sharedWith: world.people.mia.customerId,
    })
    expect(seen.status).toBe(302)
    expect(row).toMatchObject({ organisation_id: world.organisations.A.id, visibility: 'named' })
    expect(shares).toEqual([world.people.mia.customerId])
  })

  test.each([
    ['a member of the other organisation', 'bert'],
    ['a removed member', 'rex'],
  ] as const)(
    'acting for A, naming %s is a field error and changes nothing',
    async (_who, person) => {
      const before = await databaseFingerprint(database.db)
      const { seen, row } = await newTicket(viewer('paula@A').cookie, {
        visibility: 'named',
        sharedWith: world.people[person].customerId,
      })
      expect(seen.status).toBe(400)
      expect(row).toBeUndefined()
      expect(await databaseFingerprint(database.db)).toEqual(before)
    },
  )

  test('acting for herself, a posted visibility is ignored: personal and private', async () => {
    const { seen, row, shares } = await newTicket(viewer('paula@personal').cookie, {
      visibility: 'organisation',
      sharedWith: world.people.mia.customerId,
    })
    expect(seen.status).toBe(302)
    expect(row).toMatchObject({ organisation_id: null, visibility: 'private' })
    expect(shares).toEqual([])
  })

  test('the opener cannot name someone outside the organisation on an existing ticket', async () => {
    const ticket = world.item('ticket', 'a-private')
    const before = await databaseFingerprint(database.db)
    for (const person of ['bert', 'rex'] as const) {
      const seen = await answerOf(() =>
        ticketAction(
          postMultipart(
            viewer('paula@A').cookie,
            `/tickets/${ticket.number}`,
            {
              ...sharingFields(world.people[person].customerId),
              idempotencyKey: crypto.randomUUID(),
            },
            { ticketNumber: ticket.number },
          ),
        ),
      )
      expect(seen.status, person).toBe(400)
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('the opener shares her private ticket with a colleague, who then sees it', async () => {
    const db = database.db
    const { row } = await newTicket(viewer('paula@A').cookie, { visibility: 'private' })
    if (!row) throw new Error('No ticket opened')
    const { ticket_number: number } = await db
      .selectFrom('tickets')
      .select('ticket_number')
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow()
    const nora = viewer('nora@A')
    const hidden = await answerOf(() =>
      ticketLoader(get(nora.cookie, `/tickets/${number}`, { ticketNumber: number })),
    )
    expect(hidden.status).toBe(404)
    const changed = await answerOf(() =>
      ticketAction(
        postMultipart(
          viewer('paula@A').cookie,
          `/tickets/${number}`,
          { ...sharingFields(world.people.nora.customerId), idempotencyKey: crypto.randomUUID() },
          { ticketNumber: number },
        ),
      ),
    )
    expect(changed.status).toBeLessThan(400)
    const shown = await answerOf(() =>
      ticketLoader(get(nora.cookie, `/tickets/${number}`, { ticketNumber: number })),
    )
    expect(shown.status).toBe(200)
    const history = await db
      .selectFrom('record_history')
      .select(['customer_id', 'entity_type', 'action'])
      .where('entity_id', '=', row.id)
      .where('action', '=', 'sharing_changed')
      .execute()
    expect(history).toEqual([
      {
        customer_id: world.people.paula.customerId,
        entity_type: 'ticket',
        action: 'sharing_changed',
      },
    ])
  })
})

describe('switching what a session acts for', () => {
  probe('organisations.switch.tsx', 'loader')
  probe('organisations.switch.tsx', 'action')

  test('GET /organisations/switch only sends the browser home', async () => {
    const seen = await answerOf(() => switchLoader())
    expect(seen).toMatchObject({ status: 302, location: '/' })
  })

  test.each([
    ['mia@A', 'B', 'an organisation she does not belong to'],
    ['rex@A(old session)', 'A', 'the organisation he was removed from'],
    ['bert@B', 'A', 'the other organisation'],
    ['paula@personal', 'unknown', 'an id that does not exist'],
  ] as const)('%s switching to %s (%s): 404, nothing changed', async (key, target, _what) => {
    const who = viewer(key)
    const organisationId = target === 'unknown' ? UNKNOWN_UUID : world.organisations[target].id
    const before = await databaseFingerprint(database.db)
    const seen = await answerOf(() =>
      switchAction(post(who.cookie, '/organisations/switch', { organisationId, redirectTo: '/' })),
    )
    const unknown = await answerOf(() =>
      switchAction(
        post(who.cookie, '/organisations/switch', {
          organisationId: UNKNOWN_UUID,
          redirectTo: '/',
        }),
      ),
    )
    expect(seen.status).toBe(404)
    expect(seen).toEqual(unknown)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('Paula switches from A to B: the new session lists B’s items and none of A’s', async () => {
    const cookie = await world.cookieFor('paula', 'A')
    const switched = await answerOf(() =>
      switchAction(
        post(cookie, '/organisations/switch', {
          organisationId: world.organisations.B.id,
          redirectTo: '/tickets',
        }),
      ),
    )
    expect(switched).toMatchObject({ status: 302, location: '/tickets' })
    const response = await switchAction(
      post(await world.cookieFor('paula', 'A'), '/organisations/switch', {
        organisationId: world.organisations.B.id,
        redirectTo: '/tickets',
      }),
    ).catch((error: unknown) => error)
    if (!(response instanceof Response)) throw new Error('The switch answered no redirect')
    const newCookie = cookieFrom(response)
    const list = await answerOf(() => ticketsLoader(get(newCookie, '/tickets')))
    const paulaAtB = viewer('paula@B')
    for (const item of world.items.filter((item) => item.kind === 'ticket')) {
      expect(mentions(list.body, item.number), item.key).toBe(mayView(paulaAtB, item))
    }
  })
})

async function consentFingerprint() {
  const everything = await databaseFingerprint(database.db)
  return Object.fromEntries(
    Object.entries(everything).filter(([table]) => table.startsWith('consent_')),
  )
}

// ---------------------------------------------------------------------------------------------
// The organisation's own pages: for the people acting for it; owners manage it.

const ORGANISATIONS = ['A', 'B'] as const

/** What a page of organisation `which` gives this viewer. */
function pageAccess(spec: ViewerSpec, which: 'A' | 'B'): 'owner' | 'member' | 'none' {
  return spec.actingFor === which && spec.pageRole ? spec.pageRole : 'none'
}

const ADDRESS_FIELDS = {
  kind: 'shipping',
  recipient: 'Taken Over AB',
  line1: 'Elsewhere 1',
  city: 'Malmö',
  postalCode: '211 34',
  countryCode: 'SE',
}

const OWNER_INTENTS: [
  string,
  (target: { invitationId: string; addressId: string }) => Record<string, string>,
][] = [
  [
    'details',
    () => ({
      intent: 'details',
      version: '1',
      name: 'Taken Over AB',
      legalName: 'Taken Over Aktiebolag',
      registrationNumber: 'SE000000000001',
    }),
  ],
  ['visibility', () => ({ intent: 'visibility', visibility: 'private' })],
  [
    'invite',
    () => ({ intent: 'invite', email: 'stranger@example.com', role: 'owner', language: 'en' }),
  ],
  ['revoke', (target) => ({ intent: 'revoke', invitationId: target.invitationId })],
  ['role', () => ({ intent: 'role', customerId: world.people.nora.customerId, role: 'owner' })],
  ['remove', () => ({ intent: 'remove', customerId: world.people.nora.customerId })],
  ['address-add', () => ({ intent: 'address-add', ...ADDRESS_FIELDS })],
  [
    'address-edit',
    (target) => ({
      intent: 'address-edit',
      addressId: target.addressId,
      version: '1',
      ...ADDRESS_FIELDS,
    }),
  ],
  ['address-remove', (target) => ({ intent: 'address-remove', addressId: target.addressId })],
  ['no intent', () => ({})],
]

describe('organisation pages: members see their organisation, owners manage it', () => {
  probe('organisations.$organisationId.tsx', 'loader')
  probe('organisations.$organisationId.tsx', 'action')
  probe('organisations.$organisationId_.history.tsx', 'loader')
  const invitations: Record<'A' | 'B', { id: string; token: string }> = {
    A: { id: '', token: '' },
    B: { id: '', token: '' },
  }
  const addresses: Record<'A' | 'B', string> = { A: '', B: '' }
  beforeAll(async () => {
    for (const which of ORGANISATIONS) {
      const owner = world.people[which === 'A' ? 'olive' : 'bert']
      const invitation = await createOrganisationInvitation(database.db, {
        organisationId: world.organisations[which].id,
        email: `invited.${which.toLowerCase()}.${crypto.randomUUID().slice(0, 8)}@example.com`,
        role: 'member',
        language: 'en',
        invitedBy: owner.accountId,
        actor: { kind: 'customer', id: owner.accountId },
        channel: 'portal',
      })
      invitations[which] = { id: invitation.id, token: invitation.token }
      const address = await addOrganisationAddress(database.db, {
        organisationId: world.organisations[which].id,
        address: {
          kind: 'registered',
          recipient: `Registered office ${which}`,
          line1: 'Fixture Street 1',
          line2: null,
          city: 'Malmö',
          region: null,
          postalCode: '211 34',
          countryCode: 'SE',
        },
        actor: { kind: 'customer', id: owner.accountId },
        channel: 'portal',
      })
      addresses[which] = address.id
    }
  })

  const cases = VIEWER_SPECS.flatMap((spec) =>
    ORGANISATIONS.map((which) => [spec.key, which, pageAccess(spec, which)] as const),
  )

  test.each(cases)(
    '%s, the page and history of %s (%s): 200 for its people, else 404 like an unknown id',
    async (key, which, access) => {
      const who = viewer(key)
      const id = world.organisations[which].id
      const name = which === 'A' ? 'Acme Fixtures AB' : 'Bravo Fixtures GmbH'
      const before = await databaseFingerprint(database.db)
      const load = (organisationId: string) =>
        answerOf(
          () =>
            organisationLoader(
              get(who.cookie, `/organisations/${organisationId}`, { organisationId }),
            ),
          [organisationId],
        )
      const history = (organisationId: string) =>
        answerOf(
          () =>
            organisationHistoryLoader(
              get(who.cookie, `/organisations/${organisationId}/history`, { organisationId }),
            ),
          [organisationId],
        )
      const page = await load(id)
      const log = await history(id)
      if (access === 'none') {
        expect(page.status).toBe(404)
        expect(page).toEqual(await load(UNKNOWN_UUID))
        expect(log.status).toBe(404)
        expect(log).toEqual(await history(UNKNOWN_UUID))
      } else {
        expect(page.status).toBe(200)
        expect(page.body).toContain(name)
        // Open invitations (with their addresses) are for owners only.
        expect(page.body.includes(invitations[which].id)).toBe(access === 'owner')
        expect(log.status).toBe(access === 'owner' ? 200 : 403)
      }
      expect(await databaseFingerprint(database.db)).toEqual(before)
    },
  )

  test.each(cases.filter(([, , access]) => access !== 'owner'))(
    '%s, the owner’s actions on %s (%s): refused, nothing changed',
    async (key, which, access) => {
      const who = viewer(key)
      const id = world.organisations[which].id
      const before = await databaseFingerprint(database.db)
      const wrong: string[] = []
      const intents: typeof OWNER_INTENTS = [
        ...OWNER_INTENTS,
        // Leaving is anyone's, for their own organisation: only refused to outsiders here.
        ...(access === 'none'
          ? [['leave', () => ({ intent: 'leave' })] as (typeof OWNER_INTENTS)[number]]
          : []),
      ]
      for (const [intent, fields] of intents) {
        const send = (organisationId: string) =>
          answerOf(
            () =>
              organisationAction(
                post(
                  who.cookie,
                  `/organisations/${organisationId}`,
                  fields({ invitationId: invitations[which].id, addressId: addresses[which] }),
                  {
                    organisationId,
                  },
                ),
              ),
            [organisationId],
          )
        const seen = await send(id)
        if (access === 'none') {
          if (seen.status !== 404) wrong.push(`${intent}: expected 404, got ${seen.status}`)
          else if (JSON.stringify(seen) !== JSON.stringify(await send(UNKNOWN_UUID))) {
            wrong.push(`${intent}: not the same answer as an unknown id`)
          }
        } else if (seen.status !== 403) {
          wrong.push(`${intent}: expected 403, got ${seen.status}`)
        }
      }
      await flushPendingMail()
      expect(wrong).toEqual([])
      expect(await databaseFingerprint(database.db)).toEqual(before)
    },
  )

  test('the owner cannot remove or demote the last owner: refused, nothing changed', async () => {
    const olive = viewer('olive@A')
    const id = world.organisations.A.id
    const before = await databaseFingerprint(database.db)
    const attempts: Record<string, string>[] = [
      { intent: 'remove', customerId: world.people.olive.customerId },
      { intent: 'role', customerId: world.people.olive.customerId, role: 'member' },
    ]
    for (const fields of attempts) {
      const seen = await answerOf(() =>
        organisationAction(
          post(olive.cookie, `/organisations/${id}`, fields, { organisationId: id }),
        ),
      )
      expect(seen.status, fields.intent).toBe(409)
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('an owner cannot remove, promote, revoke or change addresses in the other organisation by its ids', async () => {
    // Olive acts for A and names B's people and invitation: nothing of B's may change.
    const olive = viewer('olive@A')
    const id = world.organisations.A.id
    const before = await databaseFingerprint(database.db)
    const attempts: Record<string, string>[] = [
      { intent: 'remove', customerId: world.people.bert.customerId },
      { intent: 'role', customerId: world.people.bert.customerId, role: 'member' },
      { intent: 'revoke', invitationId: invitations.B.id },
      { intent: 'address-remove', addressId: addresses.B },
      { intent: 'address-edit', addressId: addresses.B, version: '1', ...ADDRESS_FIELDS },
    ]
    for (const fields of attempts) {
      const seen = await answerOf(() =>
        organisationAction(
          post(olive.cookie, `/organisations/${id}`, fields, { organisationId: id }),
        ),
      )
      expect(seen.status, fields.intent).toBe(404)
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('invitations, joining, leaving and removal', () => {
  probe('organisations.join.tsx', 'loader')
  probe('organisations.join.tsx', 'action')
  const joinUrl = (token: string) => `/organisations/join?${new URLSearchParams({ token })}`
  const NEW_PASSWORD = 'a long enough new password 2026'

  async function invite(email: string) {
    const olive = viewer('olive@A')
    const id = world.organisations.A.id
    const { result, arrived } = await smtp.collect(() =>
      answerOf(() =>
        organisationAction(
          post(
            olive.cookie,
            `/organisations/${id}`,
            { intent: 'invite', email, role: 'member', language: 'en' },
            { organisationId: id },
          ),
        ),
      ),
    )
    expect(result.status).toBe(302)
    const mail = arrived.find((message) => recipientOf(message) === email)
    const link = mail?.text?.match(/https?:\/\/\S+\/organisations\/join\?token=[\w-]+/)?.[0]
    if (!link) throw new Error(`No invitation mail with a link to ${email}`)
    return new URL(link).searchParams.get('token') ?? ''
  }

  test('a forged link shows the invalid page and joins nobody', async () => {
    const cookie = viewer('paula@B').cookie
    const before = await databaseFingerprint(database.db)
    const page = await answerOf(() =>
      joinLoader(routeArgs(getRequest(joinUrl('forged'), { cookie }))),
    )
    expect(page.status).toBe(400)
    const join = await answerOf(() =>
      joinAction(
        routeArgs(
          formRequest('/organisations/join', { intent: 'join', token: 'forged' }, { cookie }),
        ),
      ),
    )
    expect(join.status).toBe(409)
    const create = await answerOf(() =>
      joinAction(
        routeArgs(
          formRequest('/organisations/join', {
            intent: 'create',
            token: 'forged',
            givenName: 'Forged',
            familyName: 'Person',
            password: NEW_PASSWORD,
            confirmPassword: NEW_PASSWORD,
          }),
        ),
      ),
    )
    expect(create.status).toBeGreaterThanOrEqual(400)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('someone else signed in cannot use a colleague’s invitation', async () => {
    const email = `tessa.${crypto.randomUUID().slice(0, 8)}@example.com`
    const token = await invite(email)
    const before = await databaseFingerprint(database.db)
    // Paula, acting for B, opens and posts the link meant for the new address.
    const cookie = viewer('paula@B').cookie
    const page = await answerOf(() => joinLoader(routeArgs(getRequest(joinUrl(token), { cookie }))))
    expect(page.status).toBe(200)
    expect(page.body).not.toContain(world.people.paula.email)
    const join = await answerOf(() =>
      joinAction(
        routeArgs(formRequest('/organisations/join', { intent: 'join', token }, { cookie })),
      ),
    )
    expect(join.status).toBe(409)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('the invited person joins, then the owner removes them: their sessions acting for A end', async () => {
    const db = database.db
    const email = `tom.${crypto.randomUUID().slice(0, 8)}@example.com`
    const token = await invite(email)
    const joined = await answerOf(() =>
      joinAction(
        routeArgs(
          formRequest('/organisations/join', {
            intent: 'create',
            token,
            givenName: 'Tom',
            familyName: 'Newcomer',
            password: NEW_PASSWORD,
            confirmPassword: NEW_PASSWORD,
          }),
        ),
      ),
    )
    expect(joined.status).toBe(302)
    expect(joined.location).toContain(`/organisations/${world.organisations.A.id}`)
    const account = await db
      .selectFrom('accounts')
      .select(['id', 'customer_id'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow()
    const customerId = account.customer_id ?? ''
    // Tom opens a ticket for A shared with the organisation; colleagues see it.
    const tomAtA = await sessionFor(account.id, 'A')
    const tomPersonal = await sessionFor(account.id, null)
    const opened = await answerOf(() =>
      newTicketAction(
        postMultipart(tomAtA, '/tickets/new', {
          category: 'other',
          subject: 'Tom asks about the invoice',
          message: 'Hello from Tom',
          visibility: 'organisation',
          idempotencyKey: crypto.randomUUID(),
        }),
      ),
    )
    expect(opened.status).toBe(302)
    const ticketNumber = opened.location?.split('/').pop() ?? ''
    const seenByNora = await answerOf(() =>
      ticketLoader(get(viewer('nora@A').cookie, `/tickets/${ticketNumber}`, { ticketNumber })),
    )
    expect(seenByNora.status).toBe(200)
    const historyBefore = await db
      .selectFrom('record_history')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('customer_id', '=', customerId)
      .executeTakeFirstOrThrow()

    const olive = viewer('olive@A')
    const id = world.organisations.A.id
    const removed = await answerOf(() =>
      organisationAction(
        post(
          olive.cookie,
          `/organisations/${id}`,
          { intent: 'remove', customerId },
          { organisationId: id },
        ),
      ),
    )
    expect(removed.status).toBe(302)
    // The session acting for A is gone; the personal one carries on.
    const sessions = await db
      .selectFrom('sessions')
      .select('active_organisation_id')
      .where('account_id', '=', account.id)
      .execute()
    expect(sessions.map((session) => session.active_organisation_id)).toEqual([null])
    const oldBrowser = await answerOf(() => ticketsLoader(get(tomAtA, '/tickets')))
    expect(oldBrowser.status).toBe(302)
    expect(oldBrowser.location).toContain('/login')
    // Tom no longer sees the ticket he opened for A; his colleagues still do.
    const tomNow = await answerOf(() =>
      ticketLoader(get(tomPersonal, `/tickets/${ticketNumber}`, { ticketNumber })),
    )
    expect(tomNow.status).toBe(404)
    const noraNow = await answerOf(() =>
      ticketLoader(get(viewer('nora@A').cookie, `/tickets/${ticketNumber}`, { ticketNumber })),
    )
    expect(noraNow.status).toBe(200)
    // His own history stays; the organisation's says who removed him.
    const historyAfter = await db
      .selectFrom('record_history')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('customer_id', '=', customerId)
      .executeTakeFirstOrThrow()
    expect(Number(historyAfter.n)).toBeGreaterThanOrEqual(Number(historyBefore.n))
    const entry = await db
      .selectFrom('organisation_history')
      .select(['actor_kind', 'actor_id', 'channel'])
      .where('organisation_id', '=', id)
      .where('subject_customer_id', '=', customerId)
      .where('action', '=', 'member_removed')
      .executeTakeFirstOrThrow()
    expect(entry).toEqual({
      actor_kind: 'customer',
      actor_id: world.people.olive.accountId,
      channel: 'portal',
    })
    // And his old organisation page is the unknown id's 404.
    const page = await answerOf(() =>
      organisationLoader(get(tomPersonal, `/organisations/${id}`, { organisationId: id })),
    )
    expect(page.status).toBe(404)
  })

  test('a member leaves: the membership ends and the browser acts for them alone', async () => {
    const db = database.db
    const email = `lea.${crypto.randomUUID().slice(0, 8)}@example.com`
    const token = await invite(email)
    const joined = await answerOf(() =>
      joinAction(
        routeArgs(
          formRequest('/organisations/join', {
            intent: 'create',
            token,
            givenName: 'Lea',
            familyName: 'Leaving',
            password: NEW_PASSWORD,
            confirmPassword: NEW_PASSWORD,
          }),
        ),
      ),
    )
    expect(joined.status).toBe(302)
    const account = await db
      .selectFrom('accounts')
      .select(['id', 'customer_id'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow()
    const cookie = await sessionFor(account.id, 'A')
    const id = world.organisations.A.id
    const left = await answerOf(() =>
      organisationAction(
        post(cookie, `/organisations/${id}`, { intent: 'leave' }, { organisationId: id }),
      ),
    )
    expect(left).toMatchObject({ status: 302, location: '/' })
    const membership = await db
      .selectFrom('organisation_members')
      .select('removed_at')
      .where('organisation_id', '=', id)
      .where('customer_id', '=', account.customer_id ?? '')
      .executeTakeFirstOrThrow()
    expect(membership.removed_at).not.toBeNull()
  })
})

async function sessionFor(accountId: string, actingFor: 'A' | 'B' | null) {
  return sessionCookieFor(accountId, {
    actingFor: actingFor ? world.organisations[actingFor].id : null,
  })
}

describe('consent stays personal', () => {
  test('nothing in this file, organisation actions included, wrote a consent row', async () => {
    expect(await consentFingerprint()).toEqual(consentBefore)
    expect(Object.keys(consentBefore)).toEqual(
      expect.arrayContaining(['consent_current', 'consent_ledger']),
    )
  })
})

describe('every customer route about these items is in this matrix', () => {
  test('every intent of the ticket and request pages has a probe', () => {
    const names = ITEM_PROBES.map((probe) => probe.name)
    for (const intent of ticketIntents) {
      expect(names).toContain(`POST /tickets/:ticketNumber intent=${intent}`)
    }
    for (const intent of [...RequestActionSchema.optionsMap.keys(), 'sharing']) {
      expect(names).toContain(`POST /requests/:requestNumber intent=${String(intent)}`)
    }
    // A guard against a probe silently dropped from the table: the lead quotes this number.
    expect(ITEM_PROBES).toHaveLength(PROBE_COUNT)
  })

  test('each loader and action of the item, dashboard and organisation routes has a case', async () => {
    const routesDir = path.join(process.cwd(), 'app/routes')
    const files = readdirSync(routesDir).filter(
      (file) =>
        !file.startsWith('staff') &&
        (file === '_index.tsx' ||
          /^(orders|requests|tickets|organisations?|invitations?)[._]/.test(file) ||
          /organisation|invitation/.test(file)),
    )
    const missing: string[] = []
    for (const file of files) {
      const module = (await import(/* @vite-ignore */ path.join(routesDir, file))) as Record<
        string,
        unknown
      >
      for (const exportName of ['loader', 'action'] as const) {
        if (typeof module[exportName] === 'function' && !probed.has(`${file}#${exportName}`)) {
          missing.push(`${file}#${exportName}`)
        }
      }
    }
    expect(missing).toEqual([])
  })
})
