import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { action as loginAction } from '#app/routes/login.tsx'
import { action as signUpAction, loader as signUpLoader } from '#app/routes/signup.tsx'
import { action as verifyAction, loader as verifyLoader } from '#app/routes/signup_.verify.tsx'
import { createEmailVerificationToken } from '#db/customer-contacts.ts'
import { createCustomer, getProfileCompleteness } from '#db/customers.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createCustomerAccount,
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  sessionCookieFor,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import {
  accountSignedInBy,
  countRows,
  dataOf,
  linkIn,
  recipientOf,
  redirectOf,
  sessionCookieOf,
  tokenOf,
  useSmtpSink,
} from './lifecycle-support.ts'

const database = useTestDatabase()
const smtp = useSmtpSink()
const PASSWORD = 'a sign-up passphrase 2026'

function signUpFields(email: string, overrides: Record<string, string> = {}) {
  return {
    givenName: 'Nora',
    familyName: 'Lind',
    email,
    password: PASSWORD,
    language: 'de',
    ...overrides,
  }
}

async function signUp(fields: Record<string, string>) {
  return smtp.collect(() => signUpAction(routeArgs(formRequest('/signup', fields))))
}

async function openVerifyPage(token: string) {
  return dataOf(
    await verifyLoader(routeArgs(getRequest(`/signup/verify?${new URLSearchParams({ token })}`))),
  )
}

async function confirmLink(token: string, cookie?: string) {
  return verifyAction(
    routeArgs(
      formRequest(`/signup/verify?${new URLSearchParams({ token })}`, { token }, { cookie }),
    ),
  )
}

async function passwordSignIn(email: string, password: string) {
  return loginAction(routeArgs(formRequest('/login', { email, password })))
}

async function accountOf(email: string) {
  return database.db
    .selectFrom('accounts')
    .select(['id', 'kind', 'customer_id', 'email', 'email_verified_at'])
    .where(sql<boolean>`lower(email) = lower(${email})`)
    .executeTakeFirst()
}

async function primaryEmailOf(customerId: string) {
  return database.db
    .selectFrom('customer_emails')
    .select(['email', 'verified_at'])
    .where('customer_id', '=', customerId)
    .where('is_primary', '=', true)
    .executeTakeFirstOrThrow()
}

/** A new person signs up; the account, its customer and the verification link. */
async function signedUp(email = uniqueEmail('new')) {
  const { result, arrived } = await signUp(signUpFields(email))
  const account = await accountOf(email)
  if (!account?.customer_id) throw new Error('sign-up created no account')
  expect(arrived).toHaveLength(1)
  const link = linkIn(arrived[0]!, '/signup/verify')
  return { email, result, arrived, account, customerId: account.customer_id, link }
}

