import net from 'node:net'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { isDatabaseUnavailableError, type OpenDatabase, openDatabase } from '#db/database.ts'
import { type FakePostgres, startFakePostgres } from '#test/reliability/fake-postgres.ts'

// Which errors mean "the database is down, try again shortly" (a 503), told apart from bugs and
// bad data (a 500 or a form error), on the errors node-postgres really throws; and the pool
// coming back by itself after a restart. A stand-in server plays PostgreSQL, so this runs the
// same on both test engines and never stops the shared server.

let fake: FakePostgres
let open: OpenDatabase | null = null
let poolWarnings: string[] = []

beforeEach(async () => {
  fake = await startFakePostgres()
  poolWarnings = []
  vi.spyOn(console, 'warn').mockImplementation((line: unknown) => {
    poolWarnings.push(String(line))
  })
})

afterEach(async () => {
  await open?.close().catch(() => {})
  open = null
  await fake.close()
})

// openDatabase does not connect for PostgreSQL: the pool connects on first use.
async function database(url = fake.url): Promise<OpenDatabase> {
  open = await openDatabase({ engine: 'postgres', url, poolSize: 2 })
  return open
}

async function selectOne(db: OpenDatabase['db']): Promise<number> {
  const result = await sql<{ one: number }>`select 1 as one`.execute(db)
  return result.rows[0]!.one
}

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run()
  } catch (error) {
    return error
  }
  throw new Error('expected the query to fail')
}

async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('errors node-postgres throws while the database is unreachable', () => {
  test('nothing listening: ECONNREFUSED', async () => {
    const { db } = await database(`postgres://postgres@127.0.0.1:${await closedPort()}/x`)
    const error = await errorOf(() => selectOne(db))
    expect(error).toMatchObject({ code: 'ECONNREFUSED' })
    expect(isDatabaseUnavailableError(error)).toBe(true)
  })

  test('a server still starting up: 57P03 cannot_connect_now', async () => {
    await fake.start('starting')
    const { db } = await database()
    const error = await errorOf(() => selectOne(db))
    expect(error).toMatchObject({ code: '57P03' })
    expect(isDatabaseUnavailableError(error)).toBe(true)
  })

  test('a connection cut during the handshake: "Connection terminated unexpectedly"', async () => {
    const cutter = net.createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => cutter.listen(0, '127.0.0.1', resolve))
    const { port } = cutter.address() as net.AddressInfo
    try {
      const { db } = await database(`postgres://postgres@127.0.0.1:${port}/x`)
      const error = await errorOf(() => selectOne(db))
      expect(String((error as Error).message)).toMatch(/Connection terminated/)
      expect(isDatabaseUnavailableError(error)).toBe(true)
    } finally {
      await new Promise((resolve) => cutter.close(resolve))
    }
  })

  test('a server that accepts but never answers: the connect timeout, not an endless wait', async () => {
    const silent = net.createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as net.AddressInfo
    try {
      const { db } = await database(`postgres://postgres@127.0.0.1:${port}/x`)
      const started = Date.now()
      const error = await errorOf(() => selectOne(db))
      expect(Date.now() - started).toBeLessThan(8_000)
      expect(isDatabaseUnavailableError(error)).toBe(true)
    } finally {
      silent.close()
      await open?.close().catch(() => {})
      open = null
    }
  }, 15_000)
})

describe('isDatabaseUnavailableError', () => {
  test('connection exceptions, shutdowns and socket failures count', () => {
    for (const code of ['08006', '08001', '08003', '57P01', '57P02', '57P03', '53300']) {
      expect(isDatabaseUnavailableError(Object.assign(new Error('x'), { code }))).toBe(true)
    }
    for (const code of ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']) {
      expect(isDatabaseUnavailableError(Object.assign(new Error('x'), { code }))).toBe(true)
    }
    expect(isDatabaseUnavailableError(new Error('Client was closed and is not queryable'))).toBe(
      true,
    )
    expect(isDatabaseUnavailableError(new Error('timeout exceeded when trying to connect'))).toBe(
      true,
    )
  })

  test('found behind a cause, or inside an AggregateError (several addresses tried)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), {
      code: 'ECONNREFUSED',
    })
    expect(isDatabaseUnavailableError(new Error('load failed', { cause: refused }))).toBe(true)
    expect(isDatabaseUnavailableError(new AggregateError([refused, refused]))).toBe(true)
  })

  test('bugs and bad data do not count: they must stay visible as errors', () => {
    for (const code of ['42601', '23505', '23514', '40001', '22P02', '42P01', 'E2BIG']) {
      expect(isDatabaseUnavailableError(Object.assign(new Error('x'), { code }))).toBe(false)
    }
    expect(isDatabaseUnavailableError(new Error('Cannot read properties of undefined'))).toBe(false)
    expect(isDatabaseUnavailableError(new Response(null, { status: 500 }))).toBe(false)
    expect(isDatabaseUnavailableError('Connection terminated')).toBe(false)
    expect(isDatabaseUnavailableError(null)).toBe(false)
    expect(isDatabaseUnavailableError(undefined)).toBe(false)
    // A cause chain that loops ends.
    const looping = new Error('a') as Error & { cause?: unknown }
    looping.cause = looping
    expect(isDatabaseUnavailableError(looping)).toBe(false)
  })
})

describe('the pool across a database restart', () => {
  test('idle connections ended by the server are dropped without crashing, and it reconnects by itself', async () => {
    const { db } = await database()
    // Two connections in the pool, both idle when the restart comes.
    expect(await Promise.all([selectOne(db), selectOne(db)])).toEqual([1, 1])
    const connectionsBefore = fake.connections
    expect(connectionsBefore).toBe(2)

    await fake.shutdown()
    // Each idle client's 'error' reached pool.on('error') (an unhandled one would end the
    // process here) and was logged as one warning line.
    await vi.waitFor(() => expect(poolWarnings.length).toBeGreaterThanOrEqual(1))
    expect(poolWarnings[0]).toContain('database pool error')

    // Down: a query fails at once with an error the app answers 503 for.
    const whileDown = await errorOf(() => selectOne(db))
    expect(isDatabaseUnavailableError(whileDown)).toBe(true)

    // Starting up: turned away with 57P03, also a 503.
    await fake.start('starting')
    const whileStarting = await errorOf(() => selectOne(db))
    expect(whileStarting).toMatchObject({ code: '57P03' })

    // Back: the next queries succeed on fresh connections; no broken client was handed out.
    await fake.start('up')
    expect(await Promise.all([selectOne(db), selectOne(db), selectOne(db)])).toEqual([1, 1, 1])
    expect(fake.connections).toBeGreaterThan(connectionsBefore + 1)
  })

  test('a connection dropped in the middle of a transaction fails that request, not the process', async () => {
    const { db } = await database()
    const outcome = db
      .transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx)
        // The restart comes while the transaction waits for something else (a hash, a file).
        await fake.shutdown()
        await new Promise((resolve) => setTimeout(resolve, 50))
        await sql`select 1`.execute(trx)
      })
      .then(
        () => null,
        (error: unknown) => error,
      )
    const error = await outcome
    // Without an error listener on checked-out clients, the process would have ended above.
    expect(isDatabaseUnavailableError(error)).toBe(true)
    await fake.start('up')
    expect(await selectOne(db)).toBe(1)
  })
})
