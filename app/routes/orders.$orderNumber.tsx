import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { linkClass } from '#app/components/forms.tsx'
import { awaitsDelivery, isDeliveryLate } from '#app/components/orders/delivery.ts'
import { ItemOwnershipNote } from '#app/components/orders/item-ownership.tsx'
import { OrderAddressBlock } from '#app/components/orders/order-address.tsx'
import { OrderStatusBadge } from '#app/components/orders/order-status.tsx'
import { Timeline } from '#app/components/ui/timeline.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { requireFound } from '#app/lib/http.server.ts'
import { useFormat } from '#app/lib/use-format.ts'
import { getDatabase } from '#db/database.ts'
import { viewerOf } from '#db/item-visibility.ts'
import { type CustomerOrder, getCustomerOrder, type OrderAddress } from '#db/orders.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  // Scoped to what the viewer may see in the context they act in, in the query itself: an order
  // they may not see is as unknown as a made-up number, and both answer the same 404.
  const order = requireFound(
    await getCustomerOrder(await getDatabase(), viewerOf(user), params.orderNumber ?? ''),
  )
  // A request about the order belongs to the same context as the order (a personal order while
  // acting for an organisation needs a switch first); a return only to the person who placed it.
  const sameContext = order.organisationId === (user.actingFor?.id ?? null)
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'orders'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('detail.title', { number: order.orderNumber }) }),
      order,
      deliveryLate: isDeliveryLate(order, user.timeZone),
      may: { startRequest: sameContext, startReturn: sameContext && order.isOpener },
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function OrderRoute() {
  const { order, deliveryLate, may } = useLoaderData<typeof loader>()
  const { t } = useTranslation('orders')
  const format = useFormat()

  return (
    <article className="space-y-8">
      <header className="space-y-2">
        <p>
          <Link to="/orders" className={linkClass}>
            {t('detail.backToList')}
          </Link>
        </p>
        <h1 className="text-3xl font-semibold">
          {t('detail.heading', { number: order.orderNumber })}
        </h1>
        <p className="text-slate-700">
          {t('detail.placedOn', { date: format.dateTime(order.placedAt) })}
        </p>
        <ItemOwnershipNote kind="order" ownership={order} />
      </header>

      <CurrentStatus order={order} deliveryLate={deliveryLate} />
      <OrderActions order={order} may={may} />

      <Section title={t('detail.timelineTitle')}>
        {order.events.length > 0 ? (
          <Timeline
            label={t('timeline.label')}
            entries={order.events.map((event) => ({
              key: String(event.id),
              at: event.occurredAt.toISOString(),
              when: format.dateTime(event.occurredAt),
              title: t(`timeline.${event.status}`),
              body: event.note ?? undefined,
            }))}
          />
        ) : (
          <p>{t('detail.noEvents')}</p>
        )}
      </Section>

      <OrderLines order={order} />
      <Shipments order={order} />

      <Section title={t('detail.addressesTitle')}>
        <div className="grid gap-6 sm:grid-cols-2">
          <AddressCard title={t('detail.deliveryAddress')} address={order.shippingAddress} />
          <AddressCard title={t('detail.billingAddress')} address={order.billingAddress} />
        </div>
      </Section>
    </article>
  )
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-3">
      <h2 className="text-xl font-semibold">{title}</h2>
      {children}
    </section>
  )
}

function CurrentStatus({ order, deliveryLate }: { order: CustomerOrder; deliveryLate: boolean }) {
  const { t } = useTranslation('orders')
  const format = useFormat()
  // When the order reached its current status: the latest event of that status, if recorded.
  const since =
    order.events.findLast((event) => event.status === order.status)?.occurredAt ?? order.updatedAt
  const promised =
    order.promisedDeliveryOn && awaitsDelivery(order.status)
      ? format.calendarDate(order.promisedDeliveryOn)
      : null

  return (
    <section
      aria-labelledby="order-current-status"
      className="space-y-2 rounded border border-slate-200 bg-white p-4"
    >
      <h2 id="order-current-status" className="text-xl font-semibold">
        {t('detail.currentStatus')}
      </h2>
      <p className="flex flex-wrap items-center gap-2">
        <OrderStatusBadge status={order.status} />
        <span className="text-sm text-slate-600">
          {t('detail.statusSince', { date: format.dateTime(since) })}
        </span>
      </p>
      {promised ? (
        <p className="font-medium">{t('detail.expectedBy', { date: promised })}</p>
      ) : null}
      {promised && deliveryLate ? (
        <p className="rounded border border-amber-400 bg-amber-50 p-2 text-amber-900">
          {t('detail.promisedLate', { date: promised })}
        </p>
      ) : null}
      <h3 className="font-semibold">{t('detail.whatNext')}</h3>
      <p>{t(`next.${order.status}`)}</p>
    </section>
  )
}

