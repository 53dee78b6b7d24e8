import { encodeBase32NoPadding } from '@oslojs/encoding'
import { beforeAll, describe, expect, it } from 'vitest'
import { timeStep } from '#app/auth/two-factor.server.ts'
import * as staffCodePage from '#app/routes/staff_.login_.two-factor.tsx'
import * as staffLogin from '#app/routes/staff_.login.tsx'
import { decryptTotpKey } from '#app/auth/two-factor.server.ts'
import {
  DEMO_CUSTOMER_LOGINS,
  DEMO_PASSWORD,
  DEMO_STAFF_LOGINS,
  DEMO_STAFF_TOTP_SECRET,
  seedDemo,
} from '#db/seed/demo.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { formRequest, routeArgs } from '#test/support/fixtures.ts'
import { answerOf, codeFor, CookieJar } from './two-factor-support.ts'

// The demo staff sign in with the published demo secret (README); demo customers have no 2FA.

const database = useTestDatabase()

beforeAll(async () => {
  await seedDemo(database.db)
}, 60_000)

describe('demo seed and 2FA', () => {
  it('gives every demo staff account the demo secret, encrypted, and no customer any', async () => {
    const rows = await database.db
      .selectFrom('two_factor_secrets as t')
      .innerJoin('accounts as a', 'a.id', 't.account_id')
      .select(['a.email', 'a.kind', 't.account_id', 't.secret_encrypted', 't.enabled_at'])
      .execute()
    expect(rows.map((row) => row.email).sort()).toEqual(
      Object.values(DEMO_STAFF_LOGINS)
        .map((login) => login.email)
        .sort(),
    )
    for (const row of rows) {
      expect(row.kind).toBe('staff')
      expect(row.enabled_at).not.toBeNull()
      expect(row.secret_encrypted).not.toContain(DEMO_STAFF_TOTP_SECRET)
      const key = decryptTotpKey(row.secret_encrypted, row.account_id)
      expect(key && encodeBase32NoPadding(key)).toBe(DEMO_STAFF_TOTP_SECRET)
    }
    expect(rows.map((row) => row.email)).not.toContain(DEMO_CUSTOMER_LOGINS.anna)
  })

  it('signs the demo agent in with the password and a code from the demo secret', async () => {
    const email = DEMO_STAFF_LOGINS.agent.email
    const jar = new CookieJar()
    const first = await answerOf(() =>
      staffLogin.action(routeArgs(formRequest('/staff/login', { email, password: DEMO_PASSWORD }))),
    )
    jar.take(first.headers)
    expect(first.location).toBe('/staff/login/two-factor')
    const second = await answerOf(() =>
      staffCodePage.action(
        routeArgs(
          formRequest(
            '/staff/login/two-factor',
            { intent: 'verify', code: codeFor(DEMO_STAFF_TOTP_SECRET, timeStep()) },
            { cookie: jar.header() },
          ),
        ),
      ),
    )
    expect(second.location).toBe('/staff')
  })
})
