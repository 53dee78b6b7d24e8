import { useTranslation } from 'react-i18next'
import { useFormat } from '#app/lib/use-format.ts'
import { isRecordViewPage, type RecordView } from '#db/record-access.ts'

/** "Who looked at my record": each staff view of the customer's record, newest first. */
export function RecordViews({ views }: { views: RecordView[] }) {
  const { t } = useTranslation('history')
  const { dateTime } = useFormat()
  return (
    <section aria-labelledby="record-views" className="space-y-2">
      <h2 id="record-views" className="text-xl font-semibold">
        {t('recordViews.title')}
      </h2>
      <p className="max-w-prose text-slate-700">{t('recordViews.intro')}</p>
      {views.length === 0 ? (
        <p className="text-slate-700">{t('recordViews.none')}</p>
      ) : (
        <ol className="space-y-1">
          {views.map((view) => (
            <li key={view.id} className="rounded border border-slate-200 bg-white p-2">
              <time dateTime={new Date(view.viewedAt).toISOString()} className="text-slate-700">
                {dateTime(view.viewedAt)}
              </time>{' '}
              ·{' '}
              {t('recordViews.entry', {
                name: view.staffName,
                page: isRecordViewPage(view.page) ? t(`recordViews.pages.${view.page}`) : view.page,
              })}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
