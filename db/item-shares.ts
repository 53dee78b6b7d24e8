import { type Kysely, type RawBuilder, sql } from 'kysely'
import { DomainError, InvalidStateError, NotFoundError } from './errors.ts'
import { type Actor, type HistoryChannel, recordHistory } from './history.ts'
import { isUuid } from './ids.ts'
import {
  type ItemKind,
  type ItemVisibility,
  openedBy,
  type Viewer,
  visibleTo,
} from './item-visibility.ts'
import type { DB } from './schema.ts'

// Who sees an order, a request or a ticket of an organisation besides the person who opened it:
// nobody ('private'), the colleagues named in item_shares ('named'), or every member
// ('organisation'). The rule that reads this is `visibleTo` in db/item-visibility.ts; this file
// writes it, and lists the colleagues a person may name.

export interface Colleague {
  customerId: string
  name: string
}

export interface ItemSharing {
  visibility: ItemVisibility
  sharedWith: Colleague[]
}

/**
 * Some of the people to share with are not (or no longer) members of the item's organisation,
 * or 'named' was chosen without naming anyone. `reason` is a translation key for the form.
 */
export class InvalidColleagueError extends DomainError {
  override name = 'InvalidColleagueError'
  readonly reason = 'sharing:errors.invalidColleague'
  readonly customerIds: string[]

  constructor(customerIds: string[]) {
    super(`not current colleagues: ${customerIds.join(', ') || '(none named)'}`)
    this.customerIds = customerIds
  }
}

/** Only the person who opened an item changes who sees it, cancels or closes it (403). */
export class NotOpenerError extends DomainError {
  override name = 'NotOpenerError'
  readonly kind: ItemKind
  readonly id: string

  constructor(kind: ItemKind, id: string) {
    super(`only the person who opened ${kind} ${id} may do this`)
    this.kind = kind
    this.id = id
  }
}

/** A personal item (no organisation) is always private: there is nobody to share it with. */
export class PersonalItemError extends InvalidStateError {
  override name = 'PersonalItemError'

  constructor() {
    super('sharing:errors.personalItem')
  }
}

const tableOf = {
  order: 'orders',
  request: 'requests',
  ticket: 'tickets',
} as const satisfies Record<ItemKind, keyof DB>

/**
 * A person's name as colleagues see it: the preferred (else given) name and the family name,
 * like the staff pages show a customer. `alias` is a customers row.
 */
export function customerDisplayName(alias: string): RawBuilder<string> {
  return sql<string>`coalesce(${sql.ref(`${alias}.preferred_name`)}, ${sql.ref(
    `${alias}.given_name`,
  )}) || ' ' || ${sql.ref(`${alias}.family_name`)}`
}

/** The organisation's current members other than `exceptCustomerId`, by name: whom one may name. */
export async function listShareableColleagues(
  db: Kysely<DB>,
  organisationId: string,
  exceptCustomerId: string,
): Promise<Colleague[]> {
  if (!isUuid(organisationId)) return []
  const rows = await db
    .selectFrom('organisation_members as m')
    .innerJoin('customers as c', 'c.id', 'm.customer_id')
    .select(['m.customer_id as customerId', customerDisplayName('c').as('name')])
    .where('m.organisation_id', '=', organisationId)
    .where('m.removed_at', 'is', null)
    .$if(isUuid(exceptCustomerId), (qb) => qb.where('m.customer_id', '<>', exceptCustomerId))
    .orderBy('name')
    .orderBy('m.customer_id')
    .execute()
  return rows
}

export interface SharingChoices {
  /** What a new item of this organisation starts as (owners choose it). */
  defaultVisibility: ItemVisibility
  /** The organisation's other current members, whom one may name. */
  colleagues: Colleague[]
}

/**
 * What a form for a new item offers while acting for the organisation: its default visibility
 * and the colleagues one may name. Null for an unknown organisation. Two statements side by side.
 */
export async function getSharingChoices(
  db: Kysely<DB>,
  organisationId: string,
  exceptCustomerId: string,
): Promise<SharingChoices | null> {
  if (!isUuid(organisationId)) return null
  const [organisation, colleagues] = await Promise.all([
    db
      .selectFrom('organisations')
      .select('default_visibility as defaultVisibility')
      .where('id', '=', organisationId)
      .executeTakeFirst(),
    listShareableColleagues(db, organisationId, exceptCustomerId),
  ])
  if (!organisation) return null
  return { defaultVisibility: organisation.defaultVisibility, colleagues }
}

/** The named colleagues of several items at once (one statement), by item id. */
export async function listSharedWith(
  db: Kysely<DB>,
  kind: ItemKind,
  itemIds: readonly string[],
): Promise<Map<string, Colleague[]>> {
  const byItem = new Map<string, Colleague[]>()
  const ids = itemIds.filter(isUuid)
  if (ids.length === 0) return byItem
  const rows = await db
    .selectFrom('item_shares as s')
    .innerJoin('customers as c', 'c.id', 's.customer_id')
    .select([
      's.item_id as itemId',
      's.customer_id as customerId',
      customerDisplayName('c').as('name'),
    ])
    .where('s.item_kind', '=', kind)
    .where('s.item_id', 'in', ids)
    .orderBy('name')
    .orderBy('s.customer_id')
    .execute()
  for (const row of rows) {
    const list = byItem.get(row.itemId) ?? []
    list.push({ customerId: row.customerId, name: row.name })
    byItem.set(row.itemId, list)
  }
  return byItem
}

/**
 * Who sees the item besides its opener. Callers check that the viewer may see the item first;
 * an unknown id throws NotFoundError. Two statements run side by side.
 */
