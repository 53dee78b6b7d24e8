import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { linkClass } from '#app/components/forms.tsx'
import { useFormat } from '#app/lib/use-format.ts'
import type { DuplicatePair, DuplicateReason, DuplicateSide } from '#db/customer-duplicates.ts'

function Side({ side }: { side: DuplicateSide }) {
  const { t } = useTranslation('merge')
  const { date } = useFormat()
  return (
    <div className="space-y-1">
      <Link to={`/staff/customers/${side.id}`} className={`${linkClass} font-medium`}>
        {side.givenName} {side.familyName}
      </Link>
      {side.preferredName ? (
        <span className="ml-2 text-slate-600">({side.preferredName})</span>
      ) : null}
      <p className="text-sm text-slate-700">
        <span className="font-mono">{side.customerNumber}</span>
        {' · '}
        {t('list.since', { when: date(side.createdAt) })}
        {' · '}
        {side.hasAccount ? t('list.hasAccount') : t('list.noAccount')}
      </p>
    </div>
  )
}

export function useReasonText() {
  const { t } = useTranslation('merge')
  return (reason: DuplicateReason) => {
    switch (reason.kind) {
      case 'email':
        return t('reasons.email', { email: reason.email })
      case 'phone':
        return t('reasons.phone', { phone: reason.e164 })
      case 'name':
        return t('reasons.name', {
          percent: Math.round(reason.similarity * 100),
          postalCode: reason.postalCode,
        })
    }
  }
}

/** Each pair with why it was matched, and a link to preview merging it. */
export function MergePairList({ pairs }: { pairs: DuplicatePair[] }) {
  const { t } = useTranslation('merge')
  const reasonText = useReasonText()
  return (
    <ul className="divide-y divide-slate-200 rounded border border-slate-200">
      {pairs.map((pair) => (
        <li
          key={`${pair.survivor.id}-${pair.duplicate.id}`}
          className="grid gap-3 p-3 md:grid-cols-[1fr_1fr_auto]"
        >
          <Side side={pair.survivor} />
          <Side side={pair.duplicate} />
          <div className="space-y-1">
            <ul className="space-y-1 text-sm" aria-label={t('list.why')}>
              {pair.reasons.map((reason) => (
                <li key={reason.kind} className="rounded bg-amber-50 px-2 py-0.5 text-amber-900">
                  {reasonText(reason)}
                </li>
              ))}
            </ul>
            <Link
              to={`/staff/duplicates/${pair.survivor.id}/${pair.duplicate.id}`}
              className={linkClass}
            >
              {t('list.preview')}
            </Link>
          </div>
        </li>
      ))}
    </ul>
  )
}
