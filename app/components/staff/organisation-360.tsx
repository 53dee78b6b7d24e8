import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { Form, Link, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
  linkClass,
} from '#app/components/forms.tsx'
import { KeepMyDetailsForm } from '#app/components/organisations/keep-my-details-form.tsx'
import {
  ORGANISATION_DETAIL_FIELDS,
  type OrganisationDetailField,
  OrganisationDetailsSchema,
} from '#app/components/organisations/schemas.ts'
import { OrderStatusBadge } from '#app/components/orders/order-status.tsx'
import { ConflictTable, secondaryButtonClass } from '#app/components/profile/details-form.tsx'
import { RequestStatusBadge } from '#app/components/requests/request-status.tsx'
import { TicketStatusBadge } from '#app/components/tickets/ticket-status.tsx'
import { useFormat } from '#app/lib/use-format.ts'
// Type-only: erased from the browser bundle.
import type { ItemVisibility, OrganisationRole } from '#db/item-visibility.ts'
import type { OrganisationAddress, VersionedOrganisationDetails } from '#db/organisations.ts'
import type {
  OrganisationItemOwnership,
  OrganisationOrder,
  OrganisationRequest,
  OrganisationTicket,
} from '#db/staff-organisations.ts'
import { None, rowClass, Section } from './record-sections.tsx'

// The staff 360 of an organisation: its details (with the staff correction form), its people,
// everything that belongs to it whatever its visibility (each item says who sees it), and its
// history. The forms post to the route's action; they work without JavaScript.

export { ORGANISATION_DETAIL_FIELDS, type OrganisationDetailField }

export interface OrganisationDetailsConflict {
  current: VersionedOrganisationDetails
  mine: Partial<Record<OrganisationDetailField, string | null>>
  expectedVersion: number
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

export interface StaffOrganisationHistoryItem {
  id: number
  occurredAt: Date | string
  action: string
  actorKind: 'customer' | 'staff' | 'integration' | 'system'
  actorName: string | null
  subjectName: string | null
  channel: string
  before: unknown
  after: unknown
}

const ROLES: readonly OrganisationRole[] = ['owner', 'member', 'billing']

export function useRoleName() {
  const { t } = useTranslation('staff')
  return (role: OrganisationRole) =>
    ROLES.includes(role) ? t(`organisationRecord.roles.${role}`) : role
}

/** Who sees an item in the portal, in words. */
export function useVisibilityText() {
  const { t } = useTranslation('staff')
  return (visibility: ItemVisibility, sharedWith: string[]) =>
    visibility === 'named'
      ? t('organisationRecord.visibility.namedWith', { names: sharedWith.join(', ') })
      : t(`organisationRecord.visibility.${visibility}`)
}

/** Who sees an item, as the badge staff read next to every item. */
export function VisibilityLabel({
  visibility,
  sharedWith,
}: {
  visibility: ItemVisibility
  sharedWith: string[]
}) {
  const text = useVisibilityText()
  return (
    <span className="rounded border border-slate-300 bg-slate-50 px-2 py-0.5 text-sm text-slate-800">
      {text(visibility, sharedWith)}
    </span>
  )
}

export function OrganisationDetailsSection({
  organisation,
  addresses,
  lastResult,
  conflict,
}: {
  organisation: VersionedOrganisationDetails & { id: string; customerNumber: string }
  addresses: OrganisationAddress[]
  lastResult: SubmissionResult<string[]> | null
  conflict: OrganisationDetailsConflict | null
}) {
  const { t } = useTranslation('staff')
  return (
    <Section id="o360-details" title={t('organisationRecord.details.title')}>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium">{t('organisationRecord.details.name')}</dt>
        <dd>{organisation.name}</dd>
        <dt className="font-medium">{t('organisationRecord.details.legalName')}</dt>
        <dd>{organisation.legalName ?? t('organisationRecord.details.notSet')}</dd>
        <dt className="font-medium">{t('organisationRecord.details.registrationNumber')}</dt>
        <dd>{organisation.registrationNumber ?? t('organisationRecord.details.notSet')}</dd>
        <dt className="font-medium">{t('organisationRecord.details.customerNumber')}</dt>
        <dd className="font-mono">{organisation.customerNumber}</dd>
      </dl>
      <h3 className="font-semibold">{t('organisationRecord.details.addresses')}</h3>
      {addresses.length === 0 ? (
        <None>{t('organisationRecord.details.noAddresses')}</None>
      ) : (
        <ul className="space-y-2">
          {addresses.map((address) => (
            <li key={address.id} className="rounded border border-slate-200 bg-white p-2">
              <strong className="block">
                {t(`organisationRecord.details.addressKinds.${address.kind}`)}
              </strong>
              <address className="not-italic">
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
            </li>
          ))}
        </ul>
      )}
      {conflict ? (
        <DetailsConflict conflict={conflict} organisationId={organisation.id} />
      ) : (
        // Keyed by version: after a save the disclosure starts closed again, showing the new values.
        <details
          key={organisation.version}
          className="rounded border border-slate-300 bg-white p-3"
          open={!!lastResult}
        >
          <summary className="cursor-pointer font-medium text-blue-700 underline">
            {t('organisationRecord.correct.title')}
          </summary>
          <DetailsForm organisation={organisation} lastResult={lastResult} />
        </details>
      )}
    </Section>
  )
}

function DetailsForm({
  organisation,
  lastResult,
}: {
  organisation: VersionedOrganisationDetails
  lastResult: SubmissionResult<string[]> | null
}) {
  const { t } = useTranslation('staff')
  const navigation = useNavigation()
  const [form, fields] = useForm({
    // A new version is a new form: after a save, the fields and the hidden version start over.
    id: `staff-organisation-details-${organisation.version}`,
    lastResult,
    constraint: getZodConstraint(OrganisationDetailsSchema),
    defaultValue: {
      name: organisation.name,
      legalName: organisation.legalName ?? '',
      registrationNumber: organisation.registrationNumber ?? '',
      version: organisation.version,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OrganisationDetailsSchema }),
    shouldRevalidate: 'onInput',
  })
  return (
    <Form method="post" className="mt-3 space-y-4" {...getFormProps(form)}>
      <ErrorSummary form={form} omit={['intent', 'version']} />
      <FormAlert
        id={form.errorId}
        errors={[
          ...(form.errors ?? []),
          ...(fields.version.errors ?? []),
          ...(fields.intent.errors ?? []),
        ]}
      />
      <p className="text-slate-700">{t('organisationRecord.correct.intro')}</p>
      <input type="hidden" name="intent" value="details" />
      <input {...getInputProps(fields.version, { type: 'hidden' })} />
      {ORGANISATION_DETAIL_FIELDS.map((name) => {
        const field = fields[name]
        return (
          <div key={name} className="space-y-1">
            <label htmlFor={field.id} className={labelClass}>
              {t(`organisationRecord.details.${name}`)}
            </label>
            <input {...getInputProps(field, { type: 'text' })} className={inputClass} />
            <ErrorList id={field.errorId} errors={field.errors} />
          </div>
        )
      })}
      <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
        {t('organisationRecord.correct.save')}
      </button>
    </Form>
  )
}

