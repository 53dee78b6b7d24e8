import { forbidden } from '#app/lib/http.server.ts'
import { redirect } from '@remix-run/node'
import { type StaffRole, userHasRole } from './roles.ts'
import { getOptionalUser, type SessionUser } from './session.server.ts'

// The one place that decides who may open what. Call a guard in every loader and every action:
// a parent route's guard does not run for a child's action.

export { userHasRole }

export type CustomerUser = SessionUser & { kind: 'customer'; customerId: string }
export type StaffUser = SessionUser & { kind: 'staff'; staffRole: StaffRole }

/** The page asked for, so signing in can come back to it. */
function signInRedirect(request: Request, signInPath: string, headers: Headers): Response {
  const url = new URL(request.url)
  const params = new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` })
  return redirect(`${signInPath}?${params}`, { headers })
}

function isCustomer(user: SessionUser): user is CustomerUser {
  return user.kind === 'customer' && user.customerId !== null
}

function isStaff(user: SessionUser): user is StaffUser {
  return user.kind === 'staff' && user.staffRole !== null
}

export async function requireCustomer(
  request: Request,
): Promise<{ user: CustomerUser; headers: Headers }> {
  const { user, headers } = await getOptionalUser(request)
  if (!user) throw signInRedirect(request, '/login', headers)
  if (!isCustomer(user)) throw forbidden(headers)
  return { user, headers }
}

export async function requireStaff(
  request: Request,
  minimumRole: StaffRole = 'agent',
): Promise<{ user: StaffUser; headers: Headers }> {
  const { user, headers } = await getOptionalUser(request)
  if (!user) throw signInRedirect(request, '/staff/login', headers)
  if (!isStaff(user) || !userHasRole(user, minimumRole)) throw forbidden(headers)
  return { user, headers }
}

/** For pages that only make sense signed out (the sign-in forms): where a signed-in user goes. */
export function homeFor(user: Pick<SessionUser, 'kind'>): string {
  return user.kind === 'staff' ? '/staff' : '/'
}
