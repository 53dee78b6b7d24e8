import { type Session, type User } from 'lucia'
import { forgetPerRequest, oncePerRequest } from '#app/lib/request-scope.server.ts'
import { getLucia } from './lucia.server.ts'
import { getDatabase } from '#db/database.ts'
import {
  type ActingOrganisation,
  initialActingOrganisationId,
  rememberActingOrganisation,
} from '#db/sessions.ts'
import { type StaffRole } from './roles.ts'

export type { ActingOrganisation, Session, StaffRole }

/** The signed-in person, as every loader and action sees them. */
export type SessionUser = {
  id: string
  kind: 'customer' | 'staff'
  displayName: string
  customerNumber: string | null
  customerId: string | null
  staffRole: StaffRole | null
  /** The customer's chosen language (null for staff) and IANA time zone ('UTC' for staff). */
  language: string | null
  timeZone: string
  /** The organisation a customer acts for in this session (chosen in the header); else null. */
  actingFor: ActingOrganisation | null
}

function toSessionUser(user: User): SessionUser {
  return {
    id: user.id,
    kind: user.kind,
    displayName: user.displayName,
    customerNumber: user.customerNumber,
    customerId: user.customerId,
    staffRole: user.staffRole,
    language: user.language,
    timeZone: user.timeZone,
    actingFor: user.actingFor,
  }
}

function readSessionId(request: Request): string | null {
  return getLucia().readSessionCookie(request.headers.get('Cookie') ?? '')
}

/**
 * Whether the browser holds a session cookie, valid or not, without asking the database: enough
 * to mark a response as never to be stored (a stale cookie is blanked on its next page anyway).
 */
export function hasSessionCookie(request: Request): boolean {
  return readSessionId(request) !== null
}

/**
 * Who is signed in, if anyone. The headers must be passed on in the response: they carry the
 * cookie with a renewed expiry (sliding sessions), or a blank one that removes a dead session's
 * cookie from the browser.
 */
export async function getOptionalUser(request: Request): Promise<OptionalUser> {
  // The root loader and the route's loader and guard all ask; one validation per request serves
  // them (one database round trip, not one per caller). Keyed by the session id, so a request
  // scope never hands one cookie's answer to another.
  const sessionId = readSessionId(request)
  const { user, session, headers } = await oncePerRequest(`session:${sessionId ?? ''}`, () =>
    validate(request),
  )
  return { user, session, headers: new Headers(headers) }
}

type OptionalUser = { user: SessionUser | null; session: Session | null; headers: Headers }

async function validate(request: Request): Promise<OptionalUser> {
  const lucia = getLucia()
  const headers = new Headers()
  const sessionId = readSessionId(request)
  if (!sessionId) return { user: null, session: null, headers }

  const { session, user } = await lucia.validateSession(sessionId)
  if (!session) {
    headers.append('Set-Cookie', lucia.createBlankSessionCookie().serialize())
    return { user: null, session: null, headers }
  }
  if (session.fresh) {
    headers.append('Set-Cookie', lucia.createSessionCookie(session.id).serialize())
  }
  return { user: toSessionUser(user), session, headers }
}

/**
 * Signs an account in: always a new session id, so an id planted in the browser before sign-in
 * (session fixation) is worthless after it. A session the request already had is ended.
 */
export async function startSession(
  request: Request,
  accountId: string,
  options: { actingFor?: string | null } = {},
): Promise<Headers> {
  forgetPerRequest('session:')
  const lucia = getLucia()
  const previousId = readSessionId(request)
  if (previousId) await lucia.invalidateSession(previousId)

  const session = await lucia.createSession(accountId, {
    user_agent: request.headers.get('User-Agent'),
    // The server passes no client address to Remix yet; a forwarded header would be spoofable.
    ip_address: null,
    active_organisation_id:
      options.actingFor !== undefined
        ? options.actingFor
        : await initialActingOrganisationId(await getDatabase(), accountId),
  })
  const headers = new Headers()
  headers.append('Set-Cookie', lucia.createSessionCookie(session.id).serialize())
  return headers
}

/**
 * A change of privilege (two-factor sign-in turned on or off): this browser gets a new session
 * id, so an id copied before the change is worthless after it. With `endOthers`, every other
 * session of the account ends too (turning 2FA on should also lock out whoever signed in
 * without it).
 */
export async function rotateSession(
  request: Request,
  accountId: string,
  options: { endOthers: boolean },
): Promise<Headers> {
  if (options.endOthers) {
    forgetPerRequest('session:')
    await getLucia().invalidateUserSessions(accountId)
  }
  return startSession(request, accountId)
}

/** Signs out this browser: ends its session and blanks its cookie. */
export async function endSession(request: Request): Promise<Headers> {
  forgetPerRequest('session:')
  const lucia = getLucia()
  const sessionId = readSessionId(request)
  if (sessionId) await lucia.invalidateSession(sessionId)
  return blankCookieHeaders()
}

/** Signs out every device of the signed-in account, this one included. */
export async function endAllSessions(request: Request): Promise<Headers> {
  forgetPerRequest('session:')
  const lucia = getLucia()
  const sessionId = readSessionId(request)
  if (sessionId) {
    const { user } = await lucia.validateSession(sessionId)
    if (user) await lucia.invalidateUserSessions(user.id)
    else await lucia.invalidateSession(sessionId)
  }
  return blankCookieHeaders()
}

function blankCookieHeaders(): Headers {
  const headers = new Headers()
  headers.append('Set-Cookie', getLucia().createBlankSessionCookie().serialize())
  return headers
}

/**
 * Switches what this browser's session acts for: an organisation the signed-in customer belongs
 * to, or (null) themselves. What one may see changes with it, so, like any change of privilege,
 * the browser gets a new session id. The choice is remembered for the next sign-in. The caller
 * has checked the membership (db/organisations.ts).
 */
export async function switchActingOrganisation(
  request: Request,
  accountId: string,
  organisationId: string | null,
): Promise<Headers> {
  await rememberActingOrganisation(await getDatabase(), accountId, organisationId)
  return startSession(request, accountId, { actingFor: organisationId })
}
