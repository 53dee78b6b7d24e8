import { createHash, randomBytes } from 'node:crypto'
import { parseWithZod } from '@conform-to/zod'
import { createCookie, data, type HeadersFunction, redirect } from '@remix-run/node'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { type AccountKind } from '#db/accounts.ts'
import { getDatabase } from '#db/database.ts'
import {
  CHALLENGE_TTL_MINUTES,
  type ChallengeFlow,
  consumeSignInChallenge,
  createSignInChallenge,
  enableTwoFactor,
  findSignInChallenge,
  getTwoFactor,
  isTwoFactorEnabled,
  markChallengeEnrolled,
  savePendingSecret,
  type SignInChallenge,
} from '#db/two-factor.ts'
import { homeFor } from './guards.server.ts'
import {
  checkRateLimit,
  clearTwoFactorFailures,
  TOO_MANY_ATTEMPTS,
  tooManyAttempts,
} from './rate-limit.server.ts'
import { safeRedirect } from './safe-redirect.ts'
import { startSession } from './session.server.ts'
import { ChallengeSchema, secretFields } from './two-factor-schemas.ts'
import {
  encryptTotpKey,
  enrolmentDisplay,
  hashRecoveryCode,
  matchPendingCode,
  newRecoveryCodes,
  newTotpKey,
  verifySecondFactor,
} from './two-factor.server.ts'

// Between the first factor (password, emailed link) and the session: an account with 2FA (every
// staff account, customers who turned it on) gets no session yet, only a short-lived cookie
// naming a challenge row, and is sent to the code page. The right code starts the session.
// Staff without an authenticator set one up on that page, inside the same challenge.

const CHALLENGE_COOKIE_BASE_NAME = 'cmr_2fa'

function challengeCookie() {
  const secure = getEnv().cookieSecure
  // `__Host-` as for the session cookie: only this host, only over https.
  return createCookie(
    secure ? `__Host-${CHALLENGE_COOKIE_BASE_NAME}` : CHALLENGE_COOKIE_BASE_NAME,
    {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: '/',
      maxAge: CHALLENGE_TTL_MINUTES * 60,
    },
  )
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function codePagePath(kind: AccountKind): string {
  return kind === 'staff' ? '/staff/login/two-factor' : '/login/two-factor'
}

function signInPath(kind: AccountKind): string {
  return kind === 'staff' ? '/staff/login' : '/login'
}

/** Whether this account must give a code after its password or link. */
export async function needsSecondFactor(accountId: string, kind: AccountKind): Promise<boolean> {
  return kind === 'staff' || (await isTwoFactorEnabled(await getDatabase(), accountId))
}

/**
 * The first factor passed: a session for an account without 2FA, otherwise a challenge and the
 * way to the code page. A staff member without an authenticator gets a fresh pending secret to
 * set one up with.
 */
export async function finishFirstFactor(
  request: Request,
  options: { accountId: string; kind: AccountKind; flow: ChallengeFlow; redirectTo: string | null },
): Promise<Response> {
  const { accountId, kind } = options
  const redirectTo = options.redirectTo ? safeRedirect(options.redirectTo, '') || null : null
  if (!(await needsSecondFactor(accountId, kind))) {
    const headers = await startSession(request, accountId)
    return redirect(redirectTo ?? homeFor({ kind }), { headers })
  }
  const db = await getDatabase()
  if (kind === 'staff' && !(await isTwoFactorEnabled(db, accountId))) {
    await savePendingSecret(db, accountId, encryptTotpKey(newTotpKey(), accountId))
  }
  const token = randomBytes(32).toString('base64url')
  await createSignInChallenge(db, {
    tokenHash: hashToken(token),
    accountId,
    flow: options.flow,
    redirectTo,
  })
  const headers = new Headers()
  headers.append('Set-Cookie', await challengeCookie().serialize(token))
  return redirect(codePagePath(kind), { headers })
}

async function readChallenge(
  request: Request,
  kind: AccountKind,
): Promise<{ tokenHash: string; challenge: SignInChallenge } | null> {
  const token: unknown = await challengeCookie().parse(request.headers.get('Cookie'))
  if (typeof token !== 'string' || token.length === 0 || token.length > 100) return null
  const tokenHash = hashToken(token)
  const challenge = await findSignInChallenge(await getDatabase(), tokenHash)
  if (!challenge || challenge.accountKind !== kind) return null
  return { tokenHash, challenge }
}

async function clearChallengeCookie(headers: Headers = new Headers()): Promise<Headers> {
  headers.append('Set-Cookie', await challengeCookie().serialize('', { maxAge: 0 }))
  return headers
}

type Mode =
  { mode: 'verify' } | { mode: 'enrol'; qrSvg: string; secret: string } | { mode: 'enrolled' }

async function modeOf(challenge: SignInChallenge): Promise<Mode> {
  if (challenge.enrolledAt) return { mode: 'enrolled' }
  const state = await getTwoFactor(await getDatabase(), challenge.accountId)
  if (challenge.accountKind === 'staff' && !state?.enabledAt) {
    const display = await enrolmentDisplay(state, challenge.accountId, challenge.email)
    if (display) return { mode: 'enrol', ...display }
  }
  return { mode: 'verify' }
}

export async function twoFactorLoader(request: Request, kind: AccountKind) {
  const found = await readChallenge(request, kind)
  // No challenge (never signed in, or its ten minutes passed): start again at the password.
  if (!found) throw redirect(signInPath(kind), { headers: await clearChallengeCookie() })
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'security'),
    getFixedT(request, 'common'),
  ])
  const mode = await modeOf(found.challenge)
  const page = mode.mode === 'enrol' ? t('enrol.title') : t('challenge.title')
  return data({
    title: tCommon('app.pageTitle', { page }),
    kind,
    flow: found.challenge.flow,
    ...mode,
  })
}

