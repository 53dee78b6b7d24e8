import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { requireStaff } from '#app/auth/guards.server.ts'
import { timeStep } from '#app/auth/two-factor.server.ts'
import * as customerCodePage from '#app/routes/login_.two-factor.tsx'
import * as customerLogin from '#app/routes/login.tsx'
import * as magicLinkConfirm from '#app/routes/login_.magic-link_.confirm.tsx'
import * as staffCodePage from '#app/routes/staff_.login_.two-factor.tsx'
import * as staffLogin from '#app/routes/staff_.login.tsx'
import * as staffSecurity from '#app/routes/staff.security.tsx'
import * as staffClaim from '#app/routes/staff_.claim.tsx'
import { createMagicLinkToken } from '#db/account-lifecycle.ts'
import { inviteStaff } from '#db/staff-admin.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createCustomerAccount,
  createStaffAccount,
  formRequest,
  getRequest,
  PASSWORD,
  routeArgs,
  sessionCookieFor,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { answerOf, codeFor, CookieJar, fieldErrors, signedInAs } from './two-factor-support.ts'
import { enableForCustomer } from './two-factor-customer.ts'

const database = useTestDatabase()

async function sessionCount(accountId: string): Promise<number> {
  const row = await database.db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Signs in with the password as a browser would; the jar then holds the challenge cookie. */
async function passwordStep(kind: 'customer' | 'staff', email: string, jar = new CookieJar()) {
  const [route, path] = kind === 'staff' ? [staffLogin, '/staff/login'] : [customerLogin, '/login']
  const answer = await answerOf(() =>
    route.action(
      routeArgs(formRequest(path, { email, password: PASSWORD }, { cookie: jar.header() })),
    ),
  )
  jar.take(answer.headers)
  return { answer, jar }
}

function codePage(kind: 'customer' | 'staff') {
  return kind === 'staff'
    ? { route: staffCodePage, path: '/staff/login/two-factor' }
    : { route: customerCodePage, path: '/login/two-factor' }
}

async function submitCode(
  kind: 'customer' | 'staff',
  jar: CookieJar,
  fields: Record<string, string>,
  clientIp: string | null = null,
) {
  const { route, path } = codePage(kind)
  const answer = await answerOf(() =>
    route.action({
      ...routeArgs(formRequest(path, fields, { cookie: jar.header() })),
      context: { clientIp },
    }),
  )
  jar.take(answer.headers)
  return answer
}

async function loadCodePage(kind: 'customer' | 'staff', jar: CookieJar) {
  const { route, path } = codePage(kind)
  return answerOf(() => route.loader(routeArgs(getRequest(path, { cookie: jar.header() }))))
}

/** A staff member who set up the authenticator through the sign-in, and its secret. */
async function enrolledStaff(role: 'agent' | 'supervisor' | 'admin' = 'agent') {
  const staff = await createStaffAccount(database.db, { role })
  const { jar } = await passwordStep('staff', staff.email)
  const page = await loadCodePage('staff', jar)
  const secret = (page.data as { secret: string }).secret.replace(/\s+/g, '')
  const step = timeStep()
  const enrolled = await submitCode('staff', jar, { intent: 'enrol', code: codeFor(secret, step) })
  const recoveryCodes = (enrolled.data as { recoveryCodes: string[] }).recoveryCodes
  await submitCode('staff', jar, { intent: 'continue' })
  return { ...staff, secret, usedStep: step, recoveryCodes, jar }
}

describe('staff sign-in needs the second factor', () => {
  it('gives no session for the password alone, and enrols an authenticator first', async () => {
    const staff = await createStaffAccount(database.db)
    const { answer, jar } = await passwordStep('staff', staff.email)
    expect(answer.status).toBe(302)
    expect(answer.location).toBe('/staff/login/two-factor')
    expect(jar.has('cmr_2fa')).toBe(true)
    expect(jar.has('cmr_session')).toBe(false)
    expect(await sessionCount(staff.accountId)).toBe(0)
    // The challenge cookie is not a session: the staff area still sends this browser to sign in.
    const guarded = await answerOf(() =>
      requireStaff(getRequest('/staff', { cookie: jar.header() })),
    )
    expect(guarded.status).toBe(302)
    expect(guarded.location).toContain('/staff/login')

    const page = await loadCodePage('staff', jar)
    expect(page.data).toMatchObject({ mode: 'enrol' })
    const { secret, qrSvg } = page.data as { secret: string; qrSvg: string }
    expect(qrSvg).toContain('<svg')
    const base32 = secret.replace(/\s+/g, '')
    expect(base32).toMatch(/^[A-Z2-7]{32}$/)

    // Stored encrypted: neither the base32 text nor its bytes appear in the row.
    const stored = await database.db
      .selectFrom('two_factor_secrets')
      .select(['secret_encrypted', 'enabled_at'])
      .where('account_id', '=', staff.accountId)
      .executeTakeFirstOrThrow()
    expect(stored.enabled_at).toBeNull()
    expect(stored.secret_encrypted).not.toContain(base32)
    expect(stored.secret_encrypted.toUpperCase()).not.toContain(base32)
    expect(stored.secret_encrypted).toMatch(/^v1\./)

    const wrong = await submitCode('staff', jar, {
      intent: 'enrol',
      code: '000000' === codeFor(base32) ? '111111' : '000000',
    })
    expect(wrong.status).toBe(400)
    expect(fieldErrors(wrong.data).code).toEqual(['security:errors.codeWrong'])

    const enrolled = await submitCode('staff', jar, { intent: 'enrol', code: codeFor(base32) })
    expect(enrolled.status).toBe(200)
    const codes = (enrolled.data as { recoveryCodes: string[] }).recoveryCodes
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/)
    // Still no session until the codes are confirmed as saved.
    expect(await sessionCount(staff.accountId)).toBe(0)
    const hashes = await database.db
      .selectFrom('two_factor_recovery_codes')
      .select('code_hash')
      .where('account_id', '=', staff.accountId)
      .execute()
    expect(hashes).toHaveLength(10)
    expect(hashes.map((row) => row.code_hash)).not.toContain(codes[0])
    expect((await loadCodePage('staff', jar)).data).toMatchObject({ mode: 'enrolled' })

    const done = await submitCode('staff', jar, { intent: 'continue' })
    expect(done.status).toBe(302)
    expect(done.location).toBe('/staff')
    expect(jar.has('cmr_2fa')).toBe(false)
    expect(await sessionCount(staff.accountId)).toBe(1)
    const cookie = `cmr_session=${jar.get('cmr_session')}`
    const { user } = await requireStaff(getRequest('/staff', { cookie }))
    expect(user.id).toBe(staff.accountId)
  })

  it('gives a claimed staff invitation no session before the authenticator is set up', async () => {
    const admin = await createStaffAccount(database.db, { role: 'admin' })
    const invitation = await inviteStaff(database.db, {
      email: uniqueEmail('invited'),
      displayName: 'Ivy Invited',
      role: 'agent',
      actorId: admin.accountId,
    })
    const password = 'a long new staff passphrase'
    const jar = new CookieJar()
    const claimed = await answerOf(() =>
      staffClaim.action(
        routeArgs(
          formRequest('/staff/claim', {
            token: invitation.token,
            password,
            confirmPassword: password,
          }),
        ),
      ),
    )
    jar.take(claimed.headers)
    expect(claimed.location).toBe('/staff/login/two-factor')
    expect(jar.has('cmr_session')).toBe(false)
    expect(await sessionCount(invitation.accountId)).toBe(0)
    const page = await loadCodePage('staff', jar)
    const secret = (page.data as { secret: string }).secret.replace(/\s+/g, '')
    await submitCode('staff', jar, { intent: 'enrol', code: codeFor(secret) })
    const done = await submitCode('staff', jar, { intent: 'continue' })
    expect(done.location).toBe('/staff?welcome=claimed')
    expect(await signedInAs(`cmr_session=${jar.get('cmr_session')}`)).toBe(invitation.accountId)
  })

  it('signs an enrolled staff member in with a right code, once per code', async () => {
    const staff = await enrolledStaff()
    const { jar } = await passwordStep('staff', staff.email)
    expect(await sessionCount(staff.accountId)).toBe(1) // only the enrolment's session
    expect((await loadCodePage('staff', jar)).data).toMatchObject({ mode: 'verify' })

    const wrong = await submitCode('staff', jar, { intent: 'verify', code: '12345' })
    expect(fieldErrors(wrong.data).code).toEqual(['security:errors.codeWrong'])

    // The enrolment's code cannot be used again (its time step is taken).
    const replayed = await submitCode('staff', jar, {
      intent: 'verify',
      code: codeFor(staff.secret, staff.usedStep),
    })
    expect(replayed.status).toBe(400)
    expect(fieldErrors(replayed.data).code).toEqual(['security:errors.codeUsed'])

    // The app's next code (one step ahead is accepted for clock drift) works.
    const code = codeFor(staff.secret, staff.usedStep + 1)
    const right = await submitCode('staff', jar, { intent: 'verify', code })
    expect(right.status).toBe(302)
    expect(right.location).toBe('/staff')
    expect(await sessionCount(staff.accountId)).toBe(2)

    // The same code on a new sign-in is refused.
    const again = await passwordStep('staff', staff.email)
    const reused = await submitCode('staff', again.jar, { intent: 'verify', code })
    expect(fieldErrors(reused.data).code).toEqual(['security:errors.codeUsed'])
    expect(await sessionCount(staff.accountId)).toBe(2)
  })

  it('refuses an expired challenge and starts no session', async () => {
    const staff = await enrolledStaff()
    const { jar } = await passwordStep('staff', staff.email)
    await database.db
      .updateTable('sign_in_challenges')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('account_id', '=', staff.accountId)
      .execute()
    const answer = await submitCode('staff', jar, {
      intent: 'verify',
      code: codeFor(staff.secret, staff.usedStep + 1),
    })
    expect(answer.status).toBe(400)
    expect(fieldErrors(answer.data)['']).toEqual(['security:errors.challengeExpired'])
    expect(await sessionCount(staff.accountId)).toBe(1)
    const page = await loadCodePage('staff', jar)
    expect(page.location).toBe('/staff/login')
    // A customer's challenge cookie does not open the staff code page either.
    const customer = await createCustomerAccount(database.db)
    await enableForCustomer(database.db, customer.accountId)
    const customerJar = (await passwordStep('customer', customer.email)).jar
    expect((await loadCodePage('staff', customerJar)).location).toBe('/staff/login')
  })

  it('takes a recovery code once', async () => {
    const staff = await enrolledStaff()
    const code = staff.recoveryCodes[3] ?? ''
    const signIn = await passwordStep('staff', staff.email)
    // Case and spaces do not matter.
    const used = await submitCode('staff', signIn.jar, {
      intent: 'verify',
      code: ` ${code.toUpperCase()} `,
    })
    expect(used.status).toBe(302)
    expect(used.location).toBe('/staff')
    const twice = await passwordStep('staff', staff.email)
    const refused = await submitCode('staff', twice.jar, { intent: 'verify', code })
    expect(refused.status).toBe(400)
    expect(fieldErrors(refused.data).code).toEqual(['security:errors.codeWrong'])
    const unused = await database.db
      .selectFrom('two_factor_recovery_codes')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('account_id', '=', staff.accountId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow()
    expect(Number(unused.n)).toBe(9)
    expect(await sessionCount(staff.accountId)).toBe(2)
  })

  it('rate-limits codes like passwords: a limited attempt is not checked', async () => {
    const staff = await enrolledStaff()
    const { jar } = await passwordStep('staff', staff.email)
    for (let i = 0; i < 5; i++) {
      const wrong = await submitCode(
        'staff',
        jar,
        { intent: 'verify', code: 'aaaaa-aaaaa' },
        '203.0.113.9',
      )
      expect(wrong.status).toBe(400)
    }
    const limited = await submitCode(
      'staff',
      jar,
      { intent: 'verify', code: codeFor(staff.secret, staff.usedStep + 1) },
      '203.0.113.9',
    )
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0)
    expect(fieldErrors(limited.data)['']).toEqual(['auth:errors.tooManyAttempts'])
    // Not checked: the right code's step was not taken, and no session started.
    const row = await database.db
      .selectFrom('two_factor_secrets')
      .select('last_used_step')
      .where('account_id', '=', staff.accountId)
      .executeTakeFirstOrThrow()
    expect(Number(row.last_used_step)).toBe(staff.usedStep)
    expect(await sessionCount(staff.accountId)).toBe(1)
  })
})

