import { expect, test } from 'vitest'
import { decodeCursor, encodeCursor } from './keyset.ts'

test('a cursor round-trips with its exact microseconds, uuid or bigint id', () => {
  for (const cursor of [
    { at: '2026-11-23T10:00:00.123456Z', id: '4f1c2d3e-0000-4000-8000-00000000abcd' },
    { at: '2026-11-23T10:00:00.000001Z', id: '9007199254740991' },
  ]) {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor)
  }
})

test('anything tampered decodes to null (the first page), never an error', () => {
  const valid = encodeCursor({ at: '2026-11-23T10:00:00.123456Z', id: '42' })
  for (const value of [
    null,
    '',
    'garbage',
    valid.slice(0, -2),
    encodeCursor({ at: '2026-11-23T10:00:00.123Z', id: '42' }),
    encodeCursor({ at: '2026-11-23T10:00:00.123456Z', id: "42'; drop table orders;--" }),
    Buffer.from('2026-11-23T10:00:00.123456Z|42|extra').toString('base64url'),
    'x'.repeat(500),
  ]) {
    expect(decodeCursor(value)).toBeNull()
  }
})
