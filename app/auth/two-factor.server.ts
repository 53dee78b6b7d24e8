import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  randomInt,
} from 'node:crypto'
import { decodeBase32IgnorePadding, encodeBase32NoPadding } from '@oslojs/encoding'
import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp'
import QRCode from 'qrcode'
import { getEnv } from '#app/lib/env.server.ts'
import { type Database } from '#db/database.ts'
import { acceptTimeStep, getTwoFactor, spendRecoveryCode } from '#db/two-factor.ts'

// The authenticator (TOTP, RFC 6238: 30-second steps, 6 digits, SHA-1, what every app reads
// from a QR code) and the recovery codes. Secrets are encrypted at rest, so a copy of the
// database alone does not give anyone the codes.

export const TOTP_PERIOD_SECONDS = 30
export const TOTP_DIGITS = 6
export const RECOVERY_CODE_COUNT = 10
const ISSUER = 'Customer portal'

// Encryption --------------------------------------------------------------------------------------

const ENCRYPTION_VERSION = 'v1'
let derived: { from: string; key: Buffer } | undefined

/**
 * AES-256 key derived from SESSION_SECRET by HKDF, with its own label, so it is never the key
 * that signs links. Changing SESSION_SECRET therefore makes stored authenticator secrets
 * unreadable (README says so).
 */
function encryptionKey(): Buffer {
  const secret = getEnv().SESSION_SECRET
  if (derived?.from !== secret) {
    const key = hkdfSync('sha256', secret, 'cmr-two-factor', 'two-factor-secret-encryption-v1', 32)
    derived = { from: secret, key: Buffer.from(key) }
  }
  return derived.key
}

/**
 * AES-256-GCM with a random 96-bit IV. The context (the account id) is bound as associated data,
 * so a stored value copied onto another account's row does not decrypt.
 */
export function seal(plain: Uint8Array, context: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', encryptionKey(), iv)
  cipher.setAAD(Buffer.from(context, 'utf8'))
  const body = Buffer.concat([cipher.update(plain), cipher.final()])
  const tag = cipher.getAuthTag()
  return [
    ENCRYPTION_VERSION,
    iv.toString('base64url'),
    tag.toString('base64url'),
    body.toString('base64url'),
  ].join('.')
}

/** The plain bytes, or null when the value was not sealed by us for this context. */
export function unseal(sealed: string, context: string): Uint8Array | null {
  const [version, iv, tag, body] = sealed.split('.')
  if (version !== ENCRYPTION_VERSION || !iv || !tag || body === undefined) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', encryptionKey(), Buffer.from(iv, 'base64url'))
    decipher.setAAD(Buffer.from(context, 'utf8'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return new Uint8Array(
      Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]),
    )
  } catch {
    return null
  }
}

export function encryptTotpKey(key: Uint8Array, accountId: string): string {
  return seal(key, `totp:${accountId}`)
}

export function decryptTotpKey(stored: string, accountId: string): Uint8Array | null {
  return unseal(stored, `totp:${accountId}`)
}

// TOTP ---------------------------------------------------------------------------------------------

/** 160 bits, the size RFC 4226 recommends for HMAC-SHA-1. */
export function newTotpKey(): Uint8Array {
  return new Uint8Array(randomBytes(20))
}

export function totpKeyFromBase32(text: string): Uint8Array {
  return decodeBase32IgnorePadding(text.replace(/\s+/g, '').toUpperCase())
}

/** The secret as people type it into an app: base32 in groups of four. */
export function formatTotpKey(key: Uint8Array): string {
  return encodeBase32NoPadding(key)
    .replace(/(.{4})/g, '$1 ')
    .trim()
}

export function totpKeyUri(accountName: string, key: Uint8Array): string {
  return createTOTPKeyURI(ISSUER, accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS)
}

/** The QR code as SVG markup; the page shows it as a `data:` image (no script, no request). */
export async function qrCodeSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
}

export function timeStep(now: number = Date.now()): number {
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS)
}

/**
 * The time step a code belongs to, or null. The step before and after count too, for clocks a
 * little off and codes typed at the end of their 30 seconds.
 */
export function matchTotp(key: Uint8Array, code: string, now: number = Date.now()): number | null {
  const current = timeStep(now)
  for (const step of [current, current - 1, current + 1]) {
    if (verifyHOTP(key, BigInt(step), TOTP_DIGITS, code)) return step
  }
  return null
}

// Recovery codes ----------------------------------------------------------------------------------

// No 0/o, 1/l/i: codes are read off paper.
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/** Ten codes of ten characters (about 49 bits each), shown as `xxxxx-xxxxx`. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from(
      { length: 10 },
      () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)],
    ).join('')
    return `${chars.slice(0, 5)}-${chars.slice(5)}`
  })
}

/** Case, spaces and dashes do not matter when a code is typed back. */
function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]+/g, '')
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex')
}

// Checking a code ---------------------------------------------------------------------------------

export type CodeVerdict = 'ok' | 'wrong' | 'used'

/** Six digits are an authenticator code; anything else is tried as a recovery code. */
function isTotpShaped(input: string): boolean {
  return /^\d{6}$/.test(input.replace(/\s+/g, ''))
}

/**
 * Checks a second-factor code of an account with 2FA on: an authenticator code (accepted once:
 * 'used' when its time step was already taken) or an unused recovery code (then spent).
 */
export async function verifySecondFactor(
  db: Database,
  accountId: string,
  input: string,
  options: { allowRecoveryCode: boolean } = { allowRecoveryCode: true },
): Promise<CodeVerdict> {
  const state = await getTwoFactor(db, accountId)
  if (!state?.enabledAt) return 'wrong'
  if (isTotpShaped(input)) {
    const key = decryptTotpKey(state.secretEncrypted, accountId)
    const step = key ? matchTotp(key, input.replace(/\s+/g, '')) : null
    if (step === null) return 'wrong'
    return (await acceptTimeStep(db, accountId, step, { enabled: true })) ? 'ok' : 'used'
  }
  if (!options.allowRecoveryCode) return 'wrong'
  const normalised = normaliseRecoveryCode(input)
  if (normalised.length !== 10) return 'wrong'
  return (await spendRecoveryCode(db, accountId, hashRecoveryCode(normalised))) ? 'ok' : 'wrong'
}

/**
 * Checks the first code of an enrolment against the pending secret: the step it belongs to
 * (to be stored as used when the secret is turned on), or null.
 */
export function matchPendingCode(
  state: { secretEncrypted: string; lastUsedStep: number | null } | null,
  accountId: string,
  input: string,
): number | null {
  if (!state) return null
  const key = decryptTotpKey(state.secretEncrypted, accountId)
  if (!key) return null
  const step = matchTotp(key, input.replace(/\s+/g, ''))
  if (step === null) return null
  return state.lastUsedStep !== null && step <= state.lastUsedStep ? null : step
}

/** The pending secret's parts for the enrolment screen, or null when there is none. */
export async function enrolmentDisplay(
  state: { secretEncrypted: string; enabledAt: Date | null } | null,
  accountId: string,
  accountName: string,
): Promise<{ qrSvg: string; secret: string } | null> {
  if (!state || state.enabledAt) return null
  const key = decryptTotpKey(state.secretEncrypted, accountId)
  if (!key) return null
  return { qrSvg: await qrCodeSvg(totpKeyUri(accountName, key)), secret: formatTotpKey(key) }
}
