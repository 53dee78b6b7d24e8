import { beforeAll } from 'vitest'
import { action as accountAction } from '#app/routes/account._index.tsx'
import { action as preferencesAction } from '#app/routes/preferences.tsx'
import { action as profileAction } from '#app/routes/profile._index.tsx'
import { action as editAddressAction } from '#app/routes/profile.addresses.$addressId.tsx'
import { action as newAddressAction } from '#app/routes/profile.addresses.new.tsx'
import { action as undoEmailAction } from '#app/routes/profile.email.undo.tsx'
import { action as verifyEmailAction } from '#app/routes/profile.email.verify.tsx'
import { action as newEmailAction } from '#app/routes/profile.emails.new.tsx'
import { action as editPhoneAction } from '#app/routes/profile.phones.$phoneId.tsx'
import { action as newPhoneAction } from '#app/routes/profile.phones.new.tsx'
import { action as signInEmailAction } from '#app/routes/profile.sign-in-email.tsx'
import { action as requestAction } from '#app/routes/requests.$requestNumber.tsx'
import { action as newRequestAction } from '#app/routes/requests.new.tsx'
import { action as ticketAction } from '#app/routes/tickets.$ticketNumber.tsx'
import { action as newTicketAction } from '#app/routes/tickets.new.tsx'
import { useTestDatabase } from '#test/support/database.ts'
import { PASSWORD, uniqueEmail } from '#test/support/fixtures.ts'
import {
  type Entries,
  describeFuzzedForms,
  type FormRoute,
  useScratchDataDir,
} from './fuzz-support.ts'
import { createWorld, STOCKHOLM, versionOf, type World } from './fuzz-world.ts'

// Every form of the signed-in customer's pages, fuzzed (see fuzz-support.ts).

const database = useTestDatabase()
useScratchDataDir()

let world: World
beforeAll(async () => {
  world = await createWorld(database.db)
})

const cookie = () => world.customer.cookie
const db = () => database.db
let counter = 0
const next = <T>(values: readonly T[]): T => values[counter++ % values.length] as T

const addressEntries = (): Entries => Object.entries(STOCKHOLM)

