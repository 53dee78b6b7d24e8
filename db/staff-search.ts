import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js'
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { DB } from './schema.ts'

// Staff customer search: one box for a name, an email, a phone, or a customer, order or ticket
// number. Exact identifiers rank first; names match fuzzily through pg_trgm. The same box finds
// organisations by name, customer number or registration (VAT) number (organisationSearchQuery).

export const SEARCH_MATCH_KINDS = ['number', 'email', 'phone', 'name'] as const
export type SearchMatchKind = (typeof SEARCH_MATCH_KINDS)[number]

/** Numbers typed without a country code are read as Swedish, the home market. */
export const DEFAULT_PHONE_REGION: CountryCode = 'SE'

/** Below this, a name search would match almost everyone: exact fields only. */
export const FUZZY_MINIMUM_LENGTH = 3

const MAX_TERM_LENGTH = 200
const IDENTIFIER = /^[COT]\d{1,18}$/i
const PHONE_LIKE = /^\+?[\d\s().-]{6,30}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// Float4 text as PostgreSQL prints it (shortest exact form), so a cursor compares exactly.
const REAL = /^(0|1|0?\.\d{1,12}|\d\.\d{1,12}(e-\d{1,2})?|\de-\d{1,2})$/

export interface SearchResult {
  id: string
  customerNumber: string
  givenName: string
  familyName: string
  preferredName: string | null
  status: string
  primaryEmail: string | null
  city: string | null
  countryCode: string | null
  matchedBy: SearchMatchKind
}

interface SearchCursor {
  rank: number
  similarity: string
  id: string
}

/** E.164 for a phone typed in any usual format, or null if the term is not a phone number. */
export function normalisePhone(term: string): string | null {
  if (!PHONE_LIKE.test(term) || (term.match(/\d/g)?.length ?? 0) < 6) return null
  const parsed = term.startsWith('+')
    ? parsePhoneNumberFromString(term)
    : parsePhoneNumberFromString(term, DEFAULT_PHONE_REGION)
  return parsed?.isPossible() ? parsed.number : null
}

export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(`${cursor.rank}|${cursor.similarity}|${cursor.id}`).toString('base64url')
}

/** Null for anything malformed: a tampered cursor shows the first page, never an error. */
export function decodeSearchCursor(value: string | null | undefined): SearchCursor | null {
  if (!value || value.length > 200) return null
  const [rank, similarity, id, extra] = Buffer.from(value, 'base64url').toString('utf8').split('|')
  if (extra !== undefined || !rank || !similarity || !id) return null
  if (!/^[01]$/.test(rank) || !REAL.test(similarity) || !UUID.test(id)) return null
  return { rank: Number(rank), similarity, id }
}

/**
 * The search as one statement (exported so a test can EXPLAIN exactly what runs). Null when the
 * term can match nothing (empty, or too short for anything but an exact field it is not).
 */
