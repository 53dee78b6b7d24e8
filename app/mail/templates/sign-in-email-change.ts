import { type TFunction } from 'i18next'
import { type MailMessage } from '../mailer.server.ts'
import { simpleMail } from './simple-mail.ts'

export interface SignInEmailVerificationMailOptions {
  /** A `t` fixed to the recipient's language and the profile namespace. */
  t: TFunction<'profile'>
  /** The new address: the mail proves the customer can read it. */
  to: string
  link: string
  ttlHours: number
}

export function signInEmailVerificationMail({
  t,
  to,
  link,
  ttlHours,
}: SignInEmailVerificationMailOptions): MailMessage {
  return simpleMail({
    to,
    subject: t('mail.signInVerify.subject'),
    intro: [t('mail.greeting'), t('mail.signInVerify.body', { email: to })],
    action: { label: t('mail.signInVerify.action'), link },
    outro: [
      t('mail.signInVerify.expiry', { hours: ttlHours }),
      t('mail.signInVerify.ignore'),
      t('mail.signature'),
    ],
  })
}

export interface SignInEmailChangeNoticeMailOptions {
  t: TFunction<'profile'>
  /** The address the customer signs in with now. */
  to: string
  newEmail: string
  undoLink: string
  undoDays: number
}

/** To the old address: the change is announced where the real owner will see it. */
export function signInEmailChangeNoticeMail({
  t,
  to,
  newEmail,
  undoLink,
  undoDays,
}: SignInEmailChangeNoticeMailOptions): MailMessage {
  return simpleMail({
    to,
    subject: t('mail.signInNotice.subject'),
    intro: [
      t('mail.greeting'),
      t('mail.signInNotice.body', { email: newEmail }),
      t('mail.signInNotice.ifYou'),
      t('mail.signInNotice.ifNotYou', { days: undoDays }),
    ],
    action: { label: t('mail.signInNotice.action'), link: undoLink },
    outro: [t('mail.signInNotice.expiry', { days: undoDays }), t('mail.signature')],
  })
}
