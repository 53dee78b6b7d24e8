import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireStaff } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireStaff(request)
  const t = await getFixedT(request, 'common')
  return data(
    {
      title: t('app.pageTitle', { page: t('staff.title') }),
      displayName: user.displayName,
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function StaffIndex() {
  const { displayName } = useLoaderData<typeof loader>()
  const { t } = useTranslation()
  return (
    <section className="space-y-2">
      <h1 className="text-3xl font-semibold">{t('staff.title')}</h1>
      <p className="text-slate-700">{t('staff.intro', { name: displayName })}</p>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
