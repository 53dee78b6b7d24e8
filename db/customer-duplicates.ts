import { type Kysely, sql } from 'kysely'
import { isUuid } from './ids.ts'
import type { DB } from './schema.ts'

// Possible duplicate customers for supervisors: two active records with the same email address
// (any of their addresses or the sign-in one, letter case ignored), the same phone number, or a
// very similar name with an address in the same postcode.
//
// Every pair is found from its "anchor", the record with the smaller id, by index lookups only
// (customer_emails_email, accounts_email_key, customer_phones_e164, customers_name_trgm), so the
// work grows with the records looked at, never with their square. A page looks at a bounded
// window of anchors: with few duplicates in a big table a page may come back short, with a link
// to look further, instead of reading the whole table to fill itself.

export type DuplicateReason =
  | { kind: 'email'; email: string }
  | { kind: 'phone'; e164: string }
  | { kind: 'name'; similarity: number; postalCode: string }

export interface DuplicateSide {
  id: string
  customerNumber: string
  givenName: string
  familyName: string
  preferredName: string | null
  createdAt: Date
  hasAccount: boolean
}

export interface DuplicatePair {
  /** The record suggested to survive: the one with a sign-in, else the older one. */
  survivor: DuplicateSide
  duplicate: DuplicateSide
  reasons: DuplicateReason[]
}

/**
 * "Very similar": at 0.6 "Anna Berg" matches "Ana Berg" and "Anna Bergh", while two people of
 * one household ("Anna Berg", "Johan Berg", 0.31) do not. pg_trgm's default of 0.3 would list
 * every couple sharing a surname and a postcode.
 */
export const NAME_SIMILARITY_THRESHOLD = 0.6

/**
 * How many anchors one page looks at, at most: bounds the work of a page whatever the table.
 * Each anchor costs one trigram lookup (about 5 ms on 20,000 bench customers on PostgreSQL 15,
 * whose names repeat a lot), so a page stays around a second or two.
 */
export const ANCHOR_WINDOW = 100

const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff'

interface PairCursor {
  anchorId: string
  partnerId: string
}

export function encodePairCursor(cursor: PairCursor): string {
  return Buffer.from(`${cursor.anchorId}|${cursor.partnerId}`).toString('base64url')
}

/** Null for anything malformed: a tampered cursor shows the first page, never an error. */
export function decodePairCursor(value: string | null | undefined): PairCursor | null {
  if (!value || value.length > 200) return null
  const [anchorId, partnerId, extra] = Buffer.from(value, 'base64url').toString('utf8').split('|')
  if (extra !== undefined || !anchorId || !partnerId) return null
  if (!isUuid(anchorId) || !isUuid(partnerId)) return null
  return { anchorId: anchorId.toLowerCase(), partnerId: partnerId.toLowerCase() }
}

/** The postcode as compared: upper case, no spaces ("118 46" = "11846", "d08 vf8h" = "D08VF8H"). */
function normalisedPostcode(column: string) {
  return sql<string>`upper(regexp_replace(${sql.ref(column)}, '\\s', '', 'g'))`
}

/**
 * The candidate pairs whose anchor lies in one window, as one statement (exported so a test can
 * EXPLAIN exactly what runs). Run it inside a transaction that set pg_trgm's threshold (see
 * listDuplicateCandidates): the `%` below is what the trigram index serves.
 */
