import { type TFunction } from 'i18next'
import { type MailMessage } from '../mailer.server.ts'
import { escapeHtml } from './escape-html.ts'

export interface PasswordResetMailOptions {
  /** A `t` fixed to the recipient's language and the auth namespace. */
  t: TFunction<'auth'>
  to: string
  link: string
  ttlMinutes: number
}

export function passwordResetMail({
  t,
  to,
  link,
  ttlMinutes,
}: PasswordResetMailOptions): MailMessage {
  const subject = t('email.passwordReset.subject')
  const paragraphs = {
    greeting: t('email.passwordReset.greeting'),
    body: t('email.passwordReset.body'),
    expiry: t('email.passwordReset.expiry', { minutes: ttlMinutes }),
    ignore: t('email.passwordReset.ignore'),
    signature: t('email.passwordReset.signature'),
  }
  const text = [
    paragraphs.greeting,
    paragraphs.body,
    link,
    paragraphs.expiry,
    paragraphs.ignore,
    paragraphs.signature,
  ].join('\n\n')

  const html = `<!doctype html>
<html>
  <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #0f172a">
    <p>${escapeHtml(paragraphs.greeting)}</p>
    <p>${escapeHtml(paragraphs.body)}</p>
    <p><a href="${escapeHtml(link)}" style="color: #1d4ed8">${escapeHtml(t('email.passwordReset.action'))}</a></p>
    <p style="font-size: 0.9em; color: #475569">${escapeHtml(link)}</p>
    <p>${escapeHtml(paragraphs.expiry)}</p>
    <p>${escapeHtml(paragraphs.ignore)}</p>
    <p>${escapeHtml(paragraphs.signature)}</p>
  </body>
</html>
`
  return { to, subject, text, html }
}
