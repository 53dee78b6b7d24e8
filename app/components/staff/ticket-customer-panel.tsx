import { Form, Link } from '@remix-run/react'
import { type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import { FormAlert, inputClass, labelClass, linkClass } from '#app/components/forms.tsx'
import { OrderStatusBadge } from '#app/components/orders/order-status.tsx'
import { RequestStatusBadge } from '#app/components/requests/request-status.tsx'
import {
  disclosureClass,
  errorsById,
  type FormFeedback,
  feedbackOf,
  SelectInput,
  smallButtonClass,
  TextInput,
  type WorkspaceFeedback,
} from '#app/components/staff/ticket-forms.tsx'
import { useFormat } from '#app/lib/use-format.ts'
// Type-only: erased from the browser bundle.
import type { ChannelCode, TopicCode } from '#db/consent.ts'
import type { CustomerAddress, CustomerProfile } from '#db/customers.ts'
import type { DeliveryOutcome } from '#db/notifications.ts'
import type { OrderStatus } from '#db/orders.ts'
import type { RequestStatus } from '#db/requests.ts'

// The customer next to the ticket: who they are, how to reach them, what they are waiting for,
// what they allowed us, and what we wrote to them, with the corrections an agent makes in place.
// Every form posts to the ticket route's action with its own intent; the full record is one
// link away.

/** What the loader prepares for the panel: only what the forms need, nothing internal. */
export interface CustomerPanelData {
  profile: Pick<
    CustomerProfile,
    | 'id'
    | 'customerNumber'
    | 'givenName'
    | 'familyName'
    | 'preferredName'
    | 'legalName'
    | 'language'
    | 'timeZone'
    | 'status'
    | 'version'
    | 'signInEmail'
    | 'emails'
    | 'phones'
  >
  /** The default delivery and invoice addresses (one entry when both are the same). */
  addresses: CustomerAddress[]
  orders: {
    id: string
    orderNumber: string
    status: OrderStatus
    version: number
    next: OrderStatus[]
  }[]
  requests: {
    id: string
    requestNumber: string
    subject: string
    status: RequestStatus
    version: number
    next: RequestStatus[]
  }[]
  /** Per topic, the channels the customer said yes to. */
  consent: { topic: TopicCode; isMarketing: boolean; granted: ChannelCode[] }[]
  deliveries: {
    id: number
    createdAt: Date
    subject: string | null
    topic: TopicCode
    channel: ChannelCode | null
    outcome: DeliveryOutcome
    /** Service messages only: marketing is never sent again by hand. */
    resendable: boolean
  }[]
  languages: readonly string[]
  timeZones: string[]
  countries: { code: string; name: string }[]
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-2 border-t border-slate-200 pt-3">
      <h3 id={id} className="font-semibold">
        {title}
      </h3>
      {children}
    </section>
  )
}

export function TicketCustomerPanel({
  data,
  feedback,
}: {
  data: CustomerPanelData
  feedback: WorkspaceFeedback | null | undefined
}) {
  const { t } = useTranslation('workspace')
  const { profile } = data
  const name = `${profile.preferredName ?? profile.givenName} ${profile.familyName}`
  return (
    <section
      aria-labelledby="ws-customer"
      className="space-y-3 rounded border border-slate-300 bg-white p-3"
    >
      <header className="space-y-1">
        <h2 id="ws-customer" className="text-xl font-semibold">
          {t('panel.title', { name })}
        </h2>
        <p className="text-slate-700">
          {t('panel.customerNumber', { number: profile.customerNumber })}
        </p>
        <Link to={`/staff/customers/${profile.id}`} className={linkClass}>
          {t('panel.fullRecord')}
        </Link>
      </header>
      <ContactsSection data={data} feedback={feedback} />
      <AddressesSection data={data} feedback={feedback} />
      <OrdersSection data={data} feedback={feedback} />
      <RequestsSection data={data} feedback={feedback} />
      <ConsentSection data={data} />
      <DeliveriesSection data={data} feedback={feedback} />
    </section>
  )
}

interface SectionProps {
  data: CustomerPanelData
  feedback: WorkspaceFeedback | null | undefined
}

