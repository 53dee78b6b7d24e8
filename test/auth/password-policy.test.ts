import { describe, expect, it } from 'vitest'
import { verifyPassword } from '#app/auth/password.server.ts'
import { isCommonPassword, withPasswordPolicy } from '#app/auth/password-policy.server.ts'
import { NewPasswordSchema, tokenPasswordSchema } from '#app/auth/schemas.ts'
import { action as claimAction } from '#app/routes/claim.tsx'
import { action as resetPasswordAction } from '#app/routes/reset-password.tsx'
import { action as signUpAction } from '#app/routes/signup.tsx'
import { action as staffClaimAction } from '#app/routes/staff_.claim.tsx'
import { createAccountToken } from '#db/account-tokens.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createCustomerAccount,
  formRequest,
  PASSWORD,
  routeArgs,
  uniqueEmail,
} from '#test/support/fixtures.ts'

const database = useTestDatabase()

// Twelve characters or more, and in the shipped list of common passwords.
const COMMON = 'qwertyuiop12'
const UNCOMMON = 'a brand new passphrase 2026'

/** A refused form: its status and the errors it reports per field. */
function refusal(result: unknown): { status: number; errors: Record<string, string[] | null> } {
  if (result instanceof Response) {
    throw new Error(`Expected a refusal, got ${result.status} to ${result.headers.get('Location')}`)
  }
  const { data, init } = result as { data: unknown; init?: { status?: number } | null }
  // Claim pages wrap Conform's reply with what was refused.
  const reply = (data && typeof data === 'object' && 'result' in data ? data.result : data) as {
    error?: Record<string, string[] | null>
  }
  return { status: init?.status ?? 200, errors: reply.error ?? {} }
}

describe('the common-password list', () => {
  it('knows passwords attackers try first, whatever their case', () => {
    for (const password of ['password1234', 'Password1234', 'QWERTYUIOP12', '123456789012']) {
      expect(isCommonPassword(password), password).toBe(true)
    }
    for (const password of [UNCOMMON, PASSWORD, 'Tröpfchen-Wäscheleine-17']) {
      expect(isCommonPassword(password), password).toBe(false)
    }
  })

  it('is not part of the schema the browser runs, only of the server’s', () => {
    expect(NewPasswordSchema.safeParse(COMMON).success).toBe(true)
    const fields = { token: 't', password: COMMON, confirmPassword: COMMON }
    const shared = tokenPasswordSchema('auth:errors.linkInvalid')
    expect(shared.safeParse(fields).success).toBe(true)

    const checked = withPasswordPolicy(shared).safeParse(fields)
    expect(checked.success).toBe(false)
    expect(checked.error?.issues).toEqual([
      expect.objectContaining({ path: ['password'], message: 'auth:errors.passwordTooCommon' }),
    ])
  })

  it('gives one reason at a time: a short common password is only too short', () => {
    const shared = tokenPasswordSchema('auth:errors.linkInvalid')
    const result = withPasswordPolicy(shared).safeParse({
      token: 't',
      password: 'password',
      confirmPassword: 'password',
    })
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'auth:errors.passwordTooShort',
    ])
  })
})

describe('every form that sets a password refuses a common one', () => {
  it('password reset: refused with the field error, the password unchanged and the link still good', async () => {
    const account = await createCustomerAccount(database.db)
    const token = await createAccountToken(database.db, {
      accountId: account.accountId,
      customerId: account.customerId,
      purpose: 'password_reset',
      ttlMinutes: 60,
    })
    const submit = (password: string) =>
      resetPasswordAction(
        routeArgs(
          formRequest(`/reset-password?${new URLSearchParams({ token })}`, {
            token,
            password,
            confirmPassword: password,
          }),
        ),
      )
    const storedHash = async () =>
      (
        await database.db
          .selectFrom('accounts')
          .select('password_hash')
          .where('id', '=', account.accountId)
          .executeTakeFirstOrThrow()
      ).password_hash ?? ''

    const refused = refusal(await submit(COMMON))
    expect(refused.status).toBe(400)
    expect(refused.errors.password).toEqual(['auth:errors.passwordTooCommon'])
    expect(await verifyPassword(await storedHash(), PASSWORD)).toBe(true)

    // The same link then takes a password that is not on the list.
    const accepted = await submit(UNCOMMON)
    expect(accepted).toBeInstanceOf(Response)
    expect((accepted as Response).headers.get('Location')).toBe('/login?reset=1')
    expect(await verifyPassword(await storedHash(), UNCOMMON)).toBe(true)
  })

  it('sign-up: refused with the field error, and no account is created', async () => {
    const email = uniqueEmail('signup')
    const refused = refusal(
      await signUpAction(
        routeArgs(
          formRequest('/signup', {
            givenName: 'Nora',
            familyName: 'Lind',
            email,
            password: COMMON,
            language: 'en',
          }),
        ),
      ),
    )
    expect(refused.status).toBe(400)
    expect(refused.errors.password).toEqual(['auth:errors.passwordTooCommon'])
    const accounts = await database.db
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', email)
      .execute()
    expect(accounts).toEqual([])
  })

  it.each([
    ['claiming a customer record', '/claim', claimAction],
    ['claiming a staff invitation', '/staff/claim', staffClaimAction],
  ])('%s: refused with the field error before the link is even looked at', async (_, path, run) => {
    const refused = refusal(
      await run(
        routeArgs(
          formRequest(path, {
            token: 'any-token',
            password: `${COMMON.toUpperCase()}`,
            confirmPassword: `${COMMON.toUpperCase()}`,
          }),
        ),
      ),
    )
    expect(refused.status).toBe(400)
    expect(refused.errors.password).toEqual(['auth:errors.passwordTooCommon'])
  })
})