export async function getItemSharing(
  db: Kysely<DB>,
  kind: ItemKind,
  itemId: string,
): Promise<ItemSharing> {
  if (!isUuid(itemId)) throw new NotFoundError(kind, itemId)
  const [item, shared] = await Promise.all([
    db
      .selectFrom(`${tableOf[kind]} as i` as 'tickets as i')
      .select('i.visibility')
      .where('i.id', '=', itemId)
      .executeTakeFirst(),
    listSharedWith(db, kind, [itemId]),
  ])
  if (!item) throw new NotFoundError(kind, itemId)
  return {
    visibility: item.visibility,
    sharedWith: item.visibility === 'named' ? (shared.get(itemId) ?? []) : [],
  }
}

export interface WriteSharingInput {
  kind: ItemKind
  itemId: string
  /** The item's organisation; null for a personal item, which can only be private. */
  organisationId: string | null
  visibility: ItemVisibility
  /** The colleagues for 'named'; ignored otherwise. */
  customerIds: readonly string[]
  /** The account that names them. */
  addedBy: string | null
  /** The item's opener: never listed, they see it anyway. */
  openerCustomerId?: string
}

/**
 * Sets the item's visibility and replaces its named colleagues. Writes no history: call it
 * inside the transaction that creates the item, or through `changeSharing`. Throws
 * InvalidColleagueError if a named person is not a current member of the organisation (or
 * 'named' names nobody), PersonalItemError if a personal item is to be shared.
 */
export async function writeSharing(trx: Kysely<DB>, input: WriteSharingInput): Promise<void> {
  const { kind, itemId, organisationId, visibility } = input
  if (organisationId === null && visibility !== 'private') throw new PersonalItemError()
  const named =
    visibility === 'named'
      ? [...new Set(input.customerIds)].filter((id) => id !== input.openerCustomerId)
      : []
  if (visibility === 'named') {
    if (named.length === 0) throw new InvalidColleagueError([])
    const malformed = named.filter((id) => !isUuid(id))
    if (malformed.length > 0) throw new InvalidColleagueError(malformed)
    const members = await trx
      .selectFrom('organisation_members')
      .select('customer_id')
      .where('organisation_id', '=', organisationId)
      .where('removed_at', 'is', null)
      .where('customer_id', 'in', named)
      .execute()
    const current = new Set(members.map((member) => member.customer_id))
    const strangers = named.filter((id) => !current.has(id))
    if (strangers.length > 0) throw new InvalidColleagueError(strangers)
  }

  await trx
    .updateTable(`${tableOf[kind]} as i` as 'tickets as i')
    .set({ visibility })
    .where('i.id', '=', itemId)
    .execute()
  await trx
    .deleteFrom('item_shares')
    .where('item_kind', '=', kind)
    .where('item_id', '=', itemId)
    .execute()
  if (named.length > 0) {
    await trx
      .insertInto('item_shares')
      .values(
        named.map((customerId) => ({
          item_kind: kind,
          item_id: itemId,
          customer_id: customerId,
          added_by: input.addedBy,
        })),
      )
      .execute()
  }
}

export interface ChangeSharingInput {
  kind: ItemKind
  itemId: string
  viewer: Viewer
  visibility: ItemVisibility
  customerIds: readonly string[]
  actor: Actor
  channel: HistoryChannel
}

/**
 * The opener changes who sees their item: visibility, named colleagues and one 'sharing_changed'
 * history row (before/after with the colleagues' names), in one transaction. An item the viewer
 * cannot see throws NotFoundError; one they see but did not open, NotOpenerError.
 */
export async function changeSharing(
  db: Kysely<DB>,
  input: ChangeSharingInput,
): Promise<ItemSharing> {
  const { kind, itemId, viewer } = input
  if (!isUuid(itemId)) throw new NotFoundError(kind, itemId)
  const work = async (trx: Kysely<DB>) => {
    const item = await trx
      .selectFrom(`${tableOf[kind]} as i` as 'tickets as i')
      .select(['i.id', 'i.customer_id as customerId', 'i.organisation_id as organisationId'])
      .select(openedBy(viewer, 'i').as('isOpener'))
      .where('i.id', '=', itemId)
      .where(visibleTo(viewer, kind, 'i'))
      .forUpdate()
      .executeTakeFirst()
    if (!item) throw new NotFoundError(kind, itemId)
    if (!item.isOpener) throw new NotOpenerError(kind, itemId)

    const before = await getItemSharing(trx, kind, itemId)
    await writeSharing(trx, {
      kind,
      itemId,
      organisationId: item.organisationId,
      visibility: input.visibility,
      customerIds: input.customerIds,
      addedBy:
        input.actor.kind === 'customer' || input.actor.kind === 'staff' ? input.actor.id : null,
      openerCustomerId: item.customerId,
    })
    const after = await getItemSharing(trx, kind, itemId)
    const names = (sharing: ItemSharing) => sharing.sharedWith.map((colleague) => colleague.name)
    if (
      before.visibility !== after.visibility ||
      JSON.stringify(names(before)) !== JSON.stringify(names(after)) ||
      JSON.stringify(before.sharedWith.map((c) => c.customerId)) !==
        JSON.stringify(after.sharedWith.map((c) => c.customerId))
    ) {
      await recordHistory(trx, {
        customerId: item.customerId,
        entityType: kind,
        entityId: itemId,
        action: 'sharing_changed',
        actor: input.actor,
        channel: input.channel,
        before: { visibility: before.visibility, sharedWith: names(before) },
        after: { visibility: after.visibility, sharedWith: names(after) },
      })
    }
    return after
  }
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}