export function customerSearchQuery(
  rawTerm: string,
  options: { after?: SearchCursor | null; limit: number },
): RawBuilder<SearchRow> | null {
  const term = rawTerm.trim().slice(0, MAX_TERM_LENGTH)
  if (term === '') return null
  const parts: RawBuilder<unknown>[] = []

  if (IDENTIFIER.test(term)) {
    const number = term.toUpperCase()
    if (number.startsWith('C')) {
      parts.push(sql`select id as customer_id, 0 as kind, 1::real as similarity
        from customers where customer_number = ${number}`)
    } else if (number.startsWith('O')) {
      parts.push(sql`select customer_id, 0 as kind, 1::real as similarity
        from orders where order_number = ${number}`)
    } else {
      parts.push(sql`select customer_id, 0 as kind, 1::real as similarity
        from tickets where ticket_number = ${number}`)
    }
  }
  if (term.includes('@')) {
    parts.push(sql`select customer_id, 1 as kind, 1::real as similarity
      from customer_emails where lower(email) = lower(${term})`)
    parts.push(sql`select customer_id, 1 as kind, 1::real as similarity
      from accounts where lower(email) = lower(${term}) and customer_id is not null`)
  }
  const phone = normalisePhone(term)
  if (phone) {
    parts.push(sql`select customer_id, 2 as kind, 1::real as similarity
      from customer_phones where e164 = ${phone}`)
  }
  if (term.length >= FUZZY_MINIMUM_LENGTH && !IDENTIFIER.test(term) && !phone) {
    // The expression must stay identical to the one indexed by customers_name_trgm.
    parts.push(sql`select id as customer_id, 3 as kind,
        similarity(lower(given_name || ' ' || family_name), lower(${term})) as similarity
      from customers where lower(given_name || ' ' || family_name) % lower(${term})`)
  }
  if (parts.length === 0) return null

  const after = options.after
    ? sql`where (ranked.rank, -ranked.similarity, ranked.customer_id) >
        (${options.after.rank}::int, -(${options.after.similarity}::real), ${options.after.id}::uuid)`
    : sql``

  return sql<SearchRow>`
    with matches as (${sql.join(parts, sql` union all `)}),
    -- Grouped rather than DISTINCT ON: a hash aggregate needs no id order, which would tempt the
    -- planner into walking the primary key instead of the trigram index.
    best as (
      select customer_id, min(kind) as kind, max(similarity) as similarity
      from matches
      group by customer_id
    ),
    ranked as (
      select customer_id, case when kind = 3 then 1 else 0 end as rank, similarity,
        (array['number', 'email', 'phone', 'name'])[kind + 1] as matched_by
      from best
    )
    select c.id, c.customer_number, c.given_name, c.family_name, c.preferred_name, c.status,
      ranked.rank, ranked.similarity::text as similarity, ranked.matched_by,
      (select e.email from customer_emails e
        where e.customer_id = c.id order by e.is_primary desc, e.created_at limit 1) as primary_email,
      address.city, address.country_code
    from ranked
    -- A merged duplicate lives on in its survivor, which the search finds by its own details.
    join customers c on c.id = ranked.customer_id and c.status <> 'merged'
    left join lateral (
      select a.city, a.country_code from customer_addresses a
      where a.customer_id = c.id and a.removed_at is null
      order by a.is_default_shipping desc, a.is_default_billing desc, a.created_at
      limit 1
    ) address on true
    ${after}
    order by ranked.rank, ranked.similarity desc, ranked.customer_id
    limit ${options.limit + 1}`
}

interface SearchRow {
  id: string
  customer_number: string
  given_name: string
  family_name: string
  preferred_name: string | null
  status: string
  rank: number
  similarity: string
  matched_by: SearchMatchKind
  primary_email: string | null
  city: string | null
  country_code: string | null
}

/** One page of customers matching the term, best first; `after` is the previous page's cursor. */
export async function searchCustomers(
  db: Kysely<DB>,
  term: string,
  options: { after?: string | null; limit: number },
): Promise<{ items: SearchResult[]; nextCursor: string | null }> {
  const query = customerSearchQuery(term, {
    after: decodeSearchCursor(options.after),
    limit: options.limit,
  })
  if (!query) return { items: [], nextCursor: null }
  const { rows } = await query.execute(db)
  const shown = rows.slice(0, options.limit)
  const last = shown.at(-1)
  return {
    items: shown.map((row) => ({
      id: row.id,
      customerNumber: row.customer_number,
      givenName: row.given_name,
      familyName: row.family_name,
      preferredName: row.preferred_name,
      status: row.status,
      primaryEmail: row.primary_email,
      city: row.city,
      countryCode: row.country_code,
      matchedBy: row.matched_by,
    })),
    nextCursor:
      rows.length > options.limit && last
        ? encodeSearchCursor({ rank: Number(last.rank), similarity: last.similarity, id: last.id })
        : null,
  }
}

// Organisations (business customers) by name, customer number (B...) or registration/VAT number.
// Few enough to show on the first page above the people, never paged.

