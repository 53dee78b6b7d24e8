import type { StaffRole } from './values.ts'

/** Every demo account signs in with this password (README, e2e tests). Never used outside demos. */
export const DEMO_PASSWORD = 'portal-demo-2026'

export const DEMO_CUSTOMER_LOGINS = {
  anna: 'anna.berg@example.com',
  lucas: 'lucas.meyer@example.com',
} as const

export const DEMO_STAFF_LOGINS: Record<StaffRole, { email: string; displayName: string }> = {
  agent: { email: 'agent@example.com', displayName: 'Sam Agent' },
  supervisor: { email: 'supervisor@example.com', displayName: 'Kim Supervisor' },
  admin: { email: 'admin@example.com', displayName: 'Alex Admin' },
}

/**
 * The authenticator secret (base32) of every demo staff account, so the demo and e2e can sign
 * staff in (2FA is required for staff). DEMO ONLY: it is published in the README.
 */
export const DEMO_STAFF_TOTP_SECRET = 'DEMOONLYDEMOONLYDEMOONLYDEMOONLY'
