import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import {
  createCustomer,
  type CreateCustomerInput,
  getCustomerProfile,
  updateProfileDetails,
} from '#db/customers.ts'
import { NotFoundError, VersionConflictError } from '#db/errors.ts'
import type { Actor } from '#db/history.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { countRows, refusal } from './database-errors.ts'

const database = useTestDatabase()

// History rows name the account that acted; any id will do where no account row is needed.
const staff: Actor = { kind: 'staff', id: '00000000-0000-4000-8000-000000000001' }
const otherStaff: Actor = { kind: 'staff', id: '00000000-0000-4000-8000-000000000002' }

let emailCounter = 0
function newCustomer(overrides: Partial<CreateCustomerInput> = {}): CreateCustomerInput {
  emailCounter++
  return {
    givenName: 'Ingrid',
    familyName: 'Åkesson',
    language: 'en',
    timeZone: 'Europe/Stockholm',
    email: `ingrid.${emailCounter}@example.com`,
    phone: '+46701234567',
    ...overrides,
  }
}

async function historyOf(customerId: string) {
  return database.db
    .selectFrom('record_history')
    .select(['entity_type', 'action', 'actor_kind', 'actor_id', 'channel', 'before', 'after'])
    .where('customer_id', '=', customerId)
    .orderBy('id')
    .execute()
}

async function lastCustomerNumber(): Promise<number> {
  const { rows } = await sql<{ value: number }>`
    select last_value as value from customer_number_seq
  `.execute(database.db)
  return rows[0]?.value ?? 0
}

describe('a change and its history commit or fail together', () => {
  test('a failure later in the transaction takes the history row with it', async () => {
    const customersBefore = await countRows(database.db, 'customers')
    const historyBefore = await countRows(database.db, 'record_history')
    let createdId: string | undefined
    let historyInside: { entity_type: string; action: string }[] = []

    const attempt = database.db.transaction().execute(async (trx) => {
      const { id } = await createCustomer(trx, newCustomer(), staff, 'staff')
      createdId = id
      historyInside = await trx
        .selectFrom('record_history')
        .select(['entity_type', 'action'])
        .where('customer_id', '=', id)
        .execute()
      // A second primary address for the same customer: refused by a unique index.
      await trx
        .insertInto('customer_emails')
        .values({ customer_id: id, email: 'second@example.com', is_primary: true })
        .execute()
    })

    expect(await refusal(attempt)).toMatchObject({
      code: '23505',
      constraint: 'customer_emails_one_primary',
    })
    // Written inside the transaction before the failure...
    expect(historyInside).toContainEqual({ entity_type: 'customer', action: 'created' })
    expect(createdId).toBeDefined()
    // ...and gone with it.
    expect(await getCustomerProfile(database.db, createdId ?? '')).toBeNull()
    expect(await historyOf(createdId ?? '')).toEqual([])
    expect(await countRows(database.db, 'customers')).toBe(customersBefore)
    expect(await countRows(database.db, 'record_history')).toBe(historyBefore)
  })

  test('createCustomer given a plain handle rolls back its own half-written customer', async () => {
    const customersBefore = await countRows(database.db, 'customers')
    const historyBefore = await countRows(database.db, 'record_history')
    const numberBefore = await lastCustomerNumber()

    const error = await refusal(
      createCustomer(database.db, newCustomer({ email: 'not an email' }), staff, 'staff'),
    )

    expect(error).toMatchObject({ code: '23514', constraint: 'customer_emails_email_check' })
    // The customer row was written (its number was drawn) before the email failed...
    expect(await lastCustomerNumber()).toBe(numberBefore + 1)
    // ...and rolled back with everything else.
    expect(await countRows(database.db, 'customers')).toBe(customersBefore)
    expect(await countRows(database.db, 'customer_emails')).toBe(customersBefore)
    expect(await countRows(database.db, 'record_history')).toBe(historyBefore)
  })

  test('createCustomer records the creation of each part it wrote', async () => {
    const { id, customerNumber } = await createCustomer(
      database.db,
      newCustomer({ preferredName: 'Inge' }),
      staff,
      'staff',
    )
    const profile = await getCustomerProfile(database.db, id)
    expect(profile).toMatchObject({
      customerNumber,
      givenName: 'Ingrid',
      familyName: 'Åkesson',
      preferredName: 'Inge',
      version: 1,
      emails: [{ email: `ingrid.${emailCounter}@example.com`, isPrimary: true, verifiedAt: null }],
      phones: [{ e164: '+46701234567', kind: 'mobile', isPrimary: true }],
      addresses: [],
    })
    const history = await historyOf(id)
    expect(history.map((row) => [row.entity_type, row.action])).toEqual([
      ['customer', 'created'],
      ['email', 'added'],
      ['phone', 'added'],
      ['preferences', 'created'],
    ])
    expect(history[0]).toMatchObject({
      actor_kind: 'staff',
      actor_id: staff.id,
      channel: 'staff',
      before: null,
      after: {
        customerNumber,
        givenName: 'Ingrid',
        familyName: 'Åkesson',
        preferredName: 'Inge',
        language: 'en',
        timeZone: 'Europe/Stockholm',
      },
    })
  })
})

