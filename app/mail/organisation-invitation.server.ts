import { getFixedTFor } from '#app/i18n/i18next.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import {
  type CreatedInvitation,
  ORGANISATION_INVITATION_TTL_DAYS,
} from '#db/organisation-invitations.ts'
import { sendMailInBackground } from './mailer.server.ts'
import { organisationInvitationMail } from './templates/organisation-invitation.ts'

/**
 * Mails an organisation invitation's link, in the invitation's language. In the background like
 * the staff invitations: the owner's page lists the invitation either way, and a new one can be
 * sent (it replaces the old link).
 */
export async function mailOrganisationInvitation(invitation: CreatedInvitation): Promise<void> {
  const t = await getFixedTFor(invitation.language, 'organisations')
  sendMailInBackground(
    organisationInvitationMail({
      t,
      to: invitation.email,
      organisation: invitation.organisationName,
      role: t(`roles.${invitation.role}`),
      invitedBy: invitation.invitedByName,
      link: `${getEnv().appUrl}/organisations/join?${new URLSearchParams({ token: invitation.token })}`,
      ttlDays: ORGANISATION_INVITATION_TTL_DAYS,
    }),
  )
}
