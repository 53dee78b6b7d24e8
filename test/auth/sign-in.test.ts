import { describe, expect, it } from 'vitest'
import { requireCustomer, requireStaff, userHasRole } from '#app/auth/guards.server.ts'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { action as customerLogin, loader as customerLoginLoader } from '#app/routes/login.tsx'
import { action as logout, loader as logoutLoader } from '#app/routes/logout.tsx'
import { action as staffLogin } from '#app/routes/staff_.login.tsx'
import { useTestDatabase } from '#test/support/database.ts'
import {
  actionArgs,
  cookieFrom,
  cookieValue,
  createCustomerAccount,
  createStaffAccount,
  formRequest,
  getRequest,
  loaderArgs,
  PASSWORD,
  sessionCookieFor,
  thrownResponse,
  uniqueEmail,
} from '#test/support/fixtures.ts'

const database = useTestDatabase()

type LoginAction = typeof customerLogin
type Refusal = Extract<Awaited<ReturnType<LoginAction>>, { data: unknown }>

async function signIn(
  login: LoginAction,
  path: string,
  fields: Record<string, string>,
  cookie?: string,
): Promise<Response> {
  const result = await login(actionArgs(formRequest(path, fields, { cookie })))
  if (!(result instanceof Response)) {
    throw new Error(`Expected a redirect, got ${JSON.stringify(result)}`)
  }
  return result
}

async function refusedSignIn(
  login: LoginAction,
  path: string,
  fields: Record<string, string>,
): Promise<Refusal> {
  const result = await login(actionArgs(formRequest(path, fields)))
  if (result instanceof Response || !('data' in result)) {
    throw new Error('Expected a refusal, got a redirect')
  }
  return result
}

async function userFor(cookie: string) {
  return (await getOptionalUser(getRequest('/', { cookie }))).user
}

