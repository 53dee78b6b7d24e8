import { describe, expect, it } from 'vitest'
import { action as accountAction } from '#app/routes/account._index.tsx'
import { addMember, createOrganisation } from '#db/organisations.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createCustomerAccount,
  formRequest,
  PASSWORD,
  routeArgs,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import { answer, redirected } from '#test/profile/profile-support.ts'

// An organisation is never left without an owner. Its only owner asking to close their account
// is told so at once, with nothing written, rather than when staff come to close it.

const database = useTestDatabase()
const SYSTEM = { actor: { kind: 'system' as const }, channel: 'system' as const }

function closeAccount(cookie: string) {
  return accountAction(
    routeArgs(formRequest('/account', { currentPassword: PASSWORD, reason: '' }, { cookie })),
  )
}

describe('asking to close the account as an organisation owner', () => {
  it('the only owner is refused with the reason, and nothing is written; a second owner lifts it', async () => {
    const owner = await signedInCustomer(database.db)
    const colleague = await createCustomerAccount(database.db)
    const organisation = await createOrganisation(
      database.db,
      { name: 'Solo Owner AB', ownerCustomerId: owner.customerId },
      SYSTEM,
    )
    await addMember(database.db, {
      organisationId: organisation.id,
      customerId: colleague.customerId,
      role: 'member',
      ...SYSTEM,
    })
    const before = await databaseFingerprint(database.db)

    const refused = answer(await closeAccount(owner.cookie))
    expect(refused.status).toBe(400)
    expect(refused.value.error).toEqual({ '': ['organisations:errors.closureLastOwner'] })
    expect(await databaseFingerprint(database.db)).toEqual(before)

    await database.db
      .updateTable('organisation_members')
      .set({ role: 'owner' })
      .where('customer_id', '=', colleague.customerId)
      .execute()
    expect(redirected(await closeAccount(owner.cookie)).location).toMatch(
      /^\/account\?notice=closureRequested/,
    )
  })
})
