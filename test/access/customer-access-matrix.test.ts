import { sql } from 'kysely'
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { beforeAll, describe, expect, test } from 'vitest'
import { flushPendingMail } from '#app/mail/mailer.server.ts'
import { loader as dashboardLoader } from '#app/routes/_index.tsx'
import { loader as accountLoader } from '#app/routes/account._index.tsx'
import { loader as exportLoader } from '#app/routes/account.export.tsx'
import { action as claimAction, loader as claimLoader } from '#app/routes/claim.tsx'
import {
  action as consentConfirmAction,
  loader as consentConfirmLoader,
} from '#app/routes/consent.confirm.tsx'
import { loader as historyLoader } from '#app/routes/history.tsx'
import { loader as messagesLoader } from '#app/routes/messages.tsx'
import { loader as orderLoader } from '#app/routes/orders.$orderNumber.tsx'
import { loader as ordersLoader } from '#app/routes/orders._index.tsx'
import { loader as preferencesLoader } from '#app/routes/preferences.tsx'
import { action as profileAction, loader as profileLoader } from '#app/routes/profile._index.tsx'
import {
  action as addressAction,
  loader as addressLoader,
} from '#app/routes/profile.addresses.$addressId.tsx'
import { action as undoAction, loader as undoLoader } from '#app/routes/profile.email.undo.tsx'
import {
  action as verifyAction,
  loader as verifyLoader,
} from '#app/routes/profile.email.verify.tsx'
import {
  action as phoneAction,
  loader as phoneLoader,
} from '#app/routes/profile.phones.$phoneId.tsx'
import { loader as signInEmailLoader } from '#app/routes/profile.sign-in-email.tsx'
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
import {
  action as unsubscribeAction,
  loader as unsubscribeLoader,
} from '#app/routes/unsubscribe.tsx'
import { action as oneClickAction } from '#app/routes/unsubscribe_.one-click.tsx'
import { createUnsubscribeToken } from '#app/consent/unsubscribe-token.server.ts'
import { createInvitationToken } from '#db/account-lifecycle.ts'
import { applyConsentChoices, currentWordings } from '#db/consent.ts'
import { createEmailVerificationToken, startSignInEmailChange } from '#db/customer-contacts.ts'
import { createCustomer } from '#db/customers.ts'
import { encodeCursor } from '#db/keyset.ts'
import {
  customerWithEverything,
  PUBLIC_FILE_NAME,
  type RichCustomer,
} from '#test/account/account-fixtures.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { customerFingerprint, databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  formRequest,
  getRequest,
  routeArgs,
  sessionCookieFor,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { multipartRequest, useUploadsDir } from '#test/tickets/ticket-fixtures.ts'
import { useSmtpSink } from '../lifecycle/lifecycle-support.ts'

// Every customer route and action that takes an id, called by a signed-in customer (Anna) with
// another customer's (Ben's) ids and with ids that do not exist. Both must get the same answer
// (status and body), and the whole database (every table's row count and checksum) must be
// exactly as before: nothing read, nothing changed. Forms are otherwise valid, so it is the
// ownership check that refuses them. Pages without ids must show Anna only her own data while
// Ben has data of every kind; links whose token is the authority (unsubscribe, consent, email
// verification and undo, claim) act for their own customer only, never for whoever is signed in.

const database = useTestDatabase()
useUploadsDir()
// Some of the links below mail their customer; the mail goes to a sink, not to files.
useSmtpSink()

const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000'
const NEW_PASSWORD = 'a long enough new password'

interface Ids {
  orderNumber: string
  requestNumber: string
  ticketNumber: string
  attachmentId: string
  emailId: string
  phoneId: string
  addressId: string
}

let anna: RichCustomer
let ben: RichCustomer
let benIds: Ids
const unknown: Ids = {
  orderNumber: 'O999999',
  requestNumber: 'R999999',
  ticketNumber: 'T999999',
  attachmentId: UNKNOWN_UUID,
  emailId: UNKNOWN_UUID,
  phoneId: UNKNOWN_UUID,
  addressId: UNKNOWN_UUID,
}

