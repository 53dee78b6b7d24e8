import { describe, expect, test } from 'vitest'
import {
  createUnsubscribeToken,
  type UnsubscribeTarget,
  verifyUnsubscribeLink,
  verifyUnsubscribeToken,
} from '#app/consent/unsubscribe-token.server.ts'
import { type MailMessage } from '#app/mail/mailer.server.ts'
import { memorySmsProvider } from '#app/notifications/transports.server.ts'
import { processDueNotifications } from '#app/notifications/worker.server.ts'
import { NotFoundError } from '#db/errors.ts'
import { enqueueNotification } from '#db/notifications.ts'
import { countQueries } from '#db/query-count.ts'
import { getUnsubscribeGeneration, revokeUnsubscribeLinks } from '#db/unsubscribe-links.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { notifiedCustomer, settleLeftoversAfterEach } from './notification-fixtures.ts'

// Per-customer revocation of unsubscribe links: a link is valid while it carries the customer's
// current generation.

const database = useTestDatabase()
settleLeftoversAfterEach(database)

describe('revoking a customer’s unsubscribe links', () => {
  test('ends every link issued so far, and only that customer’s', async () => {
    const anna = await notifiedCustomer(database.db)
    const lucas = await notifiedCustomer(database.db, { givenName: 'Lucas' })
    const annas: UnsubscribeTarget = {
      customerId: anna.customerId,
      channel: 'email',
      topic: 'newsletter',
    }
    const lucass: UnsubscribeTarget = { ...annas, customerId: lucas.customerId }
    // Links mailed before the revocation, as every link so far was made: generation 1.
    const oldLink = createUnsubscribeToken(annas)
    const lucasLink = createUnsubscribeToken(lucass)
    expect(await verifyUnsubscribeLink(database.db, oldLink)).toEqual(annas)

    const generation = await revokeUnsubscribeLinks(database.db, {
      customerId: anna.customerId,
      actor: { kind: 'customer', id: anna.accountId },
      channel: 'portal',
    })
    expect(generation).toBe(2)
    expect(await getUnsubscribeGeneration(database.db, anna.customerId)).toBe(2)

    expect(await verifyUnsubscribeLink(database.db, oldLink)).toBeNull()
    expect(await verifyUnsubscribeLink(database.db, lucasLink)).toEqual(lucass)
    const newLink = createUnsubscribeToken(annas, generation)
    expect(await verifyUnsubscribeLink(database.db, newLink)).toEqual(annas)
    // The check without the database knows only the generation it is told.
    expect(verifyUnsubscribeToken(newLink)).toBeNull()
    expect(verifyUnsubscribeToken(newLink, 2)).toEqual(annas)

    const history = await database.db
      .selectFrom('record_history')
      .select(['entity_type', 'entity_id', 'action', 'actor_kind', 'channel', 'before', 'after'])
      .where('customer_id', '=', anna.customerId)
      .where('action', '=', 'unsubscribe_links_revoked')
      .execute()
    expect(history).toEqual([
      {
        entity_type: 'preferences',
        entity_id: anna.customerId,
        action: 'unsubscribe_links_revoked',
        actor_kind: 'customer',
        channel: 'portal',
        before: { unsubscribe_generation: 1 },
        after: { unsubscribe_generation: 2 },
      },
    ])
  })

  test('mail sent after a revocation carries links of the new generation', async () => {
    const anna = await notifiedCustomer(database.db, { grants: [['email', 'offers']] })
    await revokeUnsubscribeLinks(database.db, {
      customerId: anna.customerId,
      actor: { kind: 'system' },
      channel: 'system',
    })
    await enqueueNotification(database.db, {
      customerId: anna.customerId,
      topic: 'offers',
      template: 'marketing_message',
      payload: { subject: 'Offer', body: 'Hello.' },
    })
    const sent: MailMessage[] = []
    await processDueNotifications(database.db, {
      transports: {
        email: {
          send: (message) => {
            sent.push(message)
            return Promise.resolve()
          },
        },
        sms: memorySmsProvider(),
      },
    })
    const mail = sent.find((message) => message.to === anna.email)
    const header = mail?.headers?.['List-Unsubscribe'] ?? ''
    const token = new URL(header.slice(1, -1)).searchParams.get('token')
    expect(await verifyUnsubscribeLink(database.db, token)).toEqual({
      customerId: anna.customerId,
      channel: 'email',
      topic: 'offers',
    })
    expect(verifyUnsubscribeToken(token)).toBeNull()
  })

  test('a forged link is refused before any query; an unknown customer cannot be revoked', async () => {
    const { queries, result } = await countQueries(() =>
      verifyUnsubscribeLink(database.db, 'bm90LWEtdG9rZW4.c2lnbmF0dXJl'),
    )
    expect(result).toBeNull()
    expect(queries).toBe(0)
    // Genuinely signed for a customer we do not have: refused, after one look.
    const stranger = createUnsubscribeToken({
      customerId: '00000000-0000-4000-8000-000000000099',
      channel: 'email',
      topic: 'offers',
    })
    expect(await verifyUnsubscribeLink(database.db, stranger)).toBeNull()
    await expect(
      revokeUnsubscribeLinks(database.db, {
        customerId: '00000000-0000-4000-8000-000000000099',
        actor: { kind: 'system' },
        channel: 'system',
      }),
    ).rejects.toBeInstanceOf(NotFoundError)
  })
})
