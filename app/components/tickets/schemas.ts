import { z } from 'zod'
import { SharingSchema } from '#app/components/sharing/sharing-schema.ts'
import { multiLine, singleLine } from '#app/lib/text-fields.ts'
// Type-only: erased from the browser bundle, which must not pull in the data layer.
import type { TicketCategory, TicketStatus } from '#db/tickets.ts'

// Shared by the browser (instant feedback) and the server (the check that counts). Messages are
// keys of the `tickets` namespace, translated where they are shown.

export const MAX_ATTACHMENTS = 3
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
export const ATTACHMENTS_FIELD = 'attachments'

export const TICKET_CATEGORIES = [
  'order',
  'delivery',
  'billing',
  'account',
  'product',
  'other',
] as const satisfies readonly TicketCategory[]

export const TICKET_STATUSES = [
  'open',
  'waiting_on_customer',
  'resolved',
  'closed',
] as const satisfies readonly TicketStatus[]

const IdempotencyKey = z
  .string({ required_error: 'tickets:errors.formExpired' })
  .uuid('tickets:errors.formExpired')

const MessageBody = multiLine(
  z
    .string({ required_error: 'tickets:errors.messageRequired' })
    .trim()
    .min(1, 'tickets:errors.messageRequired')
    .max(20_000, 'tickets:errors.messageTooLong'),
)

/**
 * Checked again on the server by the bytes (type, size, count); the browser's check only saves
 * a round trip. The server reads files apart from the text fields, so it never sees them here.
 */
const Attachments = z
  .array(z.instanceof(File))
  .max(MAX_ATTACHMENTS, 'tickets:errors.tooMany')
  .optional()

export const NewTicketSchema = z.object({
  category: z.enum(TICKET_CATEGORIES, {
    errorMap: () => ({ message: 'tickets:errors.categoryRequired' }),
  }),
  subject: singleLine(
    z
      .string({ required_error: 'tickets:errors.subjectRequired' })
      .trim()
      .min(1, 'tickets:errors.subjectRequired')
      .max(200, 'tickets:errors.subjectTooLong'),
  ),
  message: MessageBody,
  // Looked up by number: a NUL would reach the query.
  order: singleLine(z.string().max(50)).optional(),
  request: singleLine(z.string().max(50)).optional(),
  idempotencyKey: IdempotencyKey,
  [ATTACHMENTS_FIELD]: Attachments,
})

export const ReplySchema = z.object({
  intent: z.literal('reply'),
  message: MessageBody,
  idempotencyKey: IdempotencyKey,
  [ATTACHMENTS_FIELD]: Attachments,
})

export const CloseSchema = z.object({ intent: z.literal('close') })
export const ReopenSchema = z.object({ intent: z.literal('reopen') })

export const RateSchema = z.object({
  intent: z.literal('rate'),
  rating: z
    .number({
      required_error: 'tickets:errors.ratingRequired',
      invalid_type_error: 'tickets:errors.ratingRequired',
    })
    .int('tickets:errors.ratingRequired')
    .min(1, 'tickets:errors.ratingRequired')
    .max(5, 'tickets:errors.ratingRequired'),
  comment: multiLine(z.string().trim().max(2000, 'tickets:errors.commentTooLong')).optional(),
})

export const ticketIntents = ['reply', 'close', 'reopen', 'rate', 'sharing'] as const

/** What only the person who opened a ticket may do (anyone else gets 403). */
export const openerOnlyIntents: readonly TicketIntent[] = ['close', 'reopen', 'rate', 'sharing']
export type TicketIntent = (typeof ticketIntents)[number]

export const schemaForIntent = {
  reply: ReplySchema,
  close: CloseSchema,
  reopen: ReopenSchema,
  rate: RateSchema,
  sharing: SharingSchema,
} as const satisfies Record<TicketIntent, z.ZodTypeAny>
