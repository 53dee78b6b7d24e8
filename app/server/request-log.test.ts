import { type AddressInfo } from 'node:net'
import express from 'express'
import { sql } from 'kysely'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { useTestDatabase } from '#test/support/database.ts'
import { requestLog, type RequestLogLine } from './request-log.ts'

const database = useTestDatabase()
const lines: RequestLogLine[] = []
let baseUrl = ''
let close: () => Promise<void> = async () => {}

beforeAll(async () => {
  const app = express()
  app.use(requestLog((line) => lines.push(line)))
  app.get('/two-queries', async (_req, res) => {
    await sql`select 1`.execute(database.db)
    await sql`select 2`.execute(database.db)
    res.send('ok')
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  close = () => new Promise((resolve) => server.close(() => resolve()))
})

afterAll(() => close())

test('logs one line per request with its status, path without the query, and its SQL count', async () => {
  const [first, second] = await Promise.all([
    fetch(`${baseUrl}/two-queries?token=secret-token-value`),
    fetch(`${baseUrl}/two-queries`, { headers: { 'X-Request-Id': 'req-42' } }),
  ])
  expect([first.status, second.status]).toEqual([200, 200])
  await new Promise((resolve) => setTimeout(resolve, 50))

  expect(lines).toHaveLength(2)
  // Concurrent requests each count only their own queries.
  expect(lines.map((line) => line.queries)).toEqual([2, 2])
  expect(lines.map((line) => line.path)).toEqual(['/two-queries', '/two-queries'])
  expect(JSON.stringify(lines)).not.toContain('secret-token-value')
  expect(lines.map((line) => line.id)).toContain('req-42')
  expect(second.headers.get('X-Request-Id')).toBe('req-42')
})
