import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireStaff } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import {
  BacklogSection,
  CsatSection,
  OneInteractionSection,
  RequestsSection,
  TimeSection,
  useMetricsFormat,
} from '#app/components/staff/metrics-sections.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { getDatabase } from '#db/database.ts'
import { getStaffMetrics } from '#db/staff-metrics.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireStaff(request, 'supervisor')
  const db = await getDatabase()
  const [metrics, common, t] = await Promise.all([
    getStaffMetrics(db, { now: new Date() }),
    getFixedT(request, 'common'),
    getFixedT(request, 'metrics'),
  ])
  return data({ title: common('app.pageTitle', { page: t('title') }), metrics }, { headers })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function StaffMetricsRoute() {
  const { metrics } = useLoaderData<typeof loader>()
  const { t } = useTranslation('metrics')
  const format = useMetricsFormat()
  const lastWeek = metrics.weeks.at(-1)
  return (
    <section className="space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('title')}</h1>
        <p>{t('intro')}</p>
        <p>
          {t('period', {
            count: metrics.weeks.length,
            from: metrics.weeks[0]?.isoWeek ?? '',
            to: lastWeek?.isoWeek ?? '',
            now: format.dateTime(metrics.now),
          })}
        </p>
        <p className="text-sm text-slate-600">{t('weekRule')}</p>
      </header>
      <OneInteractionSection metrics={metrics} />
      <TimeSection metrics={metrics} measure="firstResponse" />
      <TimeSection metrics={metrics} measure="resolution" />
      <CsatSection metrics={metrics} />
      <BacklogSection backlog={metrics.backlog} />
      <RequestsSection requests={metrics.requests} />
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
