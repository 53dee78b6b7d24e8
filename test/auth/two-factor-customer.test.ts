import { describe, expect, it } from 'vitest'
import * as customerLogin from '#app/routes/login.tsx'
import * as security from '#app/routes/account.security.tsx'
import * as customerCodePage from '#app/routes/login_.two-factor.tsx'
import { useTestDatabase } from '#test/support/database.ts'
import {
  formRequest,
  getRequest,
  PASSWORD,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import { enableForCustomer } from './two-factor-customer.ts'
import { answerOf, codeFor, CookieJar, fieldErrors, signedInAs } from './two-factor-support.ts'

// /account/security: customers may turn two-step sign-in on and off. Both are changes of
// privilege (a new session id), and both, like new recovery codes, are in the record's history.

const database = useTestDatabase()

async function post(jar: CookieJar, fields: Record<string, string>) {
  const answer = await answerOf(() =>
    security.action(routeArgs(formRequest('/account/security', fields, { cookie: jar.header() }))),
  )
  jar.take(answer.headers)
  return answer
}

async function load(jar: CookieJar, query = '') {
  const answer = await answerOf(() =>
    security.loader(routeArgs(getRequest(`/account/security${query}`, { cookie: jar.header() }))),
  )
  jar.take(answer.headers)
  return answer.data as {
    enabled: boolean
    setup: { secret: string; qrSvg: string } | null
    recoveryCodes: string[] | null
    unusedCodes: number
    notice: string | null
  }
}

function jarWith(cookie: string): CookieJar {
  return new CookieJar().take(new Headers({ 'Set-Cookie': cookie }))
}

async function historyOf(customerId: string) {
  return database.db
    .selectFrom('record_history')
    .select(['entity_type', 'entity_id', 'action', 'actor_kind', 'channel', 'before', 'after'])
    .where('customer_id', '=', customerId)
    .where('action', 'in', [
      'two_factor_enabled',
      'two_factor_disabled',
      'recovery_codes_regenerated',
    ])
    .orderBy('id')
    .execute()
}

describe('customer two-step sign-in settings', () => {
  it('turns 2FA on with a code, rotates the session and ends the other ones', async () => {
    const customer = await signedInCustomer(database.db)
    const elsewhere = await sessionCookieFor(customer.accountId)
    const jar = jarWith(customer.cookie)

    expect(await load(jar)).toMatchObject({ enabled: false, setup: null })
    expect((await post(jar, { intent: 'start' })).location).toBe('/account/security')
    const page = await load(jar)
    expect(page.setup?.qrSvg).toContain('<svg')
    const secret = page.setup?.secret.replace(/\s+/g, '') ?? ''
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)

    const wrong = await post(jar, { intent: 'enable', code: 'abc' })
    expect(wrong.status).toBe(400)
    expect(fieldErrors(wrong.data).code).toEqual(['security:errors.codeWrong'])
    expect(await historyOf(customer.customerId)).toEqual([])

    const enabled = await post(jar, { intent: 'enable', code: codeFor(secret) })
    expect(enabled.status).toBe(302)
    expect(enabled.location).toBe('/account/security?notice=enabled')
    // A new session id; the old one and the other device's are over.
    const newCookie = `cmr_session=${jar.get('cmr_session')}`
    expect(newCookie).not.toBe(customer.cookie)
    expect(await signedInAs(customer.cookie)).toBeNull()
    expect(await signedInAs(elsewhere)).toBeNull()
    expect(await signedInAs(newCookie)).toBe(customer.accountId)

    // The recovery codes, shown once after the redirect.
    const shown = await load(jar, '?notice=enabled')
    expect(shown.enabled).toBe(true)
    expect(shown.notice).toBe('enabled')
    expect(shown.recoveryCodes).toHaveLength(10)
    expect((await load(jar)).recoveryCodes).toBeNull()

    const history = await historyOf(customer.customerId)
    expect(history).toEqual([
      {
        entity_type: 'account',
        entity_id: customer.accountId,
        action: 'two_factor_enabled',
        actor_kind: 'customer',
        channel: 'portal',
        before: null,
        after: { twoFactor: true },
      },
    ])
    expect(JSON.stringify(history)).not.toContain(secret)

    // From now on the password alone gives no session.
    const signIn = await answerOf(() =>
      customerLogin.action(
        routeArgs(formRequest('/login', { email: customer.email, password: PASSWORD })),
      ),
    )
    expect(signIn.location).toBe('/login/two-factor')
    expect(signIn.headers.get('Set-Cookie')).toMatch(/^cmr_2fa=/)
    const challengeJar = new CookieJar().take(signIn.headers)
    const recovery = shown.recoveryCodes?.[0] ?? ''
    const done = await answerOf(() =>
      customerCodePage.action(
        routeArgs(
          formRequest(
            '/login/two-factor',
            { intent: 'verify', code: recovery },
            { cookie: challengeJar.header() },
          ),
        ),
      ),
    )
    expect(done.location).toBe('/')
  })

  it('makes new recovery codes with a current code, and the old ones stop working', async () => {
    const customer = await signedInCustomer(database.db)
    const {
      secret,
      step,
      codes: oldCodes,
    } = await enableForCustomer(database.db, customer.accountId)
    const jar = jarWith(customer.cookie)
    const used = await post(jar, { intent: 'regenerate', code: codeFor(secret, step) })
    expect(fieldErrors(used.data).code).toEqual(['security:errors.codeUsed'])
    // A recovery code does not make new recovery codes.
    const recovery = await post(jar, { intent: 'regenerate', code: oldCodes[0] ?? '' })
    expect(fieldErrors(recovery.data).code).toEqual(['security:errors.codeWrong'])

    const made = await post(jar, { intent: 'regenerate', code: codeFor(secret, step + 1) })
    expect(made.location).toBe('/account/security?notice=regenerated')
    const page = await load(jar)
    expect(page.recoveryCodes).toHaveLength(10)
    expect(page.recoveryCodes).not.toContain(oldCodes[0])
    expect(page.unusedCodes).toBe(10)
    // Not a change of privilege: the session stays.
    expect(await signedInAs(customer.cookie)).toBe(customer.accountId)
    expect((await historyOf(customer.customerId)).map((row) => row.action)).toEqual([
      'recovery_codes_regenerated',
    ])

    // An old code no longer disables 2FA; a new one does.
    const old = await post(jar, { intent: 'disable', code: oldCodes[1] ?? '' })
    expect(fieldErrors(old.data).code).toEqual(['security:errors.codeWrong'])
    const off = await post(jar, { intent: 'disable', code: page.recoveryCodes?.[0] ?? '' })
    expect(off.location).toBe('/account/security?notice=disabled')
  })

  it('turns 2FA off with the password, rotating the session', async () => {
    const customer = await signedInCustomer(database.db)
    await enableForCustomer(database.db, customer.accountId)
    const jar = jarWith(customer.cookie)

    const nothing = await post(jar, { intent: 'disable' })
    expect(nothing.status).toBe(400)
    expect(fieldErrors(nothing.data).password).toEqual(['security:errors.proofRequired'])
    const wrong = await post(jar, { intent: 'disable', password: 'not the password' })
    expect(fieldErrors(wrong.data).password).toEqual(['security:errors.passwordWrong'])
    expect(JSON.stringify(wrong.data)).not.toContain('not the password')
    expect((await load(jar)).enabled).toBe(true)

    const off = await post(jar, { intent: 'disable', password: PASSWORD })
    expect(off.location).toBe('/account/security?notice=disabled')
    const newCookie = `cmr_session=${jar.get('cmr_session')}`
    expect(await signedInAs(customer.cookie)).toBeNull()
    expect(await signedInAs(newCookie)).toBe(customer.accountId)
    expect(await load(jar)).toMatchObject({ enabled: false, notice: null })
    const left = await database.db
      .selectFrom('two_factor_recovery_codes')
      .select('id')
      .where('account_id', '=', customer.accountId)
      .execute()
    expect(left).toEqual([])
    expect((await historyOf(customer.customerId)).map((row) => [row.action, row.after])).toEqual([
      ['two_factor_disabled', { twoFactor: false }],
    ])

    const signIn = await answerOf(() =>
      customerLogin.action(
        routeArgs(formRequest('/login', { email: customer.email, password: PASSWORD })),
      ),
    )
    expect(signIn.location).toBe('/')
  })

  it('rate-limits codes on the settings page too', async () => {
    const customer = await signedInCustomer(database.db)
    const { secret, step } = await enableForCustomer(database.db, customer.accountId)
    const jar = jarWith(customer.cookie)
    for (let i = 0; i < 5; i++) {
      expect((await post(jar, { intent: 'regenerate', code: 'not-a-code' })).status).toBe(400)
    }
    const limited = await post(jar, { intent: 'regenerate', code: codeFor(secret, step + 1) })
    expect(limited.status).toBe(429)
    expect(await historyOf(customer.customerId)).toEqual([])
  })
})
