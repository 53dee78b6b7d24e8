import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely'
import { NotFoundError } from './errors.ts'
import { isUuid } from './ids.ts'
import type { ItemKind, ItemVisibility, OrganisationRole } from './item-visibility.ts'
import {
  type OrganisationDetails,
  personName,
  updateOrganisationDetails,
  type VersionedOrganisationDetails,
} from './organisations.ts'
import type { DB, Orders, Requests, Tickets } from './schema.ts'

// Staff's side of organisations: everything that belongs to one, whatever its visibility (staff
// see all of it by role), a person's memberships for their 360 page, and the staff correction
// of an organisation's details through the same save the owners use.

/** Who opened an item, and with whom it is shared by name (for 'named'). */
export interface OrganisationItemOwnership {
  visibility: ItemVisibility
  openedBy: { customerId: string; name: string }
  sharedWith: string[]
}

export interface OrganisationOrder extends OrganisationItemOwnership {
  id: string
  orderNumber: string
  status: Selectable<Orders>['status']
  totalMinor: number
  currency: string
  placedAt: Date
}

export interface OrganisationRequest extends OrganisationItemOwnership {
  id: string
  requestNumber: string
  subject: string
  status: Selectable<Requests>['status']
  updatedAt: Date
}

export interface OrganisationTicket extends OrganisationItemOwnership {
  id: string
  ticketNumber: string
  subject: string
  status: Selectable<Tickets>['status']
  updatedAt: Date
}

export interface OrganisationItems {
  orders: OrganisationOrder[]
  requests: OrganisationRequest[]
  tickets: OrganisationTicket[]
}

/** The colleagues an item is shared with by name, as a JSON array of names, sorted. */
function sharedNames(kind: ItemKind, idColumn: string): RawBuilder<string[]> {
  return sql<string[]>`coalesce((
    select json_agg(${personName('shared')} order by ${personName('shared')})
    from item_shares s join customers shared on shared.id = s.customer_id
    where s.item_kind = ${kind} and s.item_id = ${sql.ref(idColumn)}
  ), '[]'::json)`
}

interface OwnershipRow {
  visibility: ItemVisibility
  openerId: string
  openerName: string
  sharedWith: string[] | string
}

function ownershipOf(row: OwnershipRow): OrganisationItemOwnership {
  return {
    visibility: row.visibility,
    openedBy: { customerId: row.openerId, name: row.openerName },
    // json is parsed by both drivers; a string would mean a driver that does not.
    sharedWith: typeof row.sharedWith === 'string' ? JSON.parse(row.sharedWith) : row.sharedWith,
  }
}

/**
 * The organisation's newest orders, requests and tickets (up to `limit` of each), private ones
 * included, each with who opened it and who it is shared with. Three statements.
 */
