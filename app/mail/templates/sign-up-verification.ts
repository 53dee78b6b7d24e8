import { type TFunction } from 'i18next'
import { type MailMessage } from '../mailer.server.ts'
import { simpleMail } from './simple-mail.ts'

export interface SignUpVerificationMailOptions {
  /** A `t` fixed to the recipient's language and the auth namespace. */
  t: TFunction<'auth'>
  to: string
  name: string
  link: string
  ttlHours: number
}

/** To the address someone signed up with: the link proves they can read it. */
export function signUpVerificationMail({
  t,
  to,
  name,
  link,
  ttlHours,
}: SignUpVerificationMailOptions): MailMessage {
  return simpleMail({
    to,
    subject: t('email.signUpVerification.subject'),
    intro: [t('email.greetingNamed', { name }), t('email.signUpVerification.body')],
    action: { label: t('email.signUpVerification.action'), link },
    outro: [
      t('email.signUpVerification.expiry', { hours: ttlHours }),
      t('email.signUpVerification.ignore'),
      t('email.signature'),
    ],
  })
}