beforeAll(async () => {
  const db = database.db
  anna = await customerWithEverything(db, { givenName: 'Anna' })
  ben = await customerWithEverything(db, { givenName: 'Zebulon', staffName: 'Xavier Quill' })
  const [attachment, email, phone, address] = await Promise.all([
    db
      .selectFrom('ticket_attachments')
      .select('id')
      .where('customer_id', '=', ben.customerId)
      .where('file_name', '=', PUBLIC_FILE_NAME)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('customer_emails')
      .select('id')
      .where('customer_id', '=', ben.customerId)
      .where('email', '=', ben.extraEmail)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('customer_phones')
      .select('id')
      .where('customer_id', '=', ben.customerId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('customer_addresses')
      .select('id')
      .where('customer_id', '=', ben.customerId)
      .where('removed_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ])
  benIds = {
    orderNumber: ben.orderNumber,
    // Waiting for the customer, so both the cancel and the answer form would apply to it.
    requestNumber: ben.requestNumber,
    ticketNumber: ben.ticketNumber,
    attachmentId: attachment.id,
    emailId: email.id,
    phoneId: phone.id,
    addressId: address.id,
  }
})

/** What a client sees of an answer: status, redirect target and body, with the ids sent blanked. */
async function answerOf(run: () => Promise<unknown>, ids: Ids) {
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
    body = await result.clone().text()
  } else {
    const value = result as { data?: unknown; init?: { status?: number } | null }
    status = value.init?.status ?? 200
    // Fresh for every page view, so never equal between two views.
    body = JSON.stringify(value.data ?? result, (key, item: unknown) =>
      key === 'idempotencyKey' || key === 'aimAt' ? undefined : item,
    )
  }
  for (const id of Object.values(ids)) body = body.replaceAll(id, '<id>')
  return { status, location, body }
}

const cookieOf = () => anna.cookie
const get = (path: string, params: Record<string, string> = {}) =>
  routeArgs(getRequest(path, { cookie: cookieOf() }), params)
const post = (path: string, fields: Record<string, string>, params: Record<string, string> = {}) =>
  routeArgs(formRequest(path, fields, { cookie: cookieOf() }), params)
const postMultipart = (
  path: string,
  fields: Record<string, string>,
  params: Record<string, string> = {},
) => routeArgs(multipartRequest(path, fields, [], { cookie: cookieOf() }), params)

interface Probe {
  name: string
  /** What Ben's ids and unknown ids must both get. */
  status: number
  run: (ids: Ids) => Promise<unknown>
}

const ticketIntents = [
  ['close', {}],
  ['reopen', {}],
  ['reply', { message: 'Hello?' }],
  ['rate', { rating: '1' }],
] as const

const profileIntents = [
  ['email-primary', 'emailId'],
  ['email-remove', 'emailId'],
  ['email-resend', 'emailId'],
  ['phone-primary', 'phoneId'],
  ['phone-remove', 'phoneId'],
  ['address-default-shipping', 'addressId'],
  ['address-default-billing', 'addressId'],
  ['address-remove', 'addressId'],
] as const

const probes: Probe[] = [
  {
    name: 'GET /orders/:orderNumber',
    status: 404,
    run: (ids) => orderLoader(get(`/orders/${ids.orderNumber}`, { orderNumber: ids.orderNumber })),
  },
  {
    name: 'GET /requests/:requestNumber',
    status: 404,
    run: (ids) =>
      requestLoader(get(`/requests/${ids.requestNumber}`, { requestNumber: ids.requestNumber })),
  },
  {
    name: 'POST /requests/:requestNumber intent=cancel',
    status: 404,
    run: (ids) =>
      requestAction(
        post(
          `/requests/${ids.requestNumber}`,
          { intent: 'cancel' },
          { requestNumber: ids.requestNumber },
        ),
      ),
  },
  {
    name: 'POST /requests/:requestNumber intent=answer',
    status: 404,
    run: (ids) =>
      requestAction(
        post(
          `/requests/${ids.requestNumber}`,
          { intent: 'answer', answer: 'Here it is.' },
          { requestNumber: ids.requestNumber },
        ),
      ),
  },
  {
    name: 'POST /requests/:requestNumber intent=answer, invalid form',
    status: 404,
    run: (ids) =>
      requestAction(
        post(
          `/requests/${ids.requestNumber}`,
          { intent: 'answer', answer: '' },
          { requestNumber: ids.requestNumber },
        ),
      ),
  },
  {
    name: 'GET /tickets/:ticketNumber',
    status: 404,
    run: (ids) =>
      ticketLoader(get(`/tickets/${ids.ticketNumber}`, { ticketNumber: ids.ticketNumber })),
  },
  ...ticketIntents.map(([intent, fields]) => ({
    name: `POST /tickets/:ticketNumber intent=${intent}`,
    status: 404,
    run: (ids: Ids) =>
      ticketAction(
        postMultipart(
          `/tickets/${ids.ticketNumber}`,
          { intent, ...fields, idempotencyKey: crypto.randomUUID() },
          { ticketNumber: ids.ticketNumber },
        ),
      ),
  })),
  {
    name: 'POST /tickets/:ticketNumber with no intent',
    status: 404,
    run: (ids) =>
      ticketAction(
        postMultipart(`/tickets/${ids.ticketNumber}`, {}, { ticketNumber: ids.ticketNumber }),
      ),
  },
  {
    name: 'GET /tickets/:ticketNumber/attachments/:attachmentId',
    status: 404,
    run: (ids) =>
      attachmentLoader(
        get(`/tickets/${ids.ticketNumber}/attachments/${ids.attachmentId}`, {
          ticketNumber: ids.ticketNumber,
          attachmentId: ids.attachmentId,
        }),
      ),
  },
  {
    name: 'GET /tickets/<own ticket>/attachments/:attachmentId',
    status: 404,
    run: (ids) =>
      attachmentLoader(
        get(`/tickets/${anna.ticketNumber}/attachments/${ids.attachmentId}`, {
          ticketNumber: anna.ticketNumber,
          attachmentId: ids.attachmentId,
        }),
      ),
  },
  {
    name: 'GET /profile/phones/:phoneId',
    status: 404,
    run: (ids) => phoneLoader(get(`/profile/phones/${ids.phoneId}`, { phoneId: ids.phoneId })),
  },
  {
    name: 'POST /profile/phones/:phoneId',
    status: 404,
    run: (ids) =>
      phoneAction(
        post(
          `/profile/phones/${ids.phoneId}`,
          { country: 'SE', number: '070-765 43 21', kind: 'home' },
          { phoneId: ids.phoneId },
        ),
      ),
  },
  {
    name: 'GET /profile/addresses/:addressId',
    status: 404,
    run: (ids) =>
      addressLoader(get(`/profile/addresses/${ids.addressId}`, { addressId: ids.addressId })),
  },
  {
    name: 'POST /profile/addresses/:addressId',
    status: 404,
    run: (ids) =>
      addressAction(
        post(
          `/profile/addresses/${ids.addressId}`,
          {
            version: '1',
            recipient: 'Anna Berg',
            line1: 'Drottninggatan 9',
            city: 'Stockholm',
            postalCode: '111 51',
            countryCode: 'SE',
          },
          { addressId: ids.addressId },
        ),
      ),
  },
  ...profileIntents.map(([intent, key]) => ({
    name: `POST /profile intent=${intent}`,
    status: 404,
    run: (ids: Ids) => profileAction(post('/profile', { intent, id: ids[key] })),
  })),
  {
    name: 'GET /requests/new?kind=return&order=:orderNumber',
    // The form, saying the order was not found: the same for a foreign and a made-up number.
    status: 200,
    run: (ids) => newRequestLoader(get(`/requests/new?kind=return&order=${ids.orderNumber}`)),
  },
  {
    name: 'POST /requests/new orderNumber=:orderNumber',
    // Refused at the order field.
    status: 400,
    run: (ids) =>
      newRequestAction(
        post('/requests/new', {
          kind: 'repair',
          orderNumber: ids.orderNumber,
          product: 'Kettle',
          fault: 'It leaks.',
          idempotencyKey: crypto.randomUUID(),
        }),
      ),
  },
  {
    name: 'GET /tickets/new?order=:orderNumber',
    status: 404,
    run: (ids) => newTicketLoader(get(`/tickets/new?order=${ids.orderNumber}`)),
  },
  {
    name: 'GET /tickets/new?request=:requestNumber',
    status: 404,
    run: (ids) => newTicketLoader(get(`/tickets/new?request=${ids.requestNumber}`)),
  },
  ...(['order', 'request'] as const).map((field) => ({
    name: `POST /tickets/new ${field}=:${field}Number`,
    status: 404,
    run: (ids: Ids) =>
      newTicketAction(
        postMultipart('/tickets/new', {
          category: 'order',
          subject: 'About this',
          message: 'Hello',
          [field]: field === 'order' ? ids.orderNumber : ids.requestNumber,
          idempotencyKey: crypto.randomUUID(),
        }),
      ),
  })),
]

describe('a customer reaching for another customer’s records by id', () => {
  test.each(probes.map((probe) => [probe.name, probe] as const))(
    '%s: another customer’s id and an unknown id get the same answer and change nothing',
    async (_name, probe) => {
      const before = await databaseFingerprint(database.db)
      const foreign = await answerOf(() => probe.run(benIds), benIds)
      const missing = await answerOf(() => probe.run(unknown), unknown)
      await flushPendingMail()
      expect(foreign.status).toBe(probe.status)
      expect(foreign).toEqual(missing)
      expect(await databaseFingerprint(database.db)).toEqual(before)
    },
  )

  test('the probes reach every id-taking route, action and intent listed here', () => {
    // A guard against a probe silently dropped from the table: the lead quotes this number.
    expect(probes).toHaveLength(31)
  })
})

/** Values only Ben's data holds; none may appear in any page Anna sees. */
function benValues(): string[] {
  return [
    ben.customerId,
    ben.accountId,
    ben.customerNumber,
    ben.email,
    ben.extraEmail,
    ben.phone,
    parsePhoneNumberFromString(ben.phone)?.formatInternational() ?? ben.phone,
    ben.orderNumber,
    ben.requestNumber,
    ben.ticketNumber,
    ben.staffName,
    'Zebulon',
    ...Object.values(benIds),
  ]
}

async function bodyOf(run: () => Promise<unknown>): Promise<{ status: number; body: string }> {
  const result = await run()
  if (result instanceof Response) return { status: result.status, body: await result.text() }
  const value = result as { data: unknown; init?: { status?: number } | null }
  return { status: value.init?.status ?? 200, body: JSON.stringify(value.data) }
}

describe('pages without ids show a customer only their own data', () => {
  const pages: [string, () => Promise<unknown>, () => string[]][] = [
    ['/', () => dashboardLoader(get('/')), () => [anna.orderNumber]],
    ['/orders', () => ordersLoader(get('/orders')), () => [anna.orderNumber]],
    ['/requests', () => requestsLoader(get('/requests')), () => [anna.requestNumber]],
    ['/tickets', () => ticketsLoader(get('/tickets')), () => [anna.ticketNumber]],
    ['/messages', () => messagesLoader(get('/messages')), () => [anna.orderNumber]],
    ['/history', () => historyLoader(get('/history')), () => [anna.extraEmail]],
    ['/account', () => accountLoader(get('/account')), () => []],
    [
      '/account/export',
      () => exportLoader(get('/account/export')),
      () => [anna.customerNumber, anna.email, anna.phone, anna.orderNumber, anna.ticketNumber],
    ],
    ['/profile', () => profileLoader(get('/profile')), () => [anna.email, anna.extraEmail]],
    ['/preferences', () => preferencesLoader(get('/preferences')), () => []],
    [
      '/profile/sign-in-email',
      () => signInEmailLoader(get('/profile/sign-in-email')),
      () => [anna.email],
    ],
  ]

  test.each(pages)('%s', async (_path, load, annaValues) => {
    const { status, body } = await bodyOf(load)
    expect(status).toBe(200)
    for (const value of annaValues()) expect(body).toContain(value)
    for (const value of benValues()) expect(body).not.toContain(value)
  })

  test('/messages?after=<a cursor at one of Ben’s messages> still lists only Anna’s', async () => {
    const { rows } = await sql<{ id: string; at: string }>`
      select id::text as id,
        to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
      from notification_deliveries where customer_id = ${ben.customerId}`.execute(database.db)
    const cursor = rows[0]
    if (!cursor) throw new Error('Ben has no message')
    const { status, body } = await bodyOf(() =>
      messagesLoader(get(`/messages?after=${encodeCursor(cursor)}`)),
    )
    expect(status).toBe(200)
    // Anna's message is older than Ben's, so the page after his cursor lists it.
    expect(body).toContain(anna.orderNumber)
    for (const value of benValues()) expect(body).not.toContain(value)
  })
})

describe('links whose token is the authority act for their own customer only', () => {
  /** Anna in a browser of her own for each link, since some links end the browser's session. */
  async function annaBrowser() {
    return sessionCookieFor(anna.accountId)
  }
  const annaRecords = () =>
    customerFingerprint(database.db, anna.customerId, {
      // Signing this browser in as someone else, or out, ends its session: not Anna's records.
      except: ['sessions'],
    })
  const FORGED = 'forged-token-that-nobody-was-ever-sent'

  test('unsubscribe links: Ben’s link withdraws Ben’s consent only; a forged one nothing', async () => {
    const link = (token: string, path = '/unsubscribe') =>
      `${path}?${new URLSearchParams({ token })}`
    const benToken = createUnsubscribeToken({
      customerId: ben.customerId,
      channel: 'sms',
      topic: 'newsletter',
    })
    const cookie = await annaBrowser()

    const everything = await databaseFingerprint(database.db)
    for (const token of [FORGED, `${benToken}x`]) {
      const page = await bodyOf(() =>
        unsubscribeLoader(routeArgs(getRequest(link(token), { cookie }))),
      )
      expect(page.status).toBe(400)
      for (const intent of ['one', 'all']) {
        const done = await bodyOf(() =>
          unsubscribeAction(routeArgs(formRequest(link(token), { intent }, { cookie }))),
        )
        expect(done.status).toBe(400)
      }
      const oneClick = await bodyOf(() =>
        oneClickAction(
          routeArgs(
            formRequest(link(token, '/unsubscribe/one-click'), {
              'List-Unsubscribe': 'One-Click',
            }),
          ),
        ),
      )
      expect(oneClick.status).toBe(400)
    }
    await flushPendingMail()
    expect(await databaseFingerprint(database.db)).toEqual(everything)

    const annaBefore = await annaRecords()
    const benBefore = await customerFingerprint(database.db, ben.customerId)
    const page = await bodyOf(() =>
      unsubscribeLoader(routeArgs(getRequest(link(benToken), { cookie }))),
    )
    expect(page.status).toBe(200)
    for (const value of [anna.email, anna.customerNumber, 'Anna']) {
      expect(page.body).not.toContain(value)
    }
    const done = await bodyOf(() =>
      unsubscribeAction(routeArgs(formRequest(link(benToken), { intent: 'all' }, { cookie }))),
    )
    expect(done.status).toBe(200)
    const oneClick = await bodyOf(() =>
      oneClickAction(
        routeArgs(
          formRequest(link(benToken, '/unsubscribe/one-click'), {
            'List-Unsubscribe': 'One-Click',
          }),
        ),
      ),
    )
    expect(oneClick.status).toBe(200)
    await flushPendingMail()
    expect(await annaRecords()).toEqual(annaBefore)
    // The link did act, for Ben: the test would pass vacuously otherwise.
    expect(await customerFingerprint(database.db, ben.customerId)).not.toEqual(benBefore)
  })

  test('consent confirmation: Ben’s link confirms Ben’s consent only; a forged one nothing', async () => {
    const wordings = await currentWordings(database.db, 'en')
    const newsletter = wordings.find((wording) => wording.topic === 'newsletter')
    if (!newsletter) throw new Error('No newsletter wording')
    const { confirmations } = await applyConsentChoices(database.db, {
      customerId: ben.customerId,
      accountId: ben.accountId,
      actor: { kind: 'customer', id: ben.accountId },
      source: 'portal',
      language: 'en',
      choices: [
        {
          channel: 'email',
          topic: 'newsletter',
          wanted: true,
          shown: null,
          wordingId: newsletter.id,
        },
      ],
    })
    const benToken = confirmations[0]?.token
    if (!benToken) throw new Error('No confirmation token')
    const cookie = await annaBrowser()
    const url = (token: string) => `/consent/confirm?${new URLSearchParams({ token })}`

    const everything = await databaseFingerprint(database.db)
    const forgedPage = await bodyOf(() =>
      consentConfirmLoader(routeArgs(getRequest(url(FORGED), { cookie }))),
    )
    const forgedPost = await bodyOf(() =>
      consentConfirmAction(routeArgs(formRequest(url(FORGED), {}, { cookie }))),
    )
    expect([forgedPage.status, forgedPost.status]).toEqual([400, 400])
    const benPage = await bodyOf(() =>
      consentConfirmLoader(routeArgs(getRequest(url(benToken), { cookie }))),
    )
    expect(benPage.status).toBe(200)
    await flushPendingMail()
    expect(await databaseFingerprint(database.db)).toEqual(everything)

    const annaBefore = await annaRecords()
    const benBefore = await customerFingerprint(database.db, ben.customerId)
    const confirmed = await bodyOf(() =>
      consentConfirmAction(routeArgs(formRequest(url(benToken), {}, { cookie }))),
    )
    expect(confirmed.status).toBe(200)
    await flushPendingMail()
    expect(await annaRecords()).toEqual(annaBefore)
    expect(await customerFingerprint(database.db, ben.customerId)).not.toEqual(benBefore)
  })

  test('email verification and sign-in change links: Ben’s act on Ben only; forged ones on nobody', async () => {
    const db = database.db
    const emailId = benIds.emailId
    const verification = await createEmailVerificationToken(db, {
      customerId: ben.customerId,
      accountId: ben.accountId,
      emailId,
    })
    const change = await startSignInEmailChange(db, {
      customerId: ben.customerId,
      accountId: ben.accountId,
      previousEmail: ben.email,
      newEmail: uniqueEmail('zebulon.new'),
      channel: 'portal',
    })
    const verifyUrl = (token: string) => `/profile/email/verify?${new URLSearchParams({ token })}`
    const undoUrl = (token: string) => `/profile/email/undo?${new URLSearchParams({ token })}`

    const cookie = await annaBrowser()
    const everything = await databaseFingerprint(db)
    const forged = [
      await bodyOf(() =>
        verifyAction(routeArgs(formRequest(verifyUrl(FORGED), { token: FORGED }, { cookie }))),
      ),
      await bodyOf(() =>
        undoAction(routeArgs(formRequest(undoUrl(FORGED), { token: FORGED }, { cookie }))),
      ),
    ]
    expect(forged.map((answer) => answer.status)).toEqual([400, 400])
    // Opening the pages shows what a link would do, and does nothing yet; an unknown token shows
    // the invalid page.
    for (const token of [FORGED, verification.token, change.verifyToken]) {
      const page = await bodyOf(() =>
        verifyLoader(routeArgs(getRequest(verifyUrl(token), { cookie }))),
      )
      expect(page.body).not.toContain(anna.email)
    }
    for (const token of [FORGED, change.undoToken]) {
      const page = await bodyOf(() => undoLoader(routeArgs(getRequest(undoUrl(token), { cookie }))))
      expect(page.body).not.toContain(anna.email)
    }
    await flushPendingMail()
    expect(await databaseFingerprint(db)).toEqual(everything)

    const annaBefore = await annaRecords()
    const benBefore = await customerFingerprint(db, ben.customerId)
    const steps = [
      ['verify an address', verifyAction, verifyUrl(verification.token), verification.token],
      [
        'change the sign-in address',
        verifyAction,
        verifyUrl(change.verifyToken),
        change.verifyToken,
      ],
      ['undo the change', undoAction, undoUrl(change.undoToken), change.undoToken],
    ] as const
    for (const [step, action, url, token] of steps) {
      const fresh = await annaBrowser()
      const answer = await bodyOf(() =>
        action(routeArgs(formRequest(url, { token }, { cookie: fresh }))),
      )
      expect(answer.status, step).toBe(302)
    }
    await flushPendingMail()
    expect(await annaRecords()).toEqual(annaBefore)
    expect(await customerFingerprint(db, ben.customerId)).not.toEqual(benBefore)
  })

  test('claim: an invitation to another record claims that record only; a forged one nothing', async () => {
    const db = database.db
    const record = await createCustomer(
      db,
      { givenName: 'Carla', familyName: 'Ek', preferredName: null, email: uniqueEmail('carla') },
      { kind: 'system' },
      'system',
    )
    const invitation = await createInvitationToken(db, {
      customerId: record.id,
      actor: { kind: 'system' },
    })
    const cookie = await annaBrowser()
    const url = (token: string) => `/claim?${new URLSearchParams({ token })}`
    const fields = (token: string) => ({
      token,
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    })

    const everything = await databaseFingerprint(db)
    const forgedPage = await bodyOf(() =>
      claimLoader(routeArgs(getRequest(url(FORGED), { cookie }))),
    )
    const forgedPost = await bodyOf(() =>
      claimAction(routeArgs(formRequest('/claim', fields(FORGED), { cookie }))),
    )
    expect([forgedPage.status, forgedPost.status]).toEqual([400, 400])
    const page = await bodyOf(() =>
      claimLoader(routeArgs(getRequest(url(invitation.token), { cookie }))),
    )
    expect(page.status).toBe(200)
    expect(page.body).not.toContain(anna.email)
    await flushPendingMail()
    expect(await databaseFingerprint(db)).toEqual(everything)

    const annaBefore = await annaRecords()
    const claimed = await bodyOf(() =>
      claimAction(routeArgs(formRequest('/claim', fields(invitation.token), { cookie }))),
    )
    expect(claimed.status).toBe(302)
    await flushPendingMail()
    expect(await annaRecords()).toEqual(annaBefore)
    const account = await db
      .selectFrom('accounts')
      .select('customer_id')
      .where('customer_id', '=', record.id)
      .executeTakeFirst()
    expect(account?.customer_id).toBe(record.id)
  })
})