/** Regenerates through /staff/security with the code of a step; the shown codes or null. */
async function regenerateThroughStaffPage(
  secret: string,
  step: number,
  signedIn: { headers: Headers },
): Promise<string[] | null> {
  const jar = new CookieJar().take(signedIn.headers)
  const answer = await answerOf(() =>
    staffSecurity.action(
      routeArgs(
        formRequest(
          '/staff/security',
          { intent: 'regenerate', code: codeFor(secret, step) },
          { cookie: jar.header() },
        ),
      ),
    ),
  )
  if (answer.status !== 302) return null
  jar.take(answer.headers)
  const page = await answerOf(() =>
    staffSecurity.loader(routeArgs(getRequest('/staff/security', { cookie: jar.header() }))),
  )
  return (page.data as { recoveryCodes: string[] | null }).recoveryCodes
}

describe('staff security page', () => {
  it('makes new recovery codes with a current code; the old ones stop working', async () => {
    const staff = await enrolledStaff('supervisor')
    const cookie = await sessionCookieFor(staff.accountId)
    const codes = await regenerateThroughStaffPage(staff.secret, staff.usedStep + 1, {
      headers: new Headers({ 'Set-Cookie': cookie }),
    })
    expect(codes).toHaveLength(10)
    const stored = await database.db
      .selectFrom('two_factor_recovery_codes')
      .select('code_hash')
      .where('account_id', '=', staff.accountId)
      .execute()
    expect(stored).toHaveLength(10)
    // Shown once: the next load has none.
    const again = await answerOf(() =>
      staffSecurity.loader(routeArgs(getRequest('/staff/security', { cookie }))),
    )
    expect((again.data as { recoveryCodes: unknown }).recoveryCodes).toBeNull()
    expect((again.data as { unusedCodes: number }).unusedCodes).toBe(10)
    // The codes the enrolment showed no longer sign in.
    const signIn = await passwordStep('staff', staff.email)
    const old = await submitCode('staff', signIn.jar, {
      intent: 'verify',
      code: staff.recoveryCodes[0] ?? '',
    })
    expect(fieldErrors(old.data).code).toEqual(['security:errors.codeWrong'])
  })
})

