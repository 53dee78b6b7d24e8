import { describe, expect, test } from 'vitest'
import { parseEnv } from './env.server.ts'

/** A process environment with only these variables (NODE_ENV is required by its type). */
const envWith = (values: Record<string, string>) => parseEnv({ NODE_ENV: 'test', ...values })

describe('TRUST_PROXY', () => {
  test('trusts no forwarded header unless told how many proxies there are', () => {
    expect(envWith({}).TRUST_PROXY).toBe(0)
    expect(envWith({ TRUST_PROXY: '' }).TRUST_PROXY).toBe(0)
    expect(envWith({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2)
  })

  test('refuses anything but a small whole number, naming the variable', () => {
    for (const value of ['true', '-1', '1.5', '11']) {
      expect(() => envWith({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY/)
    }
  })
})
