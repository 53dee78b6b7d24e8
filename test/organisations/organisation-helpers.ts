import { sql } from 'kysely'
import { type Database } from '#db/database.ts'
import { addMember, createOrganisation, type OrganisationRole } from '#db/organisations.ts'
import { createCustomerAccount, sessionCookieFor, uniqueEmail } from '#test/support/fixtures.ts'

// Small helpers of the organisation tests: people, organisations, and what a request answered.

export type Person = Awaited<ReturnType<typeof createCustomerAccount>> & { name: string }

export async function person(db: Database, givenName: string): Promise<Person> {
  const created = await createCustomerAccount(db, {
    givenName,
    email: uniqueEmail(givenName.toLowerCase()),
  })
  return { ...created, name: `${givenName} Berg` }
}

/** An organisation with its owner and further members, by the system. */
export async function organisation(
  db: Database,
  name: string,
  owner: Person,
  members: [Person, OrganisationRole][] = [],
): Promise<string> {
  const by = { actor: { kind: 'system' as const }, channel: 'system' as const }
  const { id } = await createOrganisation(db, { name, ownerCustomerId: owner.customerId }, by)
  for (const [member, role] of members) {
    await addMember(db, { organisationId: id, customerId: member.customerId, role, ...by })
  }
  return id
}

export function cookieFor(who: Person, actingFor: string | null = null): Promise<string> {
  return sessionCookieFor(who.accountId, { actingFor })
}

export interface Answer {
  status: number
  data: unknown
  location: string | null
  headers: Headers | null
}

/** What a loader or action answered: a data() value, a Response returned, or one thrown. */
export async function answerOf(run: () => Promise<unknown>): Promise<Answer> {
  let result: unknown
  try {
    result = await run()
  } catch (error) {
    if (!(error instanceof Response)) throw error
    result = error
  }
  if (result instanceof Response) {
    return {
      status: result.status,
      data: null,
      location: result.headers.get('Location'),
      headers: result.headers,
    }
  }
  const value = result as { data: unknown; init?: { status?: number; headers?: HeadersInit } }
  return {
    status: value.init?.status ?? 200,
    data: value.data,
    location: null,
    headers: value.init?.headers ? new Headers(value.init.headers) : null,
  }
}

/** Rows of the consent tables, as text: nothing organisation-related may change them. */
export async function consentSnapshot(db: Database): Promise<string> {
  const { rows } = await sql<{ text: string }>`
    select coalesce((select string_agg(t::text, '|' order by t::text) from consent_ledger t), '')
      || '#' || coalesce((select string_agg(t::text, '|' order by t::text) from consent_current t), '')
      as text`.execute(db)
  return rows[0]?.text ?? ''
}

export async function historyOf(db: Database, organisationId: string) {
  return db
    .selectFrom('organisation_history')
    .select([
      'action',
      'subject_customer_id',
      'actor_kind',
      'actor_id',
      'channel',
      'before',
      'after',
    ])
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute()
}

export async function sessionsOf(db: Database, accountId: string) {
  return db
    .selectFrom('sessions')
    .select(['id', 'active_organisation_id'])
    .where('account_id', '=', accountId)
    .execute()
}
