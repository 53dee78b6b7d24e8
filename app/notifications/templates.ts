import { type TFunction } from 'i18next'
import { z } from 'zod'
import { escapeHtml } from '#app/mail/templates/escape-html.ts'
import type { MailMessage } from '#app/mail/mailer.server.ts'
import { isOrderStatus, type OrderStatus } from '#db/orders.ts'
import { ALLOWED_TRANSITIONS, type RequestStatus } from '#db/requests.ts'
import { ticketStatuses } from '#db/tickets.ts'

// The messages the worker sends, built from an outbox row's template key and payload. Every
// text comes from the `messages` namespace (statuses in the customer's words from the orders,
// requests and tickets namespaces), so a language is added by adding its JSON files; nothing
// here is English.

/** The namespaces a notification's texts come from. */
export const NOTIFICATION_NAMESPACES = [
  'messages',
  'orders',
  'requests',
  'tickets',
  'preferences',
] as const

export type NotificationT = TFunction<typeof NOTIFICATION_NAMESPACES>

/** A message's content, before it is shaped for a channel. */
export interface NotificationContent {
  /** The subject line; also what "Messages we sent you" lists as what it was about. */
  subject: string
  paragraphs: string[]
  action: { label: string; link: string } | null
  /** The whole text of an SMS, link included. */
  sms: string
}

