import { describe, expect, it } from 'vitest'
import { action, loader } from '#app/routes/profile._index.tsx'
import { updateProfileDetails } from '#db/customers.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  signedInCustomer,
  thrownResponse,
} from '#test/support/fixtures.ts'
import { answer, historyOf, placeOrder, redirected } from './profile-support.ts'

const database = useTestDatabase()

type Fields = Record<string, string>

function detailsForm(overrides: Fields = {}): Fields {
  return {
    intent: 'details',
    version: '1',
    givenName: 'Anna',
    familyName: 'Berg',
    preferredName: '',
    language: 'en',
    timeZone: 'UTC',
    ...overrides,
  }
}

async function save(cookie: string, fields: Fields) {
  return action(routeArgs(formRequest('/profile', fields, { cookie })))
}

async function stored(customerId: string) {
  return database.db
    .selectFrom('customers')
    .select([
      'given_name',
      'family_name',
      'preferred_name',
      'legal_name',
      'language',
      'time_zone',
      'version',
      'updated_at',
    ])
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow()
}

describe('/profile details', () => {
  it('shows the details with their version, and sends a signed-out visitor to sign in', async () => {
    const customer = await signedInCustomer(database.db)
    const { value } = answer(await loader(routeArgs(getRequest('/profile', customer))))
    expect(value.details).toEqual({
      givenName: 'Anna',
      familyName: 'Berg',
      preferredName: null,
      legalName: null,
      language: 'en',
      timeZone: 'UTC',
      version: 1,
    })
    expect(value.signInEmail).toBe(customer.email)
    expect(value.legalNameEditable).toBe(true)
    expect(value.emails).toEqual([
      expect.objectContaining({ email: customer.email, isPrimary: true, verifiedAt: null }),
    ])
    expect(value.completeness).toEqual(['email_unverified', 'phone_missing', 'address_missing'])
    expect(value.timeZones).toContain('Europe/Stockholm')

    const signedOut = await thrownResponse(() => loader(routeArgs(getRequest('/profile'))))
    expect(signedOut.status).toBe(302)
    expect(signedOut.headers.get('Location')).toBe('/login?redirectTo=%2Fprofile')
    const postSignedOut = await thrownResponse(() =>
      action(routeArgs(formRequest('/profile', detailsForm()))),
    )
    expect(postSignedOut.status).toBe(302)
  })

  it('saves a change and writes one history row with only the changed fields', async () => {
    const customer = await signedInCustomer(database.db)
    const historyBefore = await historyOf(database.db, customer.customerId)
    const before = await stored(customer.customerId)

    const result = await save(
      customer.cookie,
      detailsForm({ preferredName: 'Annie', timeZone: 'Europe/Stockholm' }),
    )

    expect(redirected(result)).toEqual({ status: 302, location: '/profile?notice=detailsSaved' })
    const after = await stored(customer.customerId)
    expect(after).toMatchObject({
      given_name: 'Anna',
      preferred_name: 'Annie',
      time_zone: 'Europe/Stockholm',
      version: 2,
    })
    expect(after.updated_at.getTime()).toBeGreaterThanOrEqual(before.updated_at.getTime())
    const history = await historyOf(database.db, customer.customerId)
    expect(history).toHaveLength(historyBefore.length + 1)
    expect(history.at(-1)).toEqual({
      entity_type: 'customer',
      entity_id: customer.customerId,
      action: 'details_changed',
      actor_kind: 'customer',
      actor_id: customer.accountId,
      channel: 'portal',
      before: { preferred_name: null, time_zone: 'UTC' },
      after: { preferred_name: 'Annie', time_zone: 'Europe/Stockholm' },
    })

    // The same values again: nothing to record.
    const again = await save(
      customer.cookie,
      detailsForm({ version: '2', preferredName: 'Annie', timeZone: 'Europe/Stockholm' }),
    )
    expect(redirected(again).status).toBe(302)
    expect(await historyOf(database.db, customer.customerId)).toHaveLength(history.length)
    expect((await stored(customer.customerId)).version).toBe(2)
  })

  it('answers bad input with 400 and field errors, keeping what was typed, and saves nothing', async () => {
    const customer = await signedInCustomer(database.db)
    const before = await stored(customer.customerId)

    const empty = answer(await save(customer.cookie, detailsForm({ givenName: '  ' })))
    expect(empty.status).toBe(400)
    expect(empty.value).toMatchObject({
      kind: 'details',
      result: {
        error: { givenName: ['profile:errors.givenNameRequired'] },
        initialValue: { familyName: 'Berg' },
      },
    })

    const zone = answer(await save(customer.cookie, detailsForm({ timeZone: 'Mars/Olympus' })))
    expect(zone.status).toBe(400)
    expect(zone.value).toMatchObject({
      result: { error: { timeZone: ['profile:errors.timeZoneInvalid'] } },
    })

    const language = answer(await save(customer.cookie, detailsForm({ language: 'xx' })))
    expect(language.status).toBe(400)
    expect(language.value).toMatchObject({
      result: { error: { language: ['profile:errors.languageInvalid'] } },
    })

    const version = answer(await save(customer.cookie, detailsForm({ version: 'abc' })))
    expect(version.status).toBe(400)

    expect(await stored(customer.customerId)).toEqual(before)
  })

  it('refuses a save from a stale version with both versions, and keeps the stored one', async () => {
    const customer = await signedInCustomer(database.db)
    const agent = await createStaffAccount(database.db, { displayName: 'Maja Agent' })
    // An agent corrects the family name while the customer has the form open at version 1.
    await updateProfileDetails(database.db, {
      customerId: customer.customerId,
      expectedVersion: 1,
      changes: { familyName: 'Berg-Lund' },
      actor: { kind: 'staff', id: agent.accountId },
      channel: 'staff',
    })
    const storedBefore = await stored(customer.customerId)
    const historyBefore = await historyOf(database.db, customer.customerId)

    const result = answer(await save(customer.cookie, detailsForm({ preferredName: 'Annie' })))

    expect(result.status).toBe(409)
    expect(result.value).toEqual({
      kind: 'conflict',
      conflict: {
        mine: {
          givenName: 'Anna',
          familyName: 'Berg',
          preferredName: 'Annie',
          language: 'en',
          timeZone: 'UTC',
        },
        current: {
          givenName: 'Anna',
          familyName: 'Berg-Lund',
          preferredName: null,
          legalName: null,
          language: 'en',
          timeZone: 'UTC',
          version: 2,
        },
        fields: ['familyName', 'preferredName'],
      },
    })
    expect(await stored(customer.customerId)).toEqual(storedBefore)
    expect(await historyOf(database.db, customer.customerId)).toEqual(historyBefore)

    // "Keep my changes": the customer's values again, on the version they were shown.
    if (result.value.kind !== 'conflict') throw new Error('expected a conflict')
    const { mine, current } = result.value.conflict
    const keep = await save(customer.cookie, {
      intent: 'details',
      version: String(current.version),
      ...Object.fromEntries(Object.entries(mine).map(([key, value]) => [key, value ?? ''])),
    })
    expect(redirected(keep).status).toBe(302)
    expect(await stored(customer.customerId)).toMatchObject({
      family_name: 'Berg',
      preferred_name: 'Annie',
      version: 3,
    })
    const history = await historyOf(database.db, customer.customerId)
    expect(history.slice(-2).map((row) => [row.actor_kind, row.before, row.after])).toEqual([
      ['staff', { family_name: 'Berg' }, { family_name: 'Berg-Lund' }],
      [
        'customer',
        { family_name: 'Berg-Lund', preferred_name: null },
        { family_name: 'Berg', preferred_name: 'Annie' },
      ],
    ])
  })

  it('lets the legal name change here until the first order, then only through a request', async () => {
    const customer = await signedInCustomer(database.db)
    const saved = await save(
      customer.cookie,
      detailsForm({ legalNameEditable: '1', legalName: 'Anna Maria Berg' }),
    )
    expect(redirected(saved).status).toBe(302)
    expect((await stored(customer.customerId)).legal_name).toBe('Anna Maria Berg')
    expect((await historyOf(database.db, customer.customerId)).at(-1)).toMatchObject({
      action: 'details_changed',
      before: { legal_name: null },
      after: { legal_name: 'Anna Maria Berg' },
    })

    await placeOrder(database.db, customer.customerId)
    const { value } = answer(await loader(routeArgs(getRequest('/profile', customer))))
    expect(value.legalNameEditable).toBe(false)
    expect(value.details.legalName).toBe('Anna Maria Berg')

    // A hand-made post with the field anyway: refused, and nothing else in it is applied.
    const before = await stored(customer.customerId)
    const refused = answer(
      await save(
        customer.cookie,
        detailsForm({
          version: '2',
          preferredName: 'Annie',
          legalNameEditable: '1',
          legalName: 'Someone Else',
        }),
      ),
    )
    expect(refused.status).toBe(409)
    expect(refused.value).toMatchObject({
      kind: 'details',
      result: { error: { '': ['profile:errors.legalNameLocked'] } },
    })
    expect(await stored(customer.customerId)).toEqual(before)

    // The usual form (no legal name field) still saves the other fields.
    const other = await save(customer.cookie, detailsForm({ version: '2', preferredName: 'Annie' }))
    expect(redirected(other).status).toBe(302)
    expect(await stored(customer.customerId)).toMatchObject({
      preferred_name: 'Annie',
      legal_name: 'Anna Maria Berg',
    })
  })
})
