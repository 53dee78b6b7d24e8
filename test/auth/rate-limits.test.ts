import { type ActionFunctionArgs } from '@remix-run/node'
import { describe, expect, it } from 'vitest'
import {
  checkRateLimit,
  RATE_LIMIT_POLICIES,
  type RateLimitedAction,
  rateLimitHeaders,
} from '#app/auth/rate-limit.server.ts'
import { remixI18next } from '#app/i18n/i18next.server.ts'
import * as forgotPasswordRoute from '#app/routes/forgot-password.tsx'
import * as loginRoute from '#app/routes/login.tsx'
import * as magicLinkRoute from '#app/routes/login_.magic-link.tsx'
import * as signUpRoute from '#app/routes/signup.tsx'
import * as staffLoginRoute from '#app/routes/staff_.login.tsx'
import { deleteExpiredRateLimits, hitRateLimit, type RateLimitPolicy } from '#db/rate-limits.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createCustomerAccount,
  createStaffAccount,
  formRequest,
  PASSWORD,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { recipientOf, useSmtpSink } from '../lifecycle/lifecycle-support.ts'

const forgotPasswordAction = forgotPasswordRoute.action
const loginAction = loginRoute.action
const magicLinkAction = magicLinkRoute.action
const signUpAction = signUpRoute.action
const staffLoginAction = staffLoginRoute.action

const database = useTestDatabase()
const smtp = useSmtpSink()

const WRONG = 'not the password at all'
const MINUTE = 60_000
const T0 = new Date('2030-01-01T12:00:00Z')
const at = (ms: number) => new Date(T0.getTime() + ms)

let addressCounter = 0
/** A client address no other test uses (TEST-NET-3), so tests never share an address bucket. */
function uniqueIp(): string {
  addressCounter += 1
  return `203.0.113.${addressCounter}`
}

function args(path: string, fields: Record<string, string>, clientIp?: string) {
  const context: ActionFunctionArgs['context'] = clientIp ? { clientIp } : {}
  return { request: formRequest(path, fields), params: {}, context }
}

/** What a route answered, in the parts a client sees: status, Retry-After, Location, body. */
async function answerOf(result: unknown) {
  if (result instanceof Response) {
    return {
      status: result.status,
      retryAfter: result.headers.get('Retry-After'),
      location: result.headers.get('Location'),
      body: await result.clone().text(),
    }
  }
  const value = result as { data: unknown; init?: ResponseInit | null }
  const headers = new Headers(value.init?.headers)
  return {
    status: value.init?.status ?? 200,
    retryAfter: headers.get('Retry-After'),
    location: null,
    body: JSON.stringify(value.data),
  }
}

async function signIn(email: string, password: string, clientIp?: string) {
  return answerOf(await loginAction(args('/login', { email, password }, clientIp)))
}

async function bucket(name: string, key: string) {
  return database.db
    .selectFrom('rate_limits')
    .select(['hits', 'blocked_until', 'expires_at'])
    .where('bucket', '=', name)
    .where('key', '=', key)
    .executeTakeFirst()
}

const policy: RateLimitPolicy = {
  allowance: 3,
  windowSeconds: 15 * 60,
  baseDelaySeconds: 60,
  maxDelaySeconds: 5 * 60,
}

