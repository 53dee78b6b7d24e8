import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { linkClass } from '#app/components/forms.tsx'

/** On a merged record's page: where everything it held lives now. */
export function MergedNotice({
  survivor,
}: {
  survivor: { id: string; customerNumber: string } | null
}) {
  const { t } = useTranslation('merge')
  if (!survivor) return null
  return (
    <div role="status" className="rounded border border-amber-400 bg-amber-50 p-3 text-amber-900">
      <p>{t('notice.merged', { number: survivor.customerNumber })}</p>
      <Link to={`/staff/customers/${survivor.id}`} className={linkClass}>
        {t('notice.open')}
      </Link>
    </div>
  )
}
