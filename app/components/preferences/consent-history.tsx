import { useTranslation } from 'react-i18next'
import { EmptyState } from '#app/components/ui/empty-state.tsx'
import { KeysetPager } from '#app/components/ui/keyset-pager.tsx'
import { StatusBadge, type StatusTone } from '#app/components/ui/status-badge.tsx'
import { useFormat } from '#app/lib/use-format.ts'
// Type-only imports: erased from the browser bundle, which must not pull in server modules.
import type { ConsentDecision, ConsentLedgerEntry } from '#db/consent.ts'

const decisionTone: Record<ConsentDecision, StatusTone> = {
  granted: 'success',
  withdrawn: 'neutral',
  pending: 'waiting',
}

/** The customer's consent ledger, newest first: when, what, yes or no, which wording, how. */
export function ConsentHistory({
  entries,
  nextCursor,
}: {
  entries: ConsentLedgerEntry[]
  nextCursor: string | null
}) {
  const { t } = useTranslation('preferences')
  const format = useFormat()
  return (
    <section aria-labelledby="consent-history-heading" className="space-y-4">
      <header className="space-y-1">
        <h2 id="consent-history-heading" className="text-2xl font-semibold">
          {t('history.heading')}
        </h2>
        <p className="max-w-prose text-slate-700">{t('history.intro')}</p>
      </header>
      {entries.length === 0 ? (
        <EmptyState title={t('history.empty')} />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full border-collapse text-left">
            <caption className="sr-only">{t('history.caption')}</caption>
            <thead>
              <tr className="border-b border-slate-300">
                <th scope="col" className="py-2 pr-4">
                  {t('history.when')}
                </th>
                <th scope="col" className="py-2 pr-4">
                  {t('history.what')}
                </th>
                <th scope="col" className="py-2 pr-4">
                  {t('history.decision')}
                </th>
                <th scope="col" className="py-2 pr-4">
                  {t('history.wording')}
                </th>
                <th scope="col" className="py-2">
                  {t('history.how')}
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} className="border-b border-slate-200">
                  <td className="py-2 pr-4 whitespace-nowrap">
                    <time dateTime={entry.recordedAt.toISOString()}>
                      {format.dateTime(entry.recordedAt)}
                    </time>
                  </td>
                  <th scope="row" className="py-2 pr-4 font-normal">
                    {t(`topics.${entry.topic}.name`)} {t(`channelIn.${entry.channel}`)}
                  </th>
                  <td className="py-2 pr-4">
                    <StatusBadge tone={decisionTone[entry.decision]}>
                      {t(`history.decisions.${entry.decision}`)}
                    </StatusBadge>
                  </td>
                  <td className="py-2 pr-4">
                    {entry.wordingVersion === null
                      ? t('history.noWording')
                      : t('history.wordingVersion', { version: entry.wordingVersion })}
                  </td>
                  <td className="py-2">{t(`history.sources.${entry.source}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <KeysetPager
        nextCursor={nextCursor}
        label={t('history.pagerLabel')}
        olderLabel={t('history.older')}
        newestLabel={t('history.newest')}
      />
    </section>
  )
}
