import { afterEach, describe, expect, it } from 'vitest'
import { getLucia } from '#app/auth/lucia.server.ts'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { resetEnvCache } from '#app/lib/env.server.ts'
import { action as customerLogin } from '#app/routes/login.tsx'
import { hashSessionId } from '#db/sessions.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  actionArgs,
  cookieFrom,
  cookieValue,
  createCustomerAccount,
  formRequest,
  getRequest,
  PASSWORD,
  sessionCookieFor,
} from '#test/support/fixtures.ts'

// Session fixation: whatever session cookie a browser holds before signing in (one an attacker
// made up, or a real session of the attacker's own account planted in the victim's browser),
// signing in hands out a new id, and the planted one is worth nothing afterwards.

const database = useTestDatabase()

// Customers without two-factor sign-in: the password alone starts the session.
async function signIn(email: string, cookie: string): Promise<Response> {
  const result = await customerLogin(
    actionArgs(formRequest('/login', { email, password: PASSWORD }, { cookie })),
  )
  if (!(result instanceof Response)) throw new Error('Expected a redirect')
  return result
}

async function sessionRow(sessionId: string) {
  return database.db
    .selectFrom('sessions')
    .select(['account_id'])
    .where('id', '=', hashSessionId(sessionId))
    .executeTakeFirst()
}

describe('session fixation', () => {
  it('a made-up session id in the browser is never adopted: sign-in issues its own', async () => {
    const { accountId, email } = await createCustomerAccount(database.db)
    const planted = 'attackerchosenid0123456789abcdef'
    const cookie = `cmr_session=${planted}`

    const response = await signIn(email, cookie)

    const issued = cookieValue(cookieFrom(response))
    expect(issued).not.toBe(planted)
    expect((await sessionRow(issued))?.account_id).toBe(accountId)
    expect(await sessionRow(planted)).toBeUndefined()
    expect((await getOptionalUser(getRequest('/', { cookie }))).user).toBeNull()
  })

  it('an attacker’s real session planted in the browser is ended, not continued', async () => {
    const attacker = await createCustomerAccount(database.db)
    const victim = await createCustomerAccount(database.db)
    const plantedCookie = await sessionCookieFor(attacker.accountId)
    const planted = cookieValue(plantedCookie)

    const response = await signIn(victim.email, plantedCookie)

    const issued = cookieValue(cookieFrom(response))
    expect(issued).not.toBe(planted)
    expect((await sessionRow(issued))?.account_id).toBe(victim.accountId)
    // The attacker's session is gone, so they cannot follow what the victim does with it.
    expect(await sessionRow(planted)).toBeUndefined()
  })
})

describe('the session cookie in production', () => {
  const saved = { ...process.env }
  afterEach(() => {
    for (const name of ['NODE_ENV', 'APP_URL', 'SESSION_SECRET', 'COOKIE_SECURE']) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
    resetEnvCache()
  })

  function productionCookie(appUrl: string): string {
    process.env.NODE_ENV = 'production'
    process.env.APP_URL = appUrl
    process.env.SESSION_SECRET = 'a production secret of at least 32 characters'
    delete process.env.COOKIE_SECURE
    resetEnvCache()
    return getLucia().createSessionCookie('some-session-id').serialize()
  }

  it('is named __Host-cmr_session and Secure, host-only, on path /, with an https APP_URL', () => {
    const cookie = productionCookie('https://portal.example.com')
    expect(cookie).toMatch(/^__Host-cmr_session=some-session-id;/)
    expect(cookie).toContain('; Secure')
    expect(cookie).toContain('; HttpOnly')
    expect(cookie).toContain('; Path=/')
    expect(cookie).not.toMatch(/domain=/i)
  })

  it('keeps the plain name without https, where a Secure cookie would never come back', () => {
    const cookie = productionCookie('http://localhost:3000')
    expect(cookie).toMatch(/^cmr_session=some-session-id;/)
    expect(cookie).not.toContain('Secure')
  })
})
