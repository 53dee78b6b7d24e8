import { dictionary } from '@zxcvbn-ts/language-common'
import { type z } from 'zod'

// ASVS 2.1.7: a new password is refused when it is one that attackers try first. The list is
// zxcvbn-ts's common-passwords dictionary (about 49,000 entries from leaked password corpora,
// all lower case), shipped with the package and so available offline. It stays on the server:
// the shared zod schema also runs in the browser, which should not download it.

/** Built once when the module loads (about 25 ms), so every check is a single Set lookup. */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common'])

/** The list is lower case; `Password1234` is as guessable as `password1234`. */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase())
}

/** Length limits of `NewPasswordSchema`: outside them that schema already says what is wrong. */
const MIN_LENGTH = 12
const MAX_LENGTH = 128

/**
 * The server's version of a form schema that sets a password in its `password` field: the
 * shared checks plus the common-password list. Call it inside the action only, so the route's
 * browser bundle never references this module.
 */
export function withPasswordPolicy<Output extends { password: string }, Input>(
  schema: z.ZodType<Output, z.ZodTypeDef, Input>,
) {
  return schema.superRefine((value, context) => {
    const { password } = value
    // One message at a time: a too-short entry of the list gets only the length error.
    if (password.length < MIN_LENGTH || password.length > MAX_LENGTH) return
    if (isCommonPassword(password)) {
      context.addIssue({
        code: 'custom',
        path: ['password'],
        message: 'auth:errors.passwordTooCommon',
      })
    }
  })
}
