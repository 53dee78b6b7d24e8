import { parseWithZod } from '@conform-to/zod'
import { createCookie, data, type HeadersFunction, redirect } from '@remix-run/node'
import { z } from 'zod'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { getDatabase } from '#db/database.ts'
import {
  countUnusedRecoveryCodes,
  disableTwoFactor,
  enableTwoFactor,
  getAccountEmail,
  getPasswordHash,
  getTwoFactor,
  regenerateRecoveryCodes,
} from '#db/two-factor.ts'
import { requireCustomer, requireStaff } from './guards.server.ts'
import { verifyAgainstDummy, verifyPassword } from './password.server.ts'
import {
  checkRateLimit,
  clearTwoFactorFailures,
  TOO_MANY_ATTEMPTS,
  tooManyAttempts,
} from './rate-limit.server.ts'
import { rotateSession } from './session.server.ts'
import { SecuritySchema, secretFields } from './two-factor-schemas.ts'
import {
  encryptTotpKey,
  enrolmentDisplay,
  hashRecoveryCode,
  matchPendingCode,
  newRecoveryCodes,
  newTotpKey,
  seal,
  unseal,
  verifySecondFactor,
} from './two-factor.server.ts'
import { savePendingSecret } from '#db/two-factor.ts'

// /account/security (customers: 2FA is offered) and /staff/security (staff: 2FA is required, so
// it cannot be turned off here). Recovery codes are shown once: the action that makes them puts
// them, encrypted, in a five-minute cookie for this browser, and the page after the redirect
// shows them and clears it. A redirect, not the action's own answer, because turning 2FA on
// gives the browser a new session id, which the page must be loaded with.

type Kind = 'customer' | 'staff'

const NOTICES = ['enabled', 'disabled', 'regenerated'] as const
const NoticeSchema = z.enum(NOTICES).optional().catch(undefined)

function pagePath(kind: Kind): string {
  return kind === 'staff' ? '/staff/security' : '/account/security'
}

function codesCookie() {
  const secure = getEnv().cookieSecure
  return createCookie(secure ? '__Host-cmr_2fa_codes' : 'cmr_2fa_codes', {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: 5 * 60,
  })
}

async function guard(request: Request, kind: Kind) {
  const { user, headers } =
    kind === 'customer' ? await requireCustomer(request) : await requireStaff(request, 'agent')
  return { user, headers, customerId: user.kind === 'customer' ? user.customerId : null }
}

async function readShownCodes(request: Request, accountId: string): Promise<string[] | null> {
  const sealed: unknown = await codesCookie().parse(request.headers.get('Cookie'))
  if (typeof sealed !== 'string' || sealed.length > 2000) return null
  const plain = unseal(sealed, `recovery-codes:${accountId}`)
  return plain ? new TextDecoder().decode(plain).split(',') : null
}

export async function securityLoader(request: Request, kind: Kind) {
  const { user, headers } = await guard(request, kind)
  const db = await getDatabase()
  const [state, unusedCodes, email, shownCodes, t, tCommon] = await Promise.all([
    getTwoFactor(db, user.id),
    countUnusedRecoveryCodes(db, user.id),
    getAccountEmail(db, user.id),
    readShownCodes(request, user.id),
    getFixedT(request, 'security'),
    getFixedT(request, 'common'),
  ])
  if (shownCodes) {
    headers.append('Set-Cookie', await codesCookie().serialize('', { maxAge: 0 }))
  }
  headers.set('Cache-Control', 'no-store')
  const enabled = Boolean(state?.enabledAt)
  const notice = NoticeSchema.parse(new URL(request.url).searchParams.get('notice') ?? undefined)
  return data(
    {
      title: tCommon('app.pageTitle', {
        page: kind === 'staff' ? t('settings.staffTitle') : t('settings.title'),
      }),
      kind,
      enabled,
      unusedCodes: enabled ? unusedCodes : 0,
      setup: enabled ? null : await enrolmentDisplay(state, user.id, email ?? ''),
      recoveryCodes: enabled ? shownCodes : null,
      notice: notice ?? null,
    },
    { headers },
  )
}

const hideFields = secretFields

