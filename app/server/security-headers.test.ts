import { type AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { securityHeaders } from './security-headers.ts'

let baseUrl = ''
let close: () => Promise<void> = async () => {}

beforeAll(async () => {
  const app = express()
  // Lets the test stand in for a TLS-terminating proxy via X-Forwarded-Proto.
  app.set('trust proxy', true)
  app.use(securityHeaders())
  app.get('/', (_req, res) => {
    res.send('ok')
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = () => new Promise((resolve) => server.close(() => resolve()))
})

afterAll(() => close())

test('sets the baseline security headers', async () => {
  const response = await fetch(`${baseUrl}/`)
  expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
  expect(response.headers.get('x-frame-options')).toBe('DENY')
  expect(response.headers.get('permissions-policy')).toBe(
    'camera=(), microphone=(), geolocation=()',
  )
})

test('sends HSTS only over HTTPS', async () => {
  const plain = await fetch(`${baseUrl}/`)
  expect(plain.headers.get('strict-transport-security')).toBeNull()

  const https = await fetch(`${baseUrl}/`, { headers: { 'X-Forwarded-Proto': 'https' } })
  expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')
})
