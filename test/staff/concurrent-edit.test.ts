import { describe, expect, it } from 'vitest'
import { action as addressAction } from '#app/routes/profile.addresses.$addressId.tsx'
import { action as profileAction } from '#app/routes/profile._index.tsx'
import {
  addCustomerAddress,
  type AddressInput,
  updateCustomerAddress,
} from '#db/customer-contacts.ts'
import { type ProfileDetails, updateProfileDetails } from '#db/customers.ts'
import { VersionConflictError } from '#db/errors.ts'
import type { Actor } from '#db/history.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  formRequest,
  routeArgs,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import { answerOf } from '#test/tickets/ticket-fixtures.ts'

// "Never a lost update": a customer and an agent save the same record from the same version at
// the same moment. Exactly one save lands; the other is refused with the stored version, and
// the history holds exactly one row for the change, the winner's.

const database = useTestDatabase()

const stockholm: AddressInput = {
  label: 'Home',
  recipient: 'Anna Berg',
  line1: 'Storgatan 1',
  line2: null,
  city: 'Stockholm',
  region: null,
  postalCode: '118 46',
  countryCode: 'SE',
}

async function setUp() {
  const db = database.db
  const customer = await signedInCustomer(db)
  const agent = await createStaffAccount(db, { displayName: 'Race Agent' })
  const customerActor: Actor = { kind: 'customer', id: customer.accountId }
  const agentActor: Actor = { kind: 'staff', id: agent.accountId }
  return { db, customer, agent, customerActor, agentActor }
}

async function detailsOf(customerId: string) {
  return database.db
    .selectFrom('customers')
    .select(['given_name', 'family_name', 'version'])
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow()
}

async function addressOf(addressId: string) {
  return database.db
    .selectFrom('customer_addresses')
    .select(['line1', 'city', 'version'])
    .where('id', '=', addressId)
    .executeTakeFirstOrThrow()
}

async function historyRows(customerId: string, entityType: 'customer' | 'address', action: string) {
  return database.db
    .selectFrom('record_history')
    .select(['actor_kind', 'actor_id', 'channel', 'before', 'after'])
    .where('customer_id', '=', customerId)
    .where('entity_type', '=', entityType)
    .where('action', '=', action)
    .orderBy('id')
    .execute()
}

/** The one fulfilled result's index, after checking the other is a version conflict. */
function winnerOf(results: PromiseSettledResult<unknown>[]): number {
  const fulfilled = results.flatMap((result, index) =>
    result.status === 'fulfilled' ? [index] : [],
  )
  const rejected = results.flatMap((result) => (result.status === 'rejected' ? [result] : []))
  expect(fulfilled).toHaveLength(1)
  expect(rejected).toHaveLength(1)
  expect(rejected[0]?.reason).toBeInstanceOf(VersionConflictError)
  return fulfilled[0] as number
}

describe('a customer edit and an agent edit of the same record at once', () => {
  it('details: one wins, the other gets a conflict with the stored version, one history row', async () => {
    // Several rounds, so that both orders of the race are likely to be exercised.
    for (let round = 0; round < 4; round++) {
      const { db, customer, customerActor, agentActor } = await setUp()
      const before = await detailsOf(customer.customerId)
      const edits: {
        actor: Actor
        channel: 'portal' | 'staff'
        changes: Partial<ProfileDetails>
      }[] = [
        { actor: customerActor, channel: 'portal', changes: { givenName: 'Annika' } },
        { actor: agentActor, channel: 'staff', changes: { givenName: 'Anne' } },
      ]
      const results = await Promise.allSettled(
        edits.map((edit) =>
          updateProfileDetails(db, {
            customerId: customer.customerId,
            expectedVersion: before.version,
            changes: edit.changes,
            actor: edit.actor,
            channel: edit.channel,
          }),
        ),
      )
      const index = winnerOf(results)
      const winner = edits[index]
      if (!winner) throw new Error('no winner')

      const after = await detailsOf(customer.customerId)
      expect(after.given_name).toBe(winner.changes.givenName)
      expect(after.version).toBe(before.version + 1)
      const loser = results.find((result) => result.status === 'rejected')
      const conflict = (loser as PromiseRejectedResult).reason as VersionConflictError<unknown>
      // The loser is shown what is stored now: the winner's save.
      expect(conflict.current).toMatchObject({
        givenName: winner.changes.givenName,
        version: before.version + 1,
      })

      const history = await historyRows(customer.customerId, 'customer', 'details_changed')
      expect(history).toHaveLength(1)
      expect(history[0]).toMatchObject({
        actor_kind: winner.actor.kind,
        actor_id: winner.actor.id,
        channel: winner.channel,
        after: { given_name: winner.changes.givenName },
      })
    }
  })

  it('address: one wins, the other gets a conflict, one history row', async () => {
    for (let round = 0; round < 4; round++) {
      const { db, customer, customerActor, agentActor } = await setUp()
      const { id: addressId } = await addCustomerAddress(db, {
        customerId: customer.customerId,
        actor: customerActor,
        channel: 'portal',
        address: stockholm,
      })
      const before = await addressOf(addressId)
      const edits = [
        { actor: customerActor, channel: 'portal' as const, line1: 'Storgatan 2' },
        { actor: agentActor, channel: 'staff' as const, line1: 'Storgatan 3' },
      ]
      const results = await Promise.allSettled(
        edits.map((edit) =>
          updateCustomerAddress(db, {
            customerId: customer.customerId,
            actor: edit.actor,
            channel: edit.channel,
            addressId,
            expectedVersion: before.version,
            changes: { ...stockholm, line1: edit.line1 },
          }),
        ),
      )
      const winner = edits[winnerOf(results)]
      if (!winner) throw new Error('no winner')
      const after = await addressOf(addressId)
      expect(after).toEqual({ line1: winner.line1, city: 'Stockholm', version: before.version + 1 })
      const history = await historyRows(customer.customerId, 'address', 'updated')
      expect(history).toHaveLength(1)
      expect(history[0]).toMatchObject({
        actor_kind: winner.actor.kind,
        channel: winner.channel,
        after: { line1: winner.line1 },
      })
    }
  })
})

