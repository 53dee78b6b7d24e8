import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { linkClass } from '#app/components/forms.tsx'
import { ItemOwnershipNote } from '#app/components/orders/item-ownership.tsx'
import { HistoryList } from '#app/components/history/history-list.tsx'
import { WelcomeNotice } from '#app/components/lifecycle/welcome-notice.tsx'
import { EmptyState } from '#app/components/ui/empty-state.tsx'
import { StatusBadge, type StatusTone } from '#app/components/ui/status-badge.tsx'
import { useFormat } from '#app/lib/use-format.ts'
import { type PublicUser } from '#app/lib/user.ts'
import { type getCustomerDashboard, type OpenItem } from '#db/dashboard.ts'

type Dashboard = Awaited<ReturnType<typeof getCustomerDashboard>>

export function DashboardView({ user, dashboard }: { user: PublicUser; dashboard: Dashboard }) {
  const { t } = useTranslation('dashboard')
  const nothingOpen = dashboard.waitingOnCustomer.length + dashboard.inProgress.length === 0
  return (
    <div className="space-y-8">
      <WelcomeNotice />
      <header className="space-y-1">
        <h1 className="text-3xl font-semibold">{t('greeting', { name: user.displayName })}</h1>
        {user.customerNumber ? (
          <p className="text-slate-700">{t('customerNumber', { number: user.customerNumber })}</p>
        ) : null}
      </header>

      {dashboard.waitingOnCustomer.length > 0 ? (
        <section aria-labelledby="waiting-heading" className="space-y-3">
          <h2 id="waiting-heading" className="text-xl font-semibold">
            {t('waiting.title', { count: dashboard.waitingOnCustomer.length })}
          </h2>
          <ul className="space-y-3">
            {dashboard.waitingOnCustomer.map((item) => (
              <OpenItemCard key={itemKey(item)} item={item} highlight />
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="progress-heading" className="space-y-3">
        <h2 id="progress-heading" className="text-xl font-semibold">
          {t('inProgress.title')}
        </h2>
        {nothingOpen ? (
          <EmptyState title={t('inProgress.emptyTitle')}>
            <p>{t('inProgress.emptyBody')}</p>
            <p className="mt-2 flex flex-wrap justify-center gap-4">
              <Link to="/orders" className={linkClass}>
                {t('actions.seeOrders')}
              </Link>
              <Link to="/requests/new" className={linkClass}>
                {t('actions.startRequest')}
              </Link>
              <Link to="/tickets/new" className={linkClass}>
                {t('actions.askQuestion')}
              </Link>
            </p>
          </EmptyState>
        ) : dashboard.inProgress.length === 0 ? (
          <p>{t('inProgress.onlyWaiting')}</p>
        ) : (
          <ul className="space-y-3">
            {dashboard.inProgress.map((item) => (
              <OpenItemCard key={itemKey(item)} item={item} />
            ))}
          </ul>
        )}
      </section>

      {dashboard.completeness.length > 0 ? (
        <section aria-labelledby="details-heading" className="space-y-2">
          <h2 id="details-heading" className="text-xl font-semibold">
            {t('completeness.title')}
          </h2>
          <ul className="list-disc space-y-1 pl-6">
            {dashboard.completeness.map((code) => (
              <li key={code}>
                <Link to="/profile" className={linkClass}>
                  {t(`completeness.${code}`)}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="activity-heading" className="space-y-2">
        <h2 id="activity-heading" className="text-xl font-semibold">
          {t('activity.title')}
        </h2>
        <RecentActivity entries={dashboard.recentActivity} />
        <p>
          <Link to="/history" className={linkClass}>
            {t('activity.all')}
          </Link>
        </p>
      </section>
    </div>
  )
}

function itemKey(item: OpenItem): string {
  if (item.type === 'order') return `order-${item.order.id}`
  if (item.type === 'request') return `request-${item.request.id}`
  return `ticket-${item.ticket.id}`
}

const orderTone: Record<string, StatusTone> = {
  placed: 'progress',
  paid: 'progress',
  packed: 'progress',
  shipped: 'progress',
}
const requestTone: Record<string, StatusTone> = {
  submitted: 'progress',
  in_review: 'progress',
  waiting_for_customer: 'waiting',
  approved: 'success',
}
const ticketTone: Record<string, StatusTone> = { open: 'progress', waiting_on_customer: 'waiting' }

/** One open order, request or ticket: what it is, where it stands, what happens next, by when. */
function OpenItemCard({ item, highlight = false }: { item: OpenItem; highlight?: boolean }) {
  const { t } = useTranslation(['dashboard', 'orders', 'requests', 'tickets'])
  const format = useFormat()
  const card = describe(item, t)
  return (
    <li
      className={`rounded border p-4 ${highlight ? 'border-amber-400 bg-amber-50' : 'border-slate-200'}`}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-medium">
          <span className="text-slate-600">{card.kind}</span>{' '}
          <Link to={card.href} className={linkClass}>
            {card.title}
          </Link>
        </p>
        <StatusBadge tone={card.tone}>{card.status}</StatusBadge>
      </div>
      {item.type === 'order' ? <ItemOwnershipNote kind="order" ownership={item.order} /> : null}
      {item.type === 'request' ? (
        <ItemOwnershipNote kind="request" ownership={item.request} />
      ) : null}
      {item.type === 'ticket' ? <ItemOwnershipNote kind="ticket" ownership={item.ticket} /> : null}
      <p className="mt-1">{card.next}</p>
      {item.dueAt ? (
        <p className="mt-1 text-sm text-slate-700">
          {t(`dashboard:due.${item.type}`, { date: format.dateTime(item.dueAt) })}
        </p>
      ) : null}
      <p className="mt-1 text-sm text-slate-600">
        {t('dashboard:updated', { date: format.dateTime(item.updatedAt) })}
      </p>
    </li>
  )
}

type Translate = ReturnType<
  typeof useTranslation<['dashboard', 'orders', 'requests', 'tickets']>
>['t']

function describe(item: OpenItem, t: Translate) {
  if (item.type === 'order') {
    const { order } = item
    return {
      kind: t('dashboard:kinds.order'),
      title: order.orderNumber,
      href: `/orders/${order.orderNumber}`,
      status: t(`orders:status.${order.status}`),
      next: t(`orders:next.${order.status}`),
      tone: orderTone[order.status] ?? 'neutral',
    }
  }
  if (item.type === 'request') {
    const { request } = item
    return {
      kind: t(`requests:kinds.${request.kind}`),
      title: `${request.requestNumber} · ${request.subject}`,
      href: `/requests/${request.requestNumber}`,
      status: t(`requests:status.${request.status}`),
      next: t(`requests:next.${request.status}`),
      tone: requestTone[request.status] ?? 'neutral',
    }
  }
  const { ticket } = item
  return {
    kind: t('dashboard:kinds.ticket'),
    title: `${ticket.ticketNumber} · ${ticket.subject}`,
    href: `/tickets/${ticket.ticketNumber}`,
    status: t(`tickets:status.${ticket.status}`),
    next: t(`tickets:next.${ticket.status}`),
    tone: ticketTone[ticket.status] ?? 'neutral',
  }
}

function RecentActivity({ entries }: { entries: Dashboard['recentActivity'] }) {
  const { t } = useTranslation('dashboard')
  if (entries.length === 0) return <p>{t('activity.empty')}</p>
  return <HistoryList entries={entries} />
}