describe('sign-up with a new address', () => {
  it('creates the customer and an unverified account in one go, and mails one working link', async () => {
    const customersBefore = await countRows(database.db, 'customers')
    const { email, result, arrived, account, customerId, link } = await signedUp()

    expect(await redirectOf(result)).toEqual({
      status: 302,
      location: '/signup?sent=1',
      body: '',
    })
    expect(await countRows(database.db, 'customers')).toBe(customersBefore + 1)
    expect(account).toMatchObject({ kind: 'customer', email, email_verified_at: null })

    const customer = await database.db
      .selectFrom('customers')
      .select(['given_name', 'family_name', 'language', 'status'])
      .where('id', '=', customerId)
      .executeTakeFirstOrThrow()
    expect(customer).toEqual({
      given_name: 'Nora',
      family_name: 'Lind',
      language: 'de',
      status: 'active',
    })
    expect(await primaryEmailOf(customerId)).toEqual({ email, verified_at: null })

    // The record's history starts with the customer as author, through the portal.
    const history = await database.db
      .selectFrom('record_history')
      .select(['entity_type', 'action', 'actor_kind', 'actor_id', 'channel'])
      .where('customer_id', '=', customerId)
      .orderBy('id')
      .execute()
    expect(history.map((row) => `${row.entity_type}.${row.action}`)).toEqual([
      'customer.created',
      'email.added',
      'preferences.created',
      'account.created',
    ])
    for (const row of history) {
      expect(row).toMatchObject({ actor_kind: 'customer', actor_id: account.id, channel: 'portal' })
    }
    const accountRow = await database.db
      .selectFrom('record_history')
      .select(['entity_id', 'after'])
      .where('customer_id', '=', customerId)
      .where('entity_type', '=', 'account')
      .executeTakeFirstOrThrow()
    expect(accountRow).toEqual({ entity_id: account.id, after: { sign_in_email: email } })

    const mail = arrived[0]!
    expect(recipientOf(mail)).toBe(email)
    // Written in the language chosen on the form (German), not the browser's.
    expect(mail.subject).toBe('Bestätigen Sie Ihre E-Mail-Adresse')
    expect(mail.text).toContain('Guten Tag Nora,')
    expect(mail.text).toContain('24 Stunden')
    expect(link.origin).toBe('http://localhost:3000')
    expect(tokenOf(link)).toMatch(/^[\w-]{43}$/)

    const token = await database.db
      .selectFrom('account_tokens')
      .select(['purpose', 'customer_id', 'used_at'])
      .select(
        sql<number>`round(extract(epoch from expires_at - created_at) / 3600)::int`.as('hours'),
      )
      .where('account_id', '=', account.id)
      .executeTakeFirstOrThrow()
    expect(token).toEqual({
      purpose: 'email_verification',
      customer_id: customerId,
      used_at: null,
      hours: 24,
    })
  })

  it('lets the unverified account sign in with its password; the dashboard hint names the address', async () => {
    const { email, customerId, account } = await signedUp()
    const signedIn = await passwordSignIn(email, PASSWORD)
    expect(await accountSignedInBy(sessionCookieOf(signedIn))).toBe(account.id)
    expect(await getProfileCompleteness(database.db, customerId)).toContain('email_unverified')
  })

  it('verifies through the link once: a POST confirms, signs in with a new session, and welcomes', async () => {
    const { email, account, customerId, link } = await signedUp()
    const token = tokenOf(link)

    // Opening the link (twice, as a mail scanner would) shows the button and uses nothing up.
    for (let i = 0; i < 2; i++) {
      const page = await openVerifyPage(token)
      expect(page.status).toBe(200)
      expect(page.data).toMatchObject({ state: 'confirm', token })
      expect(JSON.stringify(page.data)).not.toContain(email)
    }
    expect((await accountOf(email))?.email_verified_at).toBeNull()

    // This browser was signed in before (by password): the link gives it a brand new session.
    const earlier = sessionCookieOf(await passwordSignIn(email, PASSWORD))
    const confirmed = await confirmLink(token, earlier)
    expect(await redirectOf(confirmed)).toMatchObject({
      status: 302,
      location: '/?welcome=verified',
    })
    const cookie = sessionCookieOf(confirmed)
    expect(cookie).not.toBe(earlier)
    expect(await accountSignedInBy(cookie)).toBe(account.id)
    expect(await accountSignedInBy(earlier)).toBeNull()

    expect((await accountOf(email))?.email_verified_at).toBeInstanceOf(Date)
    expect((await primaryEmailOf(customerId)).verified_at).toBeInstanceOf(Date)
    expect(await getProfileCompleteness(database.db, customerId)).not.toContain('email_unverified')
    const verified = await database.db
      .selectFrom('record_history')
      .select(['action', 'actor_kind', 'actor_id', 'channel', 'after'])
      .where('customer_id', '=', customerId)
      .where('entity_type', '=', 'email')
      .where('action', '=', 'verified')
      .execute()
    expect(verified).toEqual([
      {
        action: 'verified',
        actor_kind: 'customer',
        actor_id: account.id,
        channel: 'email_link',
        after: { email },
      },
    ])

    // The same link again: refused, on the page and on a direct POST, and no session given.
    const again = await openVerifyPage(token)
    expect(again).toMatchObject({ status: 400, data: { state: 'invalid' } })
    const reused = await confirmLink(token)
    expect(dataOf(reused)).toEqual({ status: 400, data: { error: 'invalid' } })
  })

  it('refuses an expired link, an unknown one, and a profile verification link', async () => {
    const { account, customerId, link } = await signedUp()
    await database.db
      .updateTable('account_tokens')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('account_id', '=', account.id)
      .execute()
    expect((await openVerifyPage(tokenOf(link))).status).toBe(400)
    expect(dataOf(await confirmLink(tokenOf(link))).status).toBe(400)
    expect(dataOf(await confirmLink('not-a-real-token')).status).toBe(400)

    // A link for an email added in "My details" has the same purpose, but is not a sign-up link.
    const emailId = await database.db
      .selectFrom('customer_emails')
      .select('id')
      .where('customer_id', '=', customerId)
      .executeTakeFirstOrThrow()
    const { token: profileToken } = await createEmailVerificationToken(database.db, {
      customerId,
      accountId: account.id,
      emailId: emailId.id,
    })
    expect((await openVerifyPage(profileToken)).status).toBe(400)
    expect(dataOf(await confirmLink(profileToken)).status).toBe(400)
    const stillUnused = await database.db
      .selectFrom('account_tokens')
      .select('used_at')
      .where(sql<boolean>`payload ->> 'emailId' = ${emailId.id}`)
      .executeTakeFirstOrThrow()
    expect(stillUnused.used_at).toBeNull()
  })
})