const routes: FormRoute[] = [
  {
    name: 'profile details',
    action: profileAction,
    path: '/profile',
    cookie,
    numRuns: 80,
    base: async () => [
      ['intent', 'details'],
      ['version', await versionOf(db(), 'customers', world.customer.customerId)],
      ['givenName', 'Anna'],
      ['familyName', 'Berg'],
      ['preferredName', 'Annie'],
      ['language', 'en'],
      ['timeZone', 'Europe/Stockholm'],
    ],
    // The customer has an order, so the legal name is no longer theirs to edit: fuzzed only.
    extraFields: ['legalNameEditable', 'legalName'],
  },
  {
    name: 'new address',
    action: newAddressAction,
    path: '/profile/addresses/new',
    cookie,
    numRuns: 60,
    base: () => [...addressEntries(), ['defaultShipping', 'on']],
  },
  {
    name: 'edit address',
    action: editAddressAction,
    path: () => `/profile/addresses/${world.address.id}`,
    params: () => ({ addressId: world.address.id }),
    cookie,
    numRuns: 60,
    base: async () => [
      ...addressEntries(),
      ['version', await versionOf(db(), 'customer_addresses', world.address.id)],
    ],
  },
  {
    name: 'new phone',
    action: newPhoneAction,
    path: '/profile/phones/new',
    cookie,
    numRuns: 50,
    base: () => [
      ['country', 'SE'],
      ['number', next(['070-123 45 67', '08-123 456 78', '073 999 88 77'])],
      ['kind', 'home'],
      ['makePrimary', 'on'],
    ],
  },
  {
    name: 'edit phone',
    action: editPhoneAction,
    path: () => `/profile/phones/${world.phone.id}`,
    params: () => ({ phoneId: world.phone.id }),
    cookie,
    numRuns: 40,
    base: () => [
      ['country', 'SE'],
      ['number', next(['070-765 43 21', '070-111 22 33', '070-222 33 44'])],
      ['kind', 'work'],
    ],
  },
  {
    name: 'new email',
    action: newEmailAction,
    path: '/profile/emails/new',
    cookie,
    numRuns: 50,
    base: () => [['email', uniqueEmail('extra')]],
  },
  {
    name: 'sign-in email',
    action: signInEmailAction,
    path: '/profile/sign-in-email',
    cookie,
    numRuns: 40,
    base: () => [
      ['newEmail', uniqueEmail('moved')],
      ['currentPassword', PASSWORD],
    ],
  },
  {
    name: 'email verify link',
    neverAccepted: true,
    action: verifyEmailAction,
    path: '/profile/email/verify',
    numRuns: 25,
    base: () => [['token', 'Zm9vYmFy.c2VjcmV0']],
  },
  {
    name: 'email undo link',
    neverAccepted: true,
    action: undoEmailAction,
    path: '/profile/email/undo',
    numRuns: 25,
    base: () => [['token', 'Zm9vYmFy.c2VjcmV0']],
  },
  {
    name: 'preferences save',
    action: preferencesAction,
    path: '/preferences',
    cookie,
    numRuns: 70,
    base: async () => [
      ['intent', 'save'],
      ['version', await versionOf(db(), 'communication_preferences', world.customer.customerId)],
      ['preferredServiceChannel', 'email'],
      ['marketingFrequency', 'weekly'],
      ['quietHoursStart', '22:00'],
      ['quietHoursEnd', '07:00'],
      ['messageLanguage', 'en'],
      ['wording', `newsletter:${world.wordings.newsletter}`],
      ['shown', 'email:newsletter:none'],
      ['consent', 'email:newsletter'],
      ['shown', 'post:offers:none'],
    ],
  },
  {
    name: 'preferences toggle',
    action: preferencesAction,
    path: '/preferences',
    cookie,
    numRuns: 50,
    base: () => [
      ['intent', 'toggle'],
      ['cell', next(['email:offers', 'post:newsletter', 'sms:events'])],
      ['wanted', next(['yes', 'no'])],
      ['shown', 'none'],
      ['wordingId', world.wordings.offers],
    ],
  },
  {
    name: 'new request: return',
    action: newRequestAction,
    path: '/requests/new',
    cookie,
    numRuns: 50,
    base: () => [
      ['kind', 'return'],
      ['idempotencyKey', crypto.randomUUID()],
      ['orderNumber', world.order.orderNumber],
      ['lines', '1'],
      ['reason', 'defective'],
      ['comment', 'The lid broke'],
      ['outcome', 'refund'],
      ['subject', ''],
    ],
  },
  {
    name: 'new request: repair',
    action: newRequestAction,
    path: '/requests/new',
    cookie,
    numRuns: 40,
    base: () => [
      ['kind', 'repair'],
      ['idempotencyKey', crypto.randomUUID()],
      ['orderNumber', world.order.orderNumber],
      ['product', 'Kettle'],
      ['fault', 'It does not heat'],
      ['subject', 'Kettle'],
    ],
  },
  {
    name: 'new request: document',
    action: newRequestAction,
    path: '/requests/new',
    cookie,
    numRuns: 30,
    base: () => [
      ['kind', 'document'],
      ['idempotencyKey', crypto.randomUUID()],
      ['document', 'invoice_copy'],
      ['period', '2026'],
      ['notes', 'For my records'],
    ],
  },
  {
    name: 'new request: data correction',
    action: newRequestAction,
    path: '/requests/new',
    cookie,
    numRuns: 40,
    base: () => [
      ['kind', 'data_correction'],
      ['idempotencyKey', crypto.randomUUID()],
      ['field', 'legal_name'],
      ['requested', 'Anna Maria Berg'],
      ['explanation', 'Married'],
    ],
  },
  {
    name: 'request answer and cancel',
    action: requestAction,
    path: () => `/requests/${world.request.requestNumber}`,
    params: () => ({ requestNumber: world.request.requestNumber }),
    cookie,
    numRuns: 50,
    baseWrites: true,
    base: async () => {
      // Back to waiting on the customer each time, so the answer form has something to answer.
      await db()
        .updateTable('requests')
        .set({ status: 'waiting_for_customer' })
        .where('id', '=', world.request.id)
        .execute()
      return next<Entries>([
        [
          ['intent', 'answer'],
          ['answer', 'Serial number 12345'],
        ],
        [['intent', 'cancel']],
      ])
    },
  },
  {
    name: 'new ticket',
    action: newTicketAction,
    path: '/tickets/new',
    cookie,
    files: true,
    numRuns: 70,
    base: () => [
      ['category', 'delivery'],
      ['subject', 'Parcel late'],
      ['message', 'Where is it?'],
      ['order', world.order.orderNumber],
      ['request', world.request.requestNumber],
      ['idempotencyKey', crypto.randomUUID()],
    ],
  },
  {
    name: 'ticket reply, close, reopen, rate',
    action: ticketAction,
    path: () => `/tickets/${world.ticket.ticketNumber}`,
    params: () => ({ ticketNumber: world.ticket.ticketNumber }),
    cookie,
    files: true,
    numRuns: 80,
    base: () =>
      next<Entries>([
        [
          ['intent', 'reply'],
          ['message', 'Any news?'],
          ['idempotencyKey', crypto.randomUUID()],
        ],
        [
          ['intent', 'rate'],
          ['rating', '4'],
          ['comment', 'Quick answer'],
        ],
        [['intent', 'close']],
        [['intent', 'reopen']],
      ]),
  },
  {
    name: 'close account',
    action: accountAction,
    path: '/account',
    cookie,
    numRuns: 40,
    base: () => [
      ['currentPassword', PASSWORD],
      ['reason', 'Moving abroad'],
    ],
  },
  // Last: it removes the email, phone and address the other forms edit.
  {
    name: 'profile contact buttons',
    action: profileAction,
    path: '/profile',
    cookie,
    numRuns: 60,
    base: () => {
      const intent = next([
        'email-primary',
        'email-resend',
        'phone-primary',
        'address-default-shipping',
        'address-default-billing',
        'email-remove',
        'phone-remove',
        'address-remove',
      ])
      const id = intent.startsWith('email')
        ? world.email.id
        : intent.startsWith('phone')
          ? world.phone.id
          : world.address.id
      return [
        ['intent', intent],
        ['id', id],
      ]
    },
  },
]

describeFuzzedForms({
  title: 'fuzzed customer forms: no 5xx, refused input changes nothing',
  file: 'customer-forms',
  database,
  routes,
})
