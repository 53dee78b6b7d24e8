import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { buttonClass, linkClass } from '#app/components/forms.tsx'
import { HistoryList } from '#app/components/history/history-list.tsx'
import { RecordViews } from '#app/components/history/record-views.tsx'
import { EmptyState } from '#app/components/ui/empty-state.tsx'
import { KeysetPager } from '#app/components/ui/keyset-pager.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { getDatabase } from '#db/database.ts'
import { HISTORY_AREAS, type HistoryArea, isHistoryArea, listCustomerHistory } from '#db/history.ts'
import { listRecordViews } from '#db/record-access.ts'

const PAGE_SIZE = 25
const RECORD_VIEWS_SHOWN = 20
const AREAS = Object.keys(HISTORY_AREAS) as HistoryArea[]

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const url = new URL(request.url)
  // Unknown areas are ignored rather than refused: a filter link never breaks the page.
  const areas = [...new Set(url.searchParams.getAll('area').filter(isHistoryArea))]
  const db = await getDatabase()
  const [page, recordViews, t, tCommon] = await Promise.all([
    listCustomerHistory(db, user.customerId, {
      areas,
      after: url.searchParams.get('after'),
      limit: PAGE_SIZE,
    }),
    listRecordViews(db, user.customerId, { limit: RECORD_VIEWS_SHOWN }),
    getFixedT(request, 'history'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('title') }),
      areas,
      entries: page.items,
      nextCursor: page.nextCursor,
      olderPage: url.searchParams.has('after'),
      recordViews,
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function HistoryRoute() {
  const { areas, entries, nextCursor, olderPage, recordViews } = useLoaderData<typeof loader>()
  const { t } = useTranslation('history')
  const filtered = areas.length > 0

  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('title')}</h1>
        <p className="max-w-prose text-slate-700">{t('intro')}</p>
      </header>

      <Form method="get" className="space-y-3 rounded border border-slate-200 bg-white p-3">
        <fieldset>
          <legend className="font-medium">{t('filter.legend')}</legend>
          <div className="mt-2 flex flex-wrap gap-x-4 gap-y-2">
            {AREAS.map((area) => (
              <label key={area} className="flex items-center gap-2">
                <input
                  type="checkbox"
                  name="area"
                  value={area}
                  defaultChecked={areas.includes(area)}
                  className="h-4 w-4"
                />
                {t(`areas.${area}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="flex flex-wrap items-center gap-4">
          <button type="submit" className={buttonClass}>
            {t('filter.apply')}
          </button>
          {filtered ? (
            <Link to="/history" className={linkClass}>
              {t('filter.clear')}
            </Link>
          ) : null}
        </div>
      </Form>

      {entries.length > 0 ? (
        <HistoryList entries={entries} />
      ) : (
        <EmptyState title={filtered || olderPage ? t('empty.filteredTitle') : t('empty.title')}>
          {filtered ? t('empty.filteredBody') : t('empty.body')}
        </EmptyState>
      )}

      <KeysetPager
        nextCursor={nextCursor}
        label={t('pager.label')}
        olderLabel={t('pager.older')}
        newestLabel={t('pager.newest')}
      />

      <RecordViews views={recordViews} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
