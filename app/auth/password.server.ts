import { type Algorithm, hash, verify } from '@node-rs/argon2'

// `Algorithm` is an ambient const enum, which isolatedModules cannot inline; the member type
// still checks that 2 is Argon2id.
const ARGON2ID: Algorithm.Argon2id = 2

// OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane): about 30 ms here, cheap enough for every
// sign-in and still costly for anyone guessing offline from a leaked hash.
const options = {
  algorithm: ARGON2ID,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const

export async function hashPassword(password: string): Promise<string> {
  return hash(password, options)
}

/** False (not an exception) for a malformed stored hash: the caller treats it as a wrong password. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

let dummyHash: Promise<string> | undefined

/**
 * Spends the same time as verifying a real password, always false. Used when no account (or no
 * password) matches, so response time does not reveal whether an email address has an account.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('dummy password that no account has')
  await verifyPassword(await dummyHash, password)
  return false
}
