import { parseWithZod } from '@conform-to/zod'
import { data, redirect } from '@remix-run/node'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { type AccountKind, findAccountForSignIn } from '#db/accounts.ts'
import { type Database, getDatabase } from '#db/database.ts'
import { homeFor } from './guards.server.ts'
import { verifyAgainstDummy, verifyPassword } from './password.server.ts'
import {
  checkRateLimit,
  clearSignInFailures,
  TOO_MANY_ATTEMPTS,
  tooManyAttempts,
} from './rate-limit.server.ts'
import { safeRedirect } from './safe-redirect.ts'
import { SignInSchema } from './schemas.ts'
import { getOptionalUser } from './session.server.ts'
import { finishFirstFactor } from './two-factor-sign-in.server.ts'

// The customer and the staff sign-in pages differ only in which kind of account they accept;
// both routes call these.

/**
 * The account id when the email, password and kind all match a usable account, else null. Every
 * refusal takes one password verification, so how long it takes does not tell which check failed.
 */
export async function authenticate(
  db: Database,
  credentials: { email: string; password: string; kind: AccountKind },
): Promise<string | null> {
  const account = await findAccountForSignIn(db, credentials.email)
  if (!account?.password_hash) {
    await verifyAgainstDummy(credentials.password)
    return null
  }
  const passwordMatches = await verifyPassword(account.password_hash, credentials.password)
  const usable =
    account.disabled_at === null &&
    account.kind === credentials.kind &&
    (account.kind === 'customer' ||
      (account.staff_role !== null && account.staff_deactivated_at === null))
  return passwordMatches && usable ? account.id : null
}

export async function signInLoader(request: Request, kind: AccountKind) {
  const { user, headers } = await getOptionalUser(request)
  const url = new URL(request.url)
  const redirectTo = safeRedirect(url.searchParams.get('redirectTo'), '') || null
  if (user?.kind === kind) throw redirect(redirectTo ?? homeFor(user), { headers })

  const [t, tCommon] = await Promise.all([getFixedT(request, 'auth'), getFixedT(request, 'common')])
  const page = kind === 'staff' ? t('signIn.staffTitle') : t('signIn.title')
  return data(
    {
      title: tCommon('app.pageTitle', { page }),
      redirectTo,
      resetDone: url.searchParams.get('reset') === '1',
    },
    { headers },
  )
}

export async function signInAction(request: Request, kind: AccountKind, clientIp: string | null) {
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: SignInSchema })
  // The password never travels back to the browser; the email stays as it was typed.
  const hideFields = ['password']
  if (submission.status !== 'success') {
    return data(submission.reply({ hideFields }), { status: 400 })
  }

  const db = await getDatabase()
  // Counted before the password is checked, so parallel guesses cannot slip in ahead of the
  // count. While limited the password is not checked at all: the answer is the same for a
  // known and an unknown address, and for a right and a wrong password.
  const limit = await checkRateLimit(db, {
    action: 'signIn',
    email: submission.value.email,
    clientIp,
  })
  if (limit.limited) {
    return tooManyAttempts(
      submission.reply({ formErrors: [TOO_MANY_ATTEMPTS], hideFields }),
      limit.retryAfterSeconds,
    )
  }

  const accountId = await authenticate(db, { ...submission.value, kind })
  if (!accountId) {
    return data(submission.reply({ formErrors: ['auth:errors.invalidCredentials'], hideFields }), {
      status: 400,
    })
  }

  await clearSignInFailures(db, submission.value.email, clientIp)
  // A session now, or (2FA) the code page first.
  return finishFirstFactor(request, {
    accountId,
    kind,
    flow: 'password',
    redirectTo: submission.value.redirectTo ?? null,
  })
}
