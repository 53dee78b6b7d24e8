import { getFixedTFor } from '#app/i18n/i18next.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { type MailMessage, sendMail } from '#app/mail/mailer.server.ts'
import { emailVerificationMail } from '#app/mail/templates/email-verification.ts'
import {
  signInEmailChangeNoticeMail,
  signInEmailVerificationMail,
} from '#app/mail/templates/sign-in-email-change.ts'
import {
  EMAIL_CHANGE_UNDO_TTL_MINUTES,
  EMAIL_VERIFICATION_TTL_MINUTES,
} from '#db/customer-contacts.ts'

// The mails of "My details". Sent while the customer waits (they asked for them and the page
// says they went out); a failure is logged and reported as "not sent", so they can try again.

function linkTo(path: string, token: string): string {
  return `${getEnv().appUrl}${path}?${new URLSearchParams({ token })}`
}

async function profileT(language: string | null) {
  return getFixedTFor(language ?? 'en', 'profile')
}

async function deliver(messages: MailMessage[]): Promise<boolean> {
  try {
    for (const message of messages) await sendMail(message)
    return true
  } catch (error) {
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'sending profile mail failed',
        error: error instanceof Error ? error.message : String(error),
      }),
    )
    return false
  }
}

/** The link that confirms an email the customer added. */
export async function sendEmailVerification(options: {
  to: string
  token: string
  language: string | null
}): Promise<boolean> {
  const t = await profileT(options.language)
  return deliver([
    emailVerificationMail({
      t,
      to: options.to,
      link: linkTo('/profile/email/verify', options.token),
      ttlHours: EMAIL_VERIFICATION_TTL_MINUTES / 60,
    }),
  ])
}

/** The confirmation link to the new sign-in address, and the undo link to the current one. */
export async function sendSignInEmailChange(options: {
  newEmail: string
  previousEmail: string
  verifyToken: string
  undoToken: string
  language: string | null
}): Promise<boolean> {
  const t = await profileT(options.language)
  return deliver([
    signInEmailVerificationMail({
      t,
      to: options.newEmail,
      link: linkTo('/profile/email/verify', options.verifyToken),
      ttlHours: EMAIL_VERIFICATION_TTL_MINUTES / 60,
    }),
    signInEmailChangeNoticeMail({
      t,
      to: options.previousEmail,
      newEmail: options.newEmail,
      undoLink: linkTo('/profile/email/undo', options.undoToken),
      undoDays: EMAIL_CHANGE_UNDO_TTL_MINUTES / (24 * 60),
    }),
  ])
}
