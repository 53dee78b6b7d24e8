import { type TFunction } from 'i18next'
import { type MailMessage } from '../mailer.server.ts'
import { escapeHtml } from './escape-html.ts'

export interface ConsentConfirmationMailOptions {
  /** A `t` fixed to the recipient's language and the preferences namespace. */
  t: TFunction<'preferences'>
  /** The language `t` writes in, for the HTML part's `lang`. */
  language: string
  to: string
  /** The topic's name in the recipient's language. */
  topic: string
  /** The consent wording the customer saw when they said yes; null if none was shown. */
  wording: string | null
  confirmLink: string
  unsubscribeLink: string
  ttlDays: number
}

/** The double opt-in message: nothing of the topic is sent until its link is followed. */
export function consentConfirmationMail(options: ConsentConfirmationMailOptions): MailMessage {
  const { t, language, to, topic, wording, confirmLink, unsubscribeLink, ttlDays } = options
  const subject = t('email.confirmation.subject', { topic })
  const paragraphs = {
    greeting: t('email.confirmation.greeting'),
    body: t('email.confirmation.body', { topic }),
    wordingIntro: t('email.confirmation.wordingIntro'),
    expiry: t('email.confirmation.expiry', { days: ttlDays }),
    ignore: t('email.confirmation.ignore'),
    unsubscribe: t('email.confirmation.unsubscribe'),
    signature: t('email.confirmation.signature'),
  }
  const text = [
    paragraphs.greeting,
    paragraphs.body,
    ...(wording ? [`${paragraphs.wordingIntro}\n"${wording}"`] : []),
    confirmLink,
    paragraphs.expiry,
    paragraphs.ignore,
    `${paragraphs.unsubscribe}\n${unsubscribeLink}`,
    paragraphs.signature,
  ].join('\n\n')

  const html = `<!doctype html>
<html lang="${escapeHtml(language)}">
  <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #0f172a">
    <p>${escapeHtml(paragraphs.greeting)}</p>
    <p>${escapeHtml(paragraphs.body)}</p>
    ${
      wording
        ? `<p>${escapeHtml(paragraphs.wordingIntro)}</p>
    <blockquote style="margin: 0 0 1em; padding-left: 1em; border-left: 3px solid #cbd5e1">${escapeHtml(wording)}</blockquote>`
        : ''
    }
    <p><a href="${escapeHtml(confirmLink)}" style="color: #1d4ed8">${escapeHtml(t('email.confirmation.action'))}</a></p>
    <p style="font-size: 0.9em; color: #475569">${escapeHtml(confirmLink)}</p>
    <p>${escapeHtml(paragraphs.expiry)}</p>
    <p>${escapeHtml(paragraphs.ignore)}</p>
    <p>${escapeHtml(paragraphs.signature)}</p>
    <hr style="border: 0; border-top: 1px solid #cbd5e1">
    <p style="font-size: 0.9em; color: #475569">${escapeHtml(paragraphs.unsubscribe)}
      <a href="${escapeHtml(unsubscribeLink)}" style="color: #1d4ed8">${escapeHtml(unsubscribeLink)}</a></p>
  </body>
</html>
`
  return { to, subject, text, html }
}
