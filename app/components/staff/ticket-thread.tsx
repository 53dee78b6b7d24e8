import { useTranslation } from 'react-i18next'
import { useFormat } from '#app/lib/use-format.ts'

export interface StaffThreadMessageView {
  id: string
  authorKind: 'customer' | 'staff' | 'system'
  authorName: string | null
  visibility: 'public' | 'internal'
  body: string
  createdAt: Date | string
}

/**
 * The whole conversation for staff. Internal notes are set apart by a label, a border and a
 * background, so no one mistakes a note for something the customer has read.
 */
export function TicketThread({ messages }: { messages: StaffThreadMessageView[] }) {
  const { t } = useTranslation('staff')
  const format = useFormat()
  if (messages.length === 0) return <p>{t('ticket.noMessages')}</p>
  return (
    <ol className="space-y-3">
      {messages.map((message) => {
        const internal = message.visibility === 'internal'
        const author =
          message.authorKind === 'system' ? t('ticket.system') : (message.authorName ?? '')
        return (
          <li
            key={message.id}
            data-visibility={message.visibility}
            className={
              internal
                ? 'rounded border-2 border-dashed border-amber-500 bg-amber-50 p-3'
                : message.authorKind === 'customer'
                  ? 'rounded border border-slate-300 bg-white p-3'
                  : 'rounded border border-blue-200 bg-blue-50 p-3'
            }
          >
            <p className="text-sm text-slate-700">
              {internal ? (
                <strong className="mr-2 uppercase text-amber-900">
                  {t('ticket.internalNote')}
                </strong>
              ) : message.authorKind === 'customer' ? (
                <strong className="mr-2">{t('ticket.fromCustomer')}</strong>
              ) : (
                <strong className="mr-2">{t('ticket.publicReply')}</strong>
              )}
              {author} · <time>{format.dateTime(message.createdAt)}</time>
            </p>
            <p className="mt-1 whitespace-pre-wrap">{message.body}</p>
          </li>
        )
      })}
    </ol>
  )
}
