import { describe, expect, test } from 'vitest'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { memorySmsProvider } from '#app/notifications/transports.server.ts'
import { processDueNotifications } from '#app/notifications/worker.server.ts'
import { loader } from '#app/routes/messages.tsx'
import { enqueueNotification } from '#db/notifications.ts'
import { changeOrderStatus } from '#db/orders.ts'
import { countQueries } from '#db/query-count.ts'
import { useTestDatabase } from '#test/support/database.ts'
import {
  createStaffAccount,
  getRequest,
  routeArgs,
  thrownResponse,
} from '#test/support/fixtures.ts'
import {
  createOrderRow,
  notifiedCustomer,
  settleLeftoversAfterEach,
} from './notification-fixtures.ts'

const database = useTestDatabase()
settleLeftoversAfterEach(database)

/** Mail is not what this file tests: it is kept in memory. */
function quietTransports() {
  const mail: string[] = []
  return {
    mail,
    email: {
      send: (message: { to: string }) => {
        mail.push(message.to)
        return Promise.resolve()
      },
    },
    sms: memorySmsProvider(),
  }
}

async function page(cookie: string, query = '') {
  return loader(routeArgs(getRequest(`/messages${query}`, { cookie })))
}

/** Deliveries straight in the database, one minute apart, the newest last. */
async function insertDeliveries(customerId: string, count: number, start: Date) {
  await database.db
    .insertInto('notification_deliveries')
    .values(
      Array.from({ length: count }, (_, index) => ({
        customer_id: customerId,
        channel: 'email' as const,
        topic: 'service' as const,
        outcome: 'sent' as const,
        recipient: 'someone@example.com',
        subject: `Message ${index + 1}`,
        // Every third one shares its minute with the one before, so ids settle ties.
        created_at: new Date(start.getTime() + (index - (index % 3 === 2 ? 1 : 0)) * 60_000),
      })),
    )
    .execute()
}

describe('/messages', () => {
  test('needs a signed-in customer', async () => {
    const response = await thrownResponse(() => loader(routeArgs(getRequest('/messages'))))
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/login?redirectTo=%2Fmessages')
  })

  test('lists the customer’s own messages, newest first: when, how, why and what became of it', async () => {
    const anna = await notifiedCustomer(database.db, { grants: [] })
    const lucas = await notifiedCustomer(database.db, { givenName: 'Lucas' })
    const staff = await createStaffAccount(database.db)
    const order = await createOrderRow(database.db, anna.customerId, 'packed')
    await changeOrderStatus(database.db, {
      orderId: order.id,
      toStatus: 'shipped',
      actor: { kind: 'staff', id: staff.accountId },
      channel: 'staff',
    })
    const lucasOrder = await createOrderRow(database.db, lucas.customerId, 'packed')
    await changeOrderStatus(database.db, {
      orderId: lucasOrder.id,
      toStatus: 'shipped',
      actor: { kind: 'staff', id: staff.accountId },
      channel: 'staff',
    })
    const now = new Date()
    await processDueNotifications(database.db, { now, transports: quietTransports() })
    // A newsletter Anna never said yes to: refused, and listed as such.
    await enqueueNotification(database.db, {
      customerId: anna.customerId,
      topic: 'newsletter',
      template: 'marketing_message',
      payload: { subject: 'Winter news', body: 'Hello.' },
    })
    await processDueNotifications(database.db, {
      now: new Date(now.getTime() + 1000),
      transports: quietTransports(),
    })

    const result = await page(anna.cookie)
    expect(result.data.messages).toEqual([
      {
        id: expect.any(Number),
        createdAt: new Date(now.getTime() + 1000),
        channel: 'email',
        topic: 'newsletter',
        outcome: 'refused',
        refusal: 'not_allowed',
        subject: 'Winter news',
        link: null,
      },
      {
        id: expect.any(Number),
        createdAt: now,
        channel: 'email',
        topic: 'order_updates',
        outcome: 'sent',
        refusal: null,
        subject: `Order ${order.orderNumber}: On its way`,
        link: { entityType: 'order', number: order.orderNumber },
      },
    ])
    // Neither Lucas's message nor anyone's address is on Anna's page.
    const text = JSON.stringify(result.data)
    expect(text).not.toContain(lucasOrder.orderNumber)
    expect(text).not.toContain(anna.email)
    expect(result.data.nextCursor).toBeNull()

    const lucasPage = await page(lucas.cookie)
    expect(lucasPage.data.messages.map((message) => message.subject)).toEqual([
      `Order ${lucasOrder.orderNumber}: On its way`,
    ])
  })

  test('links only to the customer’s own order, even if a message row names another', async () => {
    const anna = await notifiedCustomer(database.db)
    const lucas = await notifiedCustomer(database.db, { givenName: 'Lucas' })
    const lucasOrder = await createOrderRow(database.db, lucas.customerId)
    const outboxId = await enqueueNotification(database.db, {
      customerId: anna.customerId,
      topic: 'order_updates',
      template: 'order_status_changed',
      payload: { orderNumber: lucasOrder.orderNumber, status: 'shipped' },
      entityType: 'order',
      entityId: lucasOrder.id,
    })
    await database.db
      .insertInto('notification_deliveries')
      .values({
        outbox_id: outboxId,
        customer_id: anna.customerId,
        channel: 'email',
        topic: 'order_updates',
        outcome: 'sent',
        subject: 'Mixed up',
      })
      .execute()
    const result = await page(anna.cookie)
    expect(result.data.messages).toEqual([
      expect.objectContaining({ subject: 'Mixed up', link: null }),
    ])
  })

  test('pages newest first without gaps or repeats, in a fixed number of queries', async () => {
    const anna = await notifiedCustomer(database.db)
    await insertDeliveries(anna.customerId, 30, new Date('2030-01-01T12:00:00Z'))

    const first = await page(anna.cookie)
    expect(first.data.messages).toHaveLength(25)
    expect(first.data.messages[0]?.subject).toBe('Message 30')
    expect(first.data.nextCursor).toEqual(expect.any(String))
    const second = await page(anna.cookie, `?after=${first.data.nextCursor}`)
    expect(second.data.olderPage).toBe(true)
    expect(second.data.nextCursor).toBeNull()
    const subjects = [...first.data.messages, ...second.data.messages].map(
      (message) => message.subject,
    )
    expect(subjects).toEqual(Array.from({ length: 30 }, (_, index) => `Message ${30 - index}`))

    // A cursor that does not decode shows the first page, never an error.
    const tampered = await page(anna.cookie, '?after=not-a-cursor')
    expect(tampered.data.messages[0]?.subject).toBe('Message 30')

    const count = async (query: string) =>
      (await countQueries(() => runInRequestScope(() => page(anna.cookie, query)))).queries
    const queries = [await count(''), await count(`?after=${first.data.nextCursor}`)]
    // The session check and one statement for the page.
    expect(queries).toEqual([2, 2])
  })
})