export function duplicateCandidatesQuery(options: {
  after: PairCursor | null
  limit: number
  window: number
}) {
  const after = options.after
  // The first page starts at the lowest id; a later one at its cursor's anchor, whose pairs up
  // to the cursor's partner were shown already.
  const anchorFrom = after ? sql`a.id >= ${after.anchorId}::uuid` : sql`true`
  const pairAfter = after
    ? sql`(m.anchor_id, m.partner_id) > (${after.anchorId}::uuid, ${after.partnerId}::uuid)`
    : sql`true`
  const aPostcode = normalisedPostcode('x.postal_code')
  const bPostcode = normalisedPostcode('y.postal_code')

  return sql<CandidateRow>`
    with anchors as materialized (
      select a.id, a.given_name, a.family_name
      from customers a
      where ${anchorFrom} and a.status = 'active'
      order by a.id
      limit ${options.window}
    ),
    matches as (
      select a.id as anchor_id, found.partner_id, found.kind, found.detail, found.score
      from anchors a
      cross join lateral (
        -- Same address, letter case ignored: each of the anchor's addresses (its own and its
        -- sign-in's) looked up in everyone's, by the lower(email) indexes.
        select e.customer_id as partner_id, 'email' as kind, mine.email as detail,
          null::real as score
        from (
          select lower(own.email) as email from customer_emails own where own.customer_id = a.id
          union
          select lower(acc.email) from accounts acc where acc.customer_id = a.id
        ) mine
        join customer_emails e on lower(e.email) = mine.email
        where e.customer_id > a.id
        union all
        select theirs.customer_id, 'email', theirs.email, null::real
        from (
          select acc.customer_id, mine.email
          from (
            select lower(own.email) as email from customer_emails own where own.customer_id = a.id
            union
            select lower(acc.email) from accounts acc where acc.customer_id = a.id
          ) mine
          join accounts acc on lower(acc.email) = mine.email
          -- OFFSET 0: looked up by address, not by walking the ids above the anchor.
          offset 0
        ) theirs
        where theirs.customer_id > a.id
        union all
        select p.customer_id, 'phone', p.e164, null::real
        from customer_phones own
        join customer_phones p on p.e164 = own.e164
        where own.customer_id = a.id and p.customer_id > a.id
        union all
        select alike.id, 'name', alike.postal_code, alike.score
        from (
          -- The expression must stay identical to the one indexed by customers_name_trgm.
          -- OFFSET 0 keeps this a subquery of its own: names first, through the trigram index,
          -- then the postcode of each (few) similar name. Joined the other way round, the
          -- planner would compare the anchor with everyone in its country.
          select c.id,
            similarity(lower(c.given_name || ' ' || c.family_name),
                       lower(a.given_name || ' ' || a.family_name)) as score,
            (select ${bPostcode}
             from customer_addresses y
             join customer_addresses x on x.customer_id = a.id and x.removed_at is null
               and x.country_code = y.country_code and ${aPostcode} = ${bPostcode}
             where y.customer_id = c.id and y.removed_at is null
             limit 1) as postal_code
          from customers c
          where lower(c.given_name || ' ' || c.family_name) % lower(a.given_name || ' ' || a.family_name)
            and c.status = 'active'
          offset 0
        ) alike
        where alike.id > a.id and alike.postal_code is not null
      ) found
    ),
    pairs as (
      select m.anchor_id, m.partner_id,
        min(m.detail) filter (where m.kind = 'email') as email,
        min(m.detail) filter (where m.kind = 'phone') as phone,
        min(m.detail) filter (where m.kind = 'name') as postal_code,
        max(m.score) filter (where m.kind = 'name') as similarity
      from matches m
      join customers partner on partner.id = m.partner_id and partner.status = 'active'
      where ${pairAfter}
      group by m.anchor_id, m.partner_id
    )
    select p.anchor_id, p.partner_id, p.email, p.phone, p.postal_code,
      p.similarity::float8 as similarity,
      (select id from anchors order by id desc limit 1) as window_end,
      (select count(*) from anchors)::int as window_size
    from pairs p
    order by p.anchor_id, p.partner_id
    limit ${options.limit + 1}`
}

interface CandidateRow {
  anchor_id: string
  partner_id: string
  email: string | null
  phone: string | null
  postal_code: string | null
  similarity: number | null
  window_end: string | null
  window_size: number
}

/**
 * Settings for the candidates query, local to the caller's transaction. The trigram index then
 * prunes at "very similar" already. And the planner cannot estimate how many names a `%` with
 * a per-anchor argument matches; it guesses 1% and walks the whole table for every anchor
 * (80 ms each on 20,000 customers, growing with the table) where the index takes 5 ms.
 */
