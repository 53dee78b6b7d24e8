import { encodeBase32NoPadding } from '@oslojs/encoding'
import {
  encryptTotpKey,
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpKey,
  timeStep,
} from '#app/auth/two-factor.server.ts'
import { type Database } from '#db/database.ts'
import { enableTwoFactor, savePendingSecret } from '#db/two-factor.ts'

/**
 * Turns 2FA on for an account straight in the database (as if set up a moment ago, with the
 * current time step used): the secret in base32, that step, and the recovery codes.
 */
export async function enableForCustomer(db: Database, accountId: string) {
  const key = newTotpKey()
  const step = timeStep()
  const codes = newRecoveryCodes()
  await savePendingSecret(db, accountId, encryptTotpKey(key, accountId))
  await enableTwoFactor(db, {
    accountId,
    step,
    codeHashes: codes.map(hashRecoveryCode),
    history: null,
  })
  return { secret: encodeBase32NoPadding(key), step, codes }
}
