import { beforeAll } from 'vitest'
import { action as customerPasswordAction } from '#app/routes/account.password.tsx'
import { action as customerSecurityAction } from '#app/routes/account.security.tsx'
import { action as languageAction } from '#app/routes/language.tsx'
import { action as customerTwoFactorAction } from '#app/routes/login_.two-factor.tsx'
import { action as staffPasswordAction } from '#app/routes/staff.password.tsx'
import { action as staffSecurityAction } from '#app/routes/staff.security.tsx'
import { action as staffTwoFactorAction } from '#app/routes/staff_.login_.two-factor.tsx'
import { verifyPassword } from '#app/auth/password.server.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  PASSWORD,
  sessionCookieFor,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import {
  type Entries,
  describeFuzzedForms,
  type FormRoute,
  useScratchDataDir,
} from './fuzz-support.ts'

// The password, two-factor and language forms, fuzzed (see fuzz-support.ts). Each password form
// has an account of its own: an accepted case changes that account's password.

const database = useTestDatabase()
useScratchDataDir()

const accounts = { customer: '', staff: '', security: '', staffSecurity: '' }
const cookies = { customer: '', staff: '', security: '', staffSecurity: '', language: '' }
beforeAll(async () => {
  const db = database.db
  accounts.customer = (await signedInCustomer(db)).accountId
  accounts.security = (await signedInCustomer(db)).accountId
  accounts.staff = (await createStaffAccount(db)).accountId
  accounts.staffSecurity = (await createStaffAccount(db)).accountId
  cookies.language = (await signedInCustomer(db)).cookie
})

/**
 * A new session before each case: a password change ends the account's other sessions, and a
 * route whose guard refuses every case would only test the guard.
 */
function freshSession(
  key: keyof typeof accounts,
  base: () => Entries | Promise<Entries>,
): Pick<FormRoute, 'base' | 'cookie' | 'baseWrites'> {
  return {
    baseWrites: true,
    cookie: () => cookies[key],
    base: async () => {
      cookies[key] = await sessionCookieFor(accounts[key])
      return base()
    },
  }
}

let counter = 0
const next = <T>(values: readonly T[]): T => values[counter++ % values.length] as T
const rateLimited = ['rate_limits']

/**
 * Back and forth between two passwords: the form starts from whichever one the account has now,
 * so after an accepted change the next case still knows the current one.
 */
function passwordChange(key: 'customer' | 'staff') {
  const passwords = [PASSWORD, 'a quiet harbour at dawn 1947'] as const
  return async (): Promise<Entries> => {
    const { password_hash: hash } = await database.db
      .selectFrom('accounts')
      .select('password_hash')
      .where('id', '=', accounts[key])
      .executeTakeFirstOrThrow()
    const onFirst = hash !== null && (await verifyPassword(hash, passwords[0]))
    const [from, to] = onFirst ? passwords : [passwords[1], passwords[0]]
    return [
      ['currentPassword', from],
      ['password', to],
      ['confirmPassword', to],
    ]
  }
}

const securityBase = (): Entries =>
  next<Entries>([
    [['intent', 'start']],
    [['intent', 'start']],
    [
      ['intent', 'enable'],
      ['code', '123456'],
    ],
    [
      ['intent', 'regenerate'],
      ['code', '123456'],
    ],
    [
      ['intent', 'disable'],
      ['password', PASSWORD],
      ['code', ''],
    ],
  ])

const routes: FormRoute[] = [
  {
    name: 'customer password change',
    clientIp: '192.0.2.12',
    action: customerPasswordAction,
    path: '/account/password',
    ignoreTables: rateLimited,
    numRuns: 30,
    ...freshSession('customer', passwordChange('customer')),
  },
  {
    name: 'staff password change',
    clientIp: '192.0.2.13',
    action: staffPasswordAction,
    path: '/staff/password',
    ignoreTables: rateLimited,
    numRuns: 20,
    ...freshSession('staff', passwordChange('staff')),
  },
  {
    name: 'customer two-factor settings',
    // 'start' posts the intent alone: edits also aim at the other intents' fields.
    extraFields: ['code', 'password'],
    clientIp: '192.0.2.10',
    action: customerSecurityAction,
    path: '/account/security',
    ignoreTables: rateLimited,
    numRuns: 30,
    ...freshSession('security', securityBase),
  },
  {
    name: 'staff two-factor settings',
    // 'start' posts the intent alone: edits also aim at the other intents' fields.
    extraFields: ['code', 'password'],
    clientIp: '192.0.2.11',
    action: staffSecurityAction,
    path: '/staff/security',
    ignoreTables: rateLimited,
    numRuns: 30,
    ...freshSession('staffSecurity', securityBase),
  },
  {
    // No sign-in under way (no challenge cookie): every case is refused.
    name: 'customer sign-in code',
    action: customerTwoFactorAction,
    path: '/login/two-factor',
    neverAccepted: true,
    ignoreTables: rateLimited,
    numRuns: 15,
    base: () => [
      ['intent', 'verify'],
      ['code', '123456'],
    ],
  },
  {
    name: 'staff sign-in code',
    action: staffTwoFactorAction,
    path: '/staff/login/two-factor',
    neverAccepted: true,
    ignoreTables: rateLimited,
    numRuns: 15,
    base: () => [
      ['intent', 'verify'],
      ['code', '123456'],
    ],
  },
  {
    name: 'language switch',
    action: languageAction,
    path: '/language',
    cookie: () => next([cookies.language, '']),
    numRuns: 30,
    base: () => [
      ['language', next(['de', 'es', 'en'])],
      ['redirectTo', next(['/profile', '//evil.example', '/orders?status=paid'])],
    ],
  },
]

describeFuzzedForms({
  title: 'fuzzed password, two-factor and language forms: no 5xx, refused input changes nothing',
  file: 'account-security-forms',
  database,
  routes,
})
