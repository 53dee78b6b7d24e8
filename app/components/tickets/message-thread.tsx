import { useTranslation } from 'react-i18next'
import { linkClass } from '#app/components/forms.tsx'
import { useFormat } from '#app/lib/use-format.ts'
// Type-only: erased from the browser bundle.
import type { ThreadMessage } from '#db/tickets.ts'
import { formatFileSize } from './attachment-field.tsx'
import { LinkifiedText } from './linkify.tsx'

/** The public conversation, oldest first; internal notes never reach this component. */
export function MessageThread({
  ticketNumber,
  messages,
}: {
  ticketNumber: string
  messages: ThreadMessage[]
}) {
  const { t } = useTranslation('tickets')
  const format = useFormat()
  return (
    <ol aria-label={t('thread.conversation')} className="space-y-4">
      {messages.map((message) => {
        // Every customer message names its writer: "You", or the colleague's name.
        const author =
          message.author === 'you'
            ? t('thread.you')
            : message.author === 'colleague'
              ? (message.authorName ?? t('thread.colleagueFallback'))
              : message.author === 'staff'
                ? (message.staffName ?? t('thread.staffFallback'))
                : t('thread.system')
        const fromCustomer = message.author === 'you' || message.author === 'colleague'
        return (
          <li
            key={message.id}
            id={`message-${message.id}`}
            className={`rounded border p-4 ${fromCustomer ? 'border-blue-200 bg-blue-50' : 'border-slate-200 bg-white'}`}
          >
            <p className="text-sm text-slate-600">
              <span className="font-medium text-slate-900">{author}</span>
              {', '}
              <time dateTime={message.createdAt.toISOString()}>
                {format.dateTime(message.createdAt)}
              </time>
            </p>
            <p className="mt-2 break-words whitespace-pre-wrap">
              <LinkifiedText text={message.body} />
            </p>
            {message.attachments.length > 0 ? (
              <ul aria-label={t('attachments.listLabel')} className="mt-3 space-y-1 text-sm">
                {message.attachments.map((attachment) => (
                  <li key={attachment.id}>
                    <a
                      href={`/tickets/${encodeURIComponent(ticketNumber)}/attachments/${attachment.id}`}
                      className={linkClass}
                      download
                    >
                      {t('attachments.download', {
                        name: attachment.fileName,
                        size: formatFileSize(attachment.sizeBytes, format.locale),
                      })}
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        )
      })}
    </ol>
  )
}
