import { describe, expect, it } from 'vitest'
import { loader as listLoader } from '#app/routes/tickets._index.tsx'
import { action as newAction, loader as newLoader } from '#app/routes/tickets.new.tsx'
import {
  action as threadAction,
  loader as threadLoader,
} from '#app/routes/tickets.$ticketNumber.tsx'
import { loader as downloadLoader } from '#app/routes/tickets.$ticketNumber.attachments.$attachmentId.tsx'
import { type Database } from '#db/database.ts'
import { getItemSharing, writeSharing } from '#db/item-shares.ts'
import { type ItemVisibility } from '#db/item-visibility.ts'
import { addMember, createOrganisation } from '#db/organisations.ts'
import { openTicket } from '#db/tickets.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createCustomerAccount,
  getRequest,
  routeArgs,
  sessionCookieFor,
} from '#test/support/fixtures.ts'
import {
  addStaffMessage,
  answerOf,
  type Answer,
  multipartRequest,
  useUploadsDir,
} from '#test/tickets/ticket-fixtures.ts'

// Who may see, answer and change an organisation's ticket, proved over the ticket routes'
// loaders and actions: everyone who may see a ticket reads and replies; only its opener closes,
// reopens, rates it and changes who sees it (403 for colleagues); everyone else gets the 404 of
// an unknown number, and a refused action changes nothing.

const database = useTestDatabase()
useUploadsDir()

interface Person {
  customerId: string
  accountId: string
  name: string
  /** Signed in, acting for Acme (or for Beta, for Paula's `cookie`). */
  cookie: string
}

async function person(db: Database, givenName: string, actingFor: string | null) {
  const account = await createCustomerAccount(db, { givenName })
  return {
    customerId: account.customerId,
    accountId: account.accountId,
    name: `${givenName} Berg`,
    actingFor,
  }
}

const system = { actor: { kind: 'system' as const }, channel: 'system' as const }

/**
 * Acme (default: the whole organisation) with its owner Olive and members Mia, Nora, Rex and
 * Paula; Beta with its owner Bert and Paula too. Olive's tickets: one for all of Acme, one named
 * for Mia and Rex, a personal one; Nora's private Acme ticket; Bert's Beta ticket for all of
 * Beta; Paula's personal ticket. Rex is removed from Acme afterwards.
 */
async function world() {
  const db = database.db
  const olive = await person(db, 'Olive', null)
  const acme = await createOrganisation(
    db,
    {
      name: 'Acme Interiors',
      defaultVisibility: 'organisation',
      ownerCustomerId: olive.customerId,
    },
    system,
  )
  const bertAccount = await person(db, 'Bert', null)
  const beta = await createOrganisation(
    db,
    { name: 'Beta Logistik', ownerCustomerId: bertAccount.customerId },
    system,
  )
  const members = await Promise.all(
    ['Mia', 'Nora', 'Rex', 'Paula'].map((name) => person(db, name, null)),
  )
  const [mia, nora, rex, paula] = members as [
    (typeof members)[0],
    (typeof members)[0],
    (typeof members)[0],
    (typeof members)[0],
  ]
  for (const member of members) {
    await addMember(db, {
      organisationId: acme.id,
      customerId: member.customerId,
      role: 'member',
      ...system,
    })
  }
  await addMember(db, {
    organisationId: beta.id,
    customerId: paula.customerId,
    role: 'member',
    ...system,
  })

  const signedIn = async (p: Awaited<ReturnType<typeof person>>, orgId: string | null) => ({
    customerId: p.customerId,
    accountId: p.accountId,
    name: p.name,
    cookie: await sessionCookieFor(p.accountId, { actingFor: orgId }),
  })
  const people = {
    olive: await signedIn(olive, acme.id),
    oliveAlone: await signedIn(olive, null),
    mia: await signedIn(mia, acme.id),
    nora: await signedIn(nora, acme.id),
    rex: await signedIn(rex, acme.id),
    paulaForBeta: await signedIn(paula, beta.id),
    paulaAlone: await signedIn(paula, null),
    paulaForAcme: await signedIn(paula, acme.id),
    bert: await signedIn(bertAccount, beta.id),
  }

  const open = async (
    opener: Person,
    organisationId: string | null,
    visibility: ItemVisibility,
    sharedWith: string[] = [],
    subject = 'Conference chairs',
  ) =>
    openTicket(db, {
      customerId: opener.customerId,
      organisation: organisationId
        ? { id: organisationId, role: 'member', visibility, sharedWith }
        : null,
      actor: { kind: 'customer', id: opener.accountId },
      channel: 'portal',
      category: 'delivery',
      subject,
      body: 'When do they arrive?',
      orderId: null,
      requestId: null,
      idempotencyKey: crypto.randomUUID(),
      attachments: [],
    })

  const tickets = {
    acmeWide: await open(people.olive, acme.id, 'organisation', [], 'For all of Acme'),
    named: await open(
      people.olive,
      acme.id,
      'named',
      [mia.customerId, rex.customerId],
      'For Mia and Rex',
    ),
    olivePersonal: await open(people.olive, null, 'private', [], 'Olive personal'),
    noraPrivate: await open(people.nora, acme.id, 'private', [], 'Nora private'),
    betaWide: await open(people.bert, beta.id, 'organisation', [], 'For all of Beta'),
    paulaPersonal: await open(people.paulaAlone, null, 'private', [], 'Paula personal'),
  }
  // Rex leaves Acme: his sessions no longer act for it, whatever their row still says.
  await db
    .updateTable('organisation_members')
    .set({ removed_at: new Date() })
    .where('organisation_id', '=', acme.id)
    .where('customer_id', '=', rex.customerId)
    .execute()

  return { acme, beta, people, tickets }
}