describe('rate-limit buckets', () => {
  it('allows the allowance, then waits a doubling delay up to the cap, counting only allowed attempts', async () => {
    const key = uniqueEmail('clock')
    const hit = (now: Date) => hitRateLimit(database.db, { bucket: 'test', key, policy, now })

    expect(await hit(at(0))).toMatchObject({ allowed: true, hits: 1, blockedUntil: null })
    expect(await hit(at(1000))).toMatchObject({ allowed: true, hits: 2, blockedUntil: null })
    // The last free attempt starts the first delay: one minute.
    expect(await hit(at(2000))).toEqual({ allowed: true, hits: 3, blockedUntil: at(2000 + MINUTE) })
    // Refused while waiting, with the time the wait ends; the refusal is not counted.
    expect(await hit(at(30_000))).toEqual({ allowed: false, retryAt: at(2000 + MINUTE) })
    expect((await bucket('test', key))?.hits).toBe(3)

    // Then 2, 4 minutes, and the cap of 5 from there on: slower, but never locked out.
    let now = 2000 + MINUTE
    for (const delay of [2, 4, 5, 5, 5]) {
      const result = await hit(at(now))
      expect(result).toEqual({
        allowed: true,
        hits: expect.any(Number),
        blockedUntil: at(now + delay * MINUTE),
      })
      expect(await hit(at(now + delay * MINUTE - 1000))).toMatchObject({ allowed: false })
      now += delay * MINUTE
    }

    // A whole window without an attempt: the bucket starts again from one.
    expect(await hit(at(now + 15 * MINUTE))).toEqual({ allowed: true, hits: 1, blockedUntil: null })
  })

  it('counts every one of many concurrent attempts, and lets exactly the allowance through', async () => {
    const key = uniqueEmail('burst')
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        hitRateLimit(database.db, { bucket: 'test', key, policy, now: at(0) }),
      ),
    )
    expect(results.filter((result) => result.allowed)).toHaveLength(policy.allowance)
    expect((await bucket('test', key))?.hits).toBe(policy.allowance)
  })

  it('deletes the buckets whose window has ended, and only those', async () => {
    const old = uniqueEmail('old')
    const fresh = uniqueEmail('fresh')
    await hitRateLimit(database.db, { bucket: 'test', key: old, policy, now: at(-20 * MINUTE) })
    await hitRateLimit(database.db, { bucket: 'test', key: fresh, policy, now: at(-MINUTE) })
    expect(await deleteExpiredRateLimits(database.db, at(0))).toBeGreaterThanOrEqual(1)
    expect(await bucket('test', old)).toBeUndefined()
    expect(await bucket('test', fresh)).toBeDefined()
  })

  it('keys an address the same however it is spelled, and expires old buckets on write', async () => {
    const email = uniqueEmail('Spelling')
    const stale = uniqueEmail('stale')
    await checkRateLimit(database.db, {
      action: 'signIn',
      email: stale,
      clientIp: null,
      now: at(-60 * MINUTE),
    })
    for (const spelling of [email, email.toUpperCase(), ` ${email} `]) {
      await checkRateLimit(database.db, {
        action: 'signIn',
        email: spelling,
        clientIp: null,
        now: at(0),
      })
    }
    expect((await bucket('signIn:account', email.toLowerCase()))?.hits).toBe(3)
    expect(await bucket('signIn:account', stale)).toBeUndefined()
  })
})

