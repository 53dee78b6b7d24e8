import { type AddressInfo } from 'node:net'
import express from 'express'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { type Database } from '#db/database.ts'
import { checkDatabaseReady } from '#db/migrate.ts'
import { healthRoutes } from './health.ts'

vi.mock('#db/migrate.ts', () => ({ checkDatabaseReady: vi.fn() }))

const db = {} as Database
const checkReady = vi.mocked(checkDatabaseReady)

let shuttingDown = false
let baseUrl = ''
let close: () => Promise<void> = async () => {}

beforeEach(async () => {
  shuttingDown = false
  const app = express()
  app.use(healthRoutes(db, { isShuttingDown: () => shuttingDown, readyTimeoutMs: 100 }))
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = () => new Promise((resolve) => server.close(() => resolve()))
})

afterEach(async () => {
  await close()
  checkReady.mockReset()
})

describe('/healthz', () => {
  test('answers 200 without asking the database', async () => {
    const response = await fetch(`${baseUrl}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok' })
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(checkReady).not.toHaveBeenCalled()
  })
})

describe('/readyz', () => {
  test('answers 200 when the database is ready', async () => {
    checkReady.mockResolvedValue({ ok: true })
    const response = await fetch(`${baseUrl}/readyz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok' })
  })

  test('answers 503 with the reason when it is not', async () => {
    checkReady.mockResolvedValue({ ok: false, reason: '1 migration(s) pending' })
    const response = await fetch(`${baseUrl}/readyz`)
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({
      status: 'unavailable',
      reason: '1 migration(s) pending',
    })
  })

  test('answers 503 when the check throws', async () => {
    checkReady.mockRejectedValue(new Error('connection refused'))
    const response = await fetch(`${baseUrl}/readyz`)
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({ status: 'unavailable', reason: 'connection refused' })
  })

  test('answers 503 when the database hangs', async () => {
    checkReady.mockReturnValue(new Promise(() => {}))
    const response = await fetch(`${baseUrl}/readyz`)
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({
      status: 'unavailable',
      reason: 'database check timed out after 100 ms',
    })
  })

  test('answers 503 once shutdown has begun, so traffic drains away', async () => {
    checkReady.mockResolvedValue({ ok: true })
    shuttingDown = true
    const response = await fetch(`${baseUrl}/readyz`)
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({ status: 'unavailable', reason: 'shutting down' })
  })
})
