import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { buttonClass, linkClass } from '#app/components/forms.tsx'
import { ItemOwnershipNote } from '#app/components/orders/item-ownership.tsx'
import { REQUEST_STATUSES, RequestStatusBadge } from '#app/components/requests/request-status.tsx'
import { EmptyState } from '#app/components/ui/empty-state.tsx'
import { KeysetPager } from '#app/components/ui/keyset-pager.tsx'
import { StatusFilter } from '#app/components/ui/status-filter.tsx'
import { useFormat } from '#app/lib/use-format.ts'
// Type-only: erased from the browser bundle.
import type { requestsPageData } from '#app/lib/portal-pages.server.ts'

export type RequestsPageViewProps = Awaited<ReturnType<typeof requestsPageData>>

/** The page's body, shared by the customer's route and the staff "view as customer" page. */
export function RequestsPageView({ requests, nextCursor, status }: RequestsPageViewProps) {
  const { t } = useTranslation('requests')
  const format = useFormat()

  return (
    <section className="space-y-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div className="space-y-2">
          <h1 className="text-3xl font-semibold">{t('list.title')}</h1>
          <p className="text-slate-700">{t('list.intro')}</p>
        </div>
        <Link to="/requests/new" className={buttonClass}>
          {t('list.start')}
        </Link>
      </header>

      <StatusFilter
        id="request-status-filter"
        label={t('list.filterLabel')}
        allLabel={t('list.filterAll')}
        submitLabel={t('list.filterSubmit')}
        statuses={REQUEST_STATUSES}
        current={status}
        labelFor={(option) => t(`status.${option}`)}
      />

      {requests.length === 0 ? (
        status ? (
          <EmptyState title={t('list.emptyFilteredTitle')}>
            <Link to="/requests" className={linkClass}>
              {t('list.showAll')}
            </Link>
          </EmptyState>
        ) : (
          <EmptyState title={t('list.emptyTitle')}>
            <p>{t('list.emptyBody')}</p>
            <p className="mt-2">
              <Link to="/requests/new" className={linkClass}>
                {t('list.start')}
              </Link>
            </p>
          </EmptyState>
        )
      ) : (
        <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white">
          {requests.map((item) => (
            <li key={item.id} className="flex flex-wrap items-start justify-between gap-3 p-4">
              <div className="space-y-1">
                <p className="text-sm text-slate-600">
                  {t(`kinds.${item.kind}`)} · {item.requestNumber}
                </p>
                <h2 className="font-medium">
                  <Link
                    to={`/requests/${encodeURIComponent(item.requestNumber)}`}
                    className={linkClass}
                  >
                    {item.subject}
                  </Link>
                </h2>
                <p className="text-sm text-slate-700">
                  <time dateTime={item.createdAt.toISOString()}>
                    {t('list.started', { date: format.date(item.createdAt) })}
                  </time>
                  {item.dueAt ? (
                    <>
                      {' · '}
                      <time dateTime={item.dueAt.toISOString()}>
                        {t('list.aimFinish', { date: format.date(item.dueAt) })}
                      </time>
                    </>
                  ) : null}
                  {item.closedAt ? (
                    <>
                      {' · '}
                      <time dateTime={item.closedAt.toISOString()}>
                        {t('list.closed', { date: format.date(item.closedAt) })}
                      </time>
                    </>
                  ) : null}
                </p>
                <ItemOwnershipNote kind="request" ownership={item} />
              </div>
              <RequestStatusBadge status={item.status} />
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
