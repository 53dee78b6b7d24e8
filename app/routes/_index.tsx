import { type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { DashboardView } from '#app/components/dashboard/dashboard-view.tsx'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { type PublicUser, useOptionalUser } from '#app/lib/user.ts'
import { getCustomerDashboard } from '#db/dashboard.ts'
import { getDatabase } from '#db/database.ts'
import { viewerOf } from '#db/item-visibility.ts'

// The start page answers "where do I stand?" for a signed-in customer, and welcomes everyone
// else. It is public, so it asks who is signed in rather than requiring a customer.

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await getOptionalUser(request)
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'dashboard'),
    getFixedT(request, 'common'),
  ])
  if (user?.kind !== 'customer' || !user.customerId) {
    return data({ dashboard: null, title: tCommon('app.name') }, { headers })
  }
  const dashboard = await getCustomerDashboard(
    await getDatabase(),
    viewerOf({ customerId: user.customerId, actingFor: user.actingFor }),
  )
  return data({ dashboard, title: tCommon('app.pageTitle', { page: t('title') }) }, { headers })
}

// A page's meta replaces the root's, so every branch above names the page.
export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function Index() {
  const user = useOptionalUser()
  const { dashboard } = useLoaderData<typeof loader>()
  if (!user) return <SignedOutWelcome />
  if (user.kind === 'staff') return <StaffWelcome user={user} />
  if (!dashboard) return null
  return <DashboardView user={user} dashboard={dashboard} />
}

function SignedOutWelcome() {
  const { t } = useTranslation()
  return (
    <section className="max-w-prose space-y-4">
      <h1 className="text-3xl font-semibold">{t('home.welcomeTitle')}</h1>
      <p>{t('home.welcomeIntro')}</p>
      <ul className="list-disc space-y-1 pl-6">
        <li>{t('home.welcomeFeatures.account')}</li>
        <li>{t('home.welcomeFeatures.requests')}</li>
        <li>{t('home.welcomeFeatures.contact')}</li>
      </ul>
      <p>
        <Link
          to="/login"
          className="inline-block rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:ring-offset-2 focus-visible:outline-none"
        >
          {t('home.signInCta')}
        </Link>
      </p>
    </section>
  )
}

function StaffWelcome({ user }: { user: PublicUser }) {
  const { t } = useTranslation()
  return (
    <section className="space-y-4">
      <h1 className="text-3xl font-semibold">
        {t('home.staffGreeting', { name: user.displayName })}
      </h1>
      <p>
        <Link to="/staff" className="text-blue-700 underline hover:text-blue-900">
          {t('home.staffCta')}
        </Link>
      </p>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
