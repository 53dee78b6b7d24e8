import type { Actor, HistoryChannel } from '../history.ts'
import type { JsonValue } from '../schema.ts'
import { type DemoContext, DemoClock, type DemoCustomer } from './demo-context.ts'
import { DEMO_PEOPLE, type DemoLanguage, type DemoPerson } from './demo-people.ts'
import { REGIONS } from './regions.ts'

const ADDRESS_LABELS: Record<DemoLanguage, [string, string, string]> = {
  en: ['Home', 'Work', 'Holiday home'],
  de: ['Zuhause', 'Arbeit', 'Ferienwohnung'],
  es: ['Casa', 'Trabajo', 'Apartamento de vacaciones'],
}

/** Customers who joined within the last year signed up in the portal; older ones were imported. */
const PORTAL_LAUNCH_DAYS_AGO = 365

/**
 * The demo people as customer records with their contact details, sign-in, preferences and the
 * history that led to them. Numbered in order of joining, as the sequence would have done.
 */
export function buildCustomers(
  ctx: DemoContext,
  passwordHash: string,
  customerNumbers: string[],
): void {
  const byJoining = [...DEMO_PEOPLE].sort((a, b) => b.customerSinceDays - a.customerSinceDays)
  byJoining.forEach((person, index) => {
    const customerNumber = customerNumbers[index]
    if (!customerNumber) throw new Error('Not enough customer numbers reserved for the demo')
    buildCustomer(ctx, person, customerNumber, passwordHash)
  })
}

