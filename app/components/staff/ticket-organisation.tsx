import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { linkClass } from '#app/components/forms.tsx'
import { useVisibilityText } from '#app/components/staff/organisation-360.tsx'
// Type-only: erased from the browser bundle.
import type { TicketOrganisation } from '#db/staff-organisations.ts'

/** The ticket workspace's line about the company a ticket belongs to, and who sees it. */
export function TicketOrganisationLine({ data }: { data: TicketOrganisation | null }) {
  const { t } = useTranslation('staff')
  const visibilityText = useVisibilityText()
  if (!data) return null
  if (!data.organisation) return <p className="text-slate-700">{t('ticket.organisation.none')}</p>
  return (
    <p className="flex flex-wrap gap-x-3">
      <span>
        {t('ticket.organisation.title')}:{' '}
        <Link to={`/staff/organisations/${data.organisation.id}`} className={linkClass}>
          {data.organisation.name}
        </Link>{' '}
        <span className="font-mono text-sm">({data.organisation.customerNumber})</span>
      </span>
      <span>
        {t('ticket.organisation.visibility', {
          visibility: visibilityText(data.visibility, data.sharedWith),
        })}
      </span>
    </p>
  )
}