function ContactsSection({ data, feedback }: SectionProps) {
  const { t, i18n } = useTranslation('workspace')
  const { profile } = data
  const form = feedbackOf(feedback, 'details')
  // Named in the agent's language: the agent reads it, the customer is written to in theirs.
  const languageNames = new Intl.DisplayNames([i18n.language], { type: 'language' })
  return (
    <Section id="ws-contacts" title={t('panel.contacts.title')}>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="font-medium">{t('panel.contacts.name')}</dt>
        <dd>
          {profile.givenName} {profile.familyName}
          {profile.preferredName ? ` (${profile.preferredName})` : ''}
        </dd>
        {profile.legalName ? (
          <>
            <dt className="font-medium">{t('panel.contacts.legalName')}</dt>
            <dd>{profile.legalName}</dd>
          </>
        ) : null}
        <dt className="font-medium">{t('panel.contacts.language')}</dt>
        <dd>
          {languageNames.of(profile.language) ?? profile.language} · {profile.timeZone}
        </dd>
        <dt className="font-medium">{t('panel.contacts.signIn')}</dt>
        <dd className="break-all">{profile.signInEmail ?? t('panel.contacts.noAccount')}</dd>
        <dt className="font-medium">{t('panel.contacts.emails')}</dt>
        <dd className="break-all">
          {profile.emails.length === 0
            ? t('panel.none')
            : profile.emails
                .map(
                  (email) => `${email.email}${email.isPrimary ? ` (${t('panel.primary')})` : ''}`,
                )
                .join(', ')}
        </dd>
        <dt className="font-medium">{t('panel.contacts.phones')}</dt>
        <dd>
          {profile.phones.length === 0
            ? t('panel.none')
            : profile.phones
                .map((phone) => `${phone.e164}${phone.isPrimary ? ` (${t('panel.primary')})` : ''}`)
                .join(', ')}
        </dd>
      </dl>
      <details open={form.formErrors !== undefined || undefined}>
        <summary className={disclosureClass}>{t('details.open')}</summary>
        <Form
          key={`details-${profile.version}`}
          method="post"
          className="mt-2 space-y-2"
          aria-label={t('details.open')}
        >
          <ErrorSummary
            errors={errorsById(form, {
              givenName: 'ws-given-name',
              familyName: 'ws-family-name',
              preferredName: 'ws-preferred-name',
              legalName: 'ws-legal-name',
              language: 'ws-language',
              timeZone: 'ws-time-zone',
            })}
          />
          <FormAlert errors={form.formErrors} />
          <input type="hidden" name="intent" value="details" />
          <input type="hidden" name="version" value={profile.version} />
          <input type="hidden" name="legalNameEditable" value="1" />
          <TextInput
            id="ws-given-name"
            name="givenName"
            label={t('details.givenName')}
            defaultValue={profile.givenName}
            feedback={form}
          />
          <TextInput
            id="ws-family-name"
            name="familyName"
            label={t('details.familyName')}
            defaultValue={profile.familyName}
            feedback={form}
          />
          <TextInput
            id="ws-preferred-name"
            name="preferredName"
            label={t('details.preferredName')}
            defaultValue={profile.preferredName}
            feedback={form}
          />
          <TextInput
            id="ws-legal-name"
            name="legalName"
            label={t('details.legalName')}
            defaultValue={profile.legalName}
            feedback={form}
          />
          <SelectInput
            id="ws-language"
            name="language"
            label={t('details.language')}
            defaultValue={profile.language}
            feedback={form}
          >
            {data.languages.map((code) => (
              <option key={code} value={code}>
                {languageNames.of(code) ?? code}
              </option>
            ))}
          </SelectInput>
          <SelectInput
            id="ws-time-zone"
            name="timeZone"
            label={t('details.timeZone')}
            defaultValue={profile.timeZone}
            feedback={form}
          >
            {data.timeZones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </SelectInput>
          <p className="text-sm text-slate-700">{t('panel.tellsCustomer')}</p>
          <button type="submit" className={smallButtonClass}>
            {t('details.submit')}
          </button>
        </Form>
      </details>
    </Section>
  )
}

const ADDRESS_FIELDS = [
  'label',
  'recipient',
  'line1',
  'line2',
  'postalCode',
  'city',
  'region',
] as const

function AddressesSection({ data, feedback }: SectionProps) {
  const { t } = useTranslation('workspace')
  return (
    <Section id="ws-addresses" title={t('panel.addresses.title')}>
      {data.addresses.length === 0 ? (
        <p className="text-sm text-slate-700">{t('panel.addresses.none')}</p>
      ) : (
        <ul className="space-y-3">
          {data.addresses.map((address) => (
            <AddressItem
              key={address.id}
              address={address}
              countries={data.countries}
              form={feedbackOf(feedback, 'address', address.id)}
            />
          ))}
        </ul>
      )}
    </Section>
  )
}

function AddressItem({
  address,
  countries,
  form,
}: {
  address: CustomerAddress
  countries: { code: string; name: string }[]
  form: FormFeedback
}) {
  const { t } = useTranslation('workspace')
  const uses = [
    address.isDefaultShipping ? t('panel.addresses.shipping') : null,
    address.isDefaultBilling ? t('panel.addresses.billing') : null,
  ].filter(Boolean)
  const title = t('address.open', { line1: address.line1 })
  const prefix = `ws-address-${address.id}`
  return (
    <li className="space-y-1 text-sm">
      <p className="font-medium">{uses.join(' · ')}</p>
      <address className="not-italic">
        {address.label ? <span className="block font-medium">{address.label}</span> : null}
        {address.recipient}
        <br />
        {address.line1}
        {address.line2 ? (
          <>
            <br />
            {address.line2}
          </>
        ) : null}
        <br />
        {[address.postalCode, address.city, address.region].filter(Boolean).join(' ')}
        <br />
        {address.countryCode}
      </address>
      <details open={form.formErrors !== undefined || undefined}>
        <summary className={disclosureClass}>{title}</summary>
        <Form
          key={`${prefix}-${address.version}`}
          method="post"
          className="mt-2 space-y-2"
          aria-label={title}
        >
          <ErrorSummary
            errors={errorsById(
              form,
              Object.fromEntries(
                [...ADDRESS_FIELDS, 'countryCode'].map((field) => [field, `${prefix}-${field}`]),
              ),
            )}
          />
          <FormAlert errors={form.formErrors} />
          <input type="hidden" name="intent" value="address" />
          <input type="hidden" name="addressId" value={address.id} />
          <input type="hidden" name="version" value={address.version} />
          {ADDRESS_FIELDS.map((field) => (
            <TextInput
              key={field}
              id={`${prefix}-${field}`}
              name={field}
              label={t(`address.${field}`)}
              defaultValue={address[field]}
              feedback={form}
            />
          ))}
          <SelectInput
            id={`${prefix}-countryCode`}
            name="countryCode"
            label={t('address.countryCode')}
            defaultValue={address.countryCode}
            feedback={form}
          >
            {countries.map((country) => (
              <option key={country.code} value={country.code}>
                {country.name}
              </option>
            ))}
          </SelectInput>
          <p className="text-sm text-slate-700">{t('panel.tellsCustomer')}</p>
          <button type="submit" className={smallButtonClass}>
            {t('address.submit')}
          </button>
        </Form>
      </details>
    </li>
  )
}

function StatusForm({
  intent,
  idField,
  id,
  number,
  version,
  next,
  statusLabel,
  form,
}: {
  intent: 'orderStatus' | 'requestStatus'
  idField: 'orderId' | 'requestId'
  id: string
  number: string
  version: number
  next: string[]
  statusLabel: (status: string) => string
  form: FormFeedback
}) {
  const { t } = useTranslation('workspace')
  const prefix = `ws-${intent}-${id}`
  if (next.length === 0) return null
  const title = t('status.open', { number })
  return (
    <details open={form.formErrors !== undefined || undefined}>
      <summary className={disclosureClass}>{title}</summary>
      <Form
        key={`${prefix}-${version}`}
        method="post"
        className="mt-2 space-y-2"
        aria-label={title}
      >
        <ErrorSummary errors={errorsById(form, { toStatus: `${prefix}-to` })} />
        <FormAlert errors={form.formErrors} />
        <input type="hidden" name="intent" value={intent} />
        <input type="hidden" name={idField} value={id} />
        <input type="hidden" name="number" value={number} />
        <input type="hidden" name="version" value={version} />
        <SelectInput
          id={`${prefix}-to`}
          name="toStatus"
          label={t('status.to')}
          defaultValue={next[0] ?? ''}
          feedback={form}
        >
          {next.map((status) => (
            <option key={status} value={status}>
              {statusLabel(status)}
            </option>
          ))}
        </SelectInput>
        <div className="space-y-1">
          <label htmlFor={`${prefix}-note`} className={labelClass}>
            {t('status.note')}
          </label>
          <textarea
            id={`${prefix}-note`}
            name="note"
            rows={2}
            className={inputClass}
            defaultValue={form.value('note')}
          />
        </div>
        <button type="submit" className={smallButtonClass}>
          {t('status.submit')}
        </button>
      </Form>
    </details>
  )
}

function OrdersSection({ data, feedback }: SectionProps) {
  const { t } = useTranslation('workspace')
  const { t: tOrders } = useTranslation('orders')
  const orderStatus = (status: string) => tOrders(`status.${status as OrderStatus}`)
  return (
    <Section id="ws-orders" title={t('panel.orders.title')}>
      {data.orders.length === 0 ? (
        <p className="text-sm text-slate-700">{t('panel.orders.none')}</p>
      ) : (
        <ul className="space-y-2">
          {data.orders.map((order) => (
            <li key={order.id} className="space-y-1 text-sm">
              <p className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{order.orderNumber}</span>
                <OrderStatusBadge status={order.status} />
              </p>
              <StatusForm
                intent="orderStatus"
                idField="orderId"
                id={order.id}
                number={order.orderNumber}
                version={order.version}
                next={order.next}
                statusLabel={orderStatus}
                form={feedbackOf(feedback, 'orderStatus', order.id)}
              />
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}

function RequestsSection({ data, feedback }: SectionProps) {
  const { t } = useTranslation('workspace')
  const { t: tRequests } = useTranslation('requests')
  const requestStatus = (status: string) => tRequests(`status.${status as RequestStatus}`)
  return (
    <Section id="ws-requests" title={t('panel.requests.title')}>
      {data.requests.length === 0 ? (
        <p className="text-sm text-slate-700">{t('panel.requests.none')}</p>
      ) : (
        <ul className="space-y-2">
          {data.requests.map((request) => (
            <li key={request.id} className="space-y-1 text-sm">
              <p className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{request.requestNumber}</span>
                <span>{request.subject}</span>
                <RequestStatusBadge status={request.status} />
              </p>
              <StatusForm
                intent="requestStatus"
                idField="requestId"
                id={request.id}
                number={request.requestNumber}
                version={request.version}
                next={request.next}
                statusLabel={requestStatus}
                form={feedbackOf(feedback, 'requestStatus', request.id)}
              />
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}

function ConsentSection({ data }: { data: CustomerPanelData }) {
  const { t } = useTranslation('workspace')
  const { t: tHistory } = useTranslation('history')
  return (
    <Section id="ws-consent" title={t('panel.consent.title')}>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 text-sm">
        {data.consent.map((row) => (
          <div key={row.topic} className="contents">
            <dt className="font-medium">{tHistory(`values.topic.${row.topic}`)}</dt>
            <dd>
              {row.granted.length === 0
                ? row.isMarketing
                  ? t('panel.consent.noMarketing')
                  : t('panel.consent.noService')
                : row.granted.map((channel) => tHistory(`values.channel.${channel}`)).join(', ')}
            </dd>
          </div>
        ))}
      </dl>
    </Section>
  )
}

function DeliveriesSection({ data, feedback }: SectionProps) {
  const { t } = useTranslation('workspace')
  const { t: tHistory } = useTranslation('history')
  const { dateTime } = useFormat()
  const form = feedbackOf(feedback, 'resend')
  return (
    <Section id="ws-deliveries" title={t('panel.deliveries.title')}>
      <FormAlert errors={form.formErrors} />
      {data.deliveries.length === 0 ? (
        <p className="text-sm text-slate-700">{t('panel.deliveries.none')}</p>
      ) : (
        <ul className="space-y-2">
          {data.deliveries.map((delivery) => (
            <li key={delivery.id} className="space-y-1 text-sm">
              <p>
                {dateTime(delivery.createdAt)} · {delivery.subject ?? '—'}
              </p>
              <p className="text-slate-700">
                {delivery.channel
                  ? tHistory(`values.channel.${delivery.channel}`)
                  : t('panel.deliveries.noChannel')}{' '}
                · {t(`panel.deliveries.outcome.${delivery.outcome}`)}
              </p>
              {delivery.resendable ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="resend" />
                  <input type="hidden" name="deliveryId" value={delivery.id} />
                  <button
                    type="submit"
                    className={smallButtonClass}
                    aria-label={t('panel.deliveries.resendLabel', {
                      subject: delivery.subject ?? '—',
                    })}
                  >
                    {t('panel.deliveries.resend')}
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <p className="text-sm text-slate-700">{t('panel.deliveries.consentNote')}</p>
    </Section>
  )
}
