import { beforeAll, describe, expect, test } from 'vitest'
import { loader as dashboardLoader } from '#app/routes/_index.tsx'
import { loader as historyLoader } from '#app/routes/history.tsx'
import { useTestDatabase } from '#test/support/database.ts'
import { getRequest, routeArgs } from '#test/support/fixtures.ts'
import { type OrganisationWorld, organisationWorld } from '#test/support/organisations.ts'

// A person's own record history also tells of the orders, requests and tickets they opened. An
// item of an organisation belongs to the company as well: while the person acts for another
// organisation (or for themselves) its history rows stay out of their history page and their
// dashboard's recent activity, as the item itself stays out of their lists.

const database = useTestDatabase()
let world: OrganisationWorld

beforeAll(async () => {
  world = await organisationWorld(database.db)
})

async function historyReferences(actingFor: 'A' | 'B' | null): Promise<string[]> {
  const cookie = await world.cookieFor('paula', actingFor)
  const response = await historyLoader(routeArgs(getRequest('/history', { cookie })))
  const page = (await response.data) as { entries: { reference: string | null }[] }
  return page.entries.map((entry) => entry.reference).filter((ref): ref is string => ref !== null)
}

async function recentActivityReferences(actingFor: 'A' | 'B' | null): Promise<string[]> {
  const cookie = await world.cookieFor('paula', actingFor)
  const response = await dashboardLoader(routeArgs(getRequest('/', { cookie })))
  const page = (await response.data) as {
    dashboard: { recentActivity: { reference: string | null }[] }
  }
  return page.dashboard.recentActivity
    .map((entry) => entry.reference)
    .filter((ref): ref is string => ref !== null)
}

describe("Paula's history, in organisation A, B, or for herself", () => {
  test('the history page names only the items of the context she acts in', async () => {
    const inA = world.item('request', 'a-private').number
    const inB = world.item('request', 'b-paula').number
    const personal = world.item('request', 'personal-paula').number

    const actingForA = await historyReferences('A')
    expect(actingForA).toContain(inA)
    expect(actingForA).toContain(personal)
    expect(actingForA).not.toContain(inB)

    const actingForB = await historyReferences('B')
    expect(actingForB).toContain(inB)
    expect(actingForB).toContain(personal)
    expect(actingForB).not.toContain(inA)

    const forHerself = await historyReferences(null)
    expect(forHerself).toContain(personal)
    expect(forHerself).not.toContain(inA)
    expect(forHerself).not.toContain(inB)
  })

  test("the dashboard's recent activity never names another organisation's item", async () => {
    const numbersOf = (organisation: 'A' | 'B') =>
      world.items.filter((item) => item.organisation === organisation).map((item) => item.number)
    for (const [actingFor, other] of [
      ['A', 'B'],
      ['B', 'A'],
    ] as const) {
      const shown = await recentActivityReferences(actingFor)
      for (const number of numbersOf(other)) expect(shown).not.toContain(number)
    }
    // Her newest rows are about her item in B: acting for B they lead, acting for A they are gone.
    expect(await recentActivityReferences('B')).toContain(world.item('ticket', 'b-paula').number)
    const forHerself = await recentActivityReferences(null)
    for (const number of [...numbersOf('A'), ...numbersOf('B')]) {
      expect(forHerself).not.toContain(number)
    }
  })
})