/** Someone saved in between: both versions side by side; staff choose, nothing is applied. */
function DetailsConflict({
  conflict,
  organisationId,
}: {
  conflict: OrganisationDetailsConflict
  organisationId: string
}) {
  const { t } = useTranslation('staff')
  const show = (value: string | null | undefined) =>
    value ? value : t('organisationRecord.details.notSet')
  const rows = ORGANISATION_DETAIL_FIELDS.filter(
    (field) =>
      field in conflict.mine &&
      (conflict.mine[field] ?? null) !== (conflict.current[field] ?? null),
  ).map((field) => ({
    key: field,
    label: t(`organisationRecord.details.${field}`),
    mine: show(conflict.mine[field]),
    current: show(conflict.current[field]),
  }))
  return (
    <div
      role="alert"
      className="space-y-3 rounded border border-amber-400 bg-amber-50 p-3 text-amber-950"
    >
      <p className="font-semibold">{t('organisationRecord.conflict.title')}</p>
      <p>
        {t('organisationRecord.conflict.body', {
          expected: conflict.expectedVersion,
          current: conflict.current.version,
        })}
      </p>
      <ConflictTable rows={rows} />
      <div className="flex flex-wrap items-center gap-4">
        <KeepMyDetailsForm conflict={conflict}>
          {t('organisationRecord.conflict.reapply')}
        </KeepMyDetailsForm>
        <Link to={`/staff/organisations/${organisationId}`} className={secondaryButtonClass}>
          {t('organisationRecord.conflict.keepStored')}
        </Link>
      </div>
    </div>
  )
}

