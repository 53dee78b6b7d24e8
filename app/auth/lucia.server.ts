import { Lucia } from 'lucia'
import { getEnv } from '#app/lib/env.server.ts'
import { getDatabase } from '#db/database.ts'
import { KyselySessionAdapter } from '#db/sessions.ts'

// Lucia v3 is deprecated (March 2025); it stays behind this module and db/sessions.ts so it can
// be replaced without touching routes. See docs/decisions/002-lucia-v3-behind-our-own-adapter.md.

const SESSION_COOKIE_BASE_NAME = 'cmr_session'

function createLucia(cookieSecure: boolean) {
  return new Lucia(new KyselySessionAdapter(getDatabase), {
    // Lucia's defaults: 30 days, extended to 30 again once half has passed (sliding expiry).
    sessionCookie: {
      // `__Host-` makes the browser refuse the cookie unless it is Secure, for this exact host
      // and path /, so a sibling subdomain cannot plant or overwrite it. It needs https.
      name: cookieSecure ? `__Host-${SESSION_COOKIE_BASE_NAME}` : SESSION_COOKIE_BASE_NAME,
      attributes: { secure: cookieSecure, sameSite: 'lax' },
    },
    getUserAttributes: (account) => ({
      kind: account.kind,
      displayName:
        account.kind === 'staff'
          ? (account.staff_display_name ?? '')
          : (account.customer_preferred_name ?? account.customer_given_name ?? ''),
      customerNumber: account.customer_number,
      customerId: account.customer_id,
      staffRole: account.staff_role,
      language: account.customer_language,
      timeZone: account.customer_time_zone ?? 'UTC',
      actingFor: account.acting_organisation,
    }),
  })
}

export type AppLucia = ReturnType<typeof createLucia>

declare module 'lucia' {
  interface Register {
    Lucia: AppLucia
  }
}

let instance: { cookieSecure: boolean; lucia: AppLucia } | undefined

/**
 * Built on first use rather than at import, because the cookie settings come from the
 * configuration, which tests change between cases (resetEnvCache).
 */
export function getLucia(): AppLucia {
  const { cookieSecure } = getEnv()
  if (instance?.cookieSecure !== cookieSecure) {
    instance = { cookieSecure, lucia: createLucia(cookieSecure) }
  }
  return instance.lucia
}
