import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { inputClass, labelClass, buttonClass, linkClass } from '#app/components/forms.tsx'
import { StatusBadge, type StatusTone } from '#app/components/ui/status-badge.tsx'
import type { QueueAssigneeFilter, QueueSort, QueueStatusFilter } from '#db/staff-tickets.ts'
import type { TicketPriority, TicketPromiseKind, TicketStatus } from '#db/tickets.ts'

export const statusTone: Record<TicketStatus, StatusTone> = {
  open: 'progress',
  waiting_on_customer: 'waiting',
  resolved: 'success',
  closed: 'neutral',
}

/** Whole minutes as "3 d 4 h", "2 h 5 min" or "12 min". */
export function useDuration(): (minutes: number) => string {
  const { t } = useTranslation('staff')
  return (minutes) => {
    const total = Math.max(0, Math.floor(minutes))
    const d = Math.floor(total / 1440)
    const h = Math.floor((total % 1440) / 60)
    const m = total % 60
    if (d > 0) return t('queue.duration.days', { d, h })
    if (h > 0) return t('queue.duration.hours', { h, m })
    return t('queue.duration.minutes', { m })
  }
}

export interface QueueRow {
  ticketNumber: string
  subject: string
  status: TicketStatus
  priority: TicketPriority
  customerName: string
  customerNumber: string
  assigneeName: string | null
  ageMinutes: number
  /** Minutes until the promise is due; negative once breached; null without a target. */
  dueInMinutes: number | null
  dueKind: TicketPromiseKind | null
  breached: boolean
}

export interface QueueFilterValues {
  status: QueueStatusFilter
  priority: TicketPriority | null
  assignee: QueueAssigneeFilter
  sort: QueueSort
}

export function TicketQueueFilters({
  values,
  counts,
  statusFilters,
  priorities,
  assignees,
  sorts,
}: {
  values: QueueFilterValues
  counts: Record<QueueStatusFilter, number>
  statusFilters: readonly QueueStatusFilter[]
  priorities: readonly TicketPriority[]
  assignees: readonly QueueAssigneeFilter[]
  sorts: readonly QueueSort[]
}) {
  const { t } = useTranslation('staff')
  return (
    <Form method="get" className="flex flex-wrap items-end gap-4" aria-label={t('queue.filters')}>
      <div>
        <label htmlFor="queue-status" className={labelClass}>
          {t('queue.status')}
        </label>
        <select id="queue-status" name="status" defaultValue={values.status} className={inputClass}>
          {statusFilters.map((status) => (
            <option key={status} value={status}>
              {t(`queue.statusFilter.${status}`)} ({counts[status]})
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="queue-priority" className={labelClass}>
          {t('queue.priority')}
        </label>
        <select
          id="queue-priority"
          name="priority"
          defaultValue={values.priority ?? ''}
          className={inputClass}
        >
          <option value="">{t('queue.anyPriority')}</option>
          {priorities.map((priority) => (
            <option key={priority} value={priority}>
              {t(`ticket.priorities.${priority}`)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="queue-assignee" className={labelClass}>
          {t('queue.assignee')}
        </label>
        <select
          id="queue-assignee"
          name="assignee"
          defaultValue={values.assignee}
          className={inputClass}
        >
          {assignees.map((assignee) => (
            <option key={assignee} value={assignee}>
              {t(`queue.assigneeFilter.${assignee}`)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="queue-sort" className={labelClass}>
          {t('queue.sort')}
        </label>
        <select id="queue-sort" name="sort" defaultValue={values.sort} className={inputClass}>
          {sorts.map((sort) => (
            <option key={sort} value={sort}>
              {t(`queue.sortBy.${sort}`)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className={buttonClass}>
        {t('queue.apply')}
      </button>
    </Form>
  )
}

export function TicketQueueTable({ rows }: { rows: QueueRow[] }) {
  const { t } = useTranslation('staff')
  const duration = useDuration()
  return (
    <table className="w-full text-left text-sm">
      <thead>
        <tr className="border-b">
          <th scope="col">{t('queue.columns.ticket')}</th>
          <th scope="col">{t('queue.columns.customer')}</th>
          <th scope="col">{t('queue.columns.status')}</th>
          <th scope="col">{t('queue.columns.priority')}</th>
          <th scope="col">{t('queue.columns.assignee')}</th>
          <th scope="col">{t('queue.columns.age')}</th>
          <th scope="col">{t('queue.columns.due')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.ticketNumber} className="border-b align-top">
            <td className="py-2">
              <Link to={`/staff/tickets/${row.ticketNumber}`} className={linkClass}>
                {row.ticketNumber}
              </Link>
              <div>{row.subject}</div>
            </td>
            <td>
              {row.customerName}
              <div className="text-slate-600">{row.customerNumber}</div>
            </td>
            <td>
              <StatusBadge tone={statusTone[row.status]}>
                {t(`ticket.statuses.${row.status}`)}
              </StatusBadge>
            </td>
            <td>{t(`ticket.priorities.${row.priority}`)}</td>
            <td>{row.assigneeName ?? t('queue.unassigned')}</td>
            <td>{duration(row.ageMinutes)}</td>
            <td>
              {row.dueInMinutes === null || row.dueKind === null ? (
                t('queue.noTarget')
              ) : row.status === 'waiting_on_customer' ? (
                // The clock is stopped while the customer has the ball: no countdown, no breach.
                <StatusBadge tone="waiting">{t('queue.paused')}</StatusBadge>
              ) : row.breached ? (
                <>
                  <StatusBadge tone="problem">{t('queue.breached')}</StatusBadge>{' '}
                  {t('queue.overdueBy', { duration: duration(-row.dueInMinutes) })}
                </>
              ) : (
                `${duration(row.dueInMinutes)} (${t(`queue.dueKind.${row.dueKind}`)})`
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
