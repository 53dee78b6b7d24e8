import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { linkClass } from '#app/components/forms.tsx'
import { useHistoryText } from '#app/components/history/history-text.ts'
import { OrderStatusBadge } from '#app/components/orders/order-status.tsx'
import { RequestStatusBadge } from '#app/components/requests/request-status.tsx'
import { TicketStatusBadge } from '#app/components/tickets/ticket-status.tsx'
import { useFormat } from '#app/lib/use-format.ts'
import type { ConsentCell, ConsentLedgerEntry } from '#db/consent.ts'
import type { CustomerProfile } from '#db/customers.ts'
import type { CustomerHistoryEntry } from '#db/history.ts'
import type { CustomerDelivery } from '#db/notifications.ts'
import type { OrderListItem } from '#db/orders.ts'
import type { OpenRequest, RequestSummary } from '#db/requests.ts'
import type { CustomerOrganisation } from '#db/staff-organisations.ts'
import type { OpenTicketSummary, TicketListItem } from '#db/tickets.ts'
import { None, rowClass, Section } from './record-sections.tsx'

function TicketLink({ ticketNumber }: { ticketNumber: string }) {
  return (
    <Link to={`/staff/tickets/${ticketNumber}`} className={linkClass}>
      {ticketNumber}
    </Link>
  )
}

