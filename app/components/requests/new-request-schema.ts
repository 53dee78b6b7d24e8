import { z } from 'zod'
import { multiLine, singleLine } from '#app/lib/text-fields.ts'
// Type-only: erased from the browser bundle.
import type { RequestKind } from '#db/requests.ts'

// One schema per kind, shared by the browser (instant feedback) and the server (the decision).
// Messages are translation keys, translated where they are shown.

/** The kinds a customer can start here; account closure comes later. */
export const OFFERED_KINDS = ['return', 'repair', 'document', 'data_correction'] as const
export type OfferedKind = (typeof OFFERED_KINDS)[number] & RequestKind

export const RETURN_REASONS = [
  'defective',
  'damaged',
  'wrong_item',
  'not_as_described',
  'changed_mind',
  'other',
] as const
export const RETURN_OUTCOMES = ['refund', 'exchange'] as const
export const DOCUMENT_TYPES = ['invoice_copy', 'contract', 'statement'] as const
/** Profile fields a customer may ask us to correct (date of birth is not on record). */
export const CORRECTABLE_FIELDS = [
  'legal_name',
  'given_name',
  'family_name',
  'address',
  'other',
] as const
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number]

export function isOfferedKind(value: string | null | undefined): value is OfferedKind {
  return (OFFERED_KINDS as readonly (string | null | undefined)[]).includes(value)
}

export function isCorrectableField(value: string | null | undefined): value is CorrectableField {
  return (CORRECTABLE_FIELDS as readonly (string | null | undefined)[]).includes(value)
}

// Multi-line: most of these are textareas; a one-line field says so with singleLine().
function text(max: number, requiredKey = 'validation.required') {
  return multiLine(
    z
      .string({ required_error: requiredKey })
      .trim()
      .min(1, requiredKey)
      .max(max, 'validation.tooLong'),
  )
}

function optionalText(max: number) {
  return multiLine(z.string().trim().max(max, 'validation.tooLong')).optional()
}

function choice<T extends readonly [string, ...string[]]>(values: T, requiredKey: string) {
  return z.enum(values, { errorMap: () => ({ message: requiredKey }) })
}

const common = {
  // Made by the page's loader; the same key twice means the same form sent twice.
  idempotencyKey: z.string({ required_error: 'requests:errors.formExpired' }).uuid({
    message: 'requests:errors.formExpired',
  }),
  subject: singleLine(z.string().trim().max(200, 'validation.tooLong')).optional(),
}

const orderNumber = z
  .string()
  .trim()
  .max(20, 'requests:errors.orderNotFound')
  .regex(/^[A-Za-z0-9-]+$/, 'requests:errors.orderNotFound')
  .transform((value) => value.toUpperCase())

export const ReturnFields = z.object({
  kind: z.literal('return'),
  ...common,
  orderNumber: z.string({ required_error: 'requests:errors.orderRequired' }).pipe(orderNumber),
  // The order's line numbers, ticked on the form; checked against the order on the server.
  lines: z
    .array(z.coerce.number().int().positive(), { required_error: 'requests:errors.itemsRequired' })
    .min(1, 'requests:errors.itemsRequired')
    .max(200),
  reason: choice(RETURN_REASONS, 'requests:errors.reasonRequired'),
  comment: optionalText(2000),
  outcome: choice(RETURN_OUTCOMES, 'requests:errors.outcomeRequired'),
})

export const RepairFields = z.object({
  kind: z.literal('repair'),
  ...common,
  orderNumber: orderNumber.optional(),
  product: singleLine(
    z
      .string({ required_error: 'requests:errors.productRequired' })
      .trim()
      .min(1, 'requests:errors.productRequired')
      .max(200, 'validation.tooLong'),
  ),
  fault: text(2000, 'requests:errors.faultRequired'),
})

export const DocumentFields = z.object({
  kind: z.literal('document'),
  ...common,
  orderNumber: orderNumber.optional(),
  document: choice(DOCUMENT_TYPES, 'requests:errors.documentRequired'),
  period: singleLine(z.string().trim().max(100, 'validation.tooLong')).optional(),
  notes: optionalText(2000),
})

export const DataCorrectionFields = z.object({
  kind: z.literal('data_correction'),
  ...common,
  field: choice(CORRECTABLE_FIELDS, 'requests:errors.fieldRequired'),
  requested: text(500, 'requests:errors.requestedRequired'),
  explanation: optionalText(2000),
})

export const kindSchemas = {
  return: ReturnFields,
  repair: RepairFields,
  document: DocumentFields,
  data_correction: DataCorrectionFields,
} as const

/** What the server accepts: any offered kind, decided by the hidden `kind` field. */
export const NewRequestSchema = z.discriminatedUnion(
  'kind',
  [ReturnFields, RepairFields, DocumentFields, DataCorrectionFields],
  { errorMap: () => ({ message: 'requests:errors.kindRequired' }) },
)

export type NewRequest = z.infer<typeof NewRequestSchema>