/** One demo person as a customer record; exported for the organisations' people. */
export function buildCustomer(
  ctx: DemoContext,
  person: DemoPerson,
  customerNumber: string,
  passwordHash: string,
): void {
  const random = ctx.random
  const local = ctx.local(person.region)
  const region = REGIONS[person.region]
  const id = ctx.id()
  const accountId = ctx.id()
  const createdAt = ctx.clock.daysAgo(
    person.customerSinceDays,
    random.number.int({ min: 7, max: 20 }),
  )
  const signedUp = person.customerSinceDays < PORTAL_LAUNCH_DAYS_AGO
  const self: Actor = { kind: 'customer', id: accountId }
  // Imported records came from the old system; sign-ups were typed in by the customer.
  const origin: { actor: Actor; channel: HistoryChannel } = signedUp
    ? { actor: self, channel: 'portal' }
    : { actor: { kind: 'system' }, channel: 'import' }
  const record = (
    entityType: 'customer' | 'email' | 'phone' | 'address' | 'account' | 'preferences',
    entityId: string,
    action: string,
    at: Date,
    change: { before?: JsonValue; after?: JsonValue },
    by = origin,
  ) => ctx.history({ customerId: id, entityType, entityId, action, ...by, ...change }, at)

  const details = {
    givenName: person.givenName,
    familyName: person.familyName,
    preferredName: person.preferredName ?? null,
    language: person.language,
    timeZone: person.timeZone,
  }
  const correction = person.correction
  const original = correction ? { ...details, [correction.field]: correction.was } : details
  const correctedAt = correction ? ctx.clock.daysAgo(correction.daysAgo, 14) : null

  ctx.rows.customers.push({
    id,
    customer_number: customerNumber,
    given_name: details.givenName,
    family_name: details.familyName,
    preferred_name: details.preferredName,
    language: details.language,
    time_zone: details.timeZone,
    version: correction ? 2 : 1,
    created_at: createdAt,
    updated_at: correctedAt ?? createdAt,
  })
  record('customer', id, 'created', createdAt, { after: { customerNumber, ...original } })
  if (correction && correctedAt) {
    record(
      'customer',
      id,
      'details_changed',
      correctedAt,
      {
        before: { [historyColumn[correction.field]]: correction.was },
        after: { [historyColumn[correction.field]]: details[correction.field] },
      },
      correction.by === 'staff'
        ? { actor: ctx.staffActor('agent'), channel: 'staff' }
        : { actor: self, channel: 'portal' },
    )
  }

  // Emails: the first is the sign-in; later ones were added by the customer in the portal.
  const [primaryEmail, ...otherEmails] = person.emails
  const primaryVerifiedAt = person.unverifiedEmail ? null : DemoClock.plusHours(createdAt, 0.1)
  const primaryEmailId = ctx.id()
  ctx.rows.customer_emails.push({
    id: primaryEmailId,
    customer_id: id,
    email: primaryEmail,
    is_primary: true,
    verified_at: primaryVerifiedAt,
    created_at: createdAt,
  })
  record('email', primaryEmailId, 'added', createdAt, {
    after: { email: primaryEmail, isPrimary: true },
  })
  for (const email of otherEmails) {
    const emailId = ctx.id()
    const addedAt = between(ctx, createdAt, ctx.clock.daysAgo(2))
    ctx.rows.customer_emails.push({
      id: emailId,
      customer_id: id,
      email,
      is_primary: false,
      verified_at: DemoClock.plusHours(addedAt, 0.2),
      created_at: addedAt,
    })
    record(
      'email',
      emailId,
      'added',
      addedAt,
      { after: { email, isPrimary: false } },
      { actor: self, channel: 'portal' },
    )
  }

  for (let n = 0; n < person.phones; n++) {
    const phoneId = ctx.id()
    const e164 = region.phonePrefix + random.string.numeric(region.phoneDigits)
    const kind = n === 0 ? 'mobile' : random.helpers.arrayElement(['home', 'work'] as const)
    ctx.rows.customer_phones.push({
      id: phoneId,
      customer_id: id,
      e164,
      kind,
      is_primary: n === 0,
      // Only the mobile was confirmed by a code.
      verified_at: n === 0 ? DemoClock.plusHours(createdAt, 0.2) : null,
      created_at: createdAt,
    })
    record('phone', phoneId, 'added', createdAt, { after: { e164, kind, isPrimary: n === 0 } })
  }

  const fullName = `${details.givenName} ${details.familyName}`
  const labels = ADDRESS_LABELS[person.language]
  const addresses = [
    {
      label: labels[0],
      line2: random.datatype.boolean(0.3) ? local.location.secondaryAddress() : null,
      city: person.city,
      postalCode: person.postalCode,
      province: person.province ?? null,
    },
    {
      label: labels[1],
      line2: local.company.name().slice(0, 200),
      city: person.city,
      postalCode: person.postalCode,
      province: person.province ?? null,
    },
    {
      label: labels[2],
      line2: null,
      city: person.holidayHome?.city ?? person.city,
      postalCode: person.holidayHome?.postalCode ?? person.postalCode,
      province: person.holidayHome?.province ?? person.province ?? null,
    },
  ].slice(0, person.addresses)
  let homeAddress: DemoCustomer['homeAddress'] = {}
  addresses.forEach((address, index) => {
    const addressId = ctx.id()
    const row = {
      recipient: fullName,
      line1: local.location.streetAddress(),
      line2: address.line2,
      city: address.city,
      region: address.province,
      postalCode: address.postalCode,
      countryCode: region.countryCode,
    }
    ctx.rows.customer_addresses.push({
      id: addressId,
      customer_id: id,
      label: address.label,
      recipient: row.recipient,
      line1: row.line1,
      line2: row.line2,
      city: row.city,
      region: row.region,
      postal_code: row.postalCode,
      country_code: row.countryCode,
      is_default_shipping: index === 0,
      is_default_billing: index === 0,
      created_at: createdAt,
      updated_at: createdAt,
    })
    record('address', addressId, 'added', createdAt, { after: { label: address.label, ...row } })
    if (index === 0) homeAddress = row
  })

  // Imported customers opened their portal account some time after the portal launched.
  const accountCreatedAt = signedUp
    ? createdAt
    : ctx.clock.daysAgo(random.number.int({ min: 200, max: PORTAL_LAUNCH_DAYS_AGO - 5 }), 19)
  ctx.rows.accounts.push({
    id: accountId,
    kind: 'customer',
    email: primaryEmail,
    password_hash: passwordHash,
    customer_id: id,
    email_verified_at: primaryVerifiedAt && accountCreatedAt,
    created_at: accountCreatedAt,
  })
  record(
    'account',
    accountId,
    'created',
    accountCreatedAt,
    { after: { email: primaryEmail } },
    { actor: self, channel: 'portal' },
  )

  const quietHours = random.datatype.boolean(0.3)
  const preferences = {
    preferredServiceChannel:
      person.phones === 0
        ? ('post' as const)
        : random.helpers.weightedArrayElement([
            { weight: 7, value: 'email' as const },
            { weight: 2, value: 'sms' as const },
            { weight: 1, value: 'phone' as const },
          ]),
    marketingFrequency: random.helpers.arrayElement(['immediate', 'weekly', 'monthly'] as const),
    quietHoursStart: quietHours ? '21:00' : null,
    quietHoursEnd: quietHours ? '08:00' : null,
  }
  ctx.rows.communication_preferences.push({
    customer_id: id,
    preferred_service_channel: preferences.preferredServiceChannel,
    marketing_frequency: preferences.marketingFrequency,
    quiet_hours_start: preferences.quietHoursStart,
    quiet_hours_end: preferences.quietHoursEnd,
    updated_at: createdAt,
  })
  record('preferences', id, 'created', createdAt, { after: preferences })

  ctx.customers.set(person.key, { person, id, accountId, region, createdAt, homeAddress })
}

/** A random moment between two others, to the minute. */
export function between(ctx: DemoContext, from: Date, to: Date): Date {
  const minutes = Math.max(0, Math.floor((to.getTime() - from.getTime()) / 60_000))
  return new Date(from.getTime() + ctx.random.number.int({ min: 0, max: minutes }) * 60_000)
}

/** History rows name fields as the columns do, as the portal's own saves write them. */
const historyColumn = {
  givenName: 'given_name',
  familyName: 'family_name',
  preferredName: 'preferred_name',
} as const