export function Customer360Waiting({
  requests,
  tickets,
}: {
  requests: OpenRequest[]
  tickets: OpenTicketSummary[]
}) {
  const { t } = useTranslation('staff')
  const { dateTime } = useFormat()
  const empty = requests.length === 0 && tickets.length === 0
  return (
    <Section id="c360-waiting" title={t('customer360.waiting.title')}>
      {empty ? (
        <None>{t('customer360.waiting.none')}</None>
      ) : (
        <ul className="space-y-2">
          {tickets.map((ticket) => (
            <li key={ticket.id} className={rowClass}>
              <TicketLink ticketNumber={ticket.ticketNumber} />
              <span>{ticket.subject}</span>
              <TicketStatusBadge status={ticket.status} />
              <span className="text-slate-700">
                {t('customer360.since', { when: dateTime(ticket.createdAt) })}
              </span>
              {ticket.dueAt ? (
                <span className="text-slate-700">
                  {t('customer360.due', { when: dateTime(ticket.dueAt) })}
                </span>
              ) : null}
            </li>
          ))}
          {requests.map((request) => (
            <li key={request.id} className={rowClass}>
              <span className="font-medium">{request.requestNumber}</span>
              <span>{request.subject}</span>
              <RequestStatusBadge status={request.status} />
              <span className="text-slate-700">
                {t('customer360.since', { when: dateTime(request.createdAt) })}
              </span>
              {request.dueAt ? (
                <span className="text-slate-700">
                  {t('customer360.due', { when: dateTime(request.dueAt) })}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}

export function Customer360Profile({ profile }: { profile: CustomerProfile }) {
  const { t, i18n } = useTranslation('staff')
  // Named in the agent's language, as the ticket workspace's customer panel does.
  const languageNames = new Intl.DisplayNames([i18n.language], { type: 'language' })
  return (
    <Section id="c360-profile" title={t('customer360.profile.title')}>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium">{t('customer360.profile.name')}</dt>
        <dd>
          {profile.givenName} {profile.familyName}
          {profile.preferredName ? ` (${profile.preferredName})` : ''}
        </dd>
        {profile.legalName ? (
          <>
            <dt className="font-medium">{t('customer360.profile.legalName')}</dt>
            <dd>{profile.legalName}</dd>
          </>
        ) : null}
        <dt className="font-medium">{t('customer360.profile.language')}</dt>
        <dd>{languageNames.of(profile.language) ?? profile.language}</dd>
        <dt className="font-medium">{t('customer360.profile.timeZone')}</dt>
        <dd>{profile.timeZone}</dd>
        <dt className="font-medium">{t('customer360.profile.signInEmail')}</dt>
        <dd>{profile.signInEmail ?? t('customer360.profile.noAccount')}</dd>
      </dl>
      <h3 className="font-semibold">{t('customer360.profile.emails')}</h3>
      {profile.emails.length === 0 ? (
        <None>{t('customer360.profile.noEmails')}</None>
      ) : (
        <ul className="list-disc pl-6">
          {profile.emails.map((email) => (
            <li key={email.id}>
              {email.email}
              {email.isPrimary ? ` · ${t('customer360.profile.primary')}` : ''}
              {email.verifiedAt ? '' : ` · ${t('customer360.profile.unverified')}`}
            </li>
          ))}
        </ul>
      )}
      <h3 className="font-semibold">{t('customer360.profile.phones')}</h3>
      {profile.phones.length === 0 ? (
        <None>{t('customer360.profile.noPhones')}</None>
      ) : (
        <ul className="list-disc pl-6">
          {profile.phones.map((phone) => (
            <li key={phone.id}>
              {phone.e164} ({t(`phones.kinds.${phone.kind}`, { ns: 'profile' })})
              {phone.isPrimary ? ` · ${t('customer360.profile.primary')}` : ''}
            </li>
          ))}
        </ul>
      )}
      <h3 className="font-semibold">{t('customer360.profile.addresses')}</h3>
      {profile.addresses.length === 0 ? (
        <None>{t('customer360.profile.noAddresses')}</None>
      ) : (
        <ul className="space-y-2">
          {profile.addresses.map((address) => (
            <li key={address.id} className="rounded border border-slate-200 bg-white p-2">
              <address className="not-italic">
                {address.label ? <strong className="block">{address.label}</strong> : null}
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
              {address.isDefaultShipping ? (
                <p className="text-sm">{t('customer360.profile.defaultShipping')}</p>
              ) : null}
              {address.isDefaultBilling ? (
                <p className="text-sm">{t('customer360.profile.defaultBilling')}</p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}

/** The organisations the person belongs (or belonged) to, with their role, each a link. */
export function Customer360Organisations({
  organisations,
}: {
  organisations: CustomerOrganisation[]
}) {
  const { t } = useTranslation('staff')
  const { dateTime } = useFormat()
  return (
    <Section id="c360-organisations" title={t('customer360.organisations.title')}>
      {organisations.length === 0 ? (
        <None>{t('customer360.organisations.none')}</None>
      ) : (
        <ul className="space-y-2">
          {organisations.map((membership) => (
            <li
              key={`${membership.organisationId}-${String(membership.joinedAt)}`}
              className={rowClass}
            >
              <Link to={`/staff/organisations/${membership.organisationId}`} className={linkClass}>
                {membership.name}
              </Link>
              <span className="font-mono text-sm">{membership.customerNumber}</span>
              <span>
                {t('customer360.organisations.role', {
                  role: t(`organisationRecord.roles.${membership.role}`),
                })}
              </span>
              {membership.removedAt ? (
                <span className="text-slate-700">
                  {t('customer360.organisations.left', { when: dateTime(membership.removedAt) })}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}

export function Customer360Lists({
  orders,
  requests,
  tickets,
}: {
  orders: OrderListItem[]
  requests: RequestSummary[]
  tickets: TicketListItem[]
}) {
  const { t } = useTranslation('staff')
  const { dateTime, money } = useFormat()
  return (
    <>
      <Section id="c360-orders" title={t('customer360.orders.title')}>
        {orders.length === 0 ? (
          <None>{t('customer360.orders.none')}</None>
        ) : (
          <ul className="space-y-2">
            {orders.map((order) => (
              <li key={order.id} className={rowClass}>
                <span className="font-medium">{order.orderNumber}</span>
                <OrderStatusBadge status={order.status} />
                <span>{money(order.totalMinor, order.currency)}</span>
                <span className="text-slate-700">{dateTime(order.placedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section id="c360-requests" title={t('customer360.requests.title')}>
        {requests.length === 0 ? (
          <None>{t('customer360.requests.none')}</None>
        ) : (
          <ul className="space-y-2">
            {requests.map((request) => (
              <li key={request.id} className={rowClass}>
                <span className="font-medium">{request.requestNumber}</span>
                <span>{request.subject}</span>
                <RequestStatusBadge status={request.status} />
                <span className="text-slate-700">{dateTime(request.updatedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section id="c360-tickets" title={t('customer360.tickets.title')}>
        {tickets.length === 0 ? (
          <None>{t('customer360.tickets.none')}</None>
        ) : (
          <ul className="space-y-2">
            {tickets.map((ticket) => (
              <li key={ticket.id} className={rowClass}>
                <TicketLink ticketNumber={ticket.ticketNumber} />
                <span>{ticket.subject}</span>
                <TicketStatusBadge status={ticket.status} />
                <span className="text-slate-700">{dateTime(ticket.updatedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  )
}

export function Customer360Consent({
  consent,
  ledger,
}: {
  consent: ConsentCell[]
  ledger: ConsentLedgerEntry[]
}) {
  const { t } = useTranslation('staff')
  const { t: tHistory } = useTranslation('history')
  const { dateTime } = useFormat()
  return (
    <Section id="c360-consent" title={t('customer360.consent.title')}>
      <table className="w-full text-left">
        <thead>
          <tr>
            <th scope="col">{t('customer360.consent.topic')}</th>
            <th scope="col">{t('customer360.consent.channel')}</th>
            <th scope="col">{t('customer360.consent.decision')}</th>
          </tr>
        </thead>
        <tbody>
          {consent.map((cell) => (
            <tr key={`${cell.topic}-${cell.channel}`}>
              <td>{tHistory(`values.topic.${cell.topic}`)}</td>
              <td>{tHistory(`values.channel.${cell.channel}`)}</td>
              <td>
                {cell.decision
                  ? tHistory(`values.decision.${cell.decision}`)
                  : t('customer360.consent.neverAsked')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 className="font-semibold">{t('customer360.consent.ledger')}</h3>
      {ledger.length === 0 ? (
        <None>{t('customer360.consent.ledgerEmpty')}</None>
      ) : (
        <ol className="space-y-1">
          {ledger.map((entry) => (
            <li key={entry.id}>
              {dateTime(entry.recordedAt)} · {tHistory(`values.topic.${entry.topic}`)} ·{' '}
              {tHistory(`values.channel.${entry.channel}`)} ·{' '}
              {tHistory(`values.decision.${entry.decision}`)} ·{' '}
              {tHistory(`values.source.${entry.source}`)}
            </li>
          ))}
        </ol>
      )}
    </Section>
  )
}

export function Customer360Deliveries({ deliveries }: { deliveries: CustomerDelivery[] }) {
  const { t } = useTranslation('staff')
  const { t: tHistory } = useTranslation('history')
  const { dateTime } = useFormat()
  return (
    <Section id="c360-deliveries" title={t('customer360.deliveries.title')}>
      {deliveries.length === 0 ? (
        <None>{t('customer360.deliveries.none')}</None>
      ) : (
        <ol className="space-y-1">
          {deliveries.map((delivery) => (
            <li key={delivery.id}>
              {dateTime(delivery.createdAt)} · {tHistory(`values.topic.${delivery.topic}`)} ·{' '}
              {delivery.channel ? tHistory(`values.channel.${delivery.channel}`) : '—'} ·{' '}
              {delivery.subject ?? '—'} · {delivery.outcome}
              {delivery.link ? ` · ${delivery.link.number}` : ''}
            </li>
          ))}
        </ol>
      )}
    </Section>
  )
}

export function Customer360History({ entries }: { entries: CustomerHistoryEntry[] }) {
  const { t } = useTranslation('staff')
  const text = useHistoryText()
  const { dateTime } = useFormat()
  return (
    <Section id="c360-history" title={t('customer360.history.title')}>
      {entries.length === 0 ? (
        <None>{t('customer360.history.none')}</None>
      ) : (
        <ol className="space-y-1">
          {entries.map((entry) => (
            <li key={entry.id}>
              {dateTime(entry.occurredAt)} · {text.title(entry)}
              {entry.reference ? ` (${entry.reference})` : ''} ·{' '}
              {entry.actorKind === 'customer'
                ? t('customer360.history.customer')
                : text.actor(entry)}{' '}
              · {text.channel(entry)}
            </li>
          ))}
        </ol>
      )}
    </Section>
  )
}
