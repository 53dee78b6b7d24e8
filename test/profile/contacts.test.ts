import { describe, expect, it } from 'vitest'
import { action as profileAction, loader as profileLoader } from '#app/routes/profile._index.tsx'
import {
  action as editAddress,
  loader as addressLoader,
} from '#app/routes/profile.addresses.$addressId.tsx'
import { action as addAddress } from '#app/routes/profile.addresses.new.tsx'
import { action as editPhone, loader as phoneLoader } from '#app/routes/profile.phones.$phoneId.tsx'
import { action as addPhone } from '#app/routes/profile.phones.new.tsx'
import { updateCustomerAddress } from '#db/customer-contacts.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  signedInCustomer,
  thrownResponse,
} from '#test/support/fixtures.ts'
import { answer, historyOf, redirected, UNKNOWN_ID } from './profile-support.ts'

const database = useTestDatabase()

type Fields = Record<string, string>

const stockholm: Fields = {
  label: 'Home',
  recipient: 'Anna Berg',
  line1: 'Storgatan 1',
  city: 'Stockholm',
  postalCode: '118 46',
  countryCode: 'SE',
}

async function phonesOf(customerId: string) {
  return database.db
    .selectFrom('customer_phones')
    .select(['id', 'e164', 'kind', 'is_primary'])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

async function addressesOf(customerId: string) {
  return database.db
    .selectFrom('customer_addresses')
    .select([
      'id',
      'label',
      'region',
      'postal_code',
      'country_code',
      'is_default_shipping',
      'is_default_billing',
      'removed_at',
      'version',
    ])
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

async function updatedAt(customerId: string): Promise<Date> {
  const row = await database.db
    .selectFrom('customers')
    .select('updated_at')
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow()
  return row.updated_at
}

async function post<R>(
  route: (args: ReturnType<typeof routeArgs>) => Promise<R>,
  path: string,
  fields: Fields,
  cookie: string,
  params: Record<string, string> = {},
) {
  return route(routeArgs(formRequest(path, fields, { cookie }), params))
}

describe('phone numbers', () => {
  it('stores a number typed the local way in E.164, with its history', async () => {
    const customer = await signedInCustomer(database.db)
    const touched = await updatedAt(customer.customerId)

    const result = await post(
      addPhone,
      '/profile/phones/new',
      { country: 'SE', number: '070-123 45 67', kind: 'mobile' },
      customer.cookie,
    )

    expect(redirected(result)).toEqual({ status: 302, location: '/profile?notice=phoneAdded' })
    const [phone] = await phonesOf(customer.customerId)
    expect(phone).toMatchObject({ e164: '+46701234567', kind: 'mobile', is_primary: true })
    expect((await historyOf(database.db, customer.customerId)).at(-1)).toEqual({
      entity_type: 'phone',
      entity_id: phone?.id,
      action: 'added',
      actor_kind: 'customer',
      actor_id: customer.accountId,
      channel: 'portal',
      before: null,
      after: { e164: '+46701234567', kind: 'mobile', is_primary: true },
    })
    expect((await updatedAt(customer.customerId)).getTime()).toBeGreaterThan(touched.getTime())

    const { value } = answer(await profileLoader(routeArgs(getRequest('/profile', customer))))
    expect(value.phones).toEqual([
      { id: phone?.id, kind: 'mobile', isPrimary: true, display: '+46 70 123 45 67' },
    ])
    expect(value.completeness).not.toContain('phone_missing')
  })

  it('refuses an invalid or duplicate number next to the field, and stores nothing', async () => {
    const customer = await signedInCustomer(database.db)
    const invalid = answer(
      await post(
        addPhone,
        '/profile/phones/new',
        { country: 'SE', number: '12', kind: 'mobile' },
        customer.cookie,
      ),
    )
    expect(invalid.status).toBe(400)
    expect(invalid.value).toMatchObject({
      error: { number: ['profile:errors.phoneInvalid'] },
      initialValue: { number: '12', country: 'SE' },
    })
    const noCountry = answer(
      await post(
        addPhone,
        '/profile/phones/new',
        { country: 'XX', number: '0701234567', kind: 'mobile' },
        customer.cookie,
      ),
    )
    expect(noCountry.status).toBe(400)
    expect(noCountry.value).toMatchObject({
      error: { country: ['profile:errors.countryRequired'] },
    })
    expect(await phonesOf(customer.customerId)).toEqual([])

    await post(
      addPhone,
      '/profile/phones/new',
      { country: 'SE', number: '0701234567', kind: 'mobile' },
      customer.cookie,
    )
    // The same number written another way is the same number.
    const duplicate = answer(
      await post(
        addPhone,
        '/profile/phones/new',
        { country: 'DE', number: '+46 70 123 45 67', kind: 'work' },
        customer.cookie,
      ),
    )
    expect(duplicate.status).toBe(409)
    expect(duplicate.value).toMatchObject({
      error: { number: ['profile:errors.phoneAlreadyAdded'] },
    })
    expect(await phonesOf(customer.customerId)).toHaveLength(1)
  })

  it('edits, moves the main number, and promotes another when the main one is removed', async () => {
    const customer = await signedInCustomer(database.db)
    const add = (number: string, kind: string) =>
      post(addPhone, '/profile/phones/new', { country: 'SE', number, kind }, customer.cookie)
    await add('0701234567', 'mobile')
    await add('08-123 456 78', 'home')
    const [mobile, home] = await phonesOf(customer.customerId)
    if (!mobile || !home) throw new Error('two phones expected')
    expect([mobile.is_primary, home.is_primary]).toEqual([true, false])

    const page = answer(
      await phoneLoader(
        routeArgs(getRequest(`/profile/phones/${home.id}`, customer), { phoneId: home.id }),
      ),
    )
    expect(page.value.phone).toEqual({ country: 'SE', number: '08-123 456 78', kind: 'home' })

    const edited = await post(
      editPhone,
      `/profile/phones/${home.id}`,
      { country: 'SE', number: '08-123 456 79', kind: 'work' },
      customer.cookie,
      { phoneId: home.id },
    )
    expect(redirected(edited).location).toBe('/profile?notice=phoneUpdated')
    expect((await historyOf(database.db, customer.customerId)).at(-1)).toMatchObject({
      entity_type: 'phone',
      action: 'updated',
      before: { e164: '+46812345678', kind: 'home' },
      after: { e164: '+46812345679', kind: 'work' },
    })

    await post(profileAction, '/profile', { intent: 'phone-primary', id: home.id }, customer.cookie)
    expect((await phonesOf(customer.customerId)).map((row) => row.is_primary)).toEqual([
      false,
      true,
    ])
    expect((await historyOf(database.db, customer.customerId)).at(-1)).toMatchObject({
      entity_id: home.id,
      action: 'updated',
      before: { primary_phone: '+46701234567' },
      after: { primary_phone: '+46812345679' },
    })

    await post(profileAction, '/profile', { intent: 'phone-remove', id: home.id }, customer.cookie)
    expect(await phonesOf(customer.customerId)).toEqual([
      expect.objectContaining({ id: mobile.id, is_primary: true }),
    ])
    const history = await historyOf(database.db, customer.customerId)
    expect(history.slice(-2).map((row) => [row.action, row.before, row.after])).toEqual([
      ['removed', { e164: '+46812345679', kind: 'work', is_primary: true }, null],
      ['updated', { primary_phone: '+46812345679' }, { primary_phone: '+46701234567' }],
    ])
  })
})

describe('postal addresses', () => {
  it('checks the fields each country needs', async () => {
    const customer = await signedInCustomer(database.db)
    const add = (fields: Fields) =>
      post(addAddress, '/profile/addresses/new', fields, customer.cookie)

    const usWithoutState = answer(
      await add({ ...stockholm, countryCode: 'US', postalCode: '94105', city: 'San Francisco' }),
    )
    expect(usWithoutState.status).toBe(400)
    expect(usWithoutState.value).toMatchObject({
      error: { region: ['profile:errors.regionRequired'] },
    })
    const usBadZip = answer(
      await add({ ...stockholm, countryCode: 'US', region: 'CA', postalCode: '9410' }),
    )
    expect(usBadZip.value).toMatchObject({
      error: { postalCode: ['profile:errors.postalCodeInvalid'] },
    })
    const germanFourDigits = answer(
      await add({ ...stockholm, countryCode: 'DE', postalCode: '1043', city: 'Berlin' }),
    )
    expect(germanFourDigits.status).toBe(400)
    expect(germanFourDigits.value).toMatchObject({
      error: { postalCode: ['profile:errors.postalCodeInvalid'] },
      initialValue: { postalCode: '1043', city: 'Berlin' },
    })
    const swedishWithout = answer(await add({ ...stockholm, postalCode: '' }))
    expect(swedishWithout.value).toMatchObject({
      error: { postalCode: ['profile:errors.postalCodeRequired'] },
    })
    const missing = answer(await add({ countryCode: 'SE' }))
    expect(missing.value).toMatchObject({
      error: {
        recipient: ['profile:errors.recipientRequired'],
        line1: ['profile:errors.line1Required'],
        city: ['profile:errors.cityRequired'],
      },
    })
    expect(await addressesOf(customer.customerId)).toEqual([])

    // Valid ones, normalised as printed; a country without rules needs no postal code.
    expect(
      redirected(
        await add({
          ...stockholm,
          countryCode: 'US',
          region: 'ca',
          postalCode: '94105-1234',
          city: 'San Francisco',
        }),
      ).status,
    ).toBe(302)
    expect(
      redirected(await add({ ...stockholm, countryCode: 'NL', postalCode: '1012ab' })).status,
    ).toBe(302)
    expect(
      redirected(await add({ ...stockholm, countryCode: 'AE', postalCode: '', city: 'Dubai' }))
        .status,
    ).toBe(302)
    expect(
      (await addressesOf(customer.customerId)).map((row) => [
        row.country_code,
        row.region,
        row.postal_code,
      ]),
    ).toEqual([
      ['US', 'CA', '94105-1234'],
      ['NL', null, '1012AB'],
      ['AE', null, null],
    ])
  })

  it('makes the first address the default, and moves a default in one step', async () => {
    const customer = await signedInCustomer(database.db)
    await post(addAddress, '/profile/addresses/new', stockholm, customer.cookie)
    await post(
      addAddress,
      '/profile/addresses/new',
      { ...stockholm, label: 'Work', line1: 'Kungsgatan 2', postalCode: '111 43' },
      customer.cookie,
    )
    const [home, work] = await addressesOf(customer.customerId)
    if (!home || !work) throw new Error('two addresses expected')
    expect([home.is_default_shipping, home.is_default_billing]).toEqual([true, true])
    expect([work.is_default_shipping, work.is_default_billing]).toEqual([false, false])

    const moved = await post(
      profileAction,
      '/profile',
      { intent: 'address-default-shipping', id: work.id },
      customer.cookie,
    )
    expect(redirected(moved).location).toBe('/profile?notice=addressDefaultShipping')
    const after = await addressesOf(customer.customerId)
    expect(
      after.map((row) => [row.label, row.is_default_shipping, row.is_default_billing]),
    ).toEqual([
      ['Home', false, true],
      ['Work', true, false],
    ])
    expect((await historyOf(database.db, customer.customerId)).at(-1)).toEqual({
      entity_type: 'address',
      entity_id: work.id,
      action: 'defaults_changed',
      actor_kind: 'customer',
      actor_id: customer.accountId,
      channel: 'portal',
      before: { default_shipping: 'Home: Storgatan 1, 118 46 Stockholm, SE' },
      after: { default_shipping: 'Work: Kungsgatan 2, 111 43 Stockholm, SE' },
    })

    // A new address asked to be the billing default takes it over from the old one.
    await post(
      addAddress,
      '/profile/addresses/new',
      { ...stockholm, label: 'Summer', defaultBilling: 'on' },
      customer.cookie,
    )
    const third = await addressesOf(customer.customerId)
    expect(
      third.map((row) => [row.label, row.is_default_shipping, row.is_default_billing]),
    ).toEqual([
      ['Home', false, false],
      ['Work', true, false],
      ['Summer', false, true],
    ])

    // Removing keeps the row, out of the list and no longer a default.
    await post(
      profileAction,
      '/profile',
      { intent: 'address-remove', id: work.id },
      customer.cookie,
    )
    const removed = (await addressesOf(customer.customerId)).find((row) => row.id === work.id)
    expect(removed).toMatchObject({ is_default_shipping: false })
    expect(removed?.removed_at).toBeInstanceOf(Date)
    const { value } = answer(await profileLoader(routeArgs(getRequest('/profile', customer))))
    expect(value.addresses.map((address) => address.label)).toEqual(['Summer', 'Home'])
    expect(value.completeness).toContain('default_shipping_missing')
    expect((await historyOf(database.db, customer.customerId)).at(-1)).toMatchObject({
      entity_id: work.id,
      action: 'removed',
      before: { label: 'Work', line1: 'Kungsgatan 2', is_default_shipping: true },
    })
  })

  it('refuses an edit of an address that changed meanwhile, showing both, until the customer chooses', async () => {
    const customer = await signedInCustomer(database.db)
    const agent = await createStaffAccount(database.db)
    await post(addAddress, '/profile/addresses/new', stockholm, customer.cookie)
    const [address] = await addressesOf(customer.customerId)
    if (!address) throw new Error('an address expected')
    const form = answer(
      await addressLoader(
        routeArgs(getRequest(`/profile/addresses/${address.id}`, customer), {
          addressId: address.id,
        }),
      ),
    )
    expect(form.value.address.version).toBe(1)

    await updateCustomerAddress(database.db, {
      customerId: customer.customerId,
      actor: { kind: 'staff', id: agent.accountId },
      channel: 'staff',
      addressId: address.id,
      expectedVersion: 1,
      changes: { ...form.value.address.values, line1: 'Storgatan 1A' },
    })
    const before = await addressesOf(customer.customerId)
    const historyBefore = await historyOf(database.db, customer.customerId)

    const edit = (fields: Fields) =>
      post(editAddress, `/profile/addresses/${address.id}`, fields, customer.cookie, {
        addressId: address.id,
      })
    const stale = answer(
      await edit({ ...stockholm, city: 'Solna', postalCode: '171 45', version: '1' }),
    )
    expect(stale.status).toBe(409)
    expect(stale.value).toMatchObject({
      kind: 'conflict',
      conflict: {
        mine: { line1: 'Storgatan 1', city: 'Solna', postalCode: '171 45' },
        current: { line1: 'Storgatan 1A', city: 'Stockholm', postalCode: '118 46', version: 2 },
        fields: ['line1', 'postalCode', 'city'],
      },
    })
    expect(await addressesOf(customer.customerId)).toEqual(before)
    expect(await historyOf(database.db, customer.customerId)).toEqual(historyBefore)

    const keep = await edit({
      ...stockholm,
      line1: 'Storgatan 1A',
      city: 'Solna',
      postalCode: '171 45',
      version: '2',
    })
    expect(redirected(keep).location).toBe('/profile?notice=addressUpdated')
    expect((await historyOf(database.db, customer.customerId)).at(-1)).toMatchObject({
      entity_type: 'address',
      action: 'updated',
      actor_kind: 'customer',
      before: { city: 'Stockholm', postal_code: '118 46' },
      after: { city: 'Solna', postal_code: '171 45' },
    })
    expect((await addressesOf(customer.customerId))[0]?.version).toBe(3)
  })
})

describe('another customer’s or an unknown id', () => {
  it('answers the same 404 for every action and page, and changes nothing', async () => {
    const owner = await signedInCustomer(database.db)
    const intruder = await signedInCustomer(database.db)
    await post(
      addPhone,
      '/profile/phones/new',
      { country: 'SE', number: '0701234567', kind: 'mobile' },
      owner.cookie,
    )
    await post(addAddress, '/profile/addresses/new', stockholm, owner.cookie)
    const [phone] = await phonesOf(owner.customerId)
    const [address] = await addressesOf(owner.customerId)
    const email = await database.db
      .selectFrom('customer_emails')
      .select('id')
      .where('customer_id', '=', owner.customerId)
      .executeTakeFirstOrThrow()
    if (!phone || !address) throw new Error('owner rows expected')
    const foreign = { email: email.id, phone: phone.id, address: address.id }
    const before = await databaseFingerprint(database.db)

    const attempts: [string, () => Promise<unknown>][] = []
    for (const [kind, ownerId] of Object.entries(foreign) as [keyof typeof foreign, string][]) {
      for (const id of [ownerId, UNKNOWN_ID, 'not-a-uuid']) {
        const intents = {
          email: ['email-primary', 'email-remove', 'email-resend'],
          phone: ['phone-primary', 'phone-remove'],
          address: ['address-default-shipping', 'address-default-billing', 'address-remove'],
        }[kind]
        for (const intent of intents) {
          attempts.push([
            `${intent} ${id}`,
            () => post(profileAction, '/profile', { intent, id }, intruder.cookie),
          ])
        }
        if (kind === 'phone') {
          attempts.push(
            [
              `phone page ${id}`,
              () =>
                phoneLoader(
                  routeArgs(getRequest(`/profile/phones/${id}`, intruder), { phoneId: id }),
                ),
            ],
            [
              `phone edit ${id}`,
              () =>
                post(
                  editPhone,
                  `/profile/phones/${id}`,
                  { country: 'SE', number: '0709999999', kind: 'home' },
                  intruder.cookie,
                  { phoneId: id },
                ),
            ],
          )
        }
        if (kind === 'address') {
          attempts.push(
            [
              `address page ${id}`,
              () =>
                addressLoader(
                  routeArgs(getRequest(`/profile/addresses/${id}`, intruder), { addressId: id }),
                ),
            ],
            [
              `address edit ${id}`,
              () =>
                post(
                  editAddress,
                  `/profile/addresses/${id}`,
                  { ...stockholm, line1: 'Hijacked 1', version: '1' },
                  intruder.cookie,
                  { addressId: id },
                ),
            ],
          )
        }
      }
    }

    for (const [name, attempt] of attempts) {
      const response = await thrownResponse(attempt)
      expect({ name, status: response.status, body: await response.text() }).toEqual({
        name,
        status: 404,
        body: '',
      })
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})