export async function prepareDuplicateSearch(trx: Kysely<DB>): Promise<void> {
  if (!trx.isTransaction) throw new Error('prepareDuplicateSearch needs a transaction')
  await sql`select set_config('pg_trgm.similarity_threshold', ${String(NAME_SIMILARITY_THRESHOLD)}, true)`.execute(
    trx,
  )
  await sql`set local enable_seqscan = off`.execute(trx)
  // The inflated estimates would otherwise make PostgreSQL compile the query (JIT), which costs
  // more than the few index lookups it runs.
  await sql`set local jit = off`.execute(trx)
}

/** The anchors a page looked at, when the page found no pair to carry that information. */
async function windowOf(db: Kysely<DB>, from: string, window: number) {
  const { rows } = await sql<{ window_end: string | null; window_size: number }>`
    select (array_agg(a.id order by a.id desc))[1] as window_end, count(*)::int as window_size
    from (
      select id from customers where id >= ${from}::uuid and status = 'active'
      order by id limit ${window}
    ) a`.execute(db)
  return rows[0] ?? { window_end: null, window_size: 0 }
}

/**
 * One page of possible duplicates, each pair once, with the reasons it was matched. `nextCursor`
 * continues where this page stopped: after its last pair when the page is full, else after the
 * last record it looked at (null once every record has been looked at).
 */
export async function listDuplicateCandidates(
  db: Kysely<DB>,
  options: { after?: string | null; limit: number; window?: number },
): Promise<{ items: DuplicatePair[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(options.limit, 100))
  const window = Math.max(1, options.window ?? ANCHOR_WINDOW)
  const after = decodePairCursor(options.after)
  const rows = await db.transaction().execute(async (trx) => {
    await prepareDuplicateSearch(trx)
    const { rows } = await duplicateCandidatesQuery({ after, limit, window }).execute(trx)
    return rows
  })

  const shown = rows.slice(0, limit)
  let nextCursor: string | null = null
  const last = shown.at(-1)
  if (rows.length > limit && last) {
    nextCursor = encodePairCursor({ anchorId: last.anchor_id, partnerId: last.partner_id })
  } else {
    const seen =
      rows[0] ??
      (await windowOf(db, after?.anchorId ?? '00000000-0000-0000-0000-000000000000', window))
    // A full window means more records may follow; continue after the last one looked at.
    if (seen.window_size >= window && seen.window_end) {
      nextCursor = encodePairCursor({ anchorId: seen.window_end, partnerId: MAX_UUID })
    }
  }

  const sides = await loadSides(db, [
    ...new Set(shown.flatMap((row) => [row.anchor_id, row.partner_id])),
  ])
  const items: DuplicatePair[] = []
  for (const row of shown) {
    const first = sides.get(row.anchor_id)
    const second = sides.get(row.partner_id)
    if (!first || !second) continue
    const reasons: DuplicateReason[] = []
    if (row.email) reasons.push({ kind: 'email', email: row.email })
    if (row.phone) reasons.push({ kind: 'phone', e164: row.phone })
    if (row.postal_code && row.similarity !== null) {
      reasons.push({
        kind: 'name',
        similarity: Math.round(row.similarity * 100) / 100,
        postalCode: row.postal_code,
      })
    }
    const [survivor, duplicate] = suggestSurvivor(first, second)
    items.push({ survivor, duplicate, reasons })
  }
  return { items, nextCursor }
}

/** The one with a sign-in survives (its owner keeps signing in as before), else the older. */
export function suggestSurvivor(
  a: DuplicateSide,
  b: DuplicateSide,
): [DuplicateSide, DuplicateSide] {
  if (a.hasAccount !== b.hasAccount) return a.hasAccount ? [a, b] : [b, a]
  return b.createdAt < a.createdAt ? [b, a] : [a, b]
}

async function loadSides(db: Kysely<DB>, ids: string[]): Promise<Map<string, DuplicateSide>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('customers')
    .leftJoin('accounts', 'accounts.customer_id', 'customers.id')
    .select([
      'customers.id',
      'customers.customer_number as customerNumber',
      'customers.given_name as givenName',
      'customers.family_name as familyName',
      'customers.preferred_name as preferredName',
      'customers.created_at as createdAt',
      'accounts.id as accountId',
    ])
    .where('customers.id', 'in', ids)
    .execute()
  return new Map(
    rows.map(({ accountId, ...row }) => [row.id, { ...row, hasAccount: accountId !== null }]),
  )
}
