import { getFixedTFor } from '#app/i18n/i18next.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { runInBackground, sendMail } from '#app/mail/mailer.server.ts'
import { passwordResetMail } from '#app/mail/templates/password-reset.ts'
import {
  consumeAccountToken,
  createAccountToken,
  peekAccountToken,
  revokeAccountTokens,
} from '#db/account-tokens.ts'
import { type AccountKind, findAccountForPasswordReset, setAccountPassword } from '#db/accounts.ts'
import { getDatabase } from '#db/database.ts'
import { deleteAccountSessions } from '#db/sessions.ts'
import { hashPassword } from './password.server.ts'

export const PASSWORD_RESET_TTL_MINUTES = 60

/**
 * Emails a reset link when the address belongs to an account that may sign in; otherwise does
 * nothing. Either way the caller answers the same, and everything after the lookup (the token,
 * the mail) happens after the answer, so it takes as long whether or not there was an account.
 */
export async function requestPasswordReset(email: string): Promise<void> {
  const db = await getDatabase()
  const account = await findAccountForPasswordReset(db, email)
  if (!account) return

  runInBackground(
    async () => {
      const token = await createAccountToken(db, {
        accountId: account.id,
        customerId: account.customer_id,
        purpose: 'password_reset',
        ttlMinutes: PASSWORD_RESET_TTL_MINUTES,
      })
      const link = `${getEnv().appUrl}/reset-password?${new URLSearchParams({ token })}`
      const t = await getFixedTFor(account.language, 'auth')
      await sendMail(
        passwordResetMail({ t, to: account.email, link, ttlMinutes: PASSWORD_RESET_TTL_MINUTES }),
      )
    },
    { msg: 'password reset mail failed' },
  )
}

/** Whether the link still works, without using it up: following it twice must show the form. */
export async function isPasswordResetTokenUsable(token: string): Promise<boolean> {
  return (await peekAccountToken(await getDatabase(), token, 'password_reset')) !== null
}

/**
 * Sets the new password if the token is still good, in one transaction: the token is used up,
 * older reset links die, every session of the account ends (whoever knew the old password is
 * signed out), and a customer's history records the change. Null when the token was refused.
 */
export async function resetPassword(
  token: string,
  newPassword: string,
): Promise<{ kind: AccountKind } | null> {
  // Hashed before the transaction opens, so it does not hold a connection for ~30 ms of CPU.
  const passwordHash = await hashPassword(newPassword)
  const db = await getDatabase()
  return db.transaction().execute(async (trx) => {
    const used = await consumeAccountToken(trx, token, 'password_reset')
    if (!used?.accountId) return null
    const account = await setAccountPassword(trx, {
      accountId: used.accountId,
      passwordHash,
      channel: 'email_link',
    })
    if (!account) return null
    await revokeAccountTokens(trx, account.id, 'password_reset')
    await deleteAccountSessions(trx, account.id)
    return { kind: account.kind }
  })
}