describe('magic link and 2FA', () => {
  it('asks a customer with 2FA for the code after the link', async () => {
    const customer = await createCustomerAccount(database.db)
    const { secret, step } = await enableForCustomer(database.db, customer.accountId)
    const token = await createMagicLinkToken(database.db, {
      accountId: customer.accountId,
      customerId: customer.customerId,
    })
    const jar = new CookieJar()
    const confirmed = await answerOf(() =>
      magicLinkConfirm.action(routeArgs(formRequest('/login/magic-link/confirm', { token }))),
    )
    jar.take(confirmed.headers)
    expect(confirmed.location).toBe('/login/two-factor')
    expect(jar.has('cmr_session')).toBe(false)
    expect(await sessionCount(customer.accountId)).toBe(0)
    const challenge = await database.db
      .selectFrom('sign_in_challenges')
      .select('flow')
      .where('account_id', '=', customer.accountId)
      .executeTakeFirstOrThrow()
    expect(challenge.flow).toBe('magic_link')

    const done = await submitCode('customer', jar, {
      intent: 'verify',
      code: codeFor(secret, step + 1),
    })
    expect(done.location).toBe('/')
    expect(await signedInAs(`cmr_session=${jar.get('cmr_session')}`)).toBe(customer.accountId)
  })

  it('signs a customer without 2FA straight in, by password and by link', async () => {
    const customer = await createCustomerAccount(database.db)
    const { answer, jar } = await passwordStep('customer', customer.email)
    expect(answer.location).toBe('/')
    expect(jar.has('cmr_2fa')).toBe(false)
    expect(await signedInAs(`cmr_session=${jar.get('cmr_session')}`)).toBe(customer.accountId)
    const token = await createMagicLinkToken(database.db, {
      accountId: customer.accountId,
      customerId: customer.customerId,
    })
    const viaLink = await answerOf(() =>
      magicLinkConfirm.action(routeArgs(formRequest('/login/magic-link/confirm', { token }))),
    )
    expect(viaLink.location).toBe('/')
    expect(viaLink.headers.get('Set-Cookie')).toMatch(/^cmr_session=/)
  })
})