const orderPayload = z.object({
  orderNumber: z.string().min(1).max(32),
  status: z.custom<OrderStatus>((value) => typeof value === 'string' && isOrderStatus(value)),
})
const requestPayload = z.object({
  requestNumber: z.string().min(1).max(32),
  status: z.custom<RequestStatus>(
    (value) => typeof value === 'string' && Object.hasOwn(ALLOWED_TRANSITIONS, value),
  ),
})
const ticketPayload = z.object({
  ticketNumber: z.string().min(1).max(32),
  status: z.enum(ticketStatuses),
})
const correctionPayload = z.object({ part: z.enum(['details', 'address']) })
const marketingPayload = z.object({
  subject: z.string().min(1).max(200),
  /** Plain text; paragraphs separated by blank lines. */
  body: z.string().min(1).max(20_000),
  // Web links only: a javascript: or data: address has no place in a mail.
  link: z
    .string()
    .url()
    .refine((value) => /^https?:\/\//i.test(value))
    .nullish(),
})

/**
 * The content of one outbox row in the language `t` writes, or null when the template is
 * unknown or its payload malformed (a row no retry can fix).
 */
export function renderNotification(
  template: string,
  payload: unknown,
  options: { t: NotificationT; appUrl: string; name: string },
): NotificationContent | null {
  const { t, appUrl, name } = options
  const greeting = t('messages:email.greeting', { name })
  const pageOf = (path: string, number: string) => `${appUrl}/${path}/${encodeURIComponent(number)}`

  switch (template) {
    case 'order_status_changed': {
      const parsed = orderPayload.safeParse(payload)
      if (!parsed.success) return null
      const { orderNumber: number, status } = parsed.data
      const values = { number, status: t(`orders:status.${status}`) }
      const link = pageOf('orders', number)
      return {
        subject: t('messages:email.order_status_changed.subject', values),
        paragraphs: [
          greeting,
          t('messages:email.order_status_changed.body', values),
          `${t('messages:email.nextIntro')} ${t(`orders:next.${status}`)}`,
        ],
        action: { label: t('messages:email.order_status_changed.action'), link },
        sms: t('messages:email.order_status_changed.sms', { ...values, link }),
      }
    }
    case 'request_status_changed': {
      const parsed = requestPayload.safeParse(payload)
      if (!parsed.success) return null
      const { requestNumber: number, status } = parsed.data
      const values = { number, status: t(`requests:status.${status}`) }
      const link = pageOf('requests', number)
      return {
        subject: t('messages:email.request_status_changed.subject', values),
        paragraphs: [
          greeting,
          t('messages:email.request_status_changed.body', values),
          `${t('messages:email.nextIntro')} ${t(`requests:next.${status}`)}`,
        ],
        action: { label: t('messages:email.request_status_changed.action'), link },
        sms: t('messages:email.request_status_changed.sms', { ...values, link }),
      }
    }
    case 'ticket_status_changed':
    case 'ticket_replied': {
      const parsed = ticketPayload.safeParse(payload)
      if (!parsed.success) return null
      const { ticketNumber: number, status } = parsed.data
      const values = { number, status: t(`tickets:status.${status}`) }
      const link = pageOf('tickets', number)
      return {
        subject: t(`messages:email.${template}.subject`, values),
        paragraphs: [
          greeting,
          t(`messages:email.${template}.body`, values),
          `${t('messages:email.nextIntro')} ${t(`tickets:next.${status}`)}`,
        ],
        action: { label: t(`messages:email.${template}.action`), link },
        sms: t(`messages:email.${template}.sms`, { ...values, link }),
      }
    }
    case 'record_corrected': {
      // Says what was corrected, not the new values: the message may go by SMS or to an
      // address the customer no longer reads, and the history page shows the change itself.
      const parsed = correctionPayload.safeParse(payload)
      if (!parsed.success) return null
      const key = `messages:email.record_corrected.${parsed.data.part}` as const
      const link = `${appUrl}/history`
      return {
        subject: t(`${key}.subject`),
        paragraphs: [greeting, t(`${key}.body`), t('messages:email.record_corrected.notYou')],
        action: { label: t('messages:email.record_corrected.action'), link },
        sms: t(`${key}.sms`, { link }),
      }
    }
    case 'marketing_message': {
      const parsed = marketingPayload.safeParse(payload)
      if (!parsed.success) return null
      const { subject, body, link } = parsed.data
      const paragraphs = body
        .split(/\n\s*\n/)
        .map((paragraph) => paragraph.trim())
        .filter(Boolean)
      return {
        subject,
        paragraphs: [greeting, ...paragraphs],
        action: link ? { label: t('messages:email.marketing_message.action'), link } : null,
        sms: link ? `${subject} ${link}` : subject,
      }
    }
    default:
      return null
  }
}

/** Why the customer gets the message, and the link that changes it, under every mail. */
export interface MailFooter {
  text: string
  link: string
}

/** The content as a mail with a plain-text and an HTML part, in the language given. */
export function notificationMail(
  content: NotificationContent,
  options: {
    to: string
    language: string
    signature: string
    footer: MailFooter
    headers?: Record<string, string>
  },
): MailMessage {
  const { to, language, signature, footer, headers } = options
  const text = [
    ...content.paragraphs,
    ...(content.action ? [`${content.action.label}: ${content.action.link}`] : []),
    signature,
    '--',
    `${footer.text}\n${footer.link}`,
  ].join('\n\n')
  const paragraph = (value: string) => `    <p>${escapeHtml(value)}</p>`
  const action = content.action
    ? `    <p><a href="${escapeHtml(content.action.link)}" style="color: #1d4ed8">${escapeHtml(content.action.label)}</a></p>
    <p style="font-size: 0.9em; color: #475569">${escapeHtml(content.action.link)}</p>
`
    : ''
  const html = `<!doctype html>
<html lang="${escapeHtml(language)}">
  <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #0f172a">
${content.paragraphs.map(paragraph).join('\n')}
${action}${paragraph(signature)}
    <hr style="border: 0; border-top: 1px solid #cbd5e1">
    <p style="font-size: 0.9em; color: #475569">${escapeHtml(footer.text)}
      <a href="${escapeHtml(footer.link)}" style="color: #1d4ed8">${escapeHtml(footer.link)}</a></p>
  </body>
</html>
`
  return { to, subject: content.subject, text, html, ...(headers ? { headers } : {}) }
}
