import { z } from 'zod'

// Shared by the browser (instant feedback) and the server (the check that counts). Messages are
// keys in the `auth` namespace, translated where they are shown, so the server never needs to
// know the reader's language to validate.

export const EmailSchema = z
  .string({ required_error: 'auth:errors.emailRequired' })
  .trim()
  .max(254, 'auth:errors.emailInvalid')
  .email('auth:errors.emailInvalid')

export const SignInSchema = z.object({
  email: EmailSchema,
  // Never trimmed or length-checked here: any refusal of a password is the one generic answer.
  password: z.string({ required_error: 'auth:errors.passwordRequired' }),
  redirectTo: z.string().optional(),
})

/**
 * Length only: composition rules make passwords weaker in practice (NIST SP 800-63B). The
 * common-password list is checked on the server only (`withPasswordPolicy` in
 * password-policy.server.ts), so the browser bundle does not carry it.
 */
export const NewPasswordSchema = z
  .string({ required_error: 'auth:errors.newPasswordRequired' })
  .min(12, 'auth:errors.passwordTooShort')
  .max(128, 'auth:errors.passwordTooLong')

/** Forms that ask for an address only (forgot password, sign-in by link). */
export const EmailOnlySchema = z.object({ email: EmailSchema })

/**
 * A password chosen through an emailed link (reset, claiming a record, a staff invitation): the
 * link's token, the password and its confirmation. `invalidLink` is the key shown for a missing
 * or oversized token.
 */
export function tokenPasswordSchema(
  invalidLink: 'auth:errors.linkInvalid' | 'auth:errors.resetLinkInvalid',
) {
  return z
    .object({
      token: z.string({ required_error: invalidLink }).max(200, invalidLink),
      password: NewPasswordSchema,
      confirmPassword: z.string({ required_error: 'auth:errors.confirmRequired' }),
    })
    .refine((value) => value.password === value.confirmPassword, {
      message: 'auth:errors.passwordsDiffer',
      path: ['confirmPassword'],
    })
}

/** Passwords never travel back to the browser in an error response. */
export const passwordFields = ['password', 'confirmPassword']
