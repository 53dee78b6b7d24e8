import { type Kysely } from 'kysely'
import { getFixedTFor } from '#app/i18n/i18next.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { sendMailInBackground } from '#app/mail/mailer.server.ts'
import { claimInvitationMail } from '#app/mail/templates/claim-invitation.ts'
import {
  claimCustomerRecord,
  type ClaimOutcome,
  createInvitationToken,
  describeInvitation,
  INVITATION_TTL_MINUTES,
  type InvitationPreview,
} from '#db/account-lifecycle.ts'
import { getDatabase } from '#db/database.ts'
import { type Actor } from '#db/history.ts'
import type { DB } from '#db/schema.ts'
import { hashPassword } from './password.server.ts'

export { INVITATION_TTL_MINUTES }

/**
 * Invites the person behind an existing customer record (created by staff or an integration)
 * to open their portal account: a link to the record's primary email, in the customer's
 * language, valid for 7 days. The mail goes out in the background (see sendMailInBackground).
 *
 * @throws NotFoundError for an unknown customer.
 * @throws InvalidStateError (a key of the auth namespace) when the record is closed, has no
 *   primary email, has an account already, or its address is another account's sign-in.
 */
export async function createClaimInvitation(
  db: Kysely<DB>,
  options: { customerId: string; actor: Actor },
): Promise<{ email: string }> {
  const invitation = await createInvitationToken(db, options)
  const t = await getFixedTFor(invitation.language, 'auth')
  sendMailInBackground(
    claimInvitationMail({
      t,
      to: invitation.email,
      name: invitation.name,
      customerNumber: invitation.customerNumber,
      link: `${getEnv().appUrl}/claim?${new URLSearchParams({ token: invitation.token })}`,
      ttlDays: INVITATION_TTL_MINUTES / (24 * 60),
    }),
  )
  return { email: invitation.email }
}

/**
 * What the claim page shows: the address hidden but for its first letter and its domain (whoever
 * holds the link already has the mailbox; a forwarded link should not spell it out).
 */
export async function previewClaim(
  token: string,
): Promise<
  | { status: 'usable'; maskedEmail: string; customerNumber: string }
  | Exclude<InvitationPreview, { status: 'usable' }>
> {
  const preview = await describeInvitation(await getDatabase(), token)
  if (preview.status !== 'usable') return preview
  return {
    status: 'usable',
    maskedEmail: maskEmail(preview.email),
    customerNumber: preview.customerNumber,
  }
}

/** Opens the account of the invited record with the chosen password. */
export async function claimWithPassword(token: string, password: string): Promise<ClaimOutcome> {
  // Hashed before the transaction opens, so it does not hold a connection for ~30 ms of CPU.
  const passwordHash = await hashPassword(password)
  return claimCustomerRecord(await getDatabase(), { token, passwordHash })
}

/** `anna.berg@example.com` → `a••••••••@example.com` (one dot per hidden character, at most 8). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at <= 0) return '•'.repeat(8)
  const local = email.slice(0, at)
  return `${local[0]}${'•'.repeat(Math.min(Math.max(local.length - 1, 3), 8))}${email.slice(at)}`
}
