import { getFixedTFor } from '#app/i18n/i18next.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { runInBackground, sendMail } from '#app/mail/mailer.server.ts'
import { magicLinkMail } from '#app/mail/templates/magic-link.ts'
import {
  consumeMagicLink,
  createMagicLinkToken,
  describeMagicLink,
  findAccountForMagicLink,
  MAGIC_LINK_TTL_MINUTES,
} from '#db/account-lifecycle.ts'
import { getDatabase } from '#db/database.ts'
import { maskEmail } from './invitation.server.ts'

export { MAGIC_LINK_TTL_MINUTES }

/**
 * Emails a one-time sign-in link (15 minutes) to a customer's account that may sign in; for any
 * other address (unknown, staff, disabled, closed) does nothing. The caller answers the same
 * either way, and everything after the lookup (the token, the mail) happens after the answer, so
 * the time to answer does not differ.
 */
export async function requestMagicLink(email: string): Promise<void> {
  const db = await getDatabase()
  const account = await findAccountForMagicLink(db, email)
  if (!account) return
  runInBackground(
    async () => {
      const token = await createMagicLinkToken(db, {
        accountId: account.id,
        customerId: account.customerId,
      })
      const t = await getFixedTFor(account.language, 'auth')
      await sendMail(
        magicLinkMail({
          t,
          to: account.email,
          link: `${getEnv().appUrl}/login/magic-link/confirm?${new URLSearchParams({ token })}`,
          ttlMinutes: MAGIC_LINK_TTL_MINUTES,
        }),
      )
    },
    { msg: 'magic link mail failed' },
  )
}

/** Whom a sign-in link would sign in (address masked), without using it up. */
export async function previewMagicLink(token: string): Promise<{ maskedEmail: string } | null> {
  const link = await describeMagicLink(await getDatabase(), token)
  return link ? { maskedEmail: maskEmail(link.email) } : null
}

/** Uses a sign-in link up; the account to sign in, or null when the link was refused. */
export async function redeemMagicLink(token: string): Promise<string | null> {
  const used = await consumeMagicLink(await getDatabase(), token)
  return used?.accountId ?? null
}
