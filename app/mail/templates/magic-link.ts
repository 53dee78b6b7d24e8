import { type TFunction } from 'i18next'
import { type MailMessage } from '../mailer.server.ts'
import { simpleMail } from './simple-mail.ts'

export interface MagicLinkMailOptions {
  /** A `t` fixed to the recipient's language and the auth namespace. */
  t: TFunction<'auth'>
  to: string
  link: string
  ttlMinutes: number
}

export function magicLinkMail({ t, to, link, ttlMinutes }: MagicLinkMailOptions): MailMessage {
  return simpleMail({
    to,
    subject: t('email.magicLink.subject'),
    intro: [t('email.greeting'), t('email.magicLink.body')],
    action: { label: t('email.magicLink.action'), link },
    outro: [
      t('email.magicLink.expiry', { minutes: ttlMinutes }),
      t('email.magicLink.ignore'),
      t('email.signature'),
    ],
  })
}
