import { Form, Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { buttonClass, linkClass } from '#app/components/forms.tsx'
import { ConflictTable } from '#app/components/profile/details-form.tsx'
// Type-only: erased from the browser bundle.
import type { AddressInput, VersionedAddress } from '#db/customer-contacts.ts'
import type { VersionedProfileDetails } from '#db/customers.ts'
import type { OrderStatus } from '#db/orders.ts'
import type { RequestStatus } from '#db/requests.ts'
import type { StatusState, TicketLinkState } from '#db/ticket-links.ts'

// A save from the workspace refused because the record moved on since the page was rendered:
// what is stored now next to what the agent tried, and one button that applies the agent's
// values again on top of the stored version (nothing is applied without the agent seeing both).
// Assign and priority conflicts keep their own panel in the route.

export type DetailsField =
  'givenName' | 'familyName' | 'preferredName' | 'legalName' | 'language' | 'timeZone'

export const DETAILS_FIELDS: readonly DetailsField[] = [
  'givenName',
  'familyName',
  'preferredName',
  'legalName',
  'language',
  'timeZone',
]

export const ADDRESS_INPUT_FIELDS: readonly (keyof AddressInput)[] = [
  'label',
  'recipient',
  'line1',
  'line2',
  'postalCode',
  'city',
  'region',
  'countryCode',
]

export type RecordConflict =
  | {
      kind: 'details'
      current: VersionedProfileDetails
      mine: Partial<Record<DetailsField, string | null>>
      expectedVersion: number
    }
  | {
      kind: 'address'
      addressId: string
      current: VersionedAddress
      mine: AddressInput
      expectedVersion: number
    }
  | {
      kind: 'orderStatus'
      orderId: string
      number: string
      current: StatusState<OrderStatus>
      mine: { toStatus: OrderStatus; note: string | null }
      /** Whether the agent's status may still follow the stored one. */
      stillAllowed: boolean
      expectedVersion: number
    }
  | {
      kind: 'requestStatus'
      requestId: string
      number: string
      current: StatusState<RequestStatus>
      mine: { toStatus: RequestStatus; note: string | null }
      stillAllowed: boolean
      expectedVersion: number
    }
  | {
      kind: 'link'
      current: TicketLinkState
      mine: { target: string; number: string }
      expectedVersion: number
    }

const show = (value: string | null | undefined, empty: string) =>
  value === null || value === undefined || value === '' ? empty : value

export function RecordConflictPanel({
  conflict,
  ticketNumber,
}: {
  conflict: RecordConflict
  ticketNumber: string
}) {
  const { t } = useTranslation('workspace')
  const { t: tOrders } = useTranslation('orders')
  const { t: tRequests } = useTranslation('requests')
  const empty = t('conflict.empty')

  let rows: { key: string; label: string; mine: string; current: string }[] = []
  let hidden: Record<string, string> = {}
  let canReapply = true
  switch (conflict.kind) {
    case 'details':
      rows = DETAILS_FIELDS.filter(
        (field) =>
          field in conflict.mine &&
          (conflict.mine[field] ?? null) !== (conflict.current[field] ?? null),
      ).map((field) => ({
        key: field,
        label: t(`details.${field}`),
        mine: show(conflict.mine[field], empty),
        current: show(conflict.current[field], empty),
      }))
      hidden = {
        intent: 'details',
        legalNameEditable: '1',
        ...Object.fromEntries(
          DETAILS_FIELDS.map((field) => [
            field,
            (field in conflict.mine ? conflict.mine[field] : conflict.current[field]) ?? '',
          ]),
        ),
      }
      break
    case 'address':
      rows = ADDRESS_INPUT_FIELDS.filter(
        (field) => (conflict.mine[field] ?? null) !== (conflict.current[field] ?? null),
      ).map((field) => ({
        key: field,
        label: t(`address.${field}`),
        mine: show(conflict.mine[field], empty),
        current: show(conflict.current[field], empty),
      }))
      hidden = {
        intent: 'address',
        addressId: conflict.addressId,
        ...Object.fromEntries(
          ADDRESS_INPUT_FIELDS.map((field) => [field, conflict.mine[field] ?? '']),
        ),
      }
      break
    case 'orderStatus':
    case 'requestStatus': {
      const label = (status: string) =>
        conflict.kind === 'orderStatus'
          ? tOrders(`status.${status as OrderStatus}`)
          : tRequests(`status.${status as RequestStatus}`)
      rows = [
        {
          key: 'status',
          label: t('conflict.statusOf', { number: conflict.number }),
          mine: label(conflict.mine.toStatus),
          current: label(conflict.current.status),
        },
      ]
      hidden = {
        intent: conflict.kind,
        [conflict.kind === 'orderStatus' ? 'orderId' : 'requestId']:
          conflict.kind === 'orderStatus' ? conflict.orderId : conflict.requestId,
        number: conflict.number,
        toStatus: conflict.mine.toStatus,
        note: conflict.mine.note ?? '',
      }
      canReapply = conflict.stillAllowed
      break
    }
    case 'link':
      rows = [
        {
          key: 'link',
          label: t('conflict.linkedTo'),
          mine: conflict.mine.number,
          current:
            [conflict.current.orderNumber, conflict.current.requestNumber]
              .filter(Boolean)
              .join(', ') || empty,
        },
      ]
      hidden = { intent: 'link', target: conflict.mine.target }
      break
  }

  return (
    <div
      role="alert"
      className="space-y-3 rounded border border-amber-400 bg-amber-50 p-3 text-amber-950"
    >
      <p className="font-semibold">{t(`conflict.title.${conflict.kind}`)}</p>
      <p>
        {t('conflict.body', {
          expected: conflict.expectedVersion,
          current: conflict.current.version,
        })}
      </p>
      <ConflictTable rows={rows} />
      <div className="flex flex-wrap items-center gap-4">
        {canReapply ? (
          <Form method="post">
            {Object.entries(hidden).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <input type="hidden" name="version" value={conflict.current.version} />
            <button type="submit" className={buttonClass}>
              {t('conflict.reapply')}
            </button>
          </Form>
        ) : (
          <p>{t('conflict.notAllowedNow')}</p>
        )}
        <Link to={`/staff/tickets/${ticketNumber}`} className={linkClass}>
          {t('conflict.keepStored')}
        </Link>
      </div>
    </div>
  )
}