const hideFields = secretFields

export async function twoFactorAction(
  request: Request,
  kind: AccountKind,
  clientIp: string | null,
) {
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: ChallengeSchema })
  const found = await readChallenge(request, kind)
  if (!found) {
    return data(
      submission.reply({ formErrors: ['security:errors.challengeExpired'], hideFields }),
      { status: 400, headers: await clearChallengeCookie() },
    )
  }
  if (submission.status !== 'success') {
    return data(submission.reply({ hideFields }), { status: 400 })
  }
  const { challenge, tokenHash } = found
  const db = await getDatabase()
  const value = submission.value

  if (value.intent === 'continue') {
    if (!challenge.enrolledAt) {
      return data(submission.reply({ formErrors: ['security:errors.codeRequired'], hideFields }), {
        status: 400,
      })
    }
    return startSignedIn(request, kind, tokenHash, challenge)
  }

  // Counted before the code is checked; while limited the code is not checked at all.
  const limit = await checkRateLimit(db, {
    action: 'twoFactor',
    email: challenge.accountId,
    clientIp,
  })
  if (limit.limited) {
    return tooManyAttempts(
      submission.reply({ formErrors: [TOO_MANY_ATTEMPTS], hideFields }),
      limit.retryAfterSeconds,
    )
  }
  const refuse = (reason: string) =>
    data(submission.reply({ fieldErrors: { code: [reason] }, hideFields }), { status: 400 })

  if (value.intent === 'verify') {
    const verdict = await verifySecondFactor(db, challenge.accountId, value.code)
    if (verdict === 'used') return refuse('security:errors.codeUsed')
    if (verdict !== 'ok') return refuse('security:errors.codeWrong')
    await clearTwoFactorFailures(db, challenge.accountId, clientIp)
    return startSignedIn(request, kind, tokenHash, challenge)
  }

  // Enrolment: staff only, and only while the account has no authenticator yet.
  if (kind !== 'staff') return refuse('security:errors.codeWrong')
  const state = await getTwoFactor(db, challenge.accountId)
  const step = state?.enabledAt ? null : matchPendingCode(state, challenge.accountId, value.code)
  if (step === null) return refuse('security:errors.codeWrong')
  const codes = newRecoveryCodes()
  const enabled = await db.transaction().execute(async (trx) => {
    const done = await enableTwoFactor(trx, {
      accountId: challenge.accountId,
      step,
      codeHashes: codes.map(hashRecoveryCode),
      history: null,
    })
    if (done) await markChallengeEnrolled(trx, tokenHash)
    return done
  })
  if (!enabled) return refuse('security:errors.codeUsed')
  await clearTwoFactorFailures(db, challenge.accountId, clientIp)
  // Shown this once, from this answer; only their hashes are stored. The session starts when
  // the person says they saved them.
  return data({ recoveryCodes: codes }, { headers: { 'Cache-Control': 'no-store' } })
}

async function startSignedIn(
  request: Request,
  kind: AccountKind,
  tokenHash: string,
  challenge: SignInChallenge,
): Promise<Response> {
  const accountId = await consumeSignInChallenge(await getDatabase(), tokenHash)
  if (!accountId) {
    throw redirect(signInPath(kind), { headers: await clearChallengeCookie() })
  }
  const headers = await startSession(request, accountId)
  await clearChallengeCookie(headers)
  return redirect(safeRedirect(challenge.redirectTo, homeFor({ kind })), { headers })
}

/**
 * The code pages hold a sign-in in progress (and once the recovery codes): never stored by a
 * browser or proxy. Retry-After is carried from a limited attempt, as on the sign-in pages.
 */
export const twoFactorHeaders: HeadersFunction = ({ parentHeaders, actionHeaders }) => {
  const headers = new Headers(parentHeaders)
  headers.set('Cache-Control', 'no-store')
  const retryAfter = actionHeaders.get('Retry-After')
  if (retryAfter) headers.set('Retry-After', retryAfter)
  return headers
}
