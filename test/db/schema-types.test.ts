import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { generateSchemaTypes } from '#db/codegen.ts'
import { useTestDatabase } from '#test/support/database.ts'

const database = useTestDatabase()

test('db/schema.ts matches the migrated schema (run `npm run db:types` after a migration)', async () => {
  const committed = readFileSync(new URL('../../db/schema.ts', import.meta.url), 'utf8')
  expect(await generateSchemaTypes(database.db)).toBe(committed)
})
