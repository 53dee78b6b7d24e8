import type { StaffRole } from './values.ts'

/** Every demo account signs in with this password (README, e2e tests). Never used outside demos. */
export const DEMO_PASSWORD = 'portal-demo-2026'

export const DEMO_CUSTOMER_LOGINS = {
  anna: 'anna.berg@example.com',
  lucas: 'lucas.meyer@example.com',
  // Lind & Co Interiors AB: Maja owns it (and is a member of Nordlicht), Erik is a member,
  // Sara the billing contact. Nordlicht Logistik GmbH: Jonas owns it.
  maja: 'maja.lind@example.com',
  erik: 'erik.holm@example.com',
  sara: 'sara.ek@example.com',
  jonas: 'jonas.weber@example.com',
} as const

/** The demo organisations, by name (db/seed/demo-organisations.ts builds them). */
export const DEMO_ORGANISATIONS = {
  lind: 'Lind & Co Interiors AB',
  nordlicht: 'Nordlicht Logistik GmbH',
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
