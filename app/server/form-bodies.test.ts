import type http from 'node:http'
import { type AddressInfo } from 'node:net'
import express from 'express'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { formBodiesOnly, isFormContentType } from './form-bodies.ts'

let baseUrl = ''
let server: http.Server
let reached: string[] = []

beforeAll(async () => {
  const app = express()
  app.use(formBodiesOnly())
  app.all('*', (req, res) => {
    reached.push(`${req.method} ${req.get('Content-Type') ?? '-'}`)
    res.send('app')
  })
  server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

test('HTML form bodies and reads reach the app', async () => {
  reached = []
  const urlencoded = await fetch(`${baseUrl}/profile`, {
    method: 'POST',
    body: new URLSearchParams({ a: '1' }),
  })
  const multipart = await fetch(`${baseUrl}/tickets/new`, { method: 'POST', body: new FormData() })
  const read = await fetch(`${baseUrl}/profile`)
  expect([urlencoded.status, multipart.status, read.status]).toEqual([200, 200, 200])
  expect(reached).toHaveLength(3)
})

test.each([
  ['JSON', { 'Content-Type': 'application/json' }, '{"givenName":"x"}'],
  ['XML', { 'Content-Type': 'text/xml' }, '<a/>'],
  ['plain text', { 'Content-Type': 'text/plain' }, 'givenName=x'],
  ['no type', {}, ''],
  ['a look-alike type', { 'Content-Type': 'application/x-www-form-urlencodedx' }, 'a=1'],
])(
  'a %s body is refused with a translated 415 and never reaches the app',
  async (_, headers, body) => {
    reached = []
    const response = await fetch(`${baseUrl}/profile`, {
      method: 'POST',
      headers: { ...headers, 'Accept-Language': 'de' },
      body,
    })
    expect(response.status).toBe(415)
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/)
    expect(await response.text()).toContain('Dieses Formular konnte nicht gelesen werden')
    expect(reached).toEqual([])
  },
)

test('content types', () => {
  expect(isFormContentType('application/x-www-form-urlencoded;charset=UTF-8')).toBe(true)
  expect(isFormContentType('multipart/form-data; boundary=----x')).toBe(true)
  expect(isFormContentType('MULTIPART/FORM-DATA; boundary=x')).toBe(true)
  expect(isFormContentType('application/json')).toBe(false)
  expect(isFormContentType(undefined)).toBe(false)
})