describe('sign-in', () => {
  it('signs a customer in with a new session id every time', async () => {
    const { accountId, email } = await createCustomerAccount(database.db)

    const first = await signIn(customerLogin, '/login', { email, password: PASSWORD })
    expect(first.status).toBe(302)
    expect(first.headers.get('Location')).toBe('/')
    const setCookie = first.headers.get('Set-Cookie') ?? ''
    expect(setCookie).toMatch(/^cmr_session=[^;]+;/)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Lax')
    const firstCookie = cookieFrom(first)
    expect((await userFor(firstCookie))?.id).toBe(accountId)

    // Signing in again from the same browser: a different id, and the old one is dead.
    const second = await signIn(
      customerLogin,
      '/login',
      { email: email.toUpperCase(), password: PASSWORD },
      firstCookie,
    )
    const secondCookie = cookieFrom(second)
    expect(cookieValue(secondCookie)).not.toBe(cookieValue(firstCookie))
    expect(await userFor(firstCookie)).toBeNull()
    expect((await userFor(secondCookie))?.id).toBe(accountId)
  })

  it('takes a staff password at /staff/login, and sends them on to the second step', async () => {
    const { email } = await createStaffAccount(database.db)
    const response = await signIn(staffLogin, '/staff/login', { email, password: PASSWORD })
    // No session for the password alone: 2FA is required for staff (test/auth/two-factor.test.ts).
    expect(response.headers.get('Location')).toBe('/staff/login/two-factor')
    expect(response.headers.get('Set-Cookie')).toMatch(/^cmr_2fa=/)
    expect(await userFor(cookieFrom(response))).toBeNull()
  })

  it('goes back to a safe redirectTo, and ignores one that leaves the site', async () => {
    const { email } = await createCustomerAccount(database.db)
    const fields = { email, password: PASSWORD }
    const back = await signIn(customerLogin, '/login', { ...fields, redirectTo: '/orders?page=2' })
    expect(back.headers.get('Location')).toBe('/orders?page=2')
    for (const redirectTo of ['//evil.example', 'https://evil.example', '/\\evil.example']) {
      const response = await signIn(customerLogin, '/login', { ...fields, redirectTo })
      expect(response.headers.get('Location')).toBe('/')
    }
  })

  it('answers every refusal the same way, without echoing the password', async () => {
    const customer = await createCustomerAccount(database.db)
    const staff = await createStaffAccount(database.db)
    const disabled = await createCustomerAccount(database.db)
    await database.db
      .updateTable('accounts')
      .set({ disabled_at: new Date() })
      .where('id', '=', disabled.accountId)
      .execute()

    const attempts = [
      // wrong password
      refusedSignIn(customerLogin, '/login', {
        email: customer.email,
        password: 'wrong password!',
      }),
      // unknown email
      refusedSignIn(customerLogin, '/login', { email: uniqueEmail('nobody'), password: PASSWORD }),
      // a customer at the staff sign-in, staff at the customer sign-in
      refusedSignIn(staffLogin, '/staff/login', { email: customer.email, password: PASSWORD }),
      refusedSignIn(customerLogin, '/login', { email: staff.email, password: PASSWORD }),
      // a disabled account with its right password
      refusedSignIn(customerLogin, '/login', { email: disabled.email, password: PASSWORD }),
    ]
    const results = await Promise.all(attempts)
    const shapes = results.map((result) => {
      const body = JSON.stringify(result.data)
      expect(body).not.toContain(PASSWORD)
      expect(body).not.toContain('wrong password!')
      // The email is kept as typed, so it is the one part that differs.
      return { status: result.init?.status, body: body.replace(/"email":"[^"]*"/, '"email":"…"') }
    })
    expect(shapes[0]).toEqual({
      status: 400,
      body: expect.stringContaining('"auth:errors.invalidCredentials"'),
    })
    for (const shape of shapes) expect(shape).toEqual(shapes[0])
    expect(JSON.stringify(results[0]?.data)).toContain(`"email":"${customer.email}"`)
  })

  it('sends a signed-in customer away from the sign-in page', async () => {
    const { email } = await createCustomerAccount(database.db)
    const cookie = cookieFrom(await signIn(customerLogin, '/login', { email, password: PASSWORD }))
    const response = await thrownResponse(() =>
      customerLoginLoader(loaderArgs(getRequest('/login', { cookie }))),
    )
    expect(response.headers.get('Location')).toBe('/')
  })
})

describe('sign-out', () => {
  it('answers GET with a redirect and does not sign out', async () => {
    const response = await logoutLoader()
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/')
  })

  it('ends the current session only', async () => {
    const { email } = await createCustomerAccount(database.db)
    const here = cookieFrom(await signIn(customerLogin, '/login', { email, password: PASSWORD }))
    const elsewhere = cookieFrom(
      await signIn(customerLogin, '/login', { email, password: PASSWORD }),
    )

    const response = await logout(actionArgs(formRequest('/logout', {}, { cookie: here })))
    expect(response.headers.get('Location')).toBe('/login')
    expect(response.headers.get('Set-Cookie')).toMatch(/^cmr_session=;.* Max-Age=0;/)
    expect(await userFor(here)).toBeNull()
    expect(await userFor(elsewhere)).not.toBeNull()
  })

  it('ends every session of the account with intent=all', async () => {
    const { accountId } = await createStaffAccount(database.db)
    const other = await createStaffAccount(database.db)
    // Sessions straight from the fixture: staff sessions start only after the second step.
    const cookies = await Promise.all([1, 2, 3].map(() => sessionCookieFor(accountId)))
    const someoneElse = await sessionCookieFor(other.accountId)

    const response = await logout(
      actionArgs(formRequest('/logout', { intent: 'all' }, { cookie: cookies[0] })),
    )
    expect(response.headers.get('Location')).toBe('/staff/login')
    for (const cookie of cookies) expect(await userFor(cookie)).toBeNull()
    const left = await database.db
      .selectFrom('sessions')
      .select('id')
      .where('account_id', '=', accountId)
      .execute()
    expect(left).toEqual([])
    expect(await userFor(someoneElse)).not.toBeNull()
  })
})

describe('guards', () => {
  // Straight from the fixture: staff sessions start only after the second step (2FA).
  async function cookieForStaff(role: 'agent' | 'supervisor' | 'admin') {
    const { accountId } = await createStaffAccount(database.db, { role })
    return sessionCookieFor(accountId)
  }

  async function cookieForCustomer() {
    const { email } = await createCustomerAccount(database.db)
    return cookieFrom(await signIn(customerLogin, '/login', { email, password: PASSWORD }))
  }

  it('sends a signed-out visitor to the right sign-in page with where they were going', async () => {
    const toStaff = await thrownResponse(() => requireStaff(getRequest('/staff/customers?q=berg')))
    expect(toStaff.status).toBe(302)
    expect(toStaff.headers.get('Location')).toBe(
      '/staff/login?redirectTo=%2Fstaff%2Fcustomers%3Fq%3Dberg',
    )
    const toCustomer = await thrownResponse(() => requireCustomer(getRequest('/orders')))
    expect(toCustomer.headers.get('Location')).toBe('/login?redirectTo=%2Forders')
  })

  it('forbids staff pages to customers and customer pages to staff', async () => {
    const customer = await cookieForCustomer()
    const agent = await cookieForStaff('agent')
    const forStaff = await thrownResponse(() =>
      requireStaff(getRequest('/staff', { cookie: customer })),
    )
    expect(forStaff.status).toBe(403)
    const forCustomer = await thrownResponse(() =>
      requireCustomer(getRequest('/', { cookie: agent })),
    )
    expect(forCustomer.status).toBe(403)

    const { user } = await requireCustomer(getRequest('/', { cookie: customer }))
    expect(user.customerId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('forbids a role below the minimum: admin ≥ supervisor ≥ agent', async () => {
    const agent = await cookieForStaff('agent')
    const supervisor = await cookieForStaff('supervisor')
    const admin = await cookieForStaff('admin')

    expect(
      (await thrownResponse(() => requireStaff(getRequest('/staff', { cookie: agent }), 'admin')))
        .status,
    ).toBe(403)
    expect(
      (
        await thrownResponse(() =>
          requireStaff(getRequest('/staff', { cookie: agent }), 'supervisor'),
        )
      ).status,
    ).toBe(403)
    const { user } = await requireStaff(getRequest('/staff', { cookie: supervisor }), 'supervisor')
    expect(user.staffRole).toBe('supervisor')
    await expect(
      requireStaff(getRequest('/staff', { cookie: admin }), 'admin'),
    ).resolves.toBeTruthy()
    await expect(requireStaff(getRequest('/staff', { cookie: admin }))).resolves.toBeTruthy()
  })

  it('userHasRole follows the same order and refuses customers', () => {
    const staff = (staffRole: 'agent' | 'supervisor' | 'admin') => ({
      kind: 'staff' as const,
      staffRole,
    })
    expect(userHasRole(staff('admin'), 'supervisor')).toBe(true)
    expect(userHasRole(staff('supervisor'), 'admin')).toBe(false)
    expect(userHasRole(staff('agent'), 'agent')).toBe(true)
    expect(userHasRole({ kind: 'customer', staffRole: null }, 'agent')).toBe(false)
    expect(userHasRole(null, 'agent')).toBe(false)
  })
})
