import { useTranslation } from 'react-i18next'
// Type-only: erased from the browser bundle.
import type { ItemOwnership } from '#db/orders.ts'

/**
 * Whose an order, request or ticket is, in a list, a dashboard card or a detail page: who opened it when
 * it was not the viewer, and for an organisation's item who sees it. Nothing for the viewer's
 * own personal items.
 */
export function ItemOwnershipNote({
  kind,
  ownership,
  className = 'text-sm text-slate-600',
}: {
  kind: 'order' | 'request' | 'ticket'
  ownership: ItemOwnership
  className?: string
}) {
  const { t } = useTranslation('orders')
  const { openerName, sharing } = ownership
  if (openerName === null && sharing === null) return null
  return (
    <p className={className}>
      {openerName !== null ? (
        <span>{t(`ownership.openedBy.${kind}`, { name: openerName })}</span>
      ) : null}
      {openerName !== null && sharing !== null ? ' · ' : null}
      {sharing !== null ? (
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700">
          {/* An organisation's order is also seen by its owners and billing contacts. */}
          {kind === 'order' && sharing === 'private'
            ? t('ownership.sharing.privateOrder')
            : t(`ownership.sharing.${sharing}`)}
        </span>
      ) : null}
    </p>
  )
}
