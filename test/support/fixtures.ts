import { type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { getLucia } from '#app/auth/lucia.server.ts'
import { hashPassword } from '#app/auth/password.server.ts'
import { createCustomer } from '#db/customers.ts'
import { type Database } from '#db/database.ts'

export const PASSWORD = 'correct horse battery staple'

let counter = 0
/** Unique per call, so tests in one file never collide on the unique email index. */
export function uniqueEmail(name: string): string {
  counter += 1
  return `${name}.${counter}.${Math.random().toString(36).slice(2, 8)}@example.com`
}

export async function createCustomerAccount(
  db: Database,
  options: { email?: string; password?: string; givenName?: string; preferredName?: string } = {},
) {
  const email = options.email ?? uniqueEmail('customer')
  const customer = await createCustomer(
    db,
    {
      givenName: options.givenName ?? 'Anna',
      familyName: 'Berg',
      preferredName: options.preferredName ?? null,
      email,
    },
    { kind: 'system' },
    'system',
  )
  const account = await db
    .insertInto('accounts')
    .values({
      kind: 'customer',
      email,
      customer_id: customer.id,
      password_hash: await hashPassword(options.password ?? PASSWORD),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return {
    accountId: account.id,
    customerId: customer.id,
    customerNumber: customer.customerNumber,
    email,
  }
}

export async function createStaffAccount(
  db: Database,
  options: {
    email?: string
    password?: string
    role?: 'agent' | 'supervisor' | 'admin'
    displayName?: string
  } = {},
) {
  const email = options.email ?? uniqueEmail('staff')
  const account = await db
    .insertInto('accounts')
    .values({
      kind: 'staff',
      email,
      password_hash: await hashPassword(options.password ?? PASSWORD),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('staff_members')
    .values({
      account_id: account.id,
      display_name: options.displayName ?? 'Sam Agent',
      role: options.role ?? 'agent',
    })
    .execute()
  return { accountId: account.id, email }
}

/** A browser's form post, optionally with the cookie it holds. */
export function formRequest(
  path: string,
  fields: Record<string, string>,
  options: { cookie?: string | null } = {},
): Request {
  const headers = new Headers({ 'Content-Type': 'application/x-www-form-urlencoded' })
  if (options.cookie) headers.set('Cookie', options.cookie)
  return new Request(`http://localhost${path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(fields),
  })
}

export function getRequest(path: string, options: { cookie?: string | null } = {}): Request {
  const headers = new Headers()
  if (options.cookie) headers.set('Cookie', options.cookie)
  return new Request(`http://localhost${path}`, { headers })
}

/** The `name=value` a browser would send back for the response's Set-Cookie. */
export function cookieFrom(source: Response | Headers): string {
  const headers = source instanceof Response ? source.headers : source
  const setCookie = headers.get('Set-Cookie')
  if (!setCookie) throw new Error('No Set-Cookie header')
  const pair = setCookie.split(';')[0]
  if (!pair) throw new Error(`Malformed Set-Cookie: ${setCookie}`)
  return pair
}

export function cookieValue(cookie: string): string {
  return cookie.slice(cookie.indexOf('=') + 1)
}

export function actionArgs(request: Request): ActionFunctionArgs {
  return { request, params: {}, context: {} }
}

export function loaderArgs(request: Request): LoaderFunctionArgs {
  return { request, params: {}, context: {} }
}

/** A thrown Response from a guard or loader, or the failure of the test if nothing was thrown. */
export async function thrownResponse(run: () => Promise<unknown>): Promise<Response> {
  try {
    await run()
  } catch (error) {
    if (error instanceof Response) return error
    throw error
  }
  throw new Error('Expected a thrown Response, but the call returned')
}

/**
 * A session straight in the database for an account, as the cookie a browser would send: tests
 * of pages start signed in without going through the sign-in form each time.
 */
export async function sessionCookieFor(
  accountId: string,
  options: { actingFor?: string | null } = {},
): Promise<string> {
  const lucia = getLucia()
  const session = await lucia.createSession(accountId, {
    user_agent: 'vitest',
    ip_address: null,
    active_organisation_id: options.actingFor ?? null,
  })
  const cookie = lucia.createSessionCookie(session.id)
  return `${cookie.name}=${cookie.value}`
}

/** A customer with an account and a signed-in cookie: the usual start of a page test. */
export async function signedInCustomer(
  db: Database,
  options: Parameters<typeof createCustomerAccount>[1] = {},
) {
  const customer = await createCustomerAccount(db, options)
  return { ...customer, cookie: await sessionCookieFor(customer.accountId) }
}

/** Loader/action arguments with route params, as Remix passes them. */
export function routeArgs(
  request: Request,
  params: Record<string, string> = {},
): LoaderFunctionArgs & ActionFunctionArgs {
  return { request, params, context: {} }
}
