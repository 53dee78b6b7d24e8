import { describe, expect, it } from 'vitest'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { action as accountAction, loader as accountLoader } from '#app/routes/account._index.tsx'
import { action as requestAction } from '#app/routes/requests.$requestNumber.tsx'
import { loader as newRequestLoader } from '#app/routes/requests.new.tsx'
import {
  ANONYMISED_TEXT,
  closedAccountEmail,
  completeAccountClosure,
  requestAccountClosure,
} from '#db/account-closure.ts'
import { findAccountForSignIn } from '#db/accounts.ts'
import { mergeCustomers } from '#db/customer-merge.ts'
import { getConsentState } from '#db/consent.ts'
import { InvalidStateError, NotFoundError } from '#db/errors.ts'
import { changeRequestStatus, createRequest, type RequestStatus } from '#db/requests.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  formRequest,
  getRequest,
  PASSWORD,
  routeArgs,
  signedInCustomer,
  thrownResponse,
} from '#test/support/fixtures.ts'
import { answer, redirected } from '#test/profile/profile-support.ts'
import { STOCKHOLM_ADDRESS } from '#test/orders/order-fixtures.ts'
import { useUploadsDir } from '#test/tickets/ticket-fixtures.ts'
import { customerWithEverything, type RichCustomer, sessionHashOf } from './account-fixtures.ts'

const database = useTestDatabase()
useUploadsDir()

function closeAccount(cookie: string, fields: Record<string, string>) {
  return accountAction(routeArgs(formRequest('/account', fields, { cookie })))
}

async function openPage(cookie: string, query = '') {
  return answer(await accountLoader(routeArgs(getRequest(`/account${query}`, { cookie })))).value
}

async function closureRequests(customerId: string) {
  return database.db
    .selectFrom('requests')
    .select(['id', 'request_number', 'kind', 'status', 'subject', 'details'])
    .where('customer_id', '=', customerId)
    .where('kind', '=', 'account_closure')
    .orderBy('created_at')
    .execute()
}

/** A submitted closure request of the customer's, as the /account form makes it. */
async function askToClose(customer: { customerId: string; accountId: string }) {
  const result = await requestAccountClosure(database.db, {
    customerId: customer.customerId,
    accountId: customer.accountId,
    subject: 'Close my account',
    reason: null,
  })
  const [row] = await database.db
    .selectFrom('requests')
    .select('id')
    .where('request_number', '=', result.requestNumber)
    .execute()
  return { ...result, id: row?.id ?? '' }
}

