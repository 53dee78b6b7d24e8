import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  consumeAccountToken,
  createAccountToken,
  peekAccountToken,
  revokeAccountTokens,
} from '#db/account-tokens.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { createCustomerAccount } from '#test/support/fixtures.ts'

const database = useTestDatabase()

describe('account tokens', () => {
  it('stores only the SHA-256 of a 32-byte base64url token', async () => {
    const { accountId } = await createCustomerAccount(database.db)
    const token = await createAccountToken(database.db, {
      accountId,
      purpose: 'password_reset',
      ttlMinutes: 60,
    })
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const rows = await database.db
      .selectFrom('account_tokens')
      .select(['token_hash', 'expires_at', 'created_at'])
      .where('account_id', '=', accountId)
      .execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]?.token_hash).toBe(createHash('sha256').update(token).digest('hex'))
    const ttl = (rows[0]?.expires_at.getTime() ?? 0) - (rows[0]?.created_at.getTime() ?? 0)
    expect(ttl).toBe(60 * 60 * 1000)
  })

  it('peeks without using up, and is used exactly once', async () => {
    const { accountId, customerId } = await createCustomerAccount(database.db)
    const token = await createAccountToken(database.db, {
      accountId,
      customerId,
      purpose: 'password_reset',
      ttlMinutes: 60,
      payload: { from: 'test' },
    })
    expect(await peekAccountToken(database.db, token, 'password_reset')).not.toBeNull()
    expect(await peekAccountToken(database.db, token, 'password_reset')).not.toBeNull()
    // Another purpose does not match.
    expect(await consumeAccountToken(database.db, token, 'magic_link')).toBeNull()

    expect(await consumeAccountToken(database.db, token, 'password_reset')).toEqual({
      accountId,
      customerId,
      payload: { from: 'test' },
    })
    expect(await consumeAccountToken(database.db, token, 'password_reset')).toBeNull()
    expect(await peekAccountToken(database.db, token, 'password_reset')).toBeNull()
    expect(await consumeAccountToken(database.db, 'no-such-token', 'password_reset')).toBeNull()
  })

  it('lets only one of two concurrent uses succeed', async () => {
    const { accountId } = await createCustomerAccount(database.db)
    for (let round = 0; round < 5; round++) {
      const token = await createAccountToken(database.db, {
        accountId,
        purpose: 'password_reset',
        ttlMinutes: 60,
      })
      const results = await Promise.all([
        database.db
          .transaction()
          .execute((trx) => consumeAccountToken(trx, token, 'password_reset')),
        database.db
          .transaction()
          .execute((trx) => consumeAccountToken(trx, token, 'password_reset')),
      ])
      expect(results.filter((result) => result !== null)).toHaveLength(1)
    }
  })

  it('refuses an expired token, and a revoked one', async () => {
    const { accountId } = await createCustomerAccount(database.db)
    const expired = await createAccountToken(database.db, {
      accountId,
      purpose: 'email_verification',
      ttlMinutes: 60,
    })
    await database.db
      .updateTable('account_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('account_id', '=', accountId)
      .execute()
    expect(await peekAccountToken(database.db, expired, 'email_verification')).toBeNull()
    expect(await consumeAccountToken(database.db, expired, 'email_verification')).toBeNull()

    const revoked = await createAccountToken(database.db, {
      accountId,
      purpose: 'email_verification',
      ttlMinutes: 60,
    })
    await revokeAccountTokens(database.db, accountId, 'email_verification')
    expect(await consumeAccountToken(database.db, revoked, 'email_verification')).toBeNull()
  })
})
