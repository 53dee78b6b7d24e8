import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { buttonClass, linkClass } from '#app/components/forms.tsx'
import { HistoryList } from '#app/components/history/history-list.tsx'
import { RecordViews } from '#app/components/history/record-views.tsx'
import { EmptyState } from '#app/components/ui/empty-state.tsx'
import { KeysetPager } from '#app/components/ui/keyset-pager.tsx'
// Type-only: erased from the browser bundle.
import type { historyPageData } from '#app/lib/portal-pages.server.ts'
import { HISTORY_AREAS, type HistoryArea } from '#db/history.ts'

const AREAS = Object.keys(HISTORY_AREAS) as HistoryArea[]

export type HistoryPageViewProps = Awaited<ReturnType<typeof historyPageData>>

/** The page's body, shared by the customer's route and the staff "view as customer" page. */
export function HistoryPageView({
  areas,
  entries,
  nextCursor,
  olderPage,
  recordViews,
}: HistoryPageViewProps) {
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
