import { type TFunction } from 'i18next'
import { type MailMessage } from '../mailer.server.ts'
import { escapeHtml } from './escape-html.ts'

export interface SignUpExistingAccountMailOptions {
  /** A `t` fixed to the recipient's language and the auth namespace. */
  t: TFunction<'auth'>
  to: string
  signInLink: string
  resetLink: string
  /** A fresh link to verify the address, for an account whose address was never verified. */
  verifyLink: string | null
  verifyTtlHours: number
}

/**
 * To the holder of an address someone tried to sign up with. The page they saw said the same as
 * for a new address; only the mailbox's owner learns that an account exists.
 */
export function signUpExistingAccountMail({
  t,
  to,
  signInLink,
  resetLink,
  verifyLink,
  verifyTtlHours,
}: SignUpExistingAccountMailOptions): MailMessage {
  const subject = t('email.signUpExisting.subject')
  const intro = [t('email.greeting'), t('email.signUpExisting.body')]
  const actions = [
    {
      lead: t('email.signUpExisting.signInLead'),
      label: t('email.signUpExisting.signIn'),
      link: signInLink,
    },
    {
      lead: t('email.signUpExisting.resetLead'),
      label: t('email.signUpExisting.reset'),
      link: resetLink,
    },
    ...(verifyLink
      ? [
          {
            lead: t('email.signUpExisting.verifyLead', { hours: verifyTtlHours }),
            label: t('email.signUpExisting.verify'),
            link: verifyLink,
          },
        ]
      : []),
  ]
  const outro = [t('email.signUpExisting.ignore'), t('email.signature')]

  const text = [
    ...intro,
    ...actions.map((action) => `${action.lead}\n${action.label}: ${action.link}`),
    ...outro,
  ].join('\n\n')
  const paragraph = (value: string) => `    <p>${escapeHtml(value)}</p>`
  const html = `<!doctype html>
<html>
  <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #0f172a">
${intro.map(paragraph).join('\n')}
${actions
  .map(
    (action) =>
      `    <p>${escapeHtml(action.lead)}<br><a href="${escapeHtml(action.link)}" style="color: #1d4ed8">${escapeHtml(action.label)}</a><br><span style="font-size: 0.9em; color: #475569">${escapeHtml(action.link)}</span></p>`,
  )
  .join('\n')}
${outro.map(paragraph).join('\n')}
  </body>
</html>
`
  return { to, subject, text, html }
}