export const ORGANISATION_MATCH_KINDS = ['number', 'registration', 'name'] as const
export type OrganisationMatchKind = (typeof ORGANISATION_MATCH_KINDS)[number]

export interface OrganisationSearchResult {
  id: string
  customerNumber: string
  name: string
  legalName: string | null
  registrationNumber: string | null
  memberCount: number
  matchedBy: OrganisationMatchKind
}

const ORGANISATION_NUMBER = /^B\d{1,18}$/i
/** A registration or VAT number as typed: letters and digits, with the usual separators. */
const REGISTRATION_LIKE = /^[A-Za-z]{0,4}[\s./-]?\d[\dA-Za-z\s./-]{3,40}$/

/** Letters and digits only, upper case: "se 556677-8899 01" and "SE556677889901" are one. */
export function normaliseRegistrationNumber(term: string): string | null {
  if (!REGISTRATION_LIKE.test(term)) return null
  const compact = term.replace(/[\s./-]/g, '').toUpperCase()
  return /^[A-Z0-9]{4,40}$/.test(compact) ? compact : null
}

/**
 * The organisation search as one statement; null when the term can match nothing. Names match
 * by trigram word similarity (`<%`, served by organisations_name_trgm), so "Lind" finds
 * "Lind & Co Interiors AB" as well as a misspelt "Nordlict".
 */
export function organisationSearchQuery(
  rawTerm: string,
  options: { limit: number },
): RawBuilder<OrganisationSearchRow> | null {
  const term = rawTerm.trim().slice(0, MAX_TERM_LENGTH)
  if (term === '') return null
  const parts: RawBuilder<unknown>[] = []
  if (ORGANISATION_NUMBER.test(term)) {
    parts.push(sql`select id as organisation_id, 0 as kind, 1::real as similarity
      from organisations where customer_number = ${term.toUpperCase()}`)
  }
  const registration = normaliseRegistrationNumber(term)
  if (registration) {
    parts.push(sql`select id as organisation_id, 1 as kind, 1::real as similarity
      from organisations
      where upper(regexp_replace(registration_number, '[^A-Za-z0-9]', '', 'g')) = ${registration}`)
  }
  if (term.length >= FUZZY_MINIMUM_LENGTH && !ORGANISATION_NUMBER.test(term)) {
    // The expression must stay identical to the one indexed by organisations_name_trgm.
    parts.push(sql`select id as organisation_id, 2 as kind,
        word_similarity(lower(${term}), lower(name)) as similarity
      from organisations where lower(${term}) <% lower(name)`)
  }
  if (parts.length === 0) return null
  return sql<OrganisationSearchRow>`
    with matches as (${sql.join(parts, sql` union all `)}),
    best as (
      select organisation_id, min(kind) as kind, max(similarity) as similarity
      from matches
      group by organisation_id
    )
    select o.id, o.customer_number, o.name, o.legal_name, o.registration_number,
      (array['number', 'registration', 'name'])[best.kind + 1] as matched_by,
      (select count(*)::int from organisation_members m
        where m.organisation_id = o.id and m.removed_at is null) as member_count
    from best
    join organisations o on o.id = best.organisation_id
    order by best.kind, best.similarity desc, o.name, o.id
    limit ${options.limit}`
}

interface OrganisationSearchRow {
  id: string
  customer_number: string
  name: string
  legal_name: string | null
  registration_number: string | null
  matched_by: OrganisationMatchKind
  member_count: number
}

/** Organisations matching the term, best first (at most `limit`). */
export async function searchOrganisations(
  db: Kysely<DB>,
  term: string,
  options: { limit: number },
): Promise<OrganisationSearchResult[]> {
  const query = organisationSearchQuery(term, options)
  if (!query) return []
  const { rows } = await query.execute(db)
  return rows.map((row) => ({
    id: row.id,
    customerNumber: row.customer_number,
    name: row.name,
    legalName: row.legal_name,
    registrationNumber: row.registration_number,
    memberCount: Number(row.member_count),
    matchedBy: row.matched_by,
  }))
}
