import { describe, expect, it } from 'vitest'
import { hashPassword, verifyAgainstDummy, verifyPassword } from '#app/auth/password.server.ts'

describe('passwords', () => {
  it('hashes with argon2id at 19 MiB, 2 passes, 1 lane, salted', async () => {
    const first = await hashPassword('a long enough password')
    const second = await hashPassword('a long enough password')
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(second).not.toBe(first)
  })

  it('verifies the right password only, and treats a malformed hash as a mismatch', async () => {
    const hash = await hashPassword('a long enough password')
    expect(await verifyPassword(hash, 'a long enough password')).toBe(true)
    expect(await verifyPassword(hash, 'a long enough passwore')).toBe(false)
    expect(await verifyPassword('not a hash', 'a long enough password')).toBe(false)
  })

  it('spends a real verification on the dummy and always refuses', async () => {
    expect(await verifyAgainstDummy('dummy password that no account has')).toBe(false)
    expect(await verifyAgainstDummy('anything')).toBe(false)
  })
})
