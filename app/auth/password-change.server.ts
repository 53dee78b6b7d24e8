import { parseWithZod } from '@conform-to/zod'
import { data, redirect } from '@remix-run/node'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { requireFound } from '#app/lib/http.server.ts'
import { findAccountCredentials, replaceAccountPassword } from '#db/account-credentials.ts'
import { getDatabase } from '#db/database.ts'
import { ChangePasswordSchema, changePasswordHiddenFields } from './change-password-form.tsx'
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password.server.ts'
import { withPasswordPolicy } from './password-policy.server.ts'
import {
  checkRateLimit,
  clearSignInFailures,
  TOO_MANY_ATTEMPTS,
  tooManyAttempts,
} from './rate-limit.server.ts'
import { startSession } from './session.server.ts'

// Changing the password while signed in, for customers (/account/password) and staff
// (/staff/password) alike. The routes guard; these functions never take an account from the
// form, only the one the session belongs to.

const hideFields = changePasswordHiddenFields

/** The page's data: its title, and whether it was reached right after a change. */
export async function changePasswordPageData(request: Request) {
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'account'),
    getFixedT(request, 'common'),
  ])
  return {
    title: tCommon('app.pageTitle', { page: t('password.title') }),
    changed: new URL(request.url).searchParams.get('changed') === '1',
  }
}

/**
 * Checks the current password (counted as a sign-in attempt for the account's address, so a
 * stolen session cannot guess faster here than at the sign-in page), then in one transaction
 * stores the new hash, ends every session of the account and writes the customer's history.
 * This browser then gets a new session with a new id, and the page is shown again with a
 * confirmation. `headers` are the guard's (a renewed session cookie), for the refusals.
 */
export async function changePasswordAction(
  request: Request,
  options: { accountId: string; clientIp: string | null; headers: Headers; pagePath: string },
) {
  const { accountId, clientIp, headers } = options
  const submission = parseWithZod(await request.formData(), {
    schema: withPasswordPolicy(ChangePasswordSchema),
  })
  if (submission.status !== 'success') {
    return data(submission.reply({ hideFields }), { status: 400, headers })
  }

  const db = await getDatabase()
  const account = requireFound(await findAccountCredentials(db, accountId))
  // Counted before the password is checked, so parallel guesses cannot slip in ahead of the count.
  const limit = await checkRateLimit(db, { action: 'signIn', email: account.email, clientIp })
  if (limit.limited) {
    return tooManyAttempts(
      submission.reply({ formErrors: [TOO_MANY_ATTEMPTS], hideFields }),
      limit.retryAfterSeconds,
    )
  }

  const { currentPassword, password } = submission.value
  const passwordHash = account.passwordHash
  const currentMatches = passwordHash
    ? await verifyPassword(passwordHash, currentPassword)
    : await verifyAgainstDummy(currentPassword)
  const wrongCurrent = () =>
    data(
      submission.reply({
        fieldErrors: { currentPassword: ['account:errors.passwordWrong'] },
        hideFields,
      }),
      { status: 400, headers },
    )
  if (!passwordHash || !currentMatches) return wrongCurrent()

  // Hashed before the transaction opens, so it does not hold a connection for ~30 ms of CPU.
  const newHash = await hashPassword(password)
  const changed = await db.transaction().execute((trx) =>
    replaceAccountPassword(trx, {
      accountId,
      expectedHash: passwordHash,
      passwordHash: newHash,
      channel: account.kind === 'staff' ? 'staff' : 'portal',
    }),
  )
  if (!changed) return wrongCurrent()

  await clearSignInFailures(db, account.email, clientIp)
  // Every session ended above, this browser's too; it alone gets a new one, with a new id.
  const sessionHeaders = await startSession(request, accountId)
  return redirect(`${options.pagePath}?changed=1`, { headers: sessionHeaders })
}
