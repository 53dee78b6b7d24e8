import { beforeAll } from 'vitest'
import { createUnsubscribeToken } from '#app/consent/unsubscribe-token.server.ts'
import { action as claimAction } from '#app/routes/claim.tsx'
import { action as consentConfirmAction } from '#app/routes/consent.confirm.tsx'
import { action as forgotPasswordAction } from '#app/routes/forgot-password.tsx'
import { action as loginAction } from '#app/routes/login.tsx'
import { action as magicLinkAction } from '#app/routes/login_.magic-link.tsx'
import { action as magicLinkConfirmAction } from '#app/routes/login_.magic-link_.confirm.tsx'
import { action as logoutAction } from '#app/routes/logout.tsx'
import { action as resetPasswordAction } from '#app/routes/reset-password.tsx'
import { action as signUpAction } from '#app/routes/signup.tsx'
import { action as signUpVerifyAction } from '#app/routes/signup_.verify.tsx'
import { action as staffClaimAction } from '#app/routes/staff_.claim.tsx'
import { action as staffLoginAction } from '#app/routes/staff_.login.tsx'
import { action as unsubscribeAction } from '#app/routes/unsubscribe.tsx'
import { action as oneClickAction } from '#app/routes/unsubscribe_.one-click.tsx'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  PASSWORD,
  sessionCookieFor,
  signedInCustomer,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { describeFuzzedForms, type FormRoute, useScratchDataDir } from './fuzz-support.ts'

// The pages used without a session (sign-in, sign-up, emailed links) and sign-out, fuzzed (see
// fuzz-support.ts). Refused sign-ins may write rate_limits: counting them is the point.

const database = useTestDatabase()
useScratchDataDir()

let customer: Awaited<ReturnType<typeof signedInCustomer>>
let staffEmail = ''
let unsubscribeToken = ''
let leaving = { accountId: '' }
beforeAll(async () => {
  customer = await signedInCustomer(database.db)
  staffEmail = (await createStaffAccount(database.db, { role: 'agent' })).email
  unsubscribeToken = createUnsubscribeToken({
    customerId: customer.customerId,
    channel: 'email',
    topic: 'newsletter',
  })
  leaving = await signedInCustomer(database.db)
})

let counter = 0
const next = <T>(values: readonly T[]): T => values[counter++ % values.length] as T
const rateLimited = ['rate_limits']
const strongPassword = 'a quiet harbour at dawn 1947'
// The shape of our emailed tokens; never a live one, so the links are refused.
const fakeToken = 'q5GJ1v7o7W0rY8mH2Pj0aQ3L9nXb4cD6eF8gH0iJ2kL'

const routes: FormRoute[] = [
  {
    name: 'customer sign-in',
    action: loginAction,
    path: '/login',
    numRuns: 60,
    ignoreTables: rateLimited,
    base: () => {
      const known = next([true, true, false])
      return [
        ['email', known ? customer.email : uniqueEmail('nobody')],
        ['password', known ? PASSWORD : 'wrong password'],
        ['redirectTo', next(['/orders', '//evil.example', '/profile?x=1'])],
      ]
    },
  },
  {
    name: 'staff sign-in',
    action: staffLoginAction,
    path: '/staff/login',
    numRuns: 40,
    ignoreTables: rateLimited,
    base: () => [
      ['email', staffEmail],
      ['password', next([PASSWORD, 'wrong password'])],
    ],
  },
  {
    name: 'sign-up',
    action: signUpAction,
    path: '/signup',
    numRuns: 70,
    ignoreTables: rateLimited,
    base: () => [
      ['givenName', 'Maria'],
      ['familyName', "O'Neill"],
      ['email', next([uniqueEmail('new'), customer.email])],
      ['password', strongPassword],
      ['language', next(['en', 'de', 'es'])],
    ],
  },
  {
    name: 'sign-up verify link',
    neverAccepted: true,
    action: signUpVerifyAction,
    path: '/signup/verify',
    numRuns: 20,
    base: () => [['token', fakeToken]],
  },
  {
    name: 'forgot password',
    action: forgotPasswordAction,
    path: '/forgot-password',
    numRuns: 40,
    ignoreTables: rateLimited,
    base: () => [['email', next([customer.email, uniqueEmail('forgot')])]],
  },
  {
    name: 'magic link request',
    action: magicLinkAction,
    path: '/login/magic-link',
    numRuns: 40,
    ignoreTables: rateLimited,
    base: () => [['email', next([customer.email, uniqueEmail('magic')])]],
  },
  {
    name: 'magic link confirm',
    neverAccepted: true,
    action: magicLinkConfirmAction,
    path: '/login/magic-link/confirm',
    numRuns: 20,
    base: () => [['token', fakeToken]],
  },
  {
    name: 'reset password',
    neverAccepted: true,
    action: resetPasswordAction,
    path: '/reset-password',
    numRuns: 40,
    base: () => [
      ['token', fakeToken],
      ['password', strongPassword],
      ['confirmPassword', strongPassword],
    ],
  },
  {
    name: 'claim a record',
    neverAccepted: true,
    action: claimAction,
    path: '/claim',
    numRuns: 30,
    base: () => [
      ['token', fakeToken],
      ['password', strongPassword],
      ['confirmPassword', strongPassword],
    ],
  },
  {
    name: 'staff invitation',
    neverAccepted: true,
    action: staffClaimAction,
    path: '/staff/claim',
    numRuns: 30,
    base: () => [
      ['token', fakeToken],
      ['password', strongPassword],
      ['confirmPassword', strongPassword],
    ],
  },
  {
    name: 'consent confirmation link',
    neverAccepted: true,
    action: consentConfirmAction,
    path: '/consent/confirm',
    queryFields: ['token'],
    numRuns: 30,
    base: () => [['token', fakeToken]],
  },
  {
    name: 'unsubscribe page',
    action: unsubscribeAction,
    path: '/unsubscribe',
    queryFields: ['token'],
    numRuns: 50,
    base: () => [
      ['token', unsubscribeToken],
      ['intent', next(['one', 'all'])],
    ],
  },
  {
    name: 'one-click unsubscribe',
    action: oneClickAction,
    path: '/unsubscribe/one-click',
    queryFields: ['token'],
    numRuns: 40,
    base: () => [
      ['token', unsubscribeToken],
      ['List-Unsubscribe', 'One-Click'],
    ],
  },
  {
    name: 'sign out',
    action: logoutAction,
    path: '/logout',
    numRuns: 30,
    cookie: () => leavingCookie,
    baseWrites: true,
    base: async () => {
      // A session of its own each time: "sign out everywhere" ends them all.
      leavingCookie = await sessionCookieFor(leaving.accountId)
      return [['intent', next(['current', 'all'])]]
    },
  },
]
let leavingCookie = ''

describeFuzzedForms({
  title: 'fuzzed sign-in, sign-up and emailed-link forms: no 5xx, refused input changes nothing',
  file: 'auth-forms',
  database,
  routes,
})