describe('asking to close the account (/account)', () => {
  it('shows what happens and the form while no closure request is open', async () => {
    const anna = await signedInCustomer(database.db)
    const page = await openPage(anna.cookie)
    expect(page.closure).toBeNull()
    expect(page.lastExportAt).toBeNull()
    expect(page.notice).toBeNull()
  })

  it.each([
    ['a wrong password', { currentPassword: 'not my password' }, 'account:errors.passwordWrong'],
    ['no password', {}, 'account:errors.passwordRequired'],
  ])('answers %s with 400 next to the field, writing nothing', async (_label, fields, error) => {
    const anna = await signedInCustomer(database.db)
    const before = await databaseFingerprint(database.db)

    const { value, status } = answer(
      await closeAccount(anna.cookie, { ...fields, reason: 'Moving abroad' }),
    )

    expect(status).toBe(400)
    expect(value.error).toEqual({ currentPassword: [error] })
    // The reason comes back as typed; the password never does.
    expect(value.initialValue).toEqual({ reason: 'Moving abroad' })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('answers a too long reason with 400, writing nothing', async () => {
    const anna = await signedInCustomer(database.db)
    const before = await databaseFingerprint(database.db)
    const { value, status } = answer(
      await closeAccount(anna.cookie, { currentPassword: PASSWORD, reason: 'x'.repeat(2001) }),
    )
    expect(status).toBe(400)
    expect(value.error).toEqual({ reason: ['validation.tooLong'] })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('creates a submitted account_closure request with its event and history', async () => {
    const anna = await signedInCustomer(database.db)

    const result = await closeAccount(anna.cookie, {
      currentPassword: PASSWORD,
      reason: '  Moving abroad  ',
    })

    expect(redirected(result)).toEqual({
      status: 302,
      location: '/account?notice=closureRequested#close-account',
    })
    const [request, ...others] = await closureRequests(anna.customerId)
    expect(others).toEqual([])
    expect(request).toMatchObject({
      kind: 'account_closure',
      status: 'submitted',
      subject: 'Close my account',
      details: { reason: 'Moving abroad' },
    })
    const events = await database.db
      .selectFrom('request_events')
      .select(['from_status', 'to_status', 'visibility', 'actor_kind', 'actor_id'])
      .where('request_id', '=', request?.id ?? '')
      .execute()
    expect(events).toEqual([
      {
        from_status: null,
        to_status: 'submitted',
        visibility: 'public',
        actor_kind: 'customer',
        actor_id: anna.accountId,
      },
    ])
    const history = await database.db
      .selectFrom('record_history')
      .select(['entity_type', 'action', 'actor_kind', 'actor_id', 'channel'])
      .where('entity_id', '=', request?.id ?? '')
      .execute()
    expect(history).toEqual([
      {
        entity_type: 'request',
        action: 'created',
        actor_kind: 'customer',
        actor_id: anna.accountId,
        channel: 'portal',
      },
    ])

    const page = await openPage(anna.cookie, '?notice=closureRequested')
    expect(page.closure).toMatchObject({
      requestNumber: request?.request_number,
      status: 'submitted',
    })
    expect(page.notice).toBe('closureRequested')
  })

  it('keeps one open closure request at a time: a second shows the existing one', async () => {
    const anna = await signedInCustomer(database.db)
    await closeAccount(anna.cookie, { currentPassword: PASSWORD })
    const [first] = await closureRequests(anna.customerId)
    const before = await databaseFingerprint(database.db)

    const again = await closeAccount(anna.cookie, { currentPassword: PASSWORD, reason: 'Again' })

    expect(redirected(again).location).toBe('/account?notice=closureExists#close-account')
    expect(await databaseFingerprint(database.db)).toEqual(before)
    expect(await closureRequests(anna.customerId)).toEqual([first])

    // Two at once (two tabs): the customer's row lock lets only one of them create.
    const ben = await signedInCustomer(database.db)
    const raced = await Promise.all([askToClose(ben), askToClose(ben)])
    expect(raced.map((result) => result.status).sort()).toEqual(['created', 'exists'])
    expect(await closureRequests(ben.customerId)).toHaveLength(1)
  })

  it('can be cancelled while submitted through the request page, and asked for again', async () => {
    const anna = await signedInCustomer(database.db)
    await closeAccount(anna.cookie, { currentPassword: PASSWORD })
    const [request] = await closureRequests(anna.customerId)
    const requestNumber = request?.request_number ?? ''

    const cancelled = await requestAction(
      routeArgs(
        formRequest(`/requests/${requestNumber}`, { intent: 'cancel' }, { cookie: anna.cookie }),
        {
          requestNumber,
        },
      ),
    )

    expect(redirected(cancelled).location).toBe(`/requests/${requestNumber}?notice=cancelled`)
    expect((await closureRequests(anna.customerId))[0]?.status).toBe('cancelled')
    const page = await openPage(anna.cookie, '?notice=closureExists')
    expect(page.closure).toBeNull()
    // No closure to speak of, so no notice about one.
    expect(page.notice).toBeNull()

    await closeAccount(anna.cookie, { currentPassword: PASSWORD })
    expect((await closureRequests(anna.customerId)).map((row) => row.status)).toEqual([
      'cancelled',
      'submitted',
    ])
  })

  it('is still not offered on /requests/new', async () => {
    const anna = await signedInCustomer(database.db)
    const page = answer(
      await newRequestLoader(
        routeArgs(getRequest('/requests/new?kind=account_closure', { cookie: anna.cookie })),
      ),
    ).value
    expect(page.kind).toBeNull()
  })

  it("acts only on the signed-in customer: another customer's password or session closes nothing of mine", async () => {
    const anna = await signedInCustomer(database.db)
    const ben = await signedInCustomer(database.db, { password: 'bens own password 123' })

    // Ben with Anna's password: it is not his, so nothing happens to anyone.
    const before = await databaseFingerprint(database.db)
    const refused = answer(await closeAccount(ben.cookie, { currentPassword: PASSWORD }))
    expect(refused.status).toBe(400)
    expect(await databaseFingerprint(database.db)).toEqual(before)

    // Ben with his own password asks to close his own account, never Anna's.
    await closeAccount(ben.cookie, { currentPassword: 'bens own password 123' })
    expect(await closureRequests(anna.customerId)).toEqual([])
    expect(await closureRequests(ben.customerId)).toHaveLength(1)
  })

  it('sends the signed-out to sign in, writing nothing', async () => {
    const before = await databaseFingerprint(database.db)
    const response = await thrownResponse(() =>
      accountAction(routeArgs(formRequest('/account', { currentPassword: PASSWORD }))),
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/login?redirectTo=%2Faccount')
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('completeAccountClosure (staff)', () => {
  async function closable(): Promise<RichCustomer & { closureId: string }> {
    const anna = await customerWithEverything(database.db)
    const closure = await askToClose(anna)
    return { ...anna, closureId: closure.id }
  }

  it('anonymises exactly the personal fields, in place, and keeps the rest', async () => {
    const anna = await closable()
    const ben = await customerWithEverything(database.db, { givenName: 'Bertil' })
    const customerBefore = await database.db
      .selectFrom('customers')
      .select(['customer_number', 'language', 'time_zone', 'version', 'created_at'])
      .where('id', '=', anna.customerId)
      .executeTakeFirstOrThrow()
    const billingBefore = await database.db
      .selectFrom('orders')
      .select(['billing_address', 'total_minor', 'status'])
      .where('customer_id', '=', anna.customerId)
      .execute()
    const bensRows = await rowsOf(ben.customerId)

    const summary = await completeAccountClosure(database.db, {
      requestId: anna.closureId,
      staffAccountId: anna.staffAccountId,
    })

    expect(summary).toEqual({
      customerId: anna.customerId,
      requestNumber: expect.stringMatching(/^R\d+$/),
      anonymisedFields: ['given_name', 'family_name', 'preferred_name', 'legal_name'],
      emailsRemoved: 2,
      phonesRemoved: 1,
      addressesAnonymised: 2,
      sessionsEnded: 2,
      emailLinksRevoked: 1,
      consentWithdrawn: 2,
      orderShippingAddressesAnonymised: 1,
      deliveryRecipientsRemoved: 1,
      mergedRecordsAnonymised: 0,
    })

    const customer = await database.db
      .selectFrom('customers')
      .select([
        'customer_number',
        'given_name',
        'family_name',
        'preferred_name',
        'legal_name',
        'language',
        'time_zone',
        'status',
        'version',
        'created_at',
        'closed_at',
        'anonymised_at',
      ])
      .where('id', '=', anna.customerId)
      .executeTakeFirstOrThrow()
    expect(customer).toEqual({
      ...customerBefore,
      given_name: 'Closed',
      family_name: 'account',
      preferred_name: null,
      legal_name: null,
      status: 'closed',
      version: customerBefore.version + 1,
      closed_at: expect.any(Date),
      anonymised_at: expect.any(Date),
    })

    const rows = await rowsOf(anna.customerId)
    expect(rows.emails).toEqual([])
    expect(rows.phones).toEqual([])
    expect(rows.addresses).toEqual([anonymisedAddress(), anonymisedAddress()])
    expect(rows.account).toEqual({
      email: closedAccountEmail(anna.accountId),
      password_hash: null,
      email_verified_at: null,
      disabled_at: expect.any(Date),
    })
    expect(rows.sessions).toEqual([])
    expect(rows.tokens).toEqual([])
    expect(rows.deliveries).toEqual([{ recipient: null, subject: expect.any(String) }])

    // Orders stay, with the invoice as issued; the delivery address keeps only the place.
    const orders = await database.db
      .selectFrom('orders')
      .select(['shipping_address', 'billing_address', 'total_minor', 'status'])
      .where('customer_id', '=', anna.customerId)
      .execute()
    expect(orders.map(({ shipping_address: _s, ...rest }) => rest)).toEqual(billingBefore)
    expect(orders[0]?.shipping_address).toEqual({
      recipient: ANONYMISED_TEXT,
      line1: ANONYMISED_TEXT,
      line2: null,
      city: STOCKHOLM_ADDRESS.city,
      region: null,
      postalCode: STOCKHOLM_ADDRESS.postalCode,
      countryCode: STOCKHOLM_ADDRESS.countryCode,
      anonymised: true,
    })
    const lines = await database.db
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select('order_lines.sku')
      .where('orders.customer_id', '=', anna.customerId)
      .execute()
    expect(lines).toHaveLength(2)
    // Requests and tickets stay as they were.
    expect(
      await database.db
        .selectFrom('tickets')
        .select('ticket_number')
        .where('customer_id', '=', anna.customerId)
        .execute(),
    ).toEqual([{ ticket_number: anna.ticketNumber }])

    // Nobody else's rows moved.
    expect(await rowsOf(ben.customerId)).toEqual(bensRows)
  })

  it('anonymises a record merged into the closed one, its sign-in and the merge audit', async () => {
    const anna = await closable()
    const older = await signedInCustomer(database.db, { givenName: 'Annie' })
    const supervisor = await createStaffAccount(database.db, { role: 'supervisor' })
    const versions = await database.db
      .selectFrom('customers')
      .select(['id', 'version'])
      .where('id', 'in', [anna.customerId, older.customerId])
      .execute()
    const versionOf = (id: string) => versions.find((row) => row.id === id)?.version ?? 0
    await mergeCustomers(database.db, {
      survivorId: anna.customerId,
      mergedId: older.customerId,
      staffAccountId: supervisor.accountId,
      expected: {
        survivorVersion: versionOf(anna.customerId),
        mergedVersion: versionOf(older.customerId),
      },
    })

    const summary = await completeAccountClosure(database.db, {
      requestId: anna.closureId,
      staffAccountId: anna.staffAccountId,
    })

    expect(summary.mergedRecordsAnonymised).toBe(1)
    const merged = await database.db
      .selectFrom('customers')
      .select(['given_name', 'family_name', 'status', 'merged_into_id'])
      .where('id', '=', older.customerId)
      .executeTakeFirstOrThrow()
    expect(merged).toEqual({
      given_name: 'Closed',
      family_name: 'account',
      status: 'merged',
      merged_into_id: anna.customerId,
    })
    const accounts = await database.db
      .selectFrom('accounts')
      .select(['email', 'password_hash'])
      .where('email', 'ilike', older.email)
      .execute()
    expect(accounts).toEqual([])
    const audit = await database.db
      .selectFrom('customer_merges')
      .select('duplicate_before')
      .where('merged_id', '=', older.customerId)
      .executeTakeFirstOrThrow()
    expect(JSON.stringify(audit.duplicate_before)).not.toContain('Annie')
  })

  it('ends every session: the old cookies no longer sign in, nor does the old address', async () => {
    const anna = await closable()
    expect((await getOptionalUser(getRequest('/', { cookie: anna.cookie }))).user).not.toBeNull()

    await completeAccountClosure(database.db, {
      requestId: anna.closureId,
      staffAccountId: anna.staffAccountId,
    })

    for (const cookie of [anna.cookie, anna.secondCookie]) {
      expect((await getOptionalUser(getRequest('/', { cookie }))).user).toBeNull()
      const response = await thrownResponse(() =>
        accountLoader(routeArgs(getRequest('/account', { cookie }))),
      )
      expect(response.status).toBe(302)
      expect(response.headers.get('Location')).toBe('/login?redirectTo=%2Faccount')
    }
    expect(await findAccountForSignIn(database.db, anna.email)).toBeUndefined()
    // Not only refused (a closed record is refused anyway): the sessions are gone.
    const sessions = await database.db
      .selectFrom('sessions')
      .select('id')
      .where('id', 'in', [sessionHashOf(anna.cookie), sessionHashOf(anna.secondCookie)])
      .execute()
    expect(sessions).toEqual([])
  })

  it('withdraws every marketing consent through the ledger, as the system on staff’s word', async () => {
    const anna = await closable()
    const lastBefore = await database.db
      .selectFrom('consent_ledger')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow()

    await completeAccountClosure(database.db, {
      requestId: anna.closureId,
      staffAccountId: anna.staffAccountId,
    })

    const added = await database.db
      .selectFrom('consent_ledger')
      .select(['channel', 'topic', 'decision', 'source', 'actor_kind', 'actor_id', 'wording_id'])
      .where('customer_id', '=', anna.customerId)
      .where('id', '>', Number(lastBefore.id ?? 0))
      .orderBy('id')
      .execute()
    const withdrawal = {
      decision: 'withdrawn',
      source: 'system',
      actor_kind: 'staff',
      actor_id: anna.staffAccountId,
      wording_id: null,
    }
    // The granted SMS newsletter and the pending email offers; nothing else was a yes.
    expect(added).toEqual([
      { channel: 'email', topic: 'offers', ...withdrawal },
      { channel: 'sms', topic: 'newsletter', ...withdrawal },
    ])
    const state = await getConsentState(database.db, anna.customerId)
    expect(
      state
        .filter((cell) => cell.isMarketing)
        .every((cell) => cell.decision !== 'granted' && cell.decision !== 'pending'),
    ).toBe(true)
    // Service messages were not marketing: that choice stays as the customer left it.
    expect(
      state.find((cell) => cell.channel === 'sms' && cell.topic === 'order_updates')?.decision,
    ).toBe('granted')
    const consentHistory = await database.db
      .selectFrom('record_history')
      .select(['action', 'channel', 'actor_kind'])
      .where('customer_id', '=', anna.customerId)
      .where('entity_type', '=', 'consent')
      .where('action', '=', 'withdrawn')
      .execute()
    expect(consentHistory).toEqual([
      { action: 'withdrawn', channel: 'system', actor_kind: 'staff' },
      { action: 'withdrawn', channel: 'system', actor_kind: 'staff' },
    ])
  })

  it('completes the request and writes history that names fields, never their values', async () => {
    const anna = await closable()
    const lastHistory = await database.db
      .selectFrom('record_history')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow()

    await completeAccountClosure(database.db, {
      requestId: anna.closureId,
      staffAccountId: anna.staffAccountId,
    })

    const request = await database.db
      .selectFrom('requests')
      .select(['status', 'closed_at', 'version'])
      .where('id', '=', anna.closureId)
      .executeTakeFirstOrThrow()
    expect(request).toEqual({ status: 'completed', closed_at: expect.any(Date), version: 2 })
    const events = await database.db
      .selectFrom('request_events')
      .select(['from_status', 'to_status', 'visibility', 'actor_kind', 'actor_id'])
      .where('request_id', '=', anna.closureId)
      .orderBy('id')
      .execute()
    const queued = await database.db
      .selectFrom('notification_outbox')
      .select(['template', 'entity_id', 'payload'])
      .where('customer_id', '=', anna.customerId)
      .where('entity_type', '=', 'request')
      .where('entity_id', '=', anna.closureId)
      .execute()
    expect(queued).toEqual([
      {
        template: 'request_status_changed',
        entity_id: anna.closureId,
        payload: { requestNumber: expect.stringMatching(/^R\d+$/), status: 'completed' },
      },
    ])
    expect(events.at(-1)).toEqual({
      from_status: 'submitted',
      to_status: 'completed',
      visibility: 'public',
      actor_kind: 'staff',
      actor_id: anna.staffAccountId,
    })

    const history = await database.db
      .selectFrom('record_history')
      .select([
        'entity_type',
        'entity_id',
        'action',
        'actor_kind',
        'actor_id',
        'channel',
        'before',
        'after',
      ])
      .where('customer_id', '=', anna.customerId)
      .where('id', '>', Number(lastHistory.id ?? 0))
      .where('entity_type', '!=', 'consent')
      .orderBy('id')
      .execute()
    const staff = { actor_kind: 'staff', actor_id: anna.staffAccountId, channel: 'staff' }
    expect(history).toEqual([
      {
        ...staff,
        entity_type: 'request',
        entity_id: anna.closureId,
        action: 'status_changed',
        before: { status: 'submitted' },
        after: { status: 'completed' },
      },
      {
        ...staff,
        entity_type: 'customer',
        entity_id: anna.customerId,
        action: 'anonymised',
        before: { status: 'active' },
        after: {
          status: 'closed',
          request_number: expect.stringMatching(/^R\d+$/),
          anonymised_fields: ['given_name', 'family_name', 'preferred_name', 'legal_name'],
          emails_removed: 2,
          phones_removed: 1,
          addresses_anonymised: 2,
          order_shipping_addresses_anonymised: 1,
          delivery_recipients_removed: 1,
          consent_withdrawn: 2,
          merged_records_anonymised: 0,
        },
      },
      {
        ...staff,
        entity_type: 'account',
        entity_id: anna.accountId,
        action: 'closed',
        before: { disabled: false },
        after: {
          disabled: true,
          anonymised_fields: ['email', 'password'],
          sessions_ended: 2,
          email_links_revoked: 1,
        },
      },
    ])
    const written = JSON.stringify(history)
    for (const personal of [
      'Anna',
      'Annie',
      'Berg',
      anna.email,
      anna.extraEmail,
      anna.phone,
      'Götgatan',
      'Storgatan',
      '118 46',
    ]) {
      expect(written).not.toContain(personal)
    }
  })

  it('can complete from in review and from approved', async () => {
    for (const path of [['in_review'], ['in_review', 'approved']] as RequestStatus[][]) {
      const anna = await signedInCustomer(database.db)
      const staff = await createStaffAccount(database.db)
      const closure = await askToClose(anna)
      for (const toStatus of path) {
        await changeRequestStatus(database.db, {
          requestId: closure.id,
          toStatus,
          actor: { kind: 'staff', id: staff.accountId },
          channel: 'staff',
        })
      }
      await completeAccountClosure(database.db, {
        requestId: closure.id,
        staffAccountId: staff.accountId,
      })
      const customer = await database.db
        .selectFrom('customers')
        .select('status')
        .where('id', '=', anna.customerId)
        .executeTakeFirstOrThrow()
      expect(customer.status).toBe('closed')
    }
  })

  it.each([
    ['cancelled', ['cancelled']],
    ['rejected', ['rejected']],
    ['waiting for the customer', ['in_review', 'waiting_for_customer']],
    ['completed already', ['in_review', 'approved', 'completed']],
  ] as [string, RequestStatus[]][])(
    'is refused for a closure request that is %s, changing nothing',
    async (_label, path) => {
      const anna = await signedInCustomer(database.db)
      const staff = await createStaffAccount(database.db)
      const closure = await askToClose(anna)
      for (const toStatus of path) {
        await changeRequestStatus(database.db, {
          requestId: closure.id,
          toStatus,
          actor: { kind: 'staff', id: staff.accountId },
          channel: 'staff',
        })
      }
      const before = await databaseFingerprint(database.db)
      const error = await completeAccountClosure(database.db, {
        requestId: closure.id,
        staffAccountId: staff.accountId,
      }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(InvalidStateError)
      expect((error as InvalidStateError).reason).toBe('account:errors.closureNotOpen')
      expect(await databaseFingerprint(database.db)).toEqual(before)
    },
  )

  it('is refused for a request of another kind, changing nothing', async () => {
    const anna = await signedInCustomer(database.db)
    const staff = await createStaffAccount(database.db)
    const other = await createRequest(database.db, {
      customerId: anna.customerId,
      actor: { kind: 'customer', id: anna.accountId },
      channel: 'portal',
      kind: 'document',
      subject: 'Invoice copy',
      details: {},
    })
    const before = await databaseFingerprint(database.db)
    const error = await completeAccountClosure(database.db, {
      requestId: other.id,
      staffAccountId: staff.accountId,
    }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InvalidStateError)
    expect((error as InvalidStateError).reason).toBe('account:errors.notAClosureRequest')
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('is refused for an unknown request, and for someone who is not staff', async () => {
    const anna = await signedInCustomer(database.db)
    const staff = await createStaffAccount(database.db)
    const closure = await askToClose(anna)
    const before = await databaseFingerprint(database.db)

    for (const input of [
      { requestId: crypto.randomUUID(), staffAccountId: staff.accountId },
      { requestId: 'R300001', staffAccountId: staff.accountId },
      // The customer's own account is not a staff member's.
      { requestId: closure.id, staffAccountId: anna.accountId },
    ]) {
      await expect(completeAccountClosure(database.db, input)).rejects.toBeInstanceOf(NotFoundError)
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

function anonymisedAddress() {
  return {
    label: null,
    recipient: ANONYMISED_TEXT,
    line1: ANONYMISED_TEXT,
    line2: null,
    city: ANONYMISED_TEXT,
    region: null,
    postal_code: null,
    country_code: 'SE',
    is_default_shipping: false,
    is_default_billing: false,
    removed_at: expect.any(Date),
  }
}

/** The personal rows of one customer, to compare before and after. */
async function rowsOf(customerId: string) {
  const db = database.db
  const account = await db
    .selectFrom('accounts')
    .select(['id', 'email', 'password_hash', 'email_verified_at', 'disabled_at'])
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow()
  const [emails, phones, addresses, sessions, tokens, deliveries] = await Promise.all([
    db
      .selectFrom('customer_emails')
      .select(['email'])
      .where('customer_id', '=', customerId)
      .execute(),
    db
      .selectFrom('customer_phones')
      .select(['e164'])
      .where('customer_id', '=', customerId)
      .execute(),
    db
      .selectFrom('customer_addresses')
      .select([
        'label',
        'recipient',
        'line1',
        'line2',
        'city',
        'region',
        'postal_code',
        'country_code',
        'is_default_shipping',
        'is_default_billing',
        'removed_at',
      ])
      .where('customer_id', '=', customerId)
      .orderBy('created_at')
      .execute(),
    db.selectFrom('sessions').select('id').where('account_id', '=', account.id).execute(),
    db
      .selectFrom('account_tokens')
      .select('token_hash')
      .where((eb) => eb.or([eb('customer_id', '=', customerId), eb('account_id', '=', account.id)]))
      .execute(),
    db
      .selectFrom('notification_deliveries')
      .select(['recipient', 'subject'])
      .where('customer_id', '=', customerId)
      .execute(),
  ])
  const { id: _id, ...accountFields } = account
  return { account: accountFields, emails, phones, addresses, sessions, tokens, deliveries }
}
