import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { OrganisationHistoryView } from '#app/components/organisations/organisation-history.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { notFound, requireFound } from '#app/lib/http.server.ts'
import { getDatabase } from '#db/database.ts'
import { getOrganisationOverview, listOrganisationHistory } from '#db/organisations.ts'

// The organisation's history, for its owners: who changed its details, who joined and left,
// which staff member changed what. Another organisation (or none acted for) answers 404; a
// member who is not an owner 403.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const acting = user.actingFor
  if (!acting || acting.id !== params.organisationId) throw notFound()
  if (acting.role !== 'owner') {
    throw new Response(null, { status: 403, statusText: 'Forbidden', headers })
  }
  const db = await getDatabase()
  const after = new URL(request.url).searchParams.get('after')
  const [organisation, page, t, tCommon] = await Promise.all([
    getOrganisationOverview(db, acting.id),
    listOrganisationHistory(db, acting.id, { after, limit: 50 }),
    getFixedT(request, 'organisations'),
    getFixedT(request, 'common'),
  ])
  const found = requireFound(organisation)
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('history.title', { name: found.name }) }),
      organisation: { id: found.id, name: found.name },
      ...page,
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function OrganisationHistoryRoute() {
  return <OrganisationHistoryView page={useLoaderData<typeof loader>()} />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