/**
 * Runs `agentEdit` in a transaction that stays open (row changed, not yet committed) until the
 * customer's request has been sent: the customer's save starts while the agent's is in flight.
 */
async function whileAgentSaves<T>(
  agentEdit: (trx: typeof database.db) => Promise<unknown>,
  customerRequest: () => Promise<T>,
): Promise<{ agent: PromiseSettledResult<unknown>; customer: PromiseSettledResult<T> }> {
  let release = () => {}
  const gate = new Promise<void>((resolve) => (release = resolve))
  let started = () => {}
  const edited = new Promise<void>((resolve) => (started = resolve))
  const agent = database.db.transaction().execute(async (trx) => {
    await agentEdit(trx)
    started()
    await gate
  })
  await edited
  const customer = customerRequest()
  // Give the customer's request time to reach the database and wait on the agent's row.
  await new Promise((resolve) => setTimeout(resolve, 150))
  release()
  const [agentResult, customerResult] = await Promise.allSettled([agent, customer])
  return { agent: agentResult, customer: customerResult }
}

describe('the same race through the customer’s pages', () => {
  it('details: the customer’s save answers 409 with both versions, the agent’s stands', async () => {
    const { customer, agentActor } = await setUp()
    const before = await detailsOf(customer.customerId)
    const { agent, customer: answer } = await whileAgentSaves(
      (trx) =>
        updateProfileDetails(trx, {
          customerId: customer.customerId,
          expectedVersion: before.version,
          changes: { givenName: 'Anne' },
          actor: agentActor,
          channel: 'staff',
        }),
      () =>
        answerOf(() =>
          profileAction(
            routeArgs(
              formRequest(
                '/profile',
                {
                  intent: 'details',
                  version: String(before.version),
                  givenName: 'Annika',
                  familyName: 'Berg',
                  preferredName: '',
                  language: 'en',
                  timeZone: 'UTC',
                },
                { cookie: customer.cookie },
              ),
            ),
          ),
        ),
    )
    expect(agent.status).toBe('fulfilled')
    expect(answer.status).toBe('fulfilled')
    const reply = (answer as PromiseFulfilledResult<Awaited<ReturnType<typeof answerOf>>>).value
    expect(reply.status).toBe(409)
    expect(reply.data).toMatchObject({
      kind: 'conflict',
      conflict: {
        mine: { givenName: 'Annika' },
        current: { givenName: 'Anne', version: before.version + 1 },
        fields: expect.arrayContaining(['givenName']),
      },
    })
    expect(await detailsOf(customer.customerId)).toMatchObject({
      given_name: 'Anne',
      version: before.version + 1,
    })
    const history = await historyRows(customer.customerId, 'customer', 'details_changed')
    expect(history).toHaveLength(1)
    expect(history[0]).toMatchObject({ actor_kind: 'staff', channel: 'staff' })
  })

  it('address: the customer’s save answers 409 with both versions, the agent’s stands', async () => {
    const { db, customer, customerActor, agentActor } = await setUp()
    const { id: addressId } = await addCustomerAddress(db, {
      customerId: customer.customerId,
      actor: customerActor,
      channel: 'portal',
      address: stockholm,
    })
    const before = await addressOf(addressId)
    const { agent, customer: answer } = await whileAgentSaves(
      (trx) =>
        updateCustomerAddress(trx, {
          customerId: customer.customerId,
          actor: agentActor,
          channel: 'staff',
          addressId,
          expectedVersion: before.version,
          changes: { ...stockholm, line1: 'Storgatan 3' },
        }),
      () =>
        answerOf(() =>
          addressAction(
            routeArgs(
              formRequest(
                `/profile/addresses/${addressId}`,
                {
                  version: String(before.version),
                  label: 'Home',
                  recipient: 'Anna Berg',
                  line1: 'Storgatan 2',
                  city: 'Stockholm',
                  postalCode: '118 46',
                  countryCode: 'SE',
                },
                { cookie: customer.cookie },
              ),
              { addressId },
            ),
          ),
        ),
    )
    expect(agent.status).toBe('fulfilled')
    const reply = (answer as PromiseFulfilledResult<Awaited<ReturnType<typeof answerOf>>>).value
    expect(reply.status).toBe(409)
    expect(reply.data).toMatchObject({
      kind: 'conflict',
      conflict: {
        mine: { line1: 'Storgatan 2' },
        current: { line1: 'Storgatan 3', version: before.version + 1 },
      },
    })
    expect(await addressOf(addressId)).toMatchObject({ line1: 'Storgatan 3' })
    expect(await historyRows(customer.customerId, 'address', 'updated')).toHaveLength(1)
  })
})
