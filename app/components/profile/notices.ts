/** What a redirect back to /profile says was done (`?notice=`), one translated line each. */
export const PROFILE_NOTICES = [
  'detailsSaved',
  'emailAdded',
  'emailAddedNotSent',
  'emailRemoved',
  'emailPrimary',
  'emailLinkSent',
  'phoneAdded',
  'phoneUpdated',
  'phoneRemoved',
  'phonePrimary',
  'addressAdded',
  'addressUpdated',
  'addressRemoved',
  'addressDefaultShipping',
  'addressDefaultBilling',
  'signInEmailSent',
] as const

export type ProfileNotice = (typeof PROFILE_NOTICES)[number]

export function profileNoticeUrl(notice: ProfileNotice): string {
  return `/profile?${new URLSearchParams({ notice })}`
}
