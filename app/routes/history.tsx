import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { HistoryPageView } from '#app/components/history/history-page.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { getDatabase } from '#db/database.ts'
import { historyPageData } from '#app/lib/portal-pages.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const url = new URL(request.url)
  // The same function the staff "view as customer" page calls.
  const [page, t, tCommon] = await Promise.all([
    historyPageData(
      await getDatabase(),
      user.customerId,
      url.searchParams,
      user.actingFor?.id ?? null,
    ),
    getFixedT(request, 'history'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('title') }),
      ...page,
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function HistoryRoute() {
  return <HistoryPageView {...useLoaderData<typeof loader>()} />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
