import { useTranslation } from 'react-i18next'
import { StatusBadge, type StatusTone } from '#app/components/ui/status-badge.tsx'
import { useFormat } from '#app/lib/use-format.ts'
// Type-only: erased from the browser bundle.
import type { TicketPromiseKind, TicketStatus } from '#db/tickets.ts'

const tones: Record<TicketStatus, StatusTone> = {
  open: 'progress',
  waiting_on_customer: 'waiting',
  resolved: 'success',
  closed: 'neutral',
}

/** The status in the customer's words. */
export function TicketStatusBadge({ status }: { status: TicketStatus }) {
  const { t } = useTranslation('tickets')
  return <StatusBadge tone={tones[status]}>{t(`status.${status}`)}</StatusBadge>
}

/**
 * What happens next, and by when we promised it: the first answer until staff answered, then
 * the solution. A promise already missed says so instead of showing a date in the past.
 */
export function TicketNextStep({
  status,
  dueAt,
  dueKind,
  overdue,
}: {
  status: TicketStatus
  dueAt: Date | null
  dueKind: TicketPromiseKind | null
  overdue: boolean
}) {
  const { t } = useTranslation('tickets')
  const format = useFormat()
  // A ticket waiting on the customer is not ours to answer: say what we need instead.
  if (status === 'open' && dueAt && dueKind) {
    const when = format.dateTime(dueAt)
    const key = overdue ? (`${dueKind}Overdue` as const) : dueKind
    return (
      <p className="text-slate-700">
        <time dateTime={dueAt.toISOString()}>{t(`promise.${key}`, { when })}</time>
      </p>
    )
  }
  return <p className="text-slate-700">{t(`next.${status}`)}</p>
}
