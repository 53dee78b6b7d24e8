import { expect, test } from 'vitest'
import { endSession, getOptionalUser } from '#app/auth/session.server.ts'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { countQueries } from '#db/query-count.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { getRequest, signedInCustomer } from '#test/support/fixtures.ts'

const database = useTestDatabase()

test('one HTTP request validates its session once, however many loaders and guards ask', async () => {
  const { cookie, accountId } = await signedInCustomer(database.db)

  const { result, queries } = await countQueries(() =>
    runInRequestScope(async () => {
      // Remix hands the root loader and the route loader separate copies of the request.
      const root = await getOptionalUser(getRequest('/orders', { cookie }))
      const route = await getOptionalUser(getRequest('/orders', { cookie }))
      return [root.user?.id, route.user?.id]
    }),
  )
  expect(result).toEqual([accountId, accountId])
  expect(queries).toBe(1)

  // The next request validates again.
  const next = await countQueries(() =>
    runInRequestScope(() => getOptionalUser(getRequest('/', { cookie }))),
  )
  expect(next.result.user?.id).toBe(accountId)
  expect(next.queries).toBe(1)
})

test('after signing out in an action, a later loader of the same request sees no user', async () => {
  const { cookie } = await signedInCustomer(database.db)
  const after = await runInRequestScope(async () => {
    expect((await getOptionalUser(getRequest('/', { cookie }))).user).not.toBeNull()
    await endSession(getRequest('/logout', { cookie }))
    return getOptionalUser(getRequest('/', { cookie }))
  })
  expect(after.user).toBeNull()
})