describe('updateProfileDetails', () => {
  async function details(customerId: string) {
    return database.db
      .selectFrom('customers')
      .select(['given_name', 'family_name', 'preferred_name', 'language', 'time_zone', 'version'])
      .where('id', '=', customerId)
      .executeTakeFirstOrThrow()
  }

  test('writes one history row with only the fields that changed', async () => {
    const { id } = await createCustomer(database.db, newCustomer(), staff, 'staff')
    const historyBefore = (await historyOf(id)).length

    const updated = await updateProfileDetails(database.db, {
      customerId: id,
      expectedVersion: 1,
      // givenName is sent unchanged, as a form sends every field.
      changes: { givenName: 'Ingrid', familyName: 'Åkesson-Berg', timeZone: 'Europe/Berlin' },
      actor: { kind: 'customer', id: '00000000-0000-4000-8000-00000000000c' },
      channel: 'portal',
    })

    expect(updated).toEqual({
      givenName: 'Ingrid',
      familyName: 'Åkesson-Berg',
      preferredName: null,
      legalName: null,
      language: 'en',
      timeZone: 'Europe/Berlin',
      version: 2,
    })
    expect(await details(id)).toEqual({
      given_name: 'Ingrid',
      family_name: 'Åkesson-Berg',
      preferred_name: null,
      language: 'en',
      time_zone: 'Europe/Berlin',
      version: 2,
    })
    const history = await historyOf(id)
    expect(history).toHaveLength(historyBefore + 1)
    expect(history.at(-1)).toEqual({
      entity_type: 'customer',
      action: 'details_changed',
      actor_kind: 'customer',
      actor_id: '00000000-0000-4000-8000-00000000000c',
      channel: 'portal',
      before: { family_name: 'Åkesson', time_zone: 'Europe/Stockholm' },
      after: { family_name: 'Åkesson-Berg', time_zone: 'Europe/Berlin' },
    })
  })

  test('saving the stored values again changes nothing', async () => {
    const { id } = await createCustomer(database.db, newCustomer(), staff, 'staff')
    const historyBefore = await historyOf(id)

    const result = await updateProfileDetails(database.db, {
      customerId: id,
      expectedVersion: 1,
      changes: { givenName: 'Ingrid', language: 'en' },
      actor: staff,
      channel: 'staff',
    })

    expect(result.version).toBe(1)
    expect((await details(id)).version).toBe(1)
    expect(await historyOf(id)).toEqual(historyBefore)
  })

  test('a stale version is refused with the stored values, and nothing changes', async () => {
    const { id } = await createCustomer(database.db, newCustomer(), staff, 'staff')
    await updateProfileDetails(database.db, {
      customerId: id,
      expectedVersion: 1,
      changes: { preferredName: 'Inge' },
      actor: staff,
      channel: 'staff',
    })
    const stored = await details(id)
    const historyBefore = await historyOf(id)

    const attempt = updateProfileDetails(database.db, {
      customerId: id,
      expectedVersion: 1,
      changes: { familyName: 'Old-Version' },
      actor: otherStaff,
      channel: 'staff',
    })

    const error = await attempt.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(VersionConflictError)
    expect(error).toMatchObject({
      expectedVersion: 1,
      current: {
        givenName: 'Ingrid',
        familyName: 'Åkesson',
        preferredName: 'Inge',
        language: 'en',
        timeZone: 'Europe/Stockholm',
        version: 2,
      },
      changes: { familyName: 'Old-Version' },
    })
    expect(await details(id)).toEqual(stored)
    expect(stored.version).toBe(2)
    expect(await historyOf(id)).toEqual(historyBefore)
  })

  test('an unknown or malformed id is not found', async () => {
    for (const customerId of ['00000000-0000-4000-8000-0000000000ff', 'not-a-uuid']) {
      await expect(
        updateProfileDetails(database.db, {
          customerId,
          expectedVersion: 1,
          changes: { givenName: 'X' },
          actor: staff,
          channel: 'staff',
        }),
      ).rejects.toBeInstanceOf(NotFoundError)
      expect(await getCustomerProfile(database.db, customerId)).toBeNull()
    }
  })

  test('of two concurrent saves from the same version, exactly one wins', async () => {
    const { id } = await createCustomer(database.db, newCustomer(), staff, 'staff')
    const historyBefore = (await historyOf(id)).length
    // On the server both transactions are open before either saves, so they truly race. PGlite
    // runs one transaction at a time: waiting for the other inside one would never end.
    const bothOpen = database.engine === 'postgres' ? barrier(2) : async () => {}

    const save = (familyName: string, actor: Actor) =>
      database.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx)
        await bothOpen()
        return updateProfileDetails(trx, {
          customerId: id,
          expectedVersion: 1,
          changes: { familyName },
          actor,
          channel: 'staff',
        })
      })
    const results = await Promise.allSettled([save('First', staff), save('Second', otherStaff)])

    const won = results.filter((result) => result.status === 'fulfilled')
    const lost = results.filter((result) => result.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    const winner = won[0]?.value
    const conflict = lost[0]?.reason
    expect(conflict).toBeInstanceOf(VersionConflictError)
    expect(conflict).toMatchObject({ current: { familyName: winner?.familyName, version: 2 } })

    const stored = await details(id)
    expect(stored.version).toBe(2)
    expect(stored.family_name).toBe(winner?.familyName)
    const history = await historyOf(id)
    expect(history).toHaveLength(historyBefore + 1)
    expect(history.at(-1)?.after).toEqual({ family_name: winner?.familyName })
  })
})

/** Resolves for everyone once `parties` callers are waiting. */
function barrier(parties: number): () => Promise<void> {
  let waiting = 0
  let release: () => void = () => {}
  const open = new Promise<void>((resolve) => {
    release = resolve
  })
  return async () => {
    waiting++
    if (waiting === parties) release()
    await open
  }
}
