import { type SubmissionResult } from '@conform-to/react'
import { data, type HeadersFunction } from '@remix-run/node'
import { type Database, getDatabase } from '#db/database.ts'
import {
  clearRateLimit,
  deleteExpiredRateLimits,
  hitRateLimit,
  type RateLimitPolicy,
  refundRateLimit,
} from '#db/rate-limits.ts'

export type RateLimitedAction = 'signIn' | 'passwordReset' | 'magicLink' | 'signUp' | 'twoFactor'

const MINUTE = 60
const signInPolicies = {
  // Failed sign-ins for one address: five free, then 1, 2, 4, 8, 15, 15, ... minutes apart.
  account: {
    allowance: 5,
    windowSeconds: 15 * MINUTE,
    baseDelaySeconds: MINUTE,
    maxDelaySeconds: 15 * MINUTE,
  },
  // Failed sign-ins from one client address, over all addresses: generous, since many people
  // can share one.
  client: {
    allowance: 50,
    windowSeconds: 15 * MINUTE,
    baseDelaySeconds: MINUTE,
    maxDelaySeconds: 15 * MINUTE,
  },
} satisfies Record<string, RateLimitPolicy>
const mailPolicies = {
  // Mails to one address: three an hour, then 15, 30, 60, 60, ... minutes apart.
  account: {
    allowance: 3,
    windowSeconds: 60 * MINUTE,
    baseDelaySeconds: 15 * MINUTE,
    maxDelaySeconds: 60 * MINUTE,
  },
  client: {
    allowance: 20,
    windowSeconds: 60 * MINUTE,
    baseDelaySeconds: MINUTE,
    maxDelaySeconds: 15 * MINUTE,
  },
} satisfies Record<string, RateLimitPolicy>

export const RATE_LIMIT_POLICIES: Record<
  RateLimitedAction,
  { account: RateLimitPolicy; client: RateLimitPolicy }
> = {
  signIn: signInPolicies,
  passwordReset: mailPolicies,
  magicLink: mailPolicies,
  signUp: mailPolicies,
  // Second-factor codes are guessed like passwords: the same limits, in buckets of their own
  // keyed by the account id (the account is known once the first factor passed).
  twoFactor: signInPolicies,
}

export type RateLimitVerdict =
  { limited: false } | { limited: true; by: 'account' | 'client'; retryAfterSeconds: number }

/** The key of an address's bucket: the same for every spelling of it, known account or not. */
function accountKey(email: string): string {
  return email.trim().toLowerCase()
}

/**
 * Counts one attempt at an action against the address's bucket and, when the request has one,
 * the client address's bucket. Limited when either bucket is waiting out its delay; `by` says
 * which (the client's wins, since answering it reveals nothing about any account). A bucket that
 * is not waiting counts the attempt even when the other one refuses it: an attempt is an attempt.
 */
export async function checkRateLimit(
  db: Database,
  options: { action: RateLimitedAction; email: string; clientIp: string | null; now?: Date },
): Promise<RateLimitVerdict> {
  const now = options.now ?? new Date()
  const policies = RATE_LIMIT_POLICIES[options.action]
  const account = await hitRateLimit(db, {
    bucket: `${options.action}:account`,
    key: accountKey(options.email),
    policy: policies.account,
    now,
  })
  const client = options.clientIp
    ? await hitRateLimit(db, {
        bucket: `${options.action}:client`,
        key: options.clientIp,
        policy: policies.client,
        now,
      })
    : null
  // Old buckets go on the way out, so the table stays as small as the traffic of one window.
  await deleteExpiredRateLimits(db, now)

  const seconds = (retryAt: Date) =>
    Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000))
  if (client && !client.allowed) {
    return { limited: true, by: 'client', retryAfterSeconds: seconds(client.retryAt) }
  }
  if (!account.allowed) {
    return { limited: true, by: 'account', retryAfterSeconds: seconds(account.retryAt) }
  }
  return { limited: false }
}

/**
 * A successful sign-in forgets the address's failed ones, and takes its own attempt back from
 * the client's count, so that many people signing in behind one address (an office, a mobile
 * network) only count their mistakes. Someone guessing from that address with one good account
 * of their own could use this to slow their client count down, but each address they guess at
 * still has its own limit.
 */
export async function clearSignInFailures(
  db: Database,
  email: string,
  clientIp: string | null,
): Promise<void> {
  await clearRateLimit(db, 'signIn:account', accountKey(email))
  if (clientIp) await refundRateLimit(db, 'signIn:client', clientIp)
}

/** A right second-factor code forgets the account's wrong ones, as a right password does. */
export async function clearTwoFactorFailures(
  db: Database,
  accountId: string,
  clientIp: string | null,
): Promise<void> {
  await clearRateLimit(db, 'twoFactor:account', accountKey(accountId))
  if (clientIp) await refundRateLimit(db, 'twoFactor:client', clientIp)
}

export const TOO_MANY_ATTEMPTS = 'auth:errors.tooManyAttempts'

/**
 * The answer to a limited attempt: 429 with Retry-After, and the form's reply with a form error
 * plus the wait in whole minutes for the page to show. It depends only on the wait and on what
 * was typed, never on whether the address has an account.
 */
export function tooManyAttempts(reply: SubmissionResult<string[]>, retryAfterSeconds: number) {
  return data(
    { ...reply, retryAfterMinutes: Math.max(1, Math.ceil(retryAfterSeconds / MINUTE)) },
    { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } },
  )
}

/** checkRateLimit on the process's database, at the current time: what the actions call. */
export async function limitAttempt(options: {
  action: RateLimitedAction
  email: string
  clientIp: string | null
}): Promise<RateLimitVerdict> {
  return checkRateLimit(await getDatabase(), options)
}

/**
 * The `headers` export of every route whose action can answer "too many attempts". Without one,
 * Remix keeps nothing of an action's headers but Set-Cookie, so Retry-After would never reach
 * the client; with one, Remix no longer copies the parent's headers by itself, so this does.
 */
export const rateLimitHeaders: HeadersFunction = ({ parentHeaders, actionHeaders }) => {
  const headers = new Headers(parentHeaders)
  const retryAfter = actionHeaders.get('Retry-After')
  if (retryAfter) headers.set('Retry-After', retryAfter)
  return headers
}
