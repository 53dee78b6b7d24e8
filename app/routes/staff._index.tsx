import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requireStaff } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { SearchForm } from '#app/components/staff/search-form.tsx'
import { OrganisationResults, SearchResults } from '#app/components/staff/search-results.tsx'
import { EmptyState } from '#app/components/ui/empty-state.tsx'
import { KeysetPager } from '#app/components/ui/keyset-pager.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { getDatabase } from '#db/database.ts'
import { searchCustomers, searchOrganisations } from '#db/staff-search.ts'

const SEARCH_PAGE_SIZE = 20
// Organisations are few: the best of them above the first page of people, never paged.
const ORGANISATIONS_SHOWN = 10

// A search is a link anyone can edit: anything odd means "no term" or "first page", never an error.
const SearchQuerySchema = z.object({
  q: z.string().trim().max(200).catch(''),
  after: z.string().optional().catch(undefined),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireStaff(request, 'agent')
  const params = new URL(request.url).searchParams
  const query = SearchQuerySchema.parse({
    q: params.get('q') ?? '',
    after: params.get('after') ?? undefined,
  })
  const db = await getDatabase()
  const [page, organisations] =
    query.q === ''
      ? [{ items: [], nextCursor: null }, []]
      : await Promise.all([
          searchCustomers(db, query.q, { after: query.after, limit: SEARCH_PAGE_SIZE }),
          query.after ? [] : searchOrganisations(db, query.q, { limit: ORGANISATIONS_SHOWN }),
        ])
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'staff'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('search.title') }),
      q: query.q,
      results: page.items,
      organisations,
      nextCursor: page.nextCursor,
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function StaffSearchRoute() {
  const { q, results, organisations, nextCursor } = useLoaderData<typeof loader>()
  const { t } = useTranslation('staff')
  return (
    <section className="space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('search.title')}</h1>
        <p className="text-slate-700">{t('search.intro')}</p>
      </header>
      <SearchForm q={q} />
      {q === '' ? null : results.length === 0 && organisations.length === 0 ? (
        <EmptyState title={t('search.empty', { q })}>{t('search.emptyHint')}</EmptyState>
      ) : (
        <div aria-label={t('search.resultsLabel')} role="region" className="space-y-4">
          {organisations.length > 0 ? <OrganisationResults results={organisations} /> : null}
          {results.length > 0 ? <SearchResults results={results} /> : null}
          <KeysetPager
            nextCursor={nextCursor}
            label={t('search.pagerLabel')}
            olderLabel={t('search.more')}
            newestLabel={t('search.first')}
          />
        </div>
      )}
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
