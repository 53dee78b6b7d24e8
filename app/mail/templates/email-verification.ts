import { type TFunction } from 'i18next'
import { type MailMessage } from '../mailer.server.ts'
import { simpleMail } from './simple-mail.ts'

export interface EmailVerificationMailOptions {
  /** A `t` fixed to the recipient's language and the profile namespace. */
  t: TFunction<'profile'>
  /** The address the customer added to their details. */
  to: string
  link: string
  ttlHours: number
}

export function emailVerificationMail({
  t,
  to,
  link,
  ttlHours,
}: EmailVerificationMailOptions): MailMessage {
  return simpleMail({
    to,
    subject: t('mail.verifyEmail.subject'),
    intro: [t('mail.greeting'), t('mail.verifyEmail.body', { email: to })],
    action: { label: t('mail.verifyEmail.action'), link },
    outro: [
      t('mail.verifyEmail.expiry', { hours: ttlHours }),
      t('mail.verifyEmail.ignore'),
      t('mail.signature'),
    ],
  })
}
