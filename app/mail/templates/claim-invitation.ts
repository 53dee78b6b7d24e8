import { type TFunction } from 'i18next'
import { type MailMessage } from '../mailer.server.ts'
import { simpleMail } from './simple-mail.ts'

export interface ClaimInvitationMailOptions {
  /** A `t` fixed to the recipient's language and the auth namespace. */
  t: TFunction<'auth'>
  /** The record's primary email: the account will sign in with it. */
  to: string
  name: string
  customerNumber: string
  link: string
  ttlDays: number
}

/** An invitation to open the portal account of a record that staff or an integration created. */
export function claimInvitationMail({
  t,
  to,
  name,
  customerNumber,
  link,
  ttlDays,
}: ClaimInvitationMailOptions): MailMessage {
  return simpleMail({
    to,
    subject: t('email.claimInvitation.subject'),
    intro: [
      t('email.greetingNamed', { name }),
      t('email.claimInvitation.body', { customerNumber }),
      t('email.claimInvitation.what'),
    ],
    action: { label: t('email.claimInvitation.action'), link },
    outro: [
      t('email.claimInvitation.expiry', { days: ttlDays }),
      t('email.claimInvitation.ignore'),
      t('email.signature'),
    ],
  })
}
