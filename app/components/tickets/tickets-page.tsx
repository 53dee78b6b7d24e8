import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { buttonClass, linkClass } from '#app/components/forms.tsx'
import { VisibilityLabel } from '#app/components/sharing/who-can-see.tsx'
import { TICKET_STATUSES } from '#app/components/tickets/schemas.ts'
import { TicketNextStep, TicketStatusBadge } from '#app/components/tickets/ticket-status.tsx'
import { EmptyState } from '#app/components/ui/empty-state.tsx'
import { KeysetPager } from '#app/components/ui/keyset-pager.tsx'
import { StatusFilter } from '#app/components/ui/status-filter.tsx'
import { useFormat } from '#app/lib/use-format.ts'
// Type-only: erased from the browser bundle.
import type { ticketsPageData } from '#app/lib/portal-pages.server.ts'

export type TicketsPageViewProps = Awaited<ReturnType<typeof ticketsPageData>>

/** The page's body, shared by the customer's route and the staff "view as customer" page. */
export function TicketsPageView({
  tickets,
  nextCursor,
  status,
  isOlderPage,
}: TicketsPageViewProps) {
  const { t } = useTranslation('tickets')
  const format = useFormat()

  return (
    <section className="space-y-6">
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="space-y-2">
          <h1 className="text-3xl font-semibold">{t('list.title')}</h1>
          <p className="text-slate-700">{t('list.intro')}</p>
        </div>
        <Link to="/tickets/new" className={buttonClass}>
          {t('list.ask')}
        </Link>
      </header>

      <StatusFilter
        id="ticket-status-filter"
        label={t('list.filterLabel')}
        allLabel={t('list.filterAll')}
        submitLabel={t('list.filterSubmit')}
        statuses={TICKET_STATUSES}
        current={status}
        labelFor={(option) => t(`status.${option}`)}
      />

      {tickets.length === 0 ? (
        status || isOlderPage ? (
          <EmptyState title={t('list.emptyFilteredTitle')}>
            <Link to="/tickets" className={linkClass}>
              {t('list.showAll')}
            </Link>
          </EmptyState>
        ) : (
          <EmptyState title={t('list.emptyTitle')}>
            <p>{t('list.emptyBody')}</p>
            <p className="mt-3">
              <Link to="/tickets/new" className={linkClass}>
                {t('list.ask')}
              </Link>
            </p>
          </EmptyState>
        )
      ) : (
        <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white">
          {tickets.map((ticket) => (
            <li key={ticket.id} className="space-y-1 p-4">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <h2 className="text-lg font-medium">
                  <Link to={`/tickets/${ticket.ticketNumber}`} className={linkClass}>
                    {ticket.subject}
                  </Link>
                </h2>
                <TicketStatusBadge status={ticket.status} />
              </div>
              <p className="text-sm text-slate-600">
                {ticket.ticketNumber} ·{' '}
                <time dateTime={ticket.updatedAt.toISOString()}>
                  {t('list.lastActivity', { when: format.dateTime(ticket.updatedAt) })}
                </time>
                {ticket.openerName ? (
                  <> · {t('list.openedBy', { name: ticket.openerName })}</>
                ) : null}
              </p>
              {ticket.sharing ? (
                <p>
                  <VisibilityLabel
                    visibility={ticket.sharing}
                    sharedCount={ticket.sharedCount}
                    isOrganisationItem
                  />
                </p>
              ) : null}
              <TicketNextStep
                status={ticket.status}
                dueAt={ticket.dueAt}
                dueKind={ticket.dueKind}
                overdue={ticket.overdue}
              />
            </li>
          ))}
        </ul>
      )}

      <KeysetPager
        nextCursor={nextCursor}
        label={t('list.pagerLabel')}
        olderLabel={t('list.older')}
        newestLabel={t('list.newest')}
      />
    </section>
  )
}
