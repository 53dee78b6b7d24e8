import { z } from 'zod'

// Shared by the browser and the server. Messages are keys in the `security` namespace.

/** An authenticator code (6 digits) or a recovery code (`xxxxx-xxxxx`); checked on the server. */
export const CodeField = z
  .string({ required_error: 'security:errors.codeRequired' })
  .trim()
  .min(1, 'security:errors.codeRequired')
  .max(40, 'security:errors.codeWrong')

/** The code page of a sign-in: the code, or "continue" after the recovery codes were shown. */
export const ChallengeSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('verify'), code: CodeField }),
  z.object({ intent: z.literal('enrol'), code: CodeField }),
  z.object({ intent: z.literal('continue') }),
])

/** The security page: start setting up, confirm it with a code, new recovery codes, turn off. */
export const SecuritySchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('start') }),
  z.object({ intent: z.literal('enable'), code: CodeField }),
  z.object({ intent: z.literal('regenerate'), code: CodeField }),
  z.object({
    intent: z.literal('disable'),
    // Either proves it is the account holder; the server says which one was wrong.
    password: z.string().max(1000, 'security:errors.passwordWrong').optional(),
    code: z.string().trim().max(40, 'security:errors.codeWrong').optional(),
  }),
])

/** Fields that never travel back to the browser in an error response. */
export const secretFields = ['code', 'password']
