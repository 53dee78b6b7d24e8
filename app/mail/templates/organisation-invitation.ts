import { type TFunction } from 'i18next'
import { type MailMessage } from '../mailer.server.ts'
import { simpleMail } from './simple-mail.ts'

export interface OrganisationInvitationMailOptions {
  /** A `t` fixed to the organisations namespace, in the invitation's language. */
  t: TFunction<'organisations'>
  to: string
  organisation: string
  role: string
  invitedBy: string
  link: string
  ttlDays: number
}

/** An owner's invitation to join their organisation in the portal. */
export function organisationInvitationMail({
  t,
  to,
  organisation,
  role,
  invitedBy,
  link,
  ttlDays,
}: OrganisationInvitationMailOptions): MailMessage {
  return simpleMail({
    to,
    subject: t('invitationMail.subject', { organisation }),
    intro: [
      t('invitationMail.greeting'),
      t('invitationMail.body', { invitedBy, organisation, role }),
      t('invitationMail.account', { email: to }),
    ],
    action: { label: t('invitationMail.action'), link },
    outro: [
      t('invitationMail.expiry', { count: ttlDays }),
      t('invitationMail.ignore'),
      t('invitationMail.signature'),
    ],
  })
}
