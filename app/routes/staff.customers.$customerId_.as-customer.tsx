import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { requireStaff } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import {
  VIEW_AS_PAGES,
  type ViewAsContent,
  ViewAsBanner,
  ViewAsContentView,
  type ViewAsPage,
  ViewAsTabs,
} from '#app/components/staff/view-as-customer.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { notFound } from '#app/lib/http.server.ts'
import {
  dashboardPageData,
  historyPageData,
  ordersPageData,
  preferencesPageData,
  profilePageData,
  requestsPageData,
  ticketsPageData,
} from '#app/lib/portal-pages.server.ts'
import { type CustomerProfile, getCustomerProfile } from '#db/customers.ts'
import { type Database, getDatabase } from '#db/database.ts'
import { isUuid } from '#db/ids.ts'
import { recordViewAsCustomer } from '#db/view-as-customer.ts'

// "View as customer": the customer's portal pages, read only, from the same page-data
// functions (app/lib/portal-pages.server.ts) and the same components as the customer's own
// routes. Not nested under the 360 route (the `_`): that route's loader would log a second,
// different view. There is no action: nothing on this page can post.

// An unknown page falls back to the dashboard: the tabs are links anyone can edit.
const PageSchema = z.enum(VIEW_AS_PAGES).catch('dashboard')

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'agent')
  const customerId = params.customerId ?? ''
  if (!isUuid(customerId)) throw notFound()
  const db = await getDatabase()
  const profile = await getCustomerProfile(db, customerId)
  // Only a record that exists is logged: an unknown id leaves no trace in anyone's history.
  if (!profile) throw notFound()

  const searchParams = new URL(request.url).searchParams
  const page = PageSchema.parse(searchParams.get('page') ?? undefined)
  // Recorded before the page is read, so the customer's history shown here already holds this
  // view, exactly as the customer's own history page will show it afterwards.
  await recordViewAsCustomer(db, { customerId, staffAccountId: user.id, page })
  const content = await contentOf(db, profile, page, searchParams)

  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'staff'),
    getFixedT(request, 'common'),
  ])
  const name = `${profile.preferredName ?? profile.givenName} ${profile.familyName}`
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('viewAsCustomer.pageTitle', { name }) }),
      customer: {
        id: profile.id,
        name,
        customerNumber: profile.customerNumber,
        timeZone: profile.timeZone,
      },
      content,
    },
    { headers },
  )
}

/**
 * The page's data from the function the customer's own loader calls, with what that loader
 * takes from the customer's session (language, time zone, display name) taken from their record,
 * where the session reads it from too.
 */
async function contentOf(
  db: Database,
  profile: CustomerProfile,
  page: ViewAsPage,
  params: URLSearchParams,
): Promise<ViewAsContent> {
  const customerId = profile.id
  const locale = profile.language
  switch (page) {
    case 'dashboard':
      return {
        page,
        user: {
          kind: 'customer',
          displayName: profile.preferredName ?? profile.givenName,
          customerNumber: profile.customerNumber,
          staffRole: null,
          timeZone: profile.timeZone,
        },
        data: await dashboardPageData(db, customerId),
      }
    case 'orders':
      return { page, data: await ordersPageData(db, customerId, params) }
    case 'requests':
      return { page, data: await requestsPageData(db, customerId, params) }
    case 'tickets':
      return { page, data: await ticketsPageData(db, customerId, params) }
    case 'profile':
      return { page, data: await profilePageData(db, customerId, { locale, params, profile }) }
    case 'preferences':
      return {
        page,
        data: await preferencesPageData(
          db,
          { customerId, language: profile.language, timeZone: profile.timeZone },
          { locale, params },
        ),
      }
    case 'history':
      return { page, data: await historyPageData(db, customerId, params) }
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function ViewAsCustomerRoute() {
  const { customer, content } = useLoaderData<typeof loader>()
  return (
    <div className="space-y-6">
      <ViewAsBanner
        customerId={customer.id}
        name={customer.name}
        customerNumber={customer.customerNumber}
      />
      <ViewAsTabs current={content.page} />
      <ViewAsContentView content={content} timeZone={customer.timeZone} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
