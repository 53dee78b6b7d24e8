import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { OrdersPageView } from '#app/components/orders/orders-page.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { getDatabase } from '#db/database.ts'
import { viewerOf } from '#db/item-visibility.ts'
import { ordersPageData } from '#app/lib/portal-pages.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const params = new URL(request.url).searchParams
  // The same function the staff "view as customer" page calls; what the person may see in the
  // context they act in (personal, or for an organisation).
  const page = await ordersPageData(await getDatabase(), viewerOf(user), params)
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'orders'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('list.title') }),
      ...page,
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function OrdersRoute() {
  return <OrdersPageView {...useLoaderData<typeof loader>()} />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
