import { getFixedTFor } from '#app/i18n/i18next.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { INVITATION_TTL_MINUTES, type StaffInvitation } from '#db/staff-admin.ts'
import { sendMailInBackground } from './mailer.server.ts'
import { staffInvitationMail } from './templates/staff-invitation.ts'

/**
 * Mails a staff invitation's link, in the language the admin chose for it. In the background like the customers' invitations: the admin
 * page shows the member as invited either way and can send a new link.
 */
export async function mailStaffInvitation(
  invitation: StaffInvitation,
  invitedBy: string,
  /** The mail's language: the one the admin chose in the invite form (English if not offered). */
  language: string,
): Promise<void> {
  const t = await getFixedTFor(language, 'admin')
  sendMailInBackground(
    staffInvitationMail({
      t,
      to: invitation.email,
      name: invitation.displayName,
      role: t(`roles.${invitation.role}`),
      invitedBy,
      link: `${getEnv().appUrl}/staff/claim?${new URLSearchParams({ token: invitation.token })}`,
      ttlDays: INVITATION_TTL_MINUTES / (24 * 60),
    }),
  )
}
