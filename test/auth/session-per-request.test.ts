import { expect, test } from 'vitest'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { countQueries } from '#db/query-count.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { getRequest, signedInCustomer } from '#test/support/fixtures.ts'

const database = useTestDatabase()

test('a request validates its session once, however many loaders and guards ask', async () => {
  const { cookie, accountId } = await signedInCustomer(database.db)
  const request = getRequest('/', { cookie })

  const { result, queries } = await countQueries(async () => {
    const first = await getOptionalUser(request)
    const second = await getOptionalUser(request)
    return [first.user?.id, second.user?.id]
  })
  expect(result).toEqual([accountId, accountId])
  expect(queries).toBe(1)

  // A different request (the next page) validates again.
  const next = await countQueries(() => getOptionalUser(getRequest('/', { cookie })))
  expect(next.result.user?.id).toBe(accountId)
  expect(next.queries).toBe(1)
})