export async function securityAction(request: Request, kind: Kind, clientIp: string | null) {
  const { user, headers, customerId } = await guard(request, kind)
  const submission = parseWithZod(await request.formData(), { schema: SecuritySchema })
  if (submission.status !== 'success') {
    return data(submission.reply({ hideFields }), { status: 400, headers })
  }
  const value = submission.value
  const db = await getDatabase()
  const history = customerId ? { customerId, channel: 'portal' as const } : null
  const path = pagePath(kind)

  if (value.intent === 'start') {
    // A fresh secret for each set-up; one that is on already is never replaced.
    await savePendingSecret(db, user.id, encryptTotpKey(newTotpKey(), user.id))
    return redirect(path, { headers })
  }

  const limit = await checkRateLimit(db, { action: 'twoFactor', email: user.id, clientIp })
  if (limit.limited) {
    return tooManyAttempts(
      submission.reply({ formErrors: [TOO_MANY_ATTEMPTS], hideFields }),
      limit.retryAfterSeconds,
    )
  }
  const refuse = (field: 'code' | 'password', reason: string) =>
    data(submission.reply({ fieldErrors: { [field]: [reason] }, hideFields }), {
      status: 400,
      headers,
    })
  const withCodes = async (target: Headers, codes: string[]) => {
    const sealed = seal(new TextEncoder().encode(codes.join(',')), `recovery-codes:${user.id}`)
    target.append('Set-Cookie', await codesCookie().serialize(sealed))
    return target
  }

  if (value.intent === 'enable') {
    const state = await getTwoFactor(db, user.id)
    const step = state?.enabledAt ? null : matchPendingCode(state, user.id, value.code)
    if (step === null) return refuse('code', 'security:errors.codeWrong')
    const codes = newRecoveryCodes()
    const enabled = await db.transaction().execute((trx) =>
      enableTwoFactor(trx, {
        accountId: user.id,
        step,
        codeHashes: codes.map(hashRecoveryCode),
        history,
      }),
    )
    if (!enabled) return refuse('code', 'security:errors.codeUsed')
    await clearTwoFactorFailures(db, user.id, clientIp)
    // A change of privilege: a new session id here, and every other session of the account
    // ends, since they were signed in without the second factor.
    const rotated = await rotateSession(request, user.id, { endOthers: true })
    return redirect(`${path}?notice=enabled`, { headers: await withCodes(rotated, codes) })
  }

  if (value.intent === 'regenerate') {
    // A current authenticator code, not a recovery code: those are what is being replaced.
    const verdict = await verifySecondFactor(db, user.id, value.code, { allowRecoveryCode: false })
    if (verdict === 'used') return refuse('code', 'security:errors.codeUsed')
    if (verdict !== 'ok') return refuse('code', 'security:errors.codeWrong')
    await clearTwoFactorFailures(db, user.id, clientIp)
    const codes = newRecoveryCodes()
    await db.transaction().execute((trx) =>
      regenerateRecoveryCodes(trx, {
        accountId: user.id,
        codeHashes: codes.map(hashRecoveryCode),
        history,
      }),
    )
    return redirect(`${path}?notice=regenerated`, { headers: await withCodes(headers, codes) })
  }

  // Turning off: customers only, with their password or a code.
  if (kind === 'staff') return refuse('code', 'security:errors.codeWrong')
  const code = value.code ?? ''
  const password = value.password ?? ''
  if (code) {
    const verdict = await verifySecondFactor(db, user.id, code)
    if (verdict === 'used') return refuse('code', 'security:errors.codeUsed')
    if (verdict !== 'ok') return refuse('code', 'security:errors.codeWrong')
  } else if (password) {
    const hash = await getPasswordHash(db, user.id)
    const ok = hash ? await verifyPassword(hash, password) : await verifyAgainstDummy(password)
    if (!ok) return refuse('password', 'security:errors.passwordWrong')
  } else {
    return refuse('password', 'security:errors.proofRequired')
  }
  await clearTwoFactorFailures(db, user.id, clientIp)
  await db.transaction().execute((trx) => disableTwoFactor(trx, { accountId: user.id, history }))
  const rotated = await rotateSession(request, user.id, { endOthers: false })
  return redirect(`${path}?notice=disabled`, { headers: rotated })
}

/** Never stored by a browser or proxy (recovery codes, a pending secret); Retry-After passed on. */
export const securityHeaders: HeadersFunction = ({ parentHeaders, actionHeaders }) => {
  const headers = new Headers(parentHeaders)
  headers.set('Cache-Control', 'no-store')
  const retryAfter = actionHeaders.get('Retry-After')
  if (retryAfter) headers.set('Retry-After', retryAfter)
  return headers
}