function OrderActions({
  order,
  may,
}: {
  order: CustomerOrder
  may: { startRequest: boolean; startReturn: boolean }
}) {
  const { t } = useTranslation('orders')
  const requestHref = (kind: 'return' | 'repair') =>
    `/requests/new?${new URLSearchParams({ kind, order: order.orderNumber })}`
  // Returns and repairs are about goods the customer has; before delivery there is nothing to
  // send back or repair, and a question is the way to go.
  const delivered = order.status === 'delivered'
  return (
    <Section title={t('detail.actionsTitle')}>
      {delivered && !may.startRequest ? <p>{t('detail.personalOrderSwitch')}</p> : null}
      {delivered && may.startRequest && !may.startReturn && order.openerName ? (
        <p>{t('detail.returnOnlyOpener', { name: order.openerName })}</p>
      ) : null}
      <ul className="flex flex-wrap gap-x-6 gap-y-2">
        {delivered && may.startReturn ? (
          <li>
            <Link to={requestHref('return')} className={linkClass}>
              {t('detail.startReturn')}
            </Link>
          </li>
        ) : null}
        {delivered && may.startRequest ? (
          <li>
            <Link to={requestHref('repair')} className={linkClass}>
              {t('detail.reportProblem')}
            </Link>
          </li>
        ) : null}
        <li>
          <Link
            to={`/tickets/new?${new URLSearchParams({ order: order.orderNumber })}`}
            className={linkClass}
          >
            {t('detail.askAbout')}
          </Link>
        </li>
      </ul>
    </Section>
  )
}

function OrderLines({ order }: { order: CustomerOrder }) {
  const { t } = useTranslation('orders')
  const format = useFormat()
  const money = (minor: number) => format.money(minor, order.currency)
  const cell = 'py-2 pr-4'
  const amount = `${cell} text-right tabular-nums`
  return (
    <Section title={t('detail.itemsTitle')}>
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-left">
          <caption className="sr-only">
            {t('detail.itemsCaption', { number: order.orderNumber })}
          </caption>
          <thead>
            <tr className="border-b border-slate-300">
              <th scope="col" className={cell}>
                {t('detail.description')}
              </th>
              <th scope="col" className={cell}>
                {t('detail.sku')}
              </th>
              <th scope="col" className={amount}>
                {t('detail.quantity')}
              </th>
              <th scope="col" className={amount}>
                {t('detail.unitPrice')}
              </th>
              <th scope="col" className={amount}>
                {t('detail.lineTotal')}
              </th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.lineNumber} className="border-b border-slate-200">
                <th scope="row" className={`${cell} font-normal`}>
                  {line.description}
                </th>
                <td className={`${cell} font-mono text-sm`}>{line.sku}</td>
                <td className={amount}>{line.quantity}</td>
                <td className={amount}>{money(line.unitPriceMinor)}</td>
                <td className={amount}>{money(line.lineTotalMinor)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <TotalRow label={t('detail.subtotal')} value={money(order.subtotalMinor)} />
            <TotalRow
              label={t('detail.shipping')}
              value={
                order.shippingMinor === 0 ? t('detail.freeShipping') : money(order.shippingMinor)
              }
            />
            <TotalRow label={t('detail.tax')} value={money(order.taxMinor)} />
            <TotalRow label={t('detail.total')} value={money(order.totalMinor)} strong />
          </tfoot>
        </table>
      </div>
    </Section>
  )
}

function TotalRow({ label, value, strong }: { label: string; value: string; strong?: boolean }) {
  const weight = strong ? 'font-semibold' : 'font-normal'
  return (
    <tr>
      <th scope="row" colSpan={4} className={`py-1 pr-4 text-right ${weight}`}>
        {label}
      </th>
      <td className={`py-1 pr-4 text-right tabular-nums ${weight}`}>{value}</td>
    </tr>
  )
}

function Shipments({ order }: { order: CustomerOrder }) {
  const { t } = useTranslation('orders')
  const format = useFormat()
  return (
    <Section title={t('detail.shipmentsTitle')}>
      {order.shipments.length === 0 ? (
        <p>{t('detail.noShipments')}</p>
      ) : (
        <ul className="space-y-3">
          {order.shipments.map((shipment) => (
            <li key={shipment.id} className="rounded border border-slate-200 bg-white p-4">
              <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-[max-content_1fr]">
                <dt className="font-medium">{t('detail.carrier')}</dt>
                <dd>{shipment.carrier}</dd>
                <dt className="font-medium">{t('detail.trackingNumber')}</dt>
                <dd className={shipment.trackingNumber ? 'font-mono' : 'text-slate-600'}>
                  {shipment.trackingNumber ?? t('detail.noTrackingNumber')}
                </dd>
                <dt className="font-medium">{t('detail.shipmentStatus')}</dt>
                <dd>{t(`shipmentStatus.${shipment.status}`)}</dd>
                {shipment.shippedAt ? (
                  <>
                    <dt className="font-medium">{t('detail.shippedAt')}</dt>
                    <dd>{format.dateTime(shipment.shippedAt)}</dd>
                  </>
                ) : null}
                {shipment.deliveredAt ? (
                  <>
                    <dt className="font-medium">{t('detail.deliveredAt')}</dt>
                    <dd>{format.dateTime(shipment.deliveredAt)}</dd>
                  </>
                ) : null}
              </dl>
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}

function AddressCard({ title, address }: { title: string; address: OrderAddress | null }) {
  const { t } = useTranslation('orders')
  return (
    <div className="space-y-1">
      <h3 className="font-semibold">{title}</h3>
      {address ? <OrderAddressBlock address={address} /> : <p>{t('detail.noAddress')}</p>}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
