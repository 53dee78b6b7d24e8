import { type AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { contentSecurityPolicy, cspNonceOf, securityHeaders } from './security-headers.ts'

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
  // A page as server.ts renders it: the nonce handed on to the render is the header's.
  app.get('/page', (_req, res) => {
    res
      .type('html')
      .send(`<!doctype html><html><body><script nonce="${cspNonceOf(res)}"></script></body></html>`)
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

function directives(policy: string | null): Map<string, string> {
  expect(policy).not.toBeNull()
  return new Map(
    (policy ?? '').split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/)
      return [name, values.join(' ')]
    }),
  )
}

test('a page response carries every header, with the policy allowing only its own nonce', async () => {
  const response = await fetch(`${baseUrl}/page`, { headers: { 'X-Forwarded-Proto': 'https' } })
  const html = await response.text()
  const nonce = /<script nonce="([^"]+)">/.exec(html)?.[1]
  expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/)

  expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
  expect(response.headers.get('x-frame-options')).toBe('DENY')
  expect(response.headers.get('permissions-policy')).toBe(
    'camera=(), microphone=(), geolocation=()',
  )
  expect(response.headers.get('strict-transport-security')).toBe(
    'max-age=31536000; includeSubDomains',
  )
  expect(Object.fromEntries(directives(response.headers.get('content-security-policy')))).toEqual({
    'default-src': "'self'",
    'script-src': `'self' 'nonce-${nonce}'`,
    'style-src': "'self'",
    'img-src': "'self' data:",
    'connect-src': "'self'",
    'frame-ancestors': "'none'",
    'base-uri': "'self'",
    'form-action': "'self'",
    'object-src': "'none'",
  })
})

test('every request gets a fresh nonce', async () => {
  const nonces = new Set<string>()
  for (let i = 0; i < 5; i++) {
    const response = await fetch(`${baseUrl}/page`)
    const scriptSrc = directives(response.headers.get('content-security-policy')).get('script-src')
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc ?? '')?.[1]
    expect(nonce).toBeDefined()
    expect(await response.text()).toContain(`<script nonce="${nonce}">`)
    nonces.add(nonce ?? '')
  }
  expect(nonces.size).toBe(5)
})

test('scripts never get unsafe-inline or unsafe-eval, in production or development', () => {
  for (const development of [false, true]) {
    const scriptSrc = directives(contentSecurityPolicy('abc', { development })).get('script-src')
    expect(scriptSrc).toBe("'self' 'nonce-abc'")
  }
  // Only the development server loosens styles (Vite's overlay) and connections (its HMR socket).
  const development = directives(contentSecurityPolicy('abc', { development: true }))
  expect(development.get('style-src')).toBe("'self' 'unsafe-inline'")
  expect(development.get('connect-src')).toBe("'self' ws: wss:")
  expect(development.get('frame-ancestors')).toBe("'none'")
})
