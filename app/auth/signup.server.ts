import { getFixedTFor } from '#app/i18n/i18next.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { runInBackground, sendMail } from '#app/mail/mailer.server.ts'
import { signUpExistingAccountMail } from '#app/mail/templates/sign-up-existing-account.ts'
import { signUpVerificationMail } from '#app/mail/templates/sign-up-verification.ts'
import {
  confirmSignUp,
  createSignedUpAccount,
  createSignUpToken,
  describeSignUpToken,
  findSignUpConflict,
  SIGN_UP_VERIFICATION_TTL_MINUTES,
  type SignUpConflict,
} from '#db/account-lifecycle.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError } from '#db/errors.ts'
import { createClaimInvitation, maskEmail } from './invitation.server.ts'
import { hashPassword } from './password.server.ts'

export { SIGN_UP_VERIFICATION_TTL_MINUTES }

export interface SignUpRequest {
  givenName: string
  familyName: string
  email: string
  password: string
  language: string
}

function linkTo(path: string, token: string): string {
  return `${getEnv().appUrl}${path}?${new URLSearchParams({ token })}`
}

/**
 * Signs a new customer up, or tells the address's owner that it is already in use. The caller
 * answers the same either way: whether an address is known is told only to its mailbox, never
 * to whoever fills in the form. The password is hashed on every path and everything else happens
 * after the answer, so the time to answer does not tell the cases apart either.
 *
 * - A new address: a customer record and its account, and a link to verify the address.
 * - An address some account signs in with: a mail saying someone tried to sign up with it,
 *   with links to sign in and to reset the password (and a fresh verification link if the
 *   address was never verified). Nothing is changed.
 * - The primary email of a record without an account (created by staff or an integration): an
 *   invitation to claim that record, instead of a second record for the same person.
 */
export async function signUp(request: SignUpRequest): Promise<void> {
  const passwordHash = await hashPassword(request.password)
  // After the answer: a new address writes a customer, an account and a token, a known one at
  // most a token, and that difference must not show in the time to answer.
  runInBackground(() => signUpAfterAnswer(request, passwordHash), { msg: 'sign-up failed' })
}

async function signUpAfterAnswer(request: SignUpRequest, passwordHash: string): Promise<void> {
  const db = await getDatabase()
  const conflict = await findSignUpConflict(db, request.email)
  if (conflict) return answerConflict(conflict)

  let created: Awaited<ReturnType<typeof createSignedUpAccount>>
  try {
    created = await createSignedUpAccount(db, {
      givenName: request.givenName,
      familyName: request.familyName,
      email: request.email,
      language: request.language,
      passwordHash,
    })
  } catch (error) {
    // Someone signed up with the same address a moment earlier: theirs is the account now.
    if (error instanceof InvalidStateError) {
      const now = await findSignUpConflict(db, request.email)
      if (now) return answerConflict(now)
    }
    throw error
  }
  const t = await getFixedTFor(request.language, 'auth')
  await sendMail(
    signUpVerificationMail({
      t,
      to: request.email,
      name: request.givenName,
      link: linkTo('/signup/verify', created.token),
      ttlHours: SIGN_UP_VERIFICATION_TTL_MINUTES / 60,
    }),
  )
}

async function answerConflict(conflict: SignUpConflict): Promise<void> {
  if (conflict.kind === 'unclaimed') {
    try {
      await createClaimInvitation(await getDatabase(), {
        customerId: conflict.customerId,
        actor: { kind: 'system' },
      })
    } catch (error) {
      // The record got an account (or was closed) a moment ago: nothing to invite to, and the
      // answer on screen stays the same.
      if (!(error instanceof InvalidStateError)) throw error
    }
    return
  }
  // A disabled account or a closed record could neither sign in nor reset its password: a mail
  // pointing there would only confuse.
  if (!conflict.usable) return
  const verifyToken =
    conflict.accountKind === 'customer' && conflict.customerId && !conflict.verified
      ? await createSignUpToken(await getDatabase(), {
          accountId: conflict.accountId,
          customerId: conflict.customerId,
        })
      : null
  const { appUrl } = getEnv()
  const t = await getFixedTFor(conflict.language, 'auth')
  await sendMail(
    signUpExistingAccountMail({
      t,
      to: conflict.email,
      signInLink: `${appUrl}${conflict.accountKind === 'staff' ? '/staff/login' : '/login'}`,
      resetLink: `${appUrl}/forgot-password`,
      verifyLink: verifyToken ? linkTo('/signup/verify', verifyToken) : null,
      verifyTtlHours: SIGN_UP_VERIFICATION_TTL_MINUTES / 60,
    }),
  )
}

/** The address a verification link is for (masked), without using it up; null when it would not work. */
export async function describeSignUpLink(token: string): Promise<{ maskedEmail: string } | null> {
  const link = await describeSignUpToken(await getDatabase(), token)
  return link ? { maskedEmail: maskEmail(link.email) } : null
}

/** Uses a verification link up; the account to sign in, or null when the link was refused. */
export async function confirmSignUpLink(token: string): Promise<string | null> {
  const confirmed = await confirmSignUp(await getDatabase(), token)
  return confirmed?.accountId ?? null
}