describe('sign-in limits', () => {
  const allowance = RATE_LIMIT_POLICIES.signIn.account.allowance

  it('limits failures per account with 429 and Retry-After, and then refuses even the right password', async () => {
    const { email } = await createCustomerAccount(database.db)
    for (let i = 0; i < allowance; i++) {
      expect((await signIn(email, WRONG)).status).toBe(400)
    }
    const limited = await signIn(email, PASSWORD)
    expect(limited.status).toBe(429)
    expect(Number(limited.retryAfter)).toBeGreaterThan(0)
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(60)
    expect(JSON.parse(limited.body)).toMatchObject({
      error: { '': ['auth:errors.tooManyAttempts'] },
      retryAfterMinutes: 1,
    })
    // The password never comes back, limited or not.
    expect(limited.body).not.toContain(PASSWORD)
  })

  it('answers a known and an unknown address alike while limited', async () => {
    const { email: known } = await createCustomerAccount(database.db)
    const unknown = uniqueEmail('nobody')
    for (let i = 0; i < allowance; i++) {
      await signIn(known, WRONG)
      await signIn(unknown, WRONG)
    }
    const forKnown = await signIn(known, WRONG)
    const forUnknown = await signIn(unknown, WRONG)
    expect(forKnown.status).toBe(429)
    expect(forUnknown.status).toBe(429)
    // The same body but for the address typed in, which comes back as the form's value.
    expect(forKnown.body.replace(known, 'EMAIL')).toBe(forUnknown.body.replace(unknown, 'EMAIL'))
    expect(
      Math.abs(Number(forKnown.retryAfter) - Number(forUnknown.retryAfter)),
    ).toBeLessThanOrEqual(1)
  })

  it('shares the count between the customer and the staff sign-in pages', async () => {
    const { email } = await createStaffAccount(database.db)
    for (let i = 0; i < allowance; i++) {
      const page = i % 2 === 0 ? '/login' : '/staff/login'
      const action = i % 2 === 0 ? loginAction : staffLoginAction
      expect((await answerOf(await action(args(page, { email, password: WRONG })))).status).toBe(
        400,
      )
    }
    const limited = await answerOf(
      await staffLoginAction(args('/staff/login', { email, password: PASSWORD })),
    )
    expect(limited.status).toBe(429)
  })

  it('forgets the account’s failures after a successful sign-in', async () => {
    const { email } = await createCustomerAccount(database.db)
    for (let i = 0; i < allowance - 1; i++) await signIn(email, WRONG)
    expect((await signIn(email, PASSWORD)).status).toBe(302)
    expect(await bucket('signIn:account', email.toLowerCase())).toBeUndefined()
    // A fresh allowance: as many failures again without a 429.
    for (let i = 0; i < allowance; i++) {
      expect((await signIn(email, WRONG)).status).toBe(400)
    }
    expect((await signIn(email, WRONG)).status).toBe(429)
  })

  it('counts two concurrent failures both', async () => {
    const { email } = await createCustomerAccount(database.db)
    const answers = await Promise.all([signIn(email, WRONG), signIn(email, WRONG)])
    expect(answers.map((answer) => answer.status)).toEqual([400, 400])
    expect((await bucket('signIn:account', email.toLowerCase()))?.hits).toBe(2)
  })

  it('limits one client address over many accounts, and skips the client bucket without one', async () => {
    const ip = uniqueIp()
    const clientAllowance = RATE_LIMIT_POLICIES.signIn.client.allowance
    // Fill the address's allowance directly; through the route it would take a minute of hashing.
    for (let i = 0; i < clientAllowance; i++) {
      const verdict = await checkRateLimit(database.db, {
        action: 'signIn',
        email: uniqueEmail('spray'),
        clientIp: ip,
      })
      expect(verdict.limited).toBe(false)
    }
    const { email } = await createCustomerAccount(database.db)
    const limited = await signIn(email, PASSWORD, ip)
    expect(limited.status).toBe(429)
    expect(Number(limited.retryAfter)).toBeGreaterThan(0)
    // Another address, or none at all (no context), is not held up by it.
    expect((await signIn(email, PASSWORD, uniqueIp())).status).toBe(302)
    expect((await signIn(email, PASSWORD)).status).toBe(302)
    expect(await bucket('signIn:client', ip)).toMatchObject({ hits: clientAllowance })
  })

  it('counts only failures against a client address: a right password takes its attempt back', async () => {
    const ip = uniqueIp()
    const { email } = await createCustomerAccount(database.db)
    expect((await signIn(uniqueEmail('typo'), WRONG, ip)).status).toBe(400)
    for (let i = 0; i < 3; i++) expect((await signIn(email, PASSWORD, ip)).status).toBe(302)
    expect(await bucket('signIn:client', ip)).toMatchObject({ hits: 1 })
  })
})

