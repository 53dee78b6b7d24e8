import { type RawBuilder, sql } from 'kysely'

// The one rule for who may see an order, a request or a ticket. Every customer-side query of
// those tables filters with `visibleTo`, so a list, a detail page and an action cannot disagree.

export type ItemKind = 'order' | 'request' | 'ticket'
export type ItemVisibility = 'private' | 'named' | 'organisation'
export type OrganisationRole = 'owner' | 'member' | 'billing'

export const ITEM_VISIBILITIES: readonly ItemVisibility[] = ['private', 'named', 'organisation']
export const ORGANISATION_ROLES: readonly OrganisationRole[] = ['owner', 'member', 'billing']

/**
 * The person looking, and what they act for: themselves (actingFor null) or one organisation
 * they are a current member of (the session only carries a live membership).
 */
export interface Viewer {
  customerId: string
  actingFor: { id: string; role: OrganisationRole } | null
}

/** The viewer as the guards hand it over (a CustomerUser has both fields). */
export function viewerOf(user: {
  customerId: string
  actingFor: { id: string; role: OrganisationRole } | null
}): Viewer {
  return {
    customerId: user.customerId,
    actingFor: user.actingFor ? { id: user.actingFor.id, role: user.actingFor.role } : null,
  }
}

/**
 * Whether the row under `alias` (a table of `kind`, with customer_id, organisation_id,
 * visibility and id) may be seen by the viewer:
 * - acting for themselves: their own personal items (no organisation) only;
 * - acting for an organisation: their own personal items, and that organisation's items they
 *   opened, that are shared with the whole organisation, or shared with them by name; orders
 *   of the organisation also to its owners and billing contacts.
 * Items of any other organisation never, even ones the person opened there: they belong to the
 * company the person is not acting for.
 */
export function visibleTo(viewer: Viewer, kind: ItemKind, alias: string): RawBuilder<boolean> {
  const column = (name: string) => sql.ref(`${alias}.${name}`)
  const own = sql<boolean>`${column('customer_id')} = ${viewer.customerId}`
  const personal = sql<boolean>`(${own} and ${column('organisation_id')} is null)`
  const organisation = viewer.actingFor
  if (!organisation) return personal

  const seesAllOrders =
    kind === 'order' && (organisation.role === 'owner' || organisation.role === 'billing')
  const sharedWithViewer = sql<boolean>`(
    ${column('visibility')} = 'organisation'
    or (${column('visibility')} = 'named' and exists (
      select 1 from item_shares
      where item_shares.item_kind = ${kind}
        and item_shares.item_id = ${column('id')}
        and item_shares.customer_id = ${viewer.customerId}
    ))
  )`
  return sql<boolean>`(
    ${personal}
    or (
      ${column('organisation_id')} = ${organisation.id}
      and (${own} or ${sharedWithViewer}${seesAllOrders ? sql` or true` : sql``})
    )
  )`
}

/** Whether the viewer opened the item: only they change who sees it, or cancel it. */
export function openedBy(viewer: Viewer, alias: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(`${alias}.customer_id`)} = ${viewer.customerId}`
}
