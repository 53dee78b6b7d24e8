import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { TicketsPageView } from '#app/components/tickets/tickets-page.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { getDatabase } from '#db/database.ts'
import { viewerOf } from '#db/item-visibility.ts'
import { ticketsPageData } from '#app/lib/portal-pages.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const params = new URL(request.url).searchParams
  // The same function the staff "view as customer" page calls. The tickets the person may see
  // where they act: their own, and the acting organisation's ones shared with them.
  const page = await ticketsPageData(await getDatabase(), viewerOf(user), params)
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'tickets'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('meta.list') }),
      ...page,
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function TicketsRoute() {
  return <TicketsPageView {...useLoaderData<typeof loader>()} />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