describe('limits on mails', () => {
  const cases: Array<{
    action: RateLimitedAction
    path: string
    route: (args: ActionFunctionArgs) => Promise<unknown>
    fields: (email: string) => Record<string, string>
  }> = [
    {
      action: 'passwordReset',
      path: '/forgot-password',
      route: forgotPasswordAction,
      fields: (email) => ({ email }),
    },
    {
      action: 'magicLink',
      path: '/login/magic-link',
      route: magicLinkAction,
      fields: (email) => ({ email }),
    },
    {
      action: 'signUp',
      path: '/signup',
      route: signUpAction,
      fields: (email) => ({
        givenName: 'Nora',
        familyName: 'Lind',
        email,
        password: 'a sign-up passphrase 2026',
        language: 'en',
      }),
    },
  ]

  for (const { action, path, route, fields } of cases) {
    it(`${path}: sends at most the allowance per address, answering as usual for known and unknown`, async () => {
      const { email: known } = await createCustomerAccount(database.db)
      const unknown = uniqueEmail('nobody')
      const allowance = RATE_LIMIT_POLICIES[action].account.allowance
      const send = (email: string) =>
        smtp.collect(async () => answerOf(await route(args(path, fields(email), uniqueIp()))))

      for (let i = 0; i < allowance; i++) {
        const { result, arrived } = await send(known)
        expect(result.status).toBe(302)
        expect(arrived.map(recipientOf)).toEqual([known])
      }
      const overKnown = await send(known)
      expect(overKnown.arrived).toEqual([])

      for (let i = 0; i < allowance; i++) await send(unknown)
      const overUnknown = await send(unknown)
      expect(overUnknown.arrived).toEqual([])
      // Over the limit the answer is the usual one, the same for both.
      expect(overKnown.result).toEqual(overUnknown.result)
      expect(overKnown.result.status).toBe(302)
    })

    it(`${path}: tells a client over its own limit to wait, and sends nothing`, async () => {
      const ip = uniqueIp()
      const clientAllowance = RATE_LIMIT_POLICIES[action].client.allowance
      for (let i = 0; i < clientAllowance; i++) {
        await checkRateLimit(database.db, { action, email: uniqueEmail('spray'), clientIp: ip })
      }
      const { email } = await createCustomerAccount(database.db)
      const { result, arrived } = await smtp.collect(async () =>
        answerOf(await route(args(path, fields(email), ip))),
      )
      expect(result.status).toBe(429)
      expect(Number(result.retryAfter)).toBeGreaterThan(0)
      expect(JSON.parse(result.body)).toMatchObject({
        error: { '': ['auth:errors.tooManyAttempts'] },
      })
      expect(result.body).not.toContain('a sign-up passphrase')
      expect(arrived).toEqual([])
    })
  }
})

describe('what reaches the browser', () => {
  it('every limited route hands Retry-After on, keeping the parent route’s headers', () => {
    for (const route of [
      loginRoute,
      staffLoginRoute,
      forgotPasswordRoute,
      magicLinkRoute,
      signUpRoute,
    ]) {
      expect(route.headers).toBe(rateLimitHeaders)
    }
    const headers = new Headers(
      rateLimitHeaders({
        parentHeaders: new Headers({ 'Cache-Control': 'no-store' }),
        actionHeaders: new Headers({ 'Retry-After': '120' }),
        loaderHeaders: new Headers(),
        errorHeaders: undefined,
      }),
    )
    expect(headers.get('Retry-After')).toBe('120')
    expect(headers.get('Cache-Control')).toBe('no-store')
  })

  it('says how many minutes to wait, in words', async () => {
    const t = await remixI18next.getFixedT('en', 'auth')
    expect(t('errors.tooManyAttemptsIn', { count: 1 })).toBe(
      'Too many attempts. Try again in 1 minute.',
    )
    expect(t('errors.tooManyAttemptsIn', { count: 15 })).toBe(
      'Too many attempts. Try again in 15 minutes.',
    )
    expect(t('errors.tooManyAttempts')).toBe('Too many attempts. Try again later.')
  })
})
