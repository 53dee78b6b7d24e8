import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { linkClass } from '#app/components/forms.tsx'
import type { OrganisationSearchResult, SearchResult } from '#db/staff-search.ts'

/** Enough per row to tell two customers of the same name apart, and how the term matched. */
export function SearchResults({ results }: { results: SearchResult[] }) {
  const { t } = useTranslation('staff')
  return (
    <ul className="divide-y divide-slate-200 rounded border border-slate-200">
      {results.map((result) => (
        <li key={result.id} className="flex flex-wrap items-baseline justify-between gap-2 p-3">
          <div className="space-y-1">
            <Link to={`/staff/customers/${result.id}`} className={`${linkClass} font-medium`}>
              {result.givenName} {result.familyName}
            </Link>
            {result.preferredName ? (
              <span className="ml-2 text-slate-600">
                {t('search.preferredName', { name: result.preferredName })}
              </span>
            ) : null}
            <p className="text-sm text-slate-700">
              <span className="font-mono">{result.customerNumber}</span>
              {' · '}
              {result.primaryEmail ?? t('search.noEmail')}
              {' · '}
              {result.city && result.countryCode
                ? t('search.place', { city: result.city, country: result.countryCode })
                : t('search.noAddress')}
              {result.status === 'closed' ? ` · ${t('search.closed')}` : null}
            </p>
          </div>
          <span className="rounded bg-slate-100 px-2 py-0.5 text-sm text-slate-700">
            {t(`search.matchedBy.${result.matchedBy}`)}
          </span>
        </li>
      ))}
    </ul>
  )
}

/** Organisations first: a row per organisation, marked as one, linking to its 360 page. */
export function OrganisationResults({ results }: { results: OrganisationSearchResult[] }) {
  const { t } = useTranslation('staff')
  return (
    <section aria-labelledby="search-organisations" className="space-y-2">
      <h2 id="search-organisations" className="text-xl font-semibold">
        {t('search.organisations.title')}
      </h2>
      <ul className="divide-y divide-slate-200 rounded border border-slate-200">
        {results.map((result) => (
          <li key={result.id} className="flex flex-wrap items-baseline justify-between gap-2 p-3">
            <div className="space-y-1">
              <span className="mr-2 rounded border border-slate-300 px-1.5 py-0.5 text-xs font-medium uppercase text-slate-700">
                {t('search.organisations.label')}
              </span>
              <Link to={`/staff/organisations/${result.id}`} className={`${linkClass} font-medium`}>
                {result.name}
              </Link>
              <p className="text-sm text-slate-700">
                <span className="font-mono">{result.customerNumber}</span>
                {' · '}
                {result.registrationNumber ?? t('search.organisations.noRegistration')}
                {' · '}
                {t('search.organisations.members', { members: result.memberCount })}
              </p>
            </div>
            <span className="rounded bg-slate-100 px-2 py-0.5 text-sm text-slate-700">
              {t(`search.organisations.matchedBy.${result.matchedBy}`)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
