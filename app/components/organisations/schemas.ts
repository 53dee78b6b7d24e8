import { z } from 'zod'
import { supportedLngs } from '#app/i18n/config.ts'
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
