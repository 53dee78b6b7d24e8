import { type MailMessage } from '../mailer.server.ts'
import { escapeHtml } from './escape-html.ts'

export interface SimpleMailOptions {
  to: string
  subject: string
  /** Paragraphs before the link. */
  intro: string[]
  action: { label: string; link: string }
  /** Paragraphs after the link. */
  outro: string[]
}

/**
 * A plain message with one link, as text and as HTML. The link is also printed in full, so it
 * works where the HTML does not.
 */
export function simpleMail({ to, subject, intro, action, outro }: SimpleMailOptions): MailMessage {
  const text = [...intro, `${action.label}: ${action.link}`, ...outro].join('\n\n')
  const paragraph = (value: string) => `    <p>${escapeHtml(value)}</p>`
  const html = `<!doctype html>
<html>
  <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #0f172a">
${intro.map(paragraph).join('\n')}
    <p><a href="${escapeHtml(action.link)}" style="color: #1d4ed8">${escapeHtml(action.label)}</a></p>
    <p style="font-size: 0.9em; color: #475569">${escapeHtml(action.link)}</p>
${outro.map(paragraph).join('\n')}
  </body>
</html>
`
  return { to, subject, text, html }
}