export function OrganisationPeopleSection({
  members,
}: {
  members: { customerId: string; name: string; role: OrganisationRole; joinedAt: Date | string }[]
}) {
  const { t } = useTranslation('staff')
  const { dateTime } = useFormat()
  const roleName = useRoleName()
  return (
    <Section id="o360-people" title={t('organisationRecord.people.title')}>
      {members.length === 0 ? (
        <None>{t('organisationRecord.people.none')}</None>
      ) : (
        <ul className="space-y-2">
          {members.map((member) => (
            <li key={member.customerId} className={rowClass}>
              <Link to={`/staff/customers/${member.customerId}`} className={linkClass}>
                {member.name}
              </Link>
              <span className="font-medium">{roleName(member.role)}</span>
              <span className="text-slate-700">
                {t('organisationRecord.people.joined', { when: dateTime(member.joinedAt) })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}

function Ownership({ item }: { item: OrganisationItemOwnership }) {
  const { t } = useTranslation('staff')
  return (
    <>
      <span className="text-slate-700">
        {t('organisationRecord.items.openedBy')}{' '}
        <Link to={`/staff/customers/${item.openedBy.customerId}`} className={linkClass}>
          {item.openedBy.name}
        </Link>
      </span>
      <VisibilityLabel visibility={item.visibility} sharedWith={item.sharedWith} />
    </>
  )
}

export function OrganisationItemsSections({
  orders,
  requests,
  tickets,
  limit,
}: {
  orders: OrganisationOrder[]
  requests: OrganisationRequest[]
  tickets: OrganisationTicket[]
  /** The most of each kind shown; a full list says so. */
  limit: number
}) {
  const { t } = useTranslation('staff')
  const { dateTime, money } = useFormat()
  const newest = (count: number) =>
    count >= limit ? (
      <p className="text-sm">{t('organisationRecord.items.newest', { count })}</p>
    ) : null
  return (
    <>
      <p className="text-slate-700">{t('organisationRecord.items.intro')}</p>
      <Section id="o360-orders" title={t('organisationRecord.orders.title')}>
        {orders.length === 0 ? (
          <None>{t('organisationRecord.orders.none')}</None>
        ) : (
          <ul className="space-y-2">
            {orders.map((order) => (
              <li key={order.id} className={rowClass}>
                <span className="font-medium">{order.orderNumber}</span>
                <OrderStatusBadge status={order.status} />
                <span>{money(order.totalMinor, order.currency)}</span>
                <span className="text-slate-700">{dateTime(order.placedAt)}</span>
                <Ownership item={order} />
              </li>
            ))}
          </ul>
        )}
        {newest(orders.length)}
      </Section>
      <Section id="o360-requests" title={t('organisationRecord.requests.title')}>
        {requests.length === 0 ? (
          <None>{t('organisationRecord.requests.none')}</None>
        ) : (
          <ul className="space-y-2">
            {requests.map((request) => (
              <li key={request.id} className={rowClass}>
                <span className="font-medium">{request.requestNumber}</span>
                <span>{request.subject}</span>
                <RequestStatusBadge status={request.status} />
                <span className="text-slate-700">{dateTime(request.updatedAt)}</span>
                <Ownership item={request} />
              </li>
            ))}
          </ul>
        )}
        {newest(requests.length)}
      </Section>
      <Section id="o360-tickets" title={t('organisationRecord.tickets.title')}>
        {tickets.length === 0 ? (
          <None>{t('organisationRecord.tickets.none')}</None>
        ) : (
          <ul className="space-y-2">
            {tickets.map((ticket) => (
              <li key={ticket.id} className={rowClass}>
                <Link to={`/staff/tickets/${ticket.ticketNumber}`} className={linkClass}>
                  {ticket.ticketNumber}
                </Link>
                <span>{ticket.subject}</span>
                <TicketStatusBadge status={ticket.status} />
                <span className="text-slate-700">{dateTime(ticket.updatedAt)}</span>
                <Ownership item={ticket} />
              </li>
            ))}
          </ul>
        )}
        {newest(tickets.length)}
      </Section>
    </>
  )
}

const HISTORY_FIELDS = ['name', 'legal_name', 'registration_number'] as const
const ADDRESS_HISTORY_FIELDS = [
  'kind',
  'recipient',
  'line1',
  'line2',
  'postal_code',
  'city',
  'region',
  'country_code',
] as const
const ADDRESS_KINDS = ['registered', 'billing', 'shipping'] as const
const HISTORY_ACTIONS = [
  'organisation_created',
  'details_changed',
  'member_invited',
  'invitation_revoked',
  'member_joined',
  'member_removed',
  'member_left',
  'role_changed',
  'default_visibility_changed',
  'address_added',
  'address_changed',
  'address_removed',
] as const
const DEFAULT_VISIBILITIES = ['private', 'organisation'] as const
const CHANNELS = ['portal', 'staff', 'email_link', 'api', 'import', 'system'] as const

function valueOf(value: unknown, key: string): string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return ''
  const found = (value as Record<string, Json>)[key]
  return typeof found === 'string' ? found : ''
}

function hasKey(value: unknown, key: string): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && key in value
}

/** One history row in words, from the staff namespace: what happened, and each change. */
function useDescribeHistory() {
  const { t } = useTranslation('staff')
  const roleName = useRoleName()
  const role = (value: string) =>
    (ROLES as readonly string[]).includes(value) ? roleName(value as OrganisationRole) : value
  const visibility = (value: string) =>
    (DEFAULT_VISIBILITIES as readonly string[]).includes(value)
      ? t(`organisationRecord.history.defaultVisibility.${value as 'private' | 'organisation'}`)
      : value
  const empty = t('organisationRecord.details.notSet')
  const addressKind = (value: string) =>
    (ADDRESS_KINDS as readonly string[]).includes(value)
      ? t(`organisationRecord.details.addressKinds.${value as (typeof ADDRESS_KINDS)[number]}`)
      : value
  const addressValue = (value: unknown, key: (typeof ADDRESS_HISTORY_FIELDS)[number]) =>
    key === 'kind' ? addressKind(valueOf(value, key)) : valueOf(value, key)
  return (item: StaffOrganisationHistoryItem): { title: string; changes: string[] } => {
    const action = (HISTORY_ACTIONS as readonly string[]).includes(item.action)
      ? (item.action as (typeof HISTORY_ACTIONS)[number])
      : null
    const values = {
      name: item.subjectName ?? t('organisationRecord.history.someone'),
      email: valueOf(item.after, 'email') || valueOf(item.before, 'email'),
      role: role(valueOf(item.after, 'role')),
      before: role(valueOf(item.before, 'role')),
      after: role(valueOf(item.after, 'role')),
      kind: addressKind(valueOf(item.after, 'kind') || valueOf(item.before, 'kind')),
    }
    if (action === 'default_visibility_changed') {
      values.before = visibility(valueOf(item.before, 'default_visibility'))
      values.after = visibility(valueOf(item.after, 'default_visibility'))
    }
    const title = action
      ? t(`organisationRecord.history.actions.${action}`, values)
      : t('organisationRecord.history.actions.other', { action: item.action })
    const changes =
      action === 'details_changed'
        ? HISTORY_FIELDS.filter((key) => hasKey(item.after, key)).map((key) =>
            t('organisationRecord.history.change', {
              field: t(`organisationRecord.history.fields.${key}`),
              before: valueOf(item.before, key) || empty,
              after: valueOf(item.after, key) || empty,
            }),
          )
        : action === 'address_changed'
          ? ADDRESS_HISTORY_FIELDS.filter((key) => hasKey(item.after, key)).map((key) =>
              t('organisationRecord.history.change', {
                field: t(`organisationRecord.history.fields.${key}`),
                before: addressValue(item.before, key) || empty,
                after: addressValue(item.after, key) || empty,
              }),
            )
          : []
    return { title, changes }
  }
}

export function OrganisationHistorySection({
  organisationId,
  entries,
  nextCursor,
}: {
  organisationId: string
  entries: StaffOrganisationHistoryItem[]
  nextCursor: string | null
}) {
  const { t } = useTranslation('staff')
  const { dateTime } = useFormat()
  const describe = useDescribeHistory()
  const actor = (item: StaffOrganisationHistoryItem) =>
    item.actorKind === 'staff'
      ? t('organisationRecord.history.actorStaff', { name: item.actorName ?? '' })
      : item.actorKind === 'customer'
        ? (item.actorName ?? t('organisationRecord.history.someone'))
        : t('organisationRecord.history.actorSystem')
  const channel = (value: string) =>
    (CHANNELS as readonly string[]).includes(value)
      ? t(`organisationRecord.history.channels.${value as (typeof CHANNELS)[number]}`)
      : value
  return (
    <Section id="o360-history" title={t('organisationRecord.history.title')}>
      {entries.length === 0 ? (
        <None>{t('organisationRecord.history.none')}</None>
      ) : (
        <ol className="space-y-2">
          {entries.map((entry) => {
            const { title, changes } = describe(entry)
            return (
              <li key={entry.id} className="space-y-1">
                <p>
                  <span className="font-medium">{title}</span> · {dateTime(entry.occurredAt)} ·{' '}
                  {actor(entry)} · {channel(entry.channel)}
                </p>
                {changes.length > 0 ? (
                  <ul className="list-disc pl-6 text-sm">
                    {changes.map((change) => (
                      <li key={change}>{change}</li>
                    ))}
                  </ul>
                ) : null}
              </li>
            )
          })}
        </ol>
      )}
      {nextCursor ? (
        <p>
          <Link
            to={`/staff/organisations/${organisationId}?${new URLSearchParams({ historyAfter: nextCursor })}#o360-history`}
            className={linkClass}
          >
            {t('organisationRecord.history.older')}
          </Link>
        </p>
      ) : null}
    </Section>
  )
}
