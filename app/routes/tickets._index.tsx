import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { buttonClass, linkClass } from '#app/components/forms.tsx'
import { TICKET_STATUSES } from '#app/components/tickets/schemas.ts'
import { TicketNextStep, TicketStatusBadge } from '#app/components/tickets/ticket-status.tsx'
import { EmptyState } from '#app/components/ui/empty-state.tsx'
import { KeysetPager } from '#app/components/ui/keyset-pager.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { useFormat } from '#app/lib/use-format.ts'
import { getDatabase } from '#db/database.ts'
import { listCustomerTickets } from '#db/tickets.ts'
import { StatusFilter } from '#app/components/ui/status-filter.tsx'

const TICKETS_PAGE_SIZE = 20

// A filter is a link anyone can edit: an unknown status ("all" included) means no filter, and a
// cursor that does not decode means the first page. Neither is an error.
const TicketsQuerySchema = z.object({
  status: z.enum(TICKET_STATUSES).optional().catch(undefined),
  after: z.string().optional().catch(undefined),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const params = new URL(request.url).searchParams
  const query = TicketsQuerySchema.parse({
    status: params.get('status') ?? undefined,
    after: params.get('after') ?? undefined,
  })
  const page = await listCustomerTickets(await getDatabase(), user.customerId, {
    status: query.status ?? null,
    after: query.after ?? null,
    limit: TICKETS_PAGE_SIZE,
  })
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'tickets'),
    getFixedT(request, 'common'),
  ])
  const now = Date.now()
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('meta.list') }),
      tickets: page.items.map((ticket) => ({
        ...ticket,
        // Decided here, once: the server's clock, the same for the render and the hydration.
        overdue: ticket.dueAt !== null && ticket.dueAt.getTime() < now,
      })),
      nextCursor: page.nextCursor,
      status: query.status ?? null,
      isOlderPage: query.after !== undefined,
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function TicketsRoute() {
  const { tickets, nextCursor, status, isOlderPage } = useLoaderData<typeof loader>()
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
              </p>
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

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
