import { z } from 'zod'
import {
  addressRuleFor,
  checkAddressForCountry,
  isCountryCode,
  normalisePostalCode,
} from '#app/lib/address-rules.ts'
import { MAX_INTEGER, singleLine, TEXT_FIELD_ERRORS } from '#app/lib/text-fields.ts'

// The forms of "My details", shared by the browser (instant feedback) and the server (the check
// that counts). Messages are translation keys, translated where they are shown.

export const PROFILE_LANGUAGES = ['en', 'de', 'es'] as const

/** The hidden version field of an edit form: an `integer` column, so never past its range. */
const versionNumber = z
  .number({ required_error: 'validation.invalidValue' })
  .int()
  .positive()
  .max(MAX_INTEGER, TEXT_FIELD_ERRORS.numberTooLarge)

const requiredText = (max: number, required = 'validation.required') =>
  singleLine(
    z.string({ required_error: required }).trim().min(1, required).max(max, 'validation.tooLong'),
  )

const optionalText = (max: number) =>
  singleLine(z.string().trim().max(max, 'validation.tooLong'))
    .optional()
    .transform((value) => (value ? value : null))

/**
 * The details form. `isTimeZone` differs by side: the server checks against its list of zones;
 * the browser, whose list may name zones differently, leaves that to the server.
 */
export function detailsSchema(isTimeZone: (value: string) => boolean = () => true) {
  return z.object({
    intent: z.literal('details'),
    version: versionNumber,
    givenName: requiredText(200, 'profile:errors.givenNameRequired'),
    familyName: requiredText(200, 'profile:errors.familyNameRequired'),
    preferredName: optionalText(200),
    // Present only while the legal name may be edited here; an empty field then clears it.
    legalNameEditable: z.literal('1').optional(),
    legalName: optionalText(400),
    language: z.enum(PROFILE_LANGUAGES, {
      errorMap: () => ({ message: 'profile:errors.languageInvalid' }),
    }),
    timeZone: z
      .string({ required_error: 'profile:errors.timeZoneInvalid' })
      .refine(isTimeZone, 'profile:errors.timeZoneInvalid'),
  })
}

/** Every zone the server knows, plus UTC (the default, which ICU lists under another name). */
export function serverTimeZones(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone')]
}

export const EmailFieldSchema = z
  .string({ required_error: 'profile:errors.emailRequired' })
  .trim()
  .max(254, 'profile:errors.emailInvalid')
  .email('profile:errors.emailInvalid')

export const AddEmailSchema = z.object({ email: EmailFieldSchema })

export const SignInEmailSchema = z.object({
  newEmail: EmailFieldSchema,
  // Never trimmed: it is compared with the stored hash exactly as typed.
  currentPassword: z.string({ required_error: 'profile:errors.passwordRequired' }),
})

const addressObject = z.object({
  label: optionalText(100),
  recipient: requiredText(200, 'profile:errors.recipientRequired'),
  line1: requiredText(200, 'profile:errors.line1Required'),
  line2: optionalText(200),
  city: requiredText(100, 'profile:errors.cityRequired'),
  region: optionalText(100),
  postalCode: singleLine(z.string().max(20, 'validation.tooLong'))
    .optional()
    .transform((value) => (value?.trim() ? normalisePostalCode(value) : null)),
  countryCode: z
    .string({ required_error: 'profile:errors.countryRequired' })
    .refine(isCountryCode, 'profile:errors.countryRequired'),
  defaultShipping: z.boolean().optional(),
  defaultBilling: z.boolean().optional(),
})

function checkForCountry<
  T extends { countryCode: string; region: string | null; postalCode: string | null },
>(value: T, ctx: z.RefinementCtx): T {
  // A region with a fixed format (US states) is compared in capitals, as it is printed.
  const region =
    value.region && addressRuleFor(value.countryCode).region?.pattern
      ? value.region.toUpperCase()
      : value.region
  const address = { ...value, region }
  const problems = checkAddressForCountry(address)
  for (const problem of problems) {
    ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message })
  }
  return problems.length > 0 ? z.NEVER : address
}

/** A postal address with what its country needs (see app/lib/address-rules.ts). */
export const AddressSchema = addressObject.transform(checkForCountry)

/** An edit of a stored address, made on the version the form shows. */
export const AddressEditSchema = addressObject
  .extend({
    version: versionNumber,
  })
  .transform(checkForCountry)

/** The browser's check of both address forms (the version is only in the edit form). */
export const AddressClientSchema = addressObject
  .extend({ version: z.number().int().positive().optional() })
  .transform(checkForCountry)
