import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DashboardView } from '#app/components/dashboard/dashboard-view.tsx'
import { linkClass } from '#app/components/forms.tsx'
import {
  HistoryPageView,
  type HistoryPageViewProps,
} from '#app/components/history/history-page.tsx'
import { OrdersPageView, type OrdersPageViewProps } from '#app/components/orders/orders-page.tsx'
import {
  type PreferencesPageData,
  PreferencesPageView,
} from '#app/components/preferences/preferences-page.tsx'
import { type ProfilePageData, ProfilePageView } from '#app/components/profile/profile-page.tsx'
import {
  RequestsPageView,
  type RequestsPageViewProps,
} from '#app/components/requests/requests-page.tsx'
import {
  TicketsPageView,
  type TicketsPageViewProps,
} from '#app/components/tickets/tickets-page.tsx'
import { FormatTimeZoneProvider } from '#app/lib/use-format.ts'
import type { PublicUser } from '#app/lib/user.ts'
import type { getCustomerDashboard } from '#db/dashboard.ts'

/** The customer's portal pages staff can look at, in the order of the customer's menu. */
export const VIEW_AS_PAGES = [
  'dashboard',
  'orders',
  'requests',
  'tickets',
  'profile',
  'preferences',
  'history',
] as const
export type ViewAsPage = (typeof VIEW_AS_PAGES)[number]

/** One page's data, exactly as the customer's own loader returns it (without the title). */
export type ViewAsContent =
  | {
      page: 'dashboard'
      user: PublicUser
      data: { dashboard: Awaited<ReturnType<typeof getCustomerDashboard>> }
    }
  | { page: 'orders'; data: OrdersPageViewProps }
  | { page: 'requests'; data: RequestsPageViewProps }
  | { page: 'tickets'; data: TicketsPageViewProps }
  | { page: 'profile'; data: ProfilePageData }
  | { page: 'preferences'; data: PreferencesPageData }
  | { page: 'history'; data: HistoryPageViewProps }

/** The mark that this is not the staff member's own page, and cannot change anything. */
export function ViewAsBanner({
  customerId,
  name,
  customerNumber,
}: {
  customerId: string
  name: string
  customerNumber: string
}) {
  const { t } = useTranslation('staff')
  return (
    <div
      role="note"
      aria-labelledby="view-as-heading"
      className="space-y-1 rounded border-2 border-amber-500 bg-amber-50 p-4"
    >
      <p id="view-as-heading" className="text-lg font-semibold">
        {t('viewAsCustomer.banner', { name })}
      </p>
      <p>{t('viewAsCustomer.explain', { number: customerNumber })}</p>
      <p>
        <Link to={`/staff/customers/${customerId}`} className={linkClass}>
          {t('viewAsCustomer.back')}
        </Link>
      </p>
    </div>
  )
}

export function ViewAsTabs({ current }: { current: ViewAsPage }) {
  const { t } = useTranslation('staff')
  return (
    <nav aria-label={t('viewAsCustomer.tabs')}>
      <ul className="flex flex-wrap gap-x-4 gap-y-2 border-b border-slate-300 pb-2">
        {VIEW_AS_PAGES.map((page) => (
          <li key={page}>
            <Link
              to={`?page=${page}`}
              aria-current={page === current ? 'page' : undefined}
              className={page === current ? 'font-semibold text-slate-900' : linkClass}
            >
              {t(`viewAsCustomer.pages.${page}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  )
}

/**
 * The customer's page, rendered by the very component their portal uses, inside a disabled
 * fieldset: every button, input and checkbox is inert, so nothing here can be submitted (and
 * this route has no action; the customer's own actions refuse a staff session anyway).
 */
export function ViewAsContentView({
  content,
  timeZone,
}: {
  content: ViewAsContent
  /** The customer's zone: their pages show every time in it. */
  timeZone: string
}) {
  const { t } = useTranslation('staff')
  return (
    <FormatTimeZoneProvider value={timeZone}>
      <fieldset disabled className="min-w-0" aria-label={t('viewAsCustomer.readOnly')}>
        <PageOf content={content} />
      </fieldset>
    </FormatTimeZoneProvider>
  )
}

function PageOf({ content }: { content: ViewAsContent }) {
  switch (content.page) {
    case 'dashboard':
      return <DashboardView user={content.user} dashboard={content.data.dashboard} />
    case 'orders':
      return <OrdersPageView {...content.data} />
    case 'requests':
      return <RequestsPageView {...content.data} />
    case 'tickets':
      return <TicketsPageView {...content.data} />
    case 'profile':
      return <ProfilePageView page={content.data} />
    case 'preferences':
      return <PreferencesPageView loaderData={content.data} />
    case 'history':
      return <HistoryPageView {...content.data} />
  }
}
