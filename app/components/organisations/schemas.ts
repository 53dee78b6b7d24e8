import { z } from 'zod'
import { supportedLngs } from '#app/i18n/config.ts'
import {
  addressRuleFor,
  checkAddressForCountry,
  isCountryCode,
  normalisePostalCode,
} from '#app/lib/address-rules.ts'
import { EmailSchema, NewPasswordSchema } from '#app/auth/schemas.ts'
import { MAX_INTEGER, singleLine, TEXT_FIELD_ERRORS } from '#app/lib/text-fields.ts'

// The forms of an organisation's page and of its invitation link, shared by the browser and the
// server. Messages are translation keys, translated where they are shown.

export const ROLES = ['owner', 'member', 'billing'] as const
export const VISIBILITIES = ['private', 'organisation'] as const
export const ORGANISATION_DETAIL_FIELDS = ['name', 'legalName', 'registrationNumber'] as const
export type OrganisationDetailField = (typeof ORGANISATION_DETAIL_FIELDS)[number]

const versionNumber = z
  .number({ required_error: 'validation.invalidValue' })
  .int()
  .positive()
  .max(MAX_INTEGER, TEXT_FIELD_ERRORS.numberTooLarge)

const requiredText = (max: number, required: string) =>
  singleLine(
    z.string({ required_error: required }).trim().min(1, required).max(max, 'validation.tooLong'),
  )

const optionalText = (max: number) =>
  singleLine(z.string().trim().max(max, 'validation.tooLong'))
    .optional()
    .transform((value) => (value ? value : null))

const role = z.enum(ROLES, { errorMap: () => ({ message: 'organisations:errors.roleInvalid' }) })

export const OrganisationDetailsSchema = z.object({
  intent: z.literal('details'),
  version: versionNumber,
  name: requiredText(200, 'organisations:errors.nameRequired'),
  legalName: optionalText(400),
  registrationNumber: optionalText(40),
})

export const DefaultVisibilitySchema = z.object({
  intent: z.literal('visibility'),
  visibility: z.enum(VISIBILITIES, {
    errorMap: () => ({ message: 'organisations:errors.visibilityInvalid' }),
  }),
})

export const InviteSchema = z.object({
  intent: z.literal('invite'),
  email: EmailSchema,
  role,
  language: z.enum(supportedLngs, {
    errorMap: () => ({ message: 'organisations:errors.languageInvalid' }),
  }),
})

export const RevokeSchema = z.object({
  intent: z.literal('revoke'),
  invitationId: z.string().uuid(),
})

export const ChangeRoleSchema = z.object({
  intent: z.literal('role'),
  customerId: z.string().uuid(),
  role,
})

export const ADDRESS_KINDS = ['registered', 'billing', 'shipping'] as const

// The same fields, limits, messages and per-country rules as a person's addresses ("My details").
const addressObject = z.object({
  kind: z.enum(ADDRESS_KINDS, {
    errorMap: () => ({ message: 'organisations:errors.addressKindInvalid' }),
  }),
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
})

function checkForCountry<
  T extends { countryCode: string; region: string | null; postalCode: string | null },
>(value: T, ctx: z.RefinementCtx): T {
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

export const AddressAddSchema = addressObject
  .extend({ intent: z.literal('address-add') })
  .transform(checkForCountry)

export const AddressEditSchema = addressObject
  .extend({
    intent: z.literal('address-edit'),
    addressId: z.string().uuid(),
    version: versionNumber,
  })
  .transform(checkForCountry)

/** The browser's check of both address forms (id and version are only in the edit form). */
export const AddressClientSchema = addressObject
  .extend({
    intent: z.enum(['address-add', 'address-edit']),
    addressId: z.string().optional(),
    version: z.number().int().positive().optional(),
  })
  .transform(checkForCountry)

export const AddressRemoveSchema = z.object({
  intent: z.literal('address-remove'),
  addressId: z.string().uuid(),
})

export const RemoveSchema = z.object({
  intent: z.literal('remove'),
  customerId: z.string().uuid(),
})

/** A new person's account through an invitation link. */
export const JoinNewSchema = z
  .object({
    intent: z.literal('create'),
    token: z.string().max(200),
    givenName: requiredText(200, 'profile:errors.givenNameRequired'),
    familyName: requiredText(200, 'profile:errors.familyNameRequired'),
    password: NewPasswordSchema,
    confirmPassword: z.string({ required_error: 'auth:errors.confirmRequired' }),
  })
  .refine((value) => value.password === value.confirmPassword, {
    message: 'auth:errors.passwordsDiffer',
    path: ['confirmPassword'],
  })
