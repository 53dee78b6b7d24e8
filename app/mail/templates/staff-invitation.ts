import { type TFunction } from 'i18next'
import { type MailMessage } from '../mailer.server.ts'
import { simpleMail } from './simple-mail.ts'

export interface StaffInvitationMailOptions {
  /** A `t` fixed to the admin namespace, in the mail's language. */
  t: TFunction<'admin'>
  to: string
  name: string
  role: string
  invitedBy: string
  link: string
  ttlDays: number
}

/** An invitation to set a password for a new staff account. */
export function staffInvitationMail({
  t,
  to,
  name,
  role,
  invitedBy,
  link,
  ttlDays,
}: StaffInvitationMailOptions): MailMessage {
  return simpleMail({
    to,
    subject: t('invitationMail.subject'),
    intro: [
      t('invitationMail.greeting', { name }),
      t('invitationMail.body', { invitedBy, role }),
      t('invitationMail.signIn', { email: to }),
    ],
    action: { label: t('invitationMail.action'), link },
    outro: [
      t('invitationMail.expiry', { days: ttlDays }),
      t('invitationMail.ignore'),
      t('invitationMail.signature'),
    ],
  })
}