describe('sign-up with an address that is already known', () => {
  it('answers exactly as for a new address, creates nothing, and tells the owner by mail', async () => {
    const existing = await createCustomerAccount(database.db)
    await database.db
      .updateTable('accounts')
      .set({ email_verified_at: new Date() })
      .where('id', '=', existing.accountId)
      .execute()
    const customers = await countRows(database.db, 'customers')
    const accounts = await countRows(database.db, 'accounts')

    const fresh = await signUp(signUpFields(uniqueEmail('fresh')))
    const duplicate = await signUp(signUpFields(existing.email.toUpperCase()))

    expect(await redirectOf(duplicate.result)).toEqual(await redirectOf(fresh.result))
    expect(await countRows(database.db, 'customers')).toBe(customers + 1)
    expect(await countRows(database.db, 'accounts')).toBe(accounts + 1)
    expect(await accountOf(existing.email)).toMatchObject({ id: existing.accountId })

    expect(duplicate.arrived).toHaveLength(1)
    const mail = duplicate.arrived[0]!
    expect(recipientOf(mail)).toBe(existing.email)
    expect(mail.subject).toBe('Someone tried to sign up with your address')
    expect(mail.text).toContain('no second account was created')
    expect(mail.text).toContain('Sign in: http://localhost:3000/login')
    expect(mail.text).toContain('Reset my password: http://localhost:3000/forgot-password')
    expect(mail.html).toContain('href="http://localhost:3000/forgot-password"')
    // The address was verified already: no verification link.
    expect(mail.text).not.toContain('/signup/verify')

    // The page after the redirect is one page for everyone.
    const page = dataOf(await signUpLoader(routeArgs(getRequest('/signup?sent=1'))))
    expect(page.data).toMatchObject({ sent: true })
  })

  it('sends an unverified owner a fresh verification link with the notice', async () => {
    const first = await signedUp()
    const again = await signUp(
      signUpFields(first.email, { givenName: 'Someone', password: 'x'.repeat(12) }),
    )
    expect(again.arrived).toHaveLength(1)
    const mail = again.arrived[0]!
    // In the language the unverified owner chose when they first signed up (German).
    expect(mail.subject).toBe('Jemand wollte sich mit Ihrer Adresse registrieren')
    const link = linkIn(mail, '/signup/verify')
    expect(await redirectOf(await confirmLink(tokenOf(link)))).toMatchObject({ status: 302 })
    // The second sign-up changed nothing: the name and the password are the first ones.
    const customer = await database.db
      .selectFrom('customers')
      .select('given_name')
      .where('id', '=', first.customerId)
      .executeTakeFirstOrThrow()
    expect(customer.given_name).toBe('Nora')
    expect(await passwordSignIn(first.email, 'x'.repeat(12))).not.toBeInstanceOf(Response)
    // The verification ended the first link too.
    expect((await openVerifyPage(tokenOf(first.link))).status).toBe(400)
  })

  it('points staff at the staff sign-in, and mails nobody for a disabled account', async () => {
    const staff = await createStaffAccount(database.db)
    const toStaff = await signUp(signUpFields(staff.email))
    expect(toStaff.arrived.map(recipientOf)).toEqual([staff.email])
    expect(toStaff.arrived[0]?.text).toContain('Sign in: http://localhost:3000/staff/login')

    const disabled = await createCustomerAccount(database.db)
    await database.db
      .updateTable('accounts')
      .set({ disabled_at: new Date() })
      .where('id', '=', disabled.accountId)
      .execute()
    const toDisabled = await signUp(signUpFields(disabled.email))
    expect(toDisabled.arrived).toEqual([])
    expect(await redirectOf(toDisabled.result)).toEqual(await redirectOf(toStaff.result))
  })

  it('invites the owner of a record without an account to claim it, instead of a second record', async () => {
    const email = uniqueEmail('record')
    const record = await createCustomer(
      database.db,
      { givenName: 'Ola', familyName: 'Nordmann', email },
      { kind: 'integration' },
      'import',
    )
    const customers = await countRows(database.db, 'customers')
    const { result, arrived } = await signUp(signUpFields(email))
    expect(await redirectOf(result)).toMatchObject({ status: 302, location: '/signup?sent=1' })
    expect(await countRows(database.db, 'customers')).toBe(customers)
    expect(await accountOf(email)).toBeUndefined()
    expect(arrived).toHaveLength(1)
    expect(recipientOf(arrived[0]!)).toBe(email)
    expect(arrived[0]?.subject).toBe('Open your customer portal account')
    expect(arrived[0]?.text).toContain(record.customerNumber)
    linkIn(arrived[0]!, '/claim')
  })
})

