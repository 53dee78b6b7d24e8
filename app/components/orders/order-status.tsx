import { useTranslation } from 'react-i18next'
import { StatusBadge, type StatusTone } from '#app/components/ui/status-badge.tsx'
import { type OrderStatus } from '#db/orders.ts'

const tones: Record<OrderStatus, StatusTone> = {
  placed: 'progress',
  paid: 'progress',
  packed: 'progress',
  shipped: 'progress',
  delivered: 'success',
  cancelled: 'neutral',
  // The customer is still owed something: the refund.
  returned: 'waiting',
  refunded: 'success',
}

/** An order's status in the customer's words; the dashboard can use it too. */
export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  const { t } = useTranslation('orders')
  return <StatusBadge tone={tones[status]}>{t(`status.${status}`)}</StatusBadge>
}

/** Every status, in the order an order usually moves through them (for the filter). */
export const ORDER_STATUS_OPTIONS = Object.keys(tones) as OrderStatus[]
