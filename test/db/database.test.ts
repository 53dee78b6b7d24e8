import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { afterAll, describe, expect, test } from 'vitest'
import { DataDirLockedError, openDatabase, targetFromEnv } from '#db/database.ts'
import { useTestDatabase } from '#test/support/database.ts'

const database = useTestDatabase()

describe('values come back as the same JavaScript types on both engines', () => {
  test('bigint, date, timestamptz, jsonb, numeric', async () => {
    const { rows } = await sql<{
      big: unknown
      day: unknown
      at: unknown
      doc: unknown
      amount: unknown
    }>`select 9007199254740991::bigint as big, date '2026-03-01' as day,
              timestamptz '2026-03-01T12:00:00Z' as at, '{"a":[1,"x"]}'::jsonb as doc,
              1.50::numeric as amount`.execute(database.db)
    expect(rows[0]).toEqual({
      big: 9007199254740991,
      day: '2026-03-01',
      at: new Date('2026-03-01T12:00:00Z'),
      doc: { a: [1, 'x'] },
      amount: '1.50',
    })
  })

  test('count(*) is a number', async () => {
    const row = await database.db
      .selectFrom('channels')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(row.n).toBe(4)
  })
})

describe('embedded data folder', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cmr-lock-'))
  const dataDir = path.join(dir, 'pglite')
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('a second open of the same folder is refused while the first holds it', async () => {
    const first = await openDatabase({ engine: 'pglite', dataDir })
    try {
      await expect(openDatabase({ engine: 'pglite', dataDir })).rejects.toBeInstanceOf(
        DataDirLockedError,
      )
    } finally {
      await first.close()
    }
    // Released on close: the folder opens again and kept what was written.
    const again = await openDatabase({ engine: 'pglite', dataDir })
    await again.close()
  })

  test('a lock left by a process that no longer runs is taken over', async () => {
    writeFileSync(`${dataDir}.lock`, '2147483646')
    const open = await openDatabase({ engine: 'pglite', dataDir })
    await open.close()
  })
})

test('DATABASE_URL picks the server; otherwise an embedded folder under DATA_DIR', () => {
  expect(targetFromEnv({ DATABASE_URL: 'postgres://u@h:5432/d' })).toEqual({
    engine: 'postgres',
    url: 'postgres://u@h:5432/d',
  })
  expect(targetFromEnv({ DATA_DIR: '/srv/portal' })).toEqual({
    engine: 'pglite',
    dataDir: '/srv/portal/pglite',
  })
})