describe('sign-up input', () => {
  it('answers bad input with 400 and field errors, writes nothing, sends nothing', async () => {
    const before = await databaseFingerprint(database.db)
    const cases: [Record<string, string>, Record<string, string>][] = [
      [
        {
          givenName: ' ',
          familyName: '',
          email: 'not-an-email',
          password: 'short',
          language: 'xx',
        },
        {
          givenName: 'auth:errors.givenNameRequired',
          familyName: 'auth:errors.familyNameRequired',
          email: 'auth:errors.emailInvalid',
          password: 'auth:errors.passwordTooShort',
          language: 'auth:errors.languageInvalid',
        },
      ],
      [
        signUpFields(uniqueEmail('long'), {
          password: 'p'.repeat(129),
          givenName: 'n'.repeat(201),
        }),
        { password: 'auth:errors.passwordTooLong', givenName: 'auth:errors.nameTooLong' },
      ],
      [{}, { email: 'auth:errors.emailRequired', password: 'auth:errors.newPasswordRequired' }],
    ]
    for (const [fields, errors] of cases) {
      const { result, arrived } = await signUp(fields)
      const answer = dataOf(result)
      expect(answer.status).toBe(400)
      const reply = answer.data as { error?: Record<string, string[]>; initialValue?: unknown }
      for (const [field, key] of Object.entries(errors)) {
        expect(reply.error?.[field]).toEqual([key])
      }
      // What was typed comes back, except the password.
      expect(JSON.stringify(reply.initialValue ?? {})).not.toContain('"password"')
      expect(arrived).toEqual([])
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('sends a signed-in visitor home instead of showing the form', async () => {
    const { accountId } = await createCustomerAccount(database.db)
    const cookie = await sessionCookieFor(accountId)
    const thrown = await signUpLoader(routeArgs(getRequest('/signup', { cookie }))).catch(
      (error: unknown) => error,
    )
    expect(thrown).toBeInstanceOf(Response)
    expect((thrown as Response).headers.get('Location')).toBe('/')
  })
})