export async function listOrganisationItems(
  db: Kysely<DB>,
  organisationId: string,
  options: { limit: number },
): Promise<OrganisationItems> {
  if (!isUuid(organisationId)) return { orders: [], requests: [], tickets: [] }
  const limit = Math.max(1, Math.min(options.limit, 200))
  const [orders, requests, tickets] = await Promise.all([
    db
      .selectFrom('orders as i')
      .innerJoin('customers as c', 'c.id', 'i.customer_id')
      .select([
        'i.id',
        'i.order_number as orderNumber',
        'i.status',
        'i.total_minor as totalMinor',
        'i.currency',
        'i.placed_at as placedAt',
        'i.visibility',
        'i.customer_id as openerId',
        personName('c').as('openerName'),
        sharedNames('order', 'i.id').as('sharedWith'),
      ])
      .where('i.organisation_id', '=', organisationId)
      .orderBy('i.placed_at', 'desc')
      .orderBy('i.id', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('requests as i')
      .innerJoin('customers as c', 'c.id', 'i.customer_id')
      .select([
        'i.id',
        'i.request_number as requestNumber',
        'i.subject',
        'i.status',
        'i.updated_at as updatedAt',
        'i.visibility',
        'i.customer_id as openerId',
        personName('c').as('openerName'),
        sharedNames('request', 'i.id').as('sharedWith'),
      ])
      .where('i.organisation_id', '=', organisationId)
      .orderBy('i.created_at', 'desc')
      .orderBy('i.id', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('tickets as i')
      .innerJoin('customers as c', 'c.id', 'i.customer_id')
      .select([
        'i.id',
        'i.ticket_number as ticketNumber',
        'i.subject',
        'i.status',
        'i.updated_at as updatedAt',
        'i.visibility',
        'i.customer_id as openerId',
        personName('c').as('openerName'),
        sharedNames('ticket', 'i.id').as('sharedWith'),
      ])
      .where('i.organisation_id', '=', organisationId)
      .orderBy('i.created_at', 'desc')
      .orderBy('i.id', 'desc')
      .limit(limit)
      .execute(),
  ])
  return {
    orders: orders.map(({ openerId, openerName, sharedWith, visibility, ...order }) => ({
      ...order,
      ...ownershipOf({ openerId, openerName, sharedWith, visibility }),
    })),
    requests: requests.map(({ openerId, openerName, sharedWith, visibility, ...request }) => ({
      ...request,
      ...ownershipOf({ openerId, openerName, sharedWith, visibility }),
    })),
    tickets: tickets.map(({ openerId, openerName, sharedWith, visibility, ...ticket }) => ({
      ...ticket,
      ...ownershipOf({ openerId, openerName, sharedWith, visibility }),
    })),
  }
}

export interface CustomerOrganisation {
  organisationId: string
  name: string
  customerNumber: string
  role: OrganisationRole
  joinedAt: Date
  /** When the person left or was removed; null while they belong. */
  removedAt: Date | null
}

/** The organisations a person belongs or belonged to, current ones first: their 360 page. */
export async function listCustomerOrganisations(
  db: Kysely<DB>,
  customerId: string,
): Promise<CustomerOrganisation[]> {
  if (!isUuid(customerId)) return []
  return db
    .selectFrom('organisation_members as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select([
      'm.organisation_id as organisationId',
      'o.name',
      'o.customer_number as customerNumber',
      'm.role',
      'm.joined_at as joinedAt',
      'm.removed_at as removedAt',
    ])
    .where('m.customer_id', '=', customerId)
    .orderBy(sql`m.removed_at is null`, 'desc')
    .orderBy('o.name')
    .orderBy('m.joined_at', 'desc')
    .execute()
}

export interface TicketOrganisation {
  visibility: ItemVisibility
  organisation: { id: string; name: string; customerNumber: string } | null
  sharedWith: string[]
}

/** The organisation a ticket belongs to (if any), its visibility and its named colleagues. */
export async function getTicketOrganisation(
  db: Kysely<DB>,
  ticketId: string,
): Promise<TicketOrganisation | null> {
  if (!isUuid(ticketId)) return null
  const row = await db
    .selectFrom('tickets as t')
    .leftJoin('organisations as o', 'o.id', 't.organisation_id')
    .select([
      't.visibility',
      'o.id as organisationId',
      'o.name',
      'o.customer_number as customerNumber',
      sharedNames('ticket', 't.id').as('sharedWith'),
    ])
    .where('t.id', '=', ticketId)
    .executeTakeFirst()
  if (!row) return null
  return {
    visibility: row.visibility,
    organisation:
      row.organisationId && row.name && row.customerNumber
        ? { id: row.organisationId, name: row.name, customerNumber: row.customerNumber }
        : null,
    sharedWith:
      typeof row.sharedWith === 'string'
        ? (JSON.parse(row.sharedWith) as string[])
        : row.sharedWith,
  }
}

/**
 * A staff member's correction of the organisation's details: the owners' own save
 * (updateOrganisationDetails), with the staff member as actor through the staff channel, so the
 * change and its history row commit together and a stale version is refused with both sides.
 *
 * @returns whether anything changed
 * @throws NotFoundError, VersionConflictError<VersionedOrganisationDetails>
 */
export async function correctOrganisationDetails(
  db: Kysely<DB>,
  input: {
    organisationId: string
    expectedVersion: number
    changes: OrganisationDetails
    staffAccountId: string
  },
): Promise<boolean> {
  if (!isUuid(input.organisationId)) throw new NotFoundError('organisation', input.organisationId)
  const save = async (trx: Kysely<DB>) => {
    // Locked, so the version read here is the one the save starts from: a changed version after
    // the save then means this save changed the organisation, not someone else's.
    const before = await trx
      .selectFrom('organisations')
      .select('version')
      .where('id', '=', input.organisationId)
      .forUpdate()
      .executeTakeFirst()
    if (!before) throw new NotFoundError('organisation', input.organisationId)
    const saved: VersionedOrganisationDetails = await updateOrganisationDetails(trx, {
      organisationId: input.organisationId,
      expectedVersion: input.expectedVersion,
      changes: input.changes,
      actor: { kind: 'staff', id: input.staffAccountId },
      channel: 'staff',
    })
    return saved.version !== before.version
  }
  return db.isTransaction ? save(db) : db.transaction().execute(save)
}