type World = Awaited<ReturnType<typeof world>>

function formPost(path: string, pairs: [string, string][], cookie: string): Request {
  return new Request(`http://localhost${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body: new URLSearchParams(pairs),
  })
}

async function loadThread(who: Person, ticketNumber: string): Promise<Answer> {
  return answerOf(() =>
    threadLoader(
      routeArgs(getRequest(`/tickets/${ticketNumber}`, { cookie: who.cookie }), { ticketNumber }),
    ),
  )
}

/** The thread loader's data, for a viewer who may see it. */
async function threadOf(who: Person, ticketNumber: string) {
  const result = await threadLoader(
    routeArgs(getRequest(`/tickets/${ticketNumber}`, { cookie: who.cookie }), { ticketNumber }),
  )
  return result.data
}

async function postToTicket(who: Person, ticketNumber: string, pairs: [string, string][]) {
  return answerOf(() =>
    threadAction(
      routeArgs(formPost(`/tickets/${ticketNumber}`, pairs, who.cookie), { ticketNumber }),
    ),
  )
}

async function listFor(who: Person) {
  const result = await listLoader(routeArgs(getRequest('/tickets', { cookie: who.cookie })))
  return result.data.tickets
}

/** Everything a refused action could have touched. */
async function snapshot() {
  const db = database.db
  const [tickets, messages, events, shares, history] = await Promise.all([
    db
      .selectFrom('tickets')
      .select(['id', 'status', 'visibility', 'rating', 'version', 'organisation_id'])
      .orderBy('id')
      .execute(),
    db.selectFrom('ticket_messages').select('id').orderBy('id').execute(),
    db.selectFrom('ticket_events').select('id').orderBy('id').execute(),
    db
      .selectFrom('item_shares')
      .select(['item_id', 'customer_id'])
      .orderBy('item_id')
      .orderBy('customer_id')
      .execute(),
    db.selectFrom('record_history').select('id').orderBy('id').execute(),
  ])
  return { tickets, messages, events, shares, history }
}

async function setStatus(ticketId: string, status: 'resolved' | 'closed') {
  await database.db.updateTable('tickets').set({ status }).where('id', '=', ticketId).execute()
}

describe('seeing an organisation’s ticket', () => {
  it('shows each ticket exactly to those it is shared with, and 404 to everyone else', async () => {
    const w = await world()
    const { people: p, tickets: t } = w
    const expectations: [keyof World['people'], keyof World['tickets'], number][] = [
      // The owner: what they opened, but never a colleague's private ticket.
      ['olive', 'acmeWide', 200],
      ['olive', 'named', 200],
      ['olive', 'olivePersonal', 200],
      ['olive', 'noraPrivate', 404],
      ['olive', 'betaWide', 404],
      // Acting for herself, Olive sees only her personal tickets.
      ['oliveAlone', 'acmeWide', 404],
      ['oliveAlone', 'olivePersonal', 200],
      // A member it is shared with by name, and one it is not.
      ['mia', 'acmeWide', 200],
      ['mia', 'named', 200],
      ['mia', 'noraPrivate', 404],
      ['mia', 'olivePersonal', 404],
      ['nora', 'acmeWide', 200],
      ['nora', 'named', 404],
      ['nora', 'noraPrivate', 200],
      // Removed: nothing of Acme any more, not even the ticket naming him.
      ['rex', 'acmeWide', 404],
      ['rex', 'named', 404],
      // In two organisations: never Acme's tickets while acting for Beta or for herself.
      ['paulaForBeta', 'acmeWide', 404],
      ['paulaForBeta', 'betaWide', 200],
      ['paulaForBeta', 'paulaPersonal', 200],
      ['paulaAlone', 'acmeWide', 404],
      ['paulaAlone', 'betaWide', 404],
      ['paulaAlone', 'paulaPersonal', 200],
      ['paulaForAcme', 'acmeWide', 200],
      ['paulaForAcme', 'betaWide', 404],
      ['bert', 'acmeWide', 404],
    ]
    const results = []
    for (const [who, ticket] of expectations) {
      const answer = await loadThread(p[who], t[ticket].ticketNumber)
      results.push([who, ticket, answer.status])
    }
    expect(results).toEqual(expectations)
  })

  it('a removed member gets 404 in a new session too, for reading, replying and files', async () => {
    const { acme, people, tickets } = await world()
    const rexAgain = {
      ...people.rex,
      cookie: await sessionCookieFor(people.rex.accountId, { actingFor: acme.id }),
    }
    const staff = await database.db
      .insertInto('accounts')
      .values({ kind: 'staff', email: 'xenia.sharing@example.com' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await database.db
      .insertInto('staff_members')
      .values({ account_id: staff.id, display_name: 'Xenia', role: 'agent' })
      .execute()
    const { attachmentId } = await addStaffMessage(
      database.db,
      tickets.named.ticketId,
      { accountId: staff.id, customerId: people.olive.customerId },
      { visibility: 'public', body: 'Here is the delivery note.', file: 'note.txt' },
    )
    const before = await snapshot()
    for (const rex of [people.rex, rexAgain]) {
      expect((await loadThread(rex, tickets.named.ticketNumber)).status).toBe(404)
      const reply = await postToTicket(rex, tickets.named.ticketNumber, [
        ['intent', 'reply'],
        ['message', 'Still here?'],
        ['idempotencyKey', crypto.randomUUID()],
      ])
      expect(reply.status).toBe(404)
      const download = await answerOf(() =>
        downloadLoader(
          routeArgs(
            getRequest(`/tickets/${tickets.named.ticketNumber}/attachments/${attachmentId}`, {
              cookie: rex.cookie,
            }),
            { ticketNumber: tickets.named.ticketNumber, attachmentId: attachmentId ?? '' },
          ),
        ),
      )
      expect(download.status).toBe(404)
      expect((await listFor(rex)).map((ticket) => ticket.subject)).toEqual([])
    }
    expect(await snapshot()).toEqual(before)

    // Mia, named on the same ticket, downloads the file.
    const miaDownload = await answerOf(() =>
      downloadLoader(
        routeArgs(
          getRequest(`/tickets/${tickets.named.ticketNumber}/attachments/${attachmentId}`, {
            cookie: people.mia.cookie,
          }),
          { ticketNumber: tickets.named.ticketNumber, attachmentId: attachmentId ?? '' },
        ),
      ),
    )
    expect(miaDownload.status).toBe(200)
  })

  it('lists what each may see, with who opened it and a visibility label', async () => {
    const { people, tickets } = await world()
    const olive = await listFor(people.olive)
    expect(
      olive.map((ticket) => [
        ticket.subject,
        ticket.openerName,
        ticket.sharing,
        ticket.sharedCount,
      ]),
    ).toEqual([
      ['Olive personal', null, null, 0],
      ['For Mia and Rex', null, 'named', 2],
      ['For all of Acme', null, 'organisation', 0],
    ])
    const mia = await listFor(people.mia)
    expect(mia.map((ticket) => [ticket.subject, ticket.openerName, ticket.sharing])).toEqual([
      ['For Mia and Rex', 'Olive Berg', 'named'],
      ['For all of Acme', 'Olive Berg', 'organisation'],
    ])
    const nora = await listFor(people.nora)
    expect(nora.map((ticket) => ticket.ticketNumber).sort()).toEqual(
      [tickets.noraPrivate.ticketNumber, tickets.acmeWide.ticketNumber].sort(),
    )
    expect((await listFor(people.paulaForBeta)).map((ticket) => ticket.subject)).toEqual([
      'Paula personal',
      'For all of Beta',
    ])
    expect((await listFor(people.paulaAlone)).map((ticket) => ticket.subject)).toEqual([
      'Paula personal',
    ])
  })
})

describe('colleagues on a shared ticket', () => {
  it('read and reply, and the thread names who wrote each message', async () => {
    const { people, tickets } = await world()
    const number = tickets.acmeWide.ticketNumber
    const reply = await postToTicket(people.mia, number, [
      ['intent', 'reply'],
      ['message', 'I can take the delivery on Friday.'],
      ['idempotencyKey', crypto.randomUUID()],
    ])
    expect(reply.status).toBe(302)

    const asOlive = await threadOf(people.olive, number)
    expect(asOlive.thread.messages.map((m) => [m.author, m.authorName, m.body])).toEqual([
      ['you', null, 'When do they arrive?'],
      ['colleague', 'Mia Berg', 'I can take the delivery on Friday.'],
    ])
    expect(asOlive.thread.ticket.isOpener).toBe(true)

    const asMia = await threadOf(people.mia, number)
    expect(asMia.thread.messages.map((m) => [m.author, m.authorName])).toEqual([
      ['colleague', 'Olive Berg'],
      ['you', null],
    ])
    expect(asMia.thread.ticket).toMatchObject({
      isOpener: false,
      openerName: 'Olive Berg',
      organisation: { name: 'Acme Interiors' },
      visibility: 'organisation',
    })
    // The sharing form is the opener's alone: no colleagues are offered to Mia.
    expect(asMia.colleagues).toEqual([])

    // The reply is in the opener's record history, made by Mia's account.
    const history = await database.db
      .selectFrom('record_history')
      .select(['customer_id', 'actor_id', 'action'])
      .where('entity_id', '=', tickets.acmeWide.ticketId)
      .where('action', '=', 'replied')
      .execute()
    expect(history).toEqual([
      { customer_id: people.olive.customerId, actor_id: people.mia.accountId, action: 'replied' },
    ])
  })

  it('cannot close, reopen, rate or change who sees it (403), and nothing changes', async () => {
    const { people, tickets } = await world()
    const number = tickets.named.ticketNumber
    const attempts: [string, string][][] = [
      [['intent', 'close']],
      [
        ['intent', 'sharing'],
        ['visibility', 'organisation'],
      ],
    ]
    let before = await snapshot()
    for (const pairs of attempts) {
      expect((await postToTicket(people.mia, number, pairs)).status).toBe(403)
    }
    expect(await snapshot()).toEqual(before)

    await setStatus(tickets.named.ticketId, 'resolved')
    before = await snapshot()
    for (const pairs of [
      [['intent', 'reopen']],
      [
        ['intent', 'rate'],
        ['rating', '5'],
      ],
      [['intent', 'close']],
    ] as [string, string][][]) {
      expect((await postToTicket(people.mia, number, pairs)).status).toBe(403)
    }
    expect(await snapshot()).toEqual(before)

    // The opener may.
    expect(
      (
        await postToTicket(people.olive, number, [
          ['intent', 'rate'],
          ['rating', '4'],
        ])
      ).status,
    ).toBe(302)
    expect((await postToTicket(people.olive, number, [['intent', 'close']])).status).toBe(302)
  })

  it('those who may not see it get 404 for every intent, and nothing changes', async () => {
    const { people, tickets } = await world()
    const before = await snapshot()
    for (const who of [
      people.nora,
      people.rex,
      people.paulaForBeta,
      people.paulaAlone,
      people.oliveAlone,
    ]) {
      for (const pairs of [
        [
          ['intent', 'reply'],
          ['message', 'Hello'],
          ['idempotencyKey', crypto.randomUUID()],
        ],
        [['intent', 'close']],
        [['intent', 'reopen']],
        [
          ['intent', 'rate'],
          ['rating', '5'],
        ],
        [
          ['intent', 'sharing'],
          ['visibility', 'organisation'],
        ],
      ] as [string, string][][]) {
        expect((await postToTicket(who, tickets.named.ticketNumber, pairs)).status).toBe(404)
      }
    }
    // The owner on Nora's private ticket, too.
    expect(
      (await postToTicket(people.olive, tickets.noraPrivate.ticketNumber, [['intent', 'close']]))
        .status,
    ).toBe(404)
    expect(await snapshot()).toEqual(before)
  })
})

describe('changing who sees a ticket', () => {
  it('writes visibility, item_shares and one history row together', async () => {
    const { people, tickets } = await world()
    const number = tickets.acmeWide.ticketNumber
    const answer = await postToTicket(people.olive, number, [
      ['intent', 'sharing'],
      ['visibility', 'named'],
      ['sharedWith', people.nora.customerId],
      ['sharedWith', people.paulaForAcme.customerId],
    ])
    expect(answer.status).toBe(302)

    const ticket = await database.db
      .selectFrom('tickets')
      .select('visibility')
      .where('id', '=', tickets.acmeWide.ticketId)
      .executeTakeFirstOrThrow()
    expect(ticket.visibility).toBe('named')
    const shares = await database.db
      .selectFrom('item_shares')
      .select(['customer_id', 'added_by', 'item_kind'])
      .where('item_id', '=', tickets.acmeWide.ticketId)
      .orderBy('customer_id')
      .execute()
    expect(shares).toEqual(
      [people.nora.customerId, people.paulaForAcme.customerId].sort().map((customerId) => ({
        customer_id: customerId,
        added_by: people.olive.accountId,
        item_kind: 'ticket',
      })),
    )
    const history = await database.db
      .selectFrom('record_history')
      .select(['customer_id', 'entity_type', 'actor_id', 'channel', 'before', 'after'])
      .where('entity_id', '=', tickets.acmeWide.ticketId)
      .where('action', '=', 'sharing_changed')
      .execute()
    expect(history).toEqual([
      {
        customer_id: people.olive.customerId,
        entity_type: 'ticket',
        actor_id: people.olive.accountId,
        channel: 'portal',
        before: { visibility: 'organisation', sharedWith: [] },
        after: { visibility: 'named', sharedWith: ['Nora Berg', 'Paula Berg'] },
      },
    ])

    // Mia no longer sees it; Nora does, and the panel names who sees it.
    expect((await loadThread(people.mia, number)).status).toBe(404)
    const asNora = await threadOf(people.nora, number)
    expect(asNora.thread.ticket.sharedWith.map((c) => c.name)).toEqual(['Nora Berg', 'Paula Berg'])
    const asOlive = await threadOf(people.olive, number)
    expect(asOlive.colleagues.map((c) => c.name)).toEqual(['Mia Berg', 'Nora Berg', 'Paula Berg'])

    // Back to private: the named colleagues go with it.
    expect(
      (
        await postToTicket(people.olive, number, [
          ['intent', 'sharing'],
          ['visibility', 'private'],
        ])
      ).status,
    ).toBe(302)
    expect(await getItemSharing(database.db, 'ticket', tickets.acmeWide.ticketId)).toEqual({
      visibility: 'private',
      sharedWith: [],
    })
    expect((await loadThread(people.nora, number)).status).toBe(404)
  })

  it('naming someone who is not a current member is a field error, and changes nothing', async () => {
    const { people, tickets } = await world()
    const number = tickets.acmeWide.ticketNumber
    const before = await snapshot()
    for (const outsider of [people.rex, people.bert]) {
      const answer = await postToTicket(people.olive, number, [
        ['intent', 'sharing'],
        ['visibility', 'named'],
        ['sharedWith', people.mia.customerId],
        ['sharedWith', outsider.customerId],
      ])
      expect(answer.status).toBe(400)
      expect(answer.data).toMatchObject({
        intent: 'sharing',
        result: { error: { sharedWith: ['sharing:errors.invalidColleague'] } },
      })
    }
    const none = await postToTicket(people.olive, number, [
      ['intent', 'sharing'],
      ['visibility', 'named'],
    ])
    expect(none.status).toBe(400)
    expect(none.data).toMatchObject({
      result: { error: { sharedWith: ['sharing:errors.colleagueRequired'] } },
    })
    expect(await snapshot()).toEqual(before)
  })

  it('a personal ticket cannot be shared', async () => {
    const { people, tickets } = await world()
    const before = await snapshot()
    const answer = await postToTicket(people.oliveAlone, tickets.olivePersonal.ticketNumber, [
      ['intent', 'sharing'],
      ['visibility', 'organisation'],
    ])
    expect(answer.status).toBe(409)
    expect(answer.data).toMatchObject({
      result: { error: { '': ['sharing:errors.personalItem'] } },
    })
    expect(await snapshot()).toEqual(before)
    // Nor through the data layer, even inside a transaction.
    await expect(
      database.db.transaction().execute((trx) =>
        writeSharing(trx, {
          kind: 'ticket',
          itemId: tickets.olivePersonal.ticketId,
          organisationId: null,
          visibility: 'named',
          customerIds: [people.mia.customerId],
          addedBy: people.olive.accountId,
        }),
      ),
    ).rejects.toThrow()
    expect(await snapshot()).toEqual(before)
    const page = await threadOf(people.oliveAlone, tickets.olivePersonal.ticketNumber)
    expect(page.thread.ticket.organisation).toBeNull()
    expect(page.colleagues).toEqual([])
  })
})

describe('a new ticket', () => {
  it('acting for an organisation: offers its default and colleagues, stores the choice', async () => {
    const { acme, people } = await world()
    const form = await newLoader(
      routeArgs(getRequest('/tickets/new', { cookie: people.mia.cookie })),
    )
    expect(form.data.sharing).toMatchObject({
      organisationName: 'Acme Interiors',
      defaultVisibility: 'organisation',
    })
    expect(form.data.sharing?.colleagues.map((c) => c.name)).toEqual([
      'Nora Berg',
      'Olive Berg',
      'Paula Berg',
    ])

    const request = multipartRequest(
      '/tickets/new',
      {
        category: 'billing',
        subject: 'Invoice address',
        message: 'Please use the Malmö office.',
        idempotencyKey: crypto.randomUUID(),
        visibility: 'named',
        sharedWith: people.nora.customerId,
      },
      [],
      { cookie: people.mia.cookie },
    )
    const answer = await answerOf(() => newAction(routeArgs(request)))
    expect(answer.status).toBe(302)
    const number = answer.location?.split('/').pop() ?? ''
    const ticket = await database.db
      .selectFrom('tickets')
      .select(['id', 'customer_id', 'organisation_id', 'visibility'])
      .where('ticket_number', '=', number)
      .executeTakeFirstOrThrow()
    expect(ticket).toMatchObject({
      customer_id: people.mia.customerId,
      organisation_id: acme.id,
      visibility: 'named',
    })
    expect((await loadThread(people.nora, number)).status).toBe(200)
    expect((await loadThread(people.olive, number)).status).toBe(404)
  })

  it('naming a non-member is a field error and opens nothing', async () => {
    const { people } = await world()
    const before = await snapshot()
    const request = multipartRequest(
      '/tickets/new',
      {
        category: 'billing',
        subject: 'Invoice address',
        message: 'Please use the Malmö office.',
        idempotencyKey: crypto.randomUUID(),
        visibility: 'named',
        sharedWith: people.rex.customerId,
      },
      [],
      { cookie: people.mia.cookie },
    )
    const answer = await answerOf(() => newAction(routeArgs(request)))
    expect(answer.status).toBe(400)
    expect(answer.data).toMatchObject({
      error: { sharedWith: ['sharing:errors.invalidColleague'] },
    })
    expect(await snapshot()).toEqual(before)
  })

  it('acting for themselves: personal and private, whatever sharing fields are posted', async () => {
    const { people } = await world()
    const form = await newLoader(
      routeArgs(getRequest('/tickets/new', { cookie: people.paulaAlone.cookie })),
    )
    expect(form.data.sharing).toBeNull()
    const request = multipartRequest(
      '/tickets/new',
      {
        category: 'other',
        subject: 'Mine',
        message: 'Just me.',
        idempotencyKey: crypto.randomUUID(),
        visibility: 'organisation',
      },
      [],
      { cookie: people.paulaAlone.cookie },
    )
    const answer = await answerOf(() => newAction(routeArgs(request)))
    expect(answer.status).toBe(302)
    const number = answer.location?.split('/').pop() ?? ''
    const ticket = await database.db
      .selectFrom('tickets')
      .select(['organisation_id', 'visibility'])
      .where('ticket_number', '=', number)
      .executeTakeFirstOrThrow()
    expect(ticket).toEqual({ organisation_id: null, visibility: 'private' })
  })

  it('links only to an order the viewer may see where they act', async () => {
    const { acme, people } = await world()
    const order = await database.db
      .insertInto('orders')
      .values({
        customer_id: people.olive.customerId,
        organisation_id: acme.id,
        visibility: 'private',
        currency: 'EUR',
        subtotal_minor: 1,
        total_minor: 1,
      })
      .returning(['id', 'order_number'])
      .executeTakeFirstOrThrow()
    const newFormFor = (who: Person) =>
      answerOf(() =>
        newLoader(
          routeArgs(getRequest(`/tickets/new?order=${order.order_number}`, { cookie: who.cookie })),
        ),
      )
    expect((await newFormFor(people.olive)).status).toBe(200)
    expect((await newFormFor(people.oliveAlone)).status).toBe(404)
    expect((await newFormFor(people.mia)).status).toBe(404)
    expect((await newFormFor(people.paulaForBeta)).status).toBe(404)

    const before = await snapshot()
    const post = multipartRequest(
      '/tickets/new',
      {
        category: 'order',
        subject: 'About the order',
        message: 'Where is it?',
        idempotencyKey: crypto.randomUUID(),
        visibility: 'organisation',
        order: order.order_number,
      },
      [],
      { cookie: people.mia.cookie },
    )
    expect((await answerOf(() => newAction(routeArgs(post)))).status).toBe(404)
    expect(await snapshot()).toEqual(before)

    // Olive's ticket about it, shared with Acme: Mia reads the ticket, not the order's link.
    const opened = multipartRequest(
      '/tickets/new',
      {
        category: 'order',
        subject: 'About the order',
        message: 'Where is it?',
        idempotencyKey: crypto.randomUUID(),
        visibility: 'organisation',
        order: order.order_number,
      },
      [],
      { cookie: people.olive.cookie },
    )
    const answer = await answerOf(() => newAction(routeArgs(opened)))
    expect(answer.status).toBe(302)
    const number = answer.location?.split('/').pop() ?? ''
    expect((await threadOf(people.olive, number)).thread.ticket.orderNumber).toBe(
      order.order_number,
    )
    expect((await threadOf(people.mia, number)).thread.ticket.orderNumber).toBeNull()
  })
})
