import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { linkClass } from '#app/components/forms.tsx'
import { ItemOwnershipNote } from '#app/components/orders/item-ownership.tsx'
import { ORDER_STATUS_OPTIONS, OrderStatusBadge } from '#app/components/orders/order-status.tsx'
import { EmptyState } from '#app/components/ui/empty-state.tsx'
import { KeysetPager } from '#app/components/ui/keyset-pager.tsx'
import { StatusFilter } from '#app/components/ui/status-filter.tsx'
import { useFormat } from '#app/lib/use-format.ts'
// Type-only: erased from the browser bundle.
import type { ordersPageData } from '#app/lib/portal-pages.server.ts'
import type { OrderStatus } from '#db/orders.ts'

export type OrdersPageViewProps = Awaited<ReturnType<typeof ordersPageData>>

/** The page's body, shared by the customer's route and the staff "view as customer" page. */
export function OrdersPageView({ orders, nextCursor, status, isOlderPage }: OrdersPageViewProps) {
  const { t } = useTranslation('orders')
  const format = useFormat()

  return (
    <section className="space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('list.title')}</h1>
        <p className="text-slate-700">{t('list.intro')}</p>
      </header>

      <StatusFilter
        id="order-status-filter"
        label={t('list.statusLabel')}
        allLabel={t('list.allStatuses')}
        submitLabel={t('list.filterSubmit')}
        statuses={ORDER_STATUS_OPTIONS}
        current={status}
        labelFor={(option) => t(`status.${option}`)}
      />

      {orders.length === 0 ? (
        <OrdersEmptyState status={status} isOlderPage={isOlderPage} />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full border-collapse text-left">
            <caption className="sr-only">
              {status
                ? t('list.caption_filtered', { status: t(`status.${status}`) })
                : t('list.caption')}
            </caption>
            <thead>
              <tr className="border-b border-slate-300">
                <th scope="col" className="py-2 pr-4">
                  {t('list.orderNumber')}
                </th>
                <th scope="col" className="py-2 pr-4">
                  {t('list.placedAt')}
                </th>
                <th scope="col" className="py-2 pr-4 text-right">
                  {t('list.total')}
                </th>
                <th scope="col" className="py-2">
                  {t('list.statusColumn')}
                </th>
              </tr>
            </thead>
            <tbody>
              {orders.map((order) => (
                <tr key={order.id} className="border-b border-slate-200">
                  <th scope="row" className="py-2 pr-4 font-medium">
                    <Link
                      to={`/orders/${encodeURIComponent(order.orderNumber)}`}
                      className={linkClass}
                    >
                      {order.orderNumber}
                    </Link>
                    <ItemOwnershipNote
                      kind="order"
                      ownership={order}
                      className="text-sm font-normal text-slate-600"
                    />
                  </th>
                  <td className="py-2 pr-4">
                    <time dateTime={order.placedAt.toISOString()}>
                      {format.date(order.placedAt)}
                    </time>
                  </td>
                  <td className="py-2 pr-4 text-right tabular-nums">
                    {format.money(order.totalMinor, order.currency)}
                  </td>
                  <td className="py-2">
                    <OrderStatusBadge status={order.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <KeysetPager
        nextCursor={nextCursor}
        label={t('pager.label')}
        olderLabel={t('pager.older')}
        newestLabel={t('pager.newest')}
      />
    </section>
  )
}

function OrdersEmptyState({
  status,
  isOlderPage,
}: {
  status: OrderStatus | null
  isOlderPage: boolean
}) {
  const { t } = useTranslation('orders')
  if (status) {
    return (
      <EmptyState title={t('list.empty.filteredTitle', { status: t(`status.${status}`) })}>
        <p>{t('list.empty.filteredBody')}</p>
        <p className="mt-2">
          <Link to="/orders" className={linkClass}>
            {t('list.empty.showAll')}
          </Link>
        </p>
      </EmptyState>
    )
  }
  if (isOlderPage) {
    return (
      <EmptyState title={t('list.empty.olderTitle')}>
        <p>{t('list.empty.olderBody')}</p>
      </EmptyState>
    )
  }
  return (
    <EmptyState title={t('list.empty.noneTitle')}>
      <p>{t('list.empty.noneBody')}</p>
      <p className="mt-2">
        <Link to="/tickets/new" className={linkClass}>
          {t('list.empty.missingOrder')}
        </Link>
      </p>
    </EmptyState>
  )
}
