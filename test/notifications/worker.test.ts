import { type ParsedMail } from 'mailparser'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { verifyUnsubscribeLink } from '#app/consent/unsubscribe-token.server.ts'
import { getEnv, resetEnvCache } from '#app/lib/env.server.ts'
import { localTime } from '#app/notifications/schedule.ts'
import {
  loggingSmsProvider,
  mailTransport,
  memorySmsProvider,
  type Transports,
} from '#app/notifications/transports.server.ts'
import {
  CLAIM_LEASE_MS,
  MAX_ATTEMPTS,
  processDueNotifications,
  startWorker,
} from '#app/notifications/worker.server.ts'
import { loader as orderLoader } from '#app/routes/orders.$orderNumber.tsx'
import { loader as ticketLoader } from '#app/routes/tickets.$ticketNumber.tsx'
import { loader as unsubscribeLoader } from '#app/routes/unsubscribe.tsx'
import { action as oneClickAction } from '#app/routes/unsubscribe_.one-click.tsx'
import { getConsentDecision } from '#db/consent.ts'
import {
  claimDueNotifications,
  enqueueNotification,
  settleNotification,
} from '#db/notifications.ts'
import { changeOrderStatus } from '#db/orders.ts'
import { changeRequestStatus, createRequest } from '#db/requests.ts'
import { addStaffReply } from '#db/tickets.ts'
import { startSmtpSink } from '#test/mail/smtp-sink.ts'
import { consoleError } from '#test/setup/fail-on-console-error.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { createStaffAccount, getRequest, routeArgs } from '#test/support/fixtures.ts'
import { createTicket } from '#test/tickets/ticket-fixtures.ts'
import {
  createOrderRow,
  deliveriesOf,
  notifiedCustomer,
  outboxOf,
  setConsent,
  settleLeftoversAfterEach,
} from './notification-fixtures.ts'

const database = useTestDatabase()
settleLeftoversAfterEach(database)
let smtp: Awaited<ReturnType<typeof startSmtpSink>>

beforeAll(async () => {
  smtp = await startSmtpSink()
  process.env.SMTP_URL = smtp.url
  resetEnvCache()
})

afterAll(async () => {
  delete process.env.SMTP_URL
  resetEnvCache()
  await smtp.close()
})

let staffId: string | null = null
async function staffActor() {
  staffId ??= (await createStaffAccount(database.db)).accountId
  return { kind: 'staff' as const, id: staffId }
}

/** Real mail through the SMTP sink, SMS into memory. */
function transports() {
  const sms = memorySmsProvider()
  const result: Transports = { email: mailTransport, sms }
  return { ...result, sms }
}

function mailTo(address: string): ParsedMail[] {
  return smtp.messages.filter((mail) => mail.to && JSON.stringify(mail.to).includes(address))
}

function headerLine(mail: ParsedMail, name: string): string | undefined {
  return mail.headerLines.find((line) => line.key === name.toLowerCase())?.line
}

function pathOf(url: string): string {
  const parsed = new URL(url)
  return `${parsed.pathname}${parsed.search}`
}

async function shipOrder(customerId: string) {
  const order = await createOrderRow(database.db, customerId, 'packed')
  await changeOrderStatus(database.db, {
    orderId: order.id,
    toStatus: 'shipped',
    actor: await staffActor(),
    channel: 'staff',
  })
  return order
}

async function queueNewsletter(customerId: string, subject = 'Autumn news') {
  return enqueueNotification(database.db, {
    customerId,
    topic: 'newsletter',
    template: 'marketing_message',
    payload: {
      subject,
      body: 'Our autumn range is here.\n\nCome and see it.',
      link: 'https://shop.example.com/autumn',
    },
  })
}

describe('email', () => {
  test('an order update arrives as text and HTML, in the customer’s language, with a working link', async () => {
    // Swedish is not written yet: the message falls back to English, and says so in its HTML.
    const anna = await notifiedCustomer(database.db, { language: 'sv' })
    const order = await shipOrder(anna.customerId)
    const channels = transports()

    const result = await processDueNotifications(database.db, { transports: channels })
    expect(result).toMatchObject({ sent: 1, refused: 0, failed: 0, deferred: 0, retried: 0 })

    const [mail, ...more] = mailTo(anna.email)
    expect(more).toEqual([])
    expect(mail?.subject).toBe(`Order ${order.orderNumber}: On its way`)
    const link = `${getEnv().appUrl}/orders/${order.orderNumber}`
    expect(mail?.text).toContain('Hello Anna,')
    expect(mail?.text).toContain(`There is news about your order ${order.orderNumber}: On its way.`)
    expect(mail?.text).toContain('What happens next: Your order is with the carrier.')
    expect(mail?.text).toContain(`See your order: ${link}`)
    expect(mail?.text).toContain(`${getEnv().appUrl}/preferences`)
    expect(mail?.html).toContain('<html lang="en">')
    expect(mail?.html).toContain(`href="${link}"`)
    // Service messages carry no unsubscribe headers: they cannot be switched off.
    expect(headerLine(mail!, 'List-Unsubscribe')).toBeUndefined()
    expect(channels.sms.sent).toEqual([])

    // The link opens the order the message is about.
    const page = await orderLoader(
      routeArgs(getRequest(pathOf(link), { cookie: anna.cookie }), {
        orderNumber: order.orderNumber,
      }),
    )
    expect(page.data.order).toMatchObject({ orderNumber: order.orderNumber, status: 'shipped' })

    expect(await deliveriesOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({
        channel: 'email',
        topic: 'order_updates',
        outcome: 'sent',
        reason: null,
        recipient: anna.email,
        subject: `Order ${order.orderNumber}: On its way`,
      }),
    ])
    expect(await outboxOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({ status: 'sent', attempts: 0, processed_at: expect.any(Date) }),
    ])

    // Nothing is sent twice.
    await processDueNotifications(database.db, { transports: channels })
    expect(mailTo(anna.email)).toHaveLength(1)
  })

  test('a staff answer on a ticket links to the conversation, never to the note', async () => {
    const anna = await notifiedCustomer(database.db)
    const ticket = await createTicket(database.db, anna)
    const staff = await staffActor()
    await addStaffReply(database.db, {
      ticketId: ticket.ticketId,
      staffAccountId: staff.id,
      body: 'Internal: courier lost it',
      visibility: 'internal',
    })
    await addStaffReply(database.db, {
      ticketId: ticket.ticketId,
      staffAccountId: staff.id,
      body: 'We have sent a new one.',
      visibility: 'public',
    })
    await processDueNotifications(database.db, { transports: transports() })

    const [mail, ...more] = mailTo(anna.email)
    expect(more).toEqual([])
    expect(mail?.subject).toBe(`We answered you in conversation ${ticket.ticketNumber}`)
    expect(mail?.text).not.toContain('courier')
    const link = mail?.text?.match(/Read the answer: (\S+)/)?.[1] ?? ''
    expect(link).toBe(`${getEnv().appUrl}/tickets/${ticket.ticketNumber}`)
    const page = await ticketLoader(
      routeArgs(getRequest(pathOf(link), { cookie: anna.cookie }), {
        ticketNumber: ticket.ticketNumber,
      }),
    )
    expect(page.data.thread.ticket.ticketNumber).toBe(ticket.ticketNumber)
  })

  test('marketing mail carries RFC 8058 headers and a page link, both of which unsubscribe', async () => {
    const anna = await notifiedCustomer(database.db, { grants: [['email', 'newsletter']] })
    await queueNewsletter(anna.customerId)
    await processDueNotifications(database.db, { transports: transports() })

    const [mail] = mailTo(anna.email)
    expect(mail?.subject).toBe('Autumn news')
    expect(mail?.text).toContain('Our autumn range is here.')
    expect(mail?.text).toContain('Read more: https://shop.example.com/autumn')
    expect(mail?.html).toContain('<p>Come and see it.</p>')
    expect(mail?.text).toContain('you said yes to the newsletter by email')
    const oneClick = headerLine(mail!, 'List-Unsubscribe')?.match(/<([^>]+)>/)?.[1] ?? ''
    expect(oneClick).toMatch(/\/unsubscribe\/one-click\?token=/)
    expect(headerLine(mail!, 'List-Unsubscribe-Post')).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    )
    const pageLink = mail?.text?.match(/(http\S+\/unsubscribe\?token=\S+)/)?.[1] ?? ''
    expect(
      await verifyUnsubscribeLink(database.db, new URL(pageLink).searchParams.get('token')),
    ).toEqual({ customerId: anna.customerId, channel: 'email', topic: 'newsletter' })

    // The page link shows what it withdraws...
    const page = await unsubscribeLoader(routeArgs(getRequest(pathOf(pageLink))))
    expect(page.data).toMatchObject({
      link: { channel: 'email', topic: 'newsletter', subscribed: true },
    })
    // ...and the header's address withdraws with one POST, as a mail provider sends it.
    const response = await oneClickAction(
      routeArgs(
        new Request(`http://localhost${pathOf(oneClick)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        }),
      ),
    )
    expect(response.status).toBe(200)
    expect(await getConsentDecision(database.db, anna.customerId, 'email', 'newsletter')).toBe(
      'withdrawn',
    )

    // The next newsletter is not sent.
    await queueNewsletter(anna.customerId, 'Winter news')
    await processDueNotifications(database.db, { transports: transports() })
    expect(mailTo(anna.email).map((message) => message.subject)).toEqual(['Autumn news'])
    expect((await deliveriesOf(database.db, anna.customerId)).at(-1)).toMatchObject({
      channel: 'email',
      outcome: 'refused',
      reason: 'not_allowed',
      recipient: null,
      subject: 'Winter news',
    })
  })
})

describe('SMS', () => {
  test('goes to the mobile number when the customer prefers SMS', async () => {
    const anna = await notifiedCustomer(database.db, {
      mobile: '+46701234567',
      preferredServiceChannel: 'sms',
    })
    const created = await createRequest(database.db, {
      customerId: anna.customerId,
      actor: { kind: 'customer', id: anna.accountId },
      channel: 'portal',
      kind: 'repair',
      subject: 'Kettle',
      details: {},
    })
    await changeRequestStatus(database.db, {
      requestId: created.id,
      toStatus: 'in_review',
      actor: await staffActor(),
      channel: 'staff',
    })
    const channels = transports()
    await processDueNotifications(database.db, { transports: channels })

    expect(channels.sms.sent).toEqual([
      {
        to: '+46701234567',
        text: `Request ${created.requestNumber}: We are working on it. ${getEnv().appUrl}/requests/${created.requestNumber}`,
      },
    ])
    expect(mailTo(anna.email)).toEqual([])
    expect(await deliveriesOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({ channel: 'sms', outcome: 'sent', recipient: '+46701234567' }),
    ])
  })

  test('the logging provider prints one line per message', async () => {
    const anna = await notifiedCustomer(database.db, {
      mobile: '+46701234999',
      preferredServiceChannel: 'sms',
    })
    await shipOrder(anna.customerId)
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    await processDueNotifications(database.db, {
      transports: { email: mailTransport, sms: loggingSmsProvider },
    })
    const lines = log.mock.calls.map((call) => String(call[0]))
    expect(lines.filter((line) => line.includes('+46701234999'))).toEqual([
      expect.stringMatching(/^\[sms\] to \+46701234999 · ".*On its way.*"$/),
    ])
  })
})

describe('consent at send time', () => {
  test('a marketing yes withdrawn after queueing: nothing goes out on that channel', async () => {
    const anna = await notifiedCustomer(database.db, { grants: [['email', 'offers']] })
    await enqueueNotification(database.db, {
      customerId: anna.customerId,
      topic: 'offers',
      template: 'marketing_message',
      payload: { subject: 'Ten percent off', body: 'This week only.' },
    })
    await setConsent(database.db, anna.customerId, 'email', 'offers', 'withdrawn')
    const channels = transports()
    const result = await processDueNotifications(database.db, { transports: channels })

    expect(result.refused).toBe(1)
    expect(mailTo(anna.email)).toEqual([])
    expect(channels.sms.sent).toEqual([])
    expect(await deliveriesOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({
        channel: 'email',
        topic: 'offers',
        outcome: 'refused',
        reason: 'not_allowed',
        recipient: null,
        subject: 'Ten percent off',
      }),
    ])
    expect(await outboxOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({ status: 'refused' }),
    ])
  })

  test('marketing goes only where the answer is yes: not pending, not never asked', async () => {
    const anna = await notifiedCustomer(database.db, {
      mobile: '+46701230000',
      grants: [['sms', 'events']],
    })
    // A yes by email still waiting for its confirmation is not a yes.
    await setConsent(database.db, anna.customerId, 'email', 'events', 'pending')
    await setConsent(database.db, anna.customerId, 'email', 'surveys', 'pending')
    for (const topic of ['events', 'surveys'] as const) {
      await enqueueNotification(database.db, {
        customerId: anna.customerId,
        topic,
        template: 'marketing_message',
        payload: { subject: `About ${topic}`, body: 'Hello.' },
      })
    }
    const channels = transports()
    await processDueNotifications(database.db, { transports: channels })

    expect(mailTo(anna.email)).toEqual([])
    // Events by SMS had a yes; its text carries a way out.
    expect(channels.sms.sent).toEqual([
      {
        to: '+46701230000',
        text: expect.stringMatching(/^About events Stop: http\S+\/unsubscribe\?token=\S+$/),
      },
    ])
    expect(
      (await deliveriesOf(database.db, anna.customerId)).map((row) => [
        row.topic,
        row.channel,
        row.outcome,
        row.reason,
      ]),
    ).toEqual([
      ['events', 'sms', 'sent', null],
      ['surveys', 'email', 'refused', 'not_allowed'],
    ])
  })

  test('service messages follow the channel the customer prefers when it is sent', async () => {
    const anna = await notifiedCustomer(database.db, {
      mobile: '+46701231111',
      preferredServiceChannel: 'sms',
    })
    await shipOrder(anna.customerId)
    // Changed between the status change and the send: the new choice wins.
    await database.db
      .updateTable('communication_preferences')
      .set({ preferred_service_channel: 'email' })
      .where('customer_id', '=', anna.customerId)
      .execute()
    const channels = transports()
    await processDueNotifications(database.db, { transports: channels })
    expect(channels.sms.sent).toEqual([])
    expect(mailTo(anna.email)).toHaveLength(1)
  })

  test('another allowed channel when the preferred one cannot be used; a clear refusal when none can', async () => {
    // Prefers SMS but has no mobile number; said yes to order updates by email.
    const reachable = await notifiedCustomer(database.db, {
      preferredServiceChannel: 'sms',
      grants: [['email', 'order_updates']],
    })
    // Prefers SMS, no number, nothing else allowed.
    const unreachable = await notifiedCustomer(database.db, { preferredServiceChannel: 'sms' })
    // Prefers letters, which are not sent automatically.
    const byPost = await notifiedCustomer(database.db, { preferredServiceChannel: 'post' })
    for (const customer of [reachable, unreachable, byPost]) await shipOrder(customer.customerId)
    const channels = transports()
    await processDueNotifications(database.db, { transports: channels })

    expect(mailTo(reachable.email)).toHaveLength(1)
    expect(await deliveriesOf(database.db, reachable.customerId)).toEqual([
      expect.objectContaining({ channel: 'email', outcome: 'sent' }),
    ])
    expect(mailTo(unreachable.email)).toEqual([])
    expect(await deliveriesOf(database.db, unreachable.customerId)).toEqual([
      expect.objectContaining({ channel: 'sms', outcome: 'refused', reason: 'no_contact_details' }),
    ])
    expect(mailTo(byPost.email)).toEqual([])
    expect(await deliveriesOf(database.db, byPost.customerId)).toEqual([
      expect.objectContaining({
        channel: 'post',
        outcome: 'refused',
        reason: 'channel_not_automated',
      }),
    ])
    expect(channels.sms.sent).toEqual([])
  })
  test('nothing goes to a closed account; the refusal is recorded', async () => {
    const anna = await notifiedCustomer(database.db, { grants: [['email', 'order_updates']] })
    await shipOrder(anna.customerId)
    await database.db
      .updateTable('customers')
      .set({ status: 'closed', closed_at: new Date() })
      .where('id', '=', anna.customerId)
      .execute()
    const channels = transports()
    await processDueNotifications(database.db, { transports: channels })
    expect(mailTo(anna.email)).toEqual([])
    expect(channels.sms.sent).toEqual([])
    expect(await deliveriesOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({ outcome: 'refused', reason: 'customer_closed', recipient: null }),
    ])
  })
})

describe('when messages go out', () => {
  test('quiet hours hold every message, service ones too, until they end in the customer’s zone', async () => {
    const anna = await notifiedCustomer(database.db, {
      timeZone: 'Europe/Stockholm',
      quietHours: { start: '22:00', end: '07:00' },
    })
    await shipOrder(anna.customerId)
    const channels = transports()
    // 23:30 in Stockholm.
    const night = new Date('2030-01-15T22:30:00Z')
    const held = await processDueNotifications(database.db, { now: night, transports: channels })
    expect(held.deferred).toBeGreaterThanOrEqual(1)
    expect(mailTo(anna.email)).toEqual([])
    expect(await deliveriesOf(database.db, anna.customerId)).toEqual([])
    expect(await outboxOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({
        status: 'pending',
        attempts: 0,
        next_attempt_at: new Date('2030-01-16T06:00:00Z'),
      }),
    ])

    // Not before the end...
    await processDueNotifications(database.db, {
      now: new Date('2030-01-16T05:59:00Z'),
      transports: channels,
    })
    expect(mailTo(anna.email)).toEqual([])
    // ...and at 07:00 it goes.
    await processDueNotifications(database.db, {
      now: new Date('2030-01-16T06:00:00Z'),
      transports: channels,
    })
    expect(mailTo(anna.email)).toHaveLength(1)
  })

  test('a weekly digest holds marketing until Monday 09:00; order updates are never held', async () => {
    const anna = await notifiedCustomer(database.db, {
      timeZone: 'America/New_York',
      marketingFrequency: 'weekly',
      grants: [['email', 'newsletter']],
    })
    await queueNewsletter(anna.customerId)
    await shipOrder(anna.customerId)
    const channels = transports()
    const now = new Date()
    await processDueNotifications(database.db, { now, transports: channels })

    expect(mailTo(anna.email).map((mail) => mail.subject)).toEqual([
      expect.stringMatching(/^Order O\d+: On its way$/),
    ])
    const newsletter = (await outboxOf(database.db, anna.customerId)).find(
      (row) => row.topic === 'newsletter',
    )
    expect(newsletter).toMatchObject({ status: 'pending', attempts: 0 })
    const due = newsletter!.next_attempt_at
    expect(localTime(due, 'America/New_York')).toMatchObject({ weekday: 0, hour: 9, minute: 0 })
    expect(due.getTime()).toBeGreaterThan(now.getTime())
    expect(due.getTime() - now.getTime()).toBeLessThanOrEqual(7 * 24 * 60 * 60_000)

    await processDueNotifications(database.db, { now: due, transports: channels })
    expect(mailTo(anna.email).map((mail) => mail.subject)).toContain('Autumn news')
  })
})

describe('failures', () => {
  test('retries after 1, 2, 4, 8 and 16 minutes, then gives up and records it', async () => {
    const anna = await notifiedCustomer(database.db)
    const order = await shipOrder(anna.customerId)
    const broken: Transports = {
      email: { send: () => Promise.reject(new Error('421 try again later')) },
      sms: memorySmsProvider(),
    }
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    consoleError.mockImplementation(() => {})

    let now = new Date()
    const waits: number[] = []
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      const result = await processDueNotifications(database.db, { now, transports: broken })
      expect(result.retried).toBe(1)
      const [row] = await outboxOf(database.db, anna.customerId)
      expect(row).toMatchObject({
        status: 'pending',
        attempts: attempt,
        last_error: '421 try again later',
      })
      waits.push((row!.next_attempt_at.getTime() - now.getTime()) / 60_000)
      // Not due a moment before its time.
      const early = new Date(row!.next_attempt_at.getTime() - 1000)
      expect(
        (await processDueNotifications(database.db, { now: early, transports: broken })).claimed,
      ).toBe(0)
      now = row!.next_attempt_at
    }
    expect(waits).toEqual([1, 2, 4, 8, 16])
    // Retries are not messages: the customer's list stays empty until the outcome is known.
    expect(await deliveriesOf(database.db, anna.customerId)).toEqual([])
    expect(warn).toHaveBeenCalledTimes(MAX_ATTEMPTS - 1)

    const last = await processDueNotifications(database.db, { now, transports: broken })
    expect(last.failed).toBe(1)
    expect(await outboxOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({ status: 'failed', attempts: MAX_ATTEMPTS }),
    ])
    expect(await deliveriesOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({
        channel: 'email',
        outcome: 'failed',
        reason: 'delivery_failed',
        recipient: anna.email,
        subject: `Order ${order.orderNumber}: On its way`,
      }),
    ])
    expect(consoleError).toHaveBeenCalledOnce()
  })

  test('a message that fails once and then goes through is recorded once, as sent', async () => {
    const anna = await notifiedCustomer(database.db)
    await shipOrder(anna.customerId)
    let calls = 0
    const flaky: Transports = {
      email: {
        send: async (message) => {
          calls += 1
          if (calls === 1) throw new Error('connection reset')
          await mailTransport.send(message)
        },
      },
      sms: memorySmsProvider(),
    }
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const now = new Date()
    await processDueNotifications(database.db, { now, transports: flaky })
    await processDueNotifications(database.db, {
      now: new Date(now.getTime() + 60_000),
      transports: flaky,
    })
    expect(mailTo(anna.email)).toHaveLength(1)
    expect(await outboxOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({ status: 'sent', attempts: 1, last_error: 'connection reset' }),
    ])
    expect(await deliveriesOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({ outcome: 'sent' }),
    ])
  })

  test('a message that cannot be written fails at once, without retries', async () => {
    const anna = await notifiedCustomer(database.db)
    await enqueueNotification(database.db, {
      customerId: anna.customerId,
      topic: 'order_updates',
      template: 'order_status_changed',
      payload: { orderNumber: 'O1', status: 'teleported' },
    })
    // A link that is not a web address never reaches a mail.
    await setConsent(database.db, anna.customerId, 'email', 'offers', 'granted')
    await enqueueNotification(database.db, {
      customerId: anna.customerId,
      topic: 'offers',
      template: 'marketing_message',
      payload: { subject: 'Click', body: 'Here.', link: 'javascript:alert(1)' },
    })
    consoleError.mockImplementation(() => {})
    await processDueNotifications(database.db, { transports: transports() })
    expect(await outboxOf(database.db, anna.customerId)).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 0 }),
      expect.objectContaining({ status: 'failed', attempts: 0 }),
    ])
    const failed = expect.objectContaining({
      outcome: 'failed',
      reason: 'template_invalid',
      channel: null,
    })
    expect(await deliveriesOf(database.db, anna.customerId)).toEqual([failed, failed])
    expect(mailTo(anna.email)).toEqual([])
    expect(consoleError).toHaveBeenCalledTimes(2)
  })
})

describe('several workers', () => {
  test('two workers at once deliver every message exactly once', async () => {
    const customers = await Promise.all(
      Array.from({ length: 4 }, (_, index) =>
        notifiedCustomer(database.db, {
          mobile: `+4670555000${index}`,
          preferredServiceChannel: 'sms',
        }),
      ),
    )
    const staff = await staffActor()
    for (const customer of customers) {
      for (let index = 0; index < 6; index++) {
        const order = await createOrderRow(database.db, customer.customerId, 'placed')
        await changeOrderStatus(database.db, {
          orderId: order.id,
          toStatus: 'paid',
          actor: staff,
          channel: 'staff',
        })
      }
    }
    // A slow provider, so that both workers are busy at the same time.
    const sent: string[] = []
    const slow: Transports = {
      email: mailTransport,
      sms: {
        send: async (to, text) => {
          await new Promise((resolve) => setTimeout(resolve, 5))
          sent.push(`${to} ${text}`)
        },
      },
    }
    const claimedBy = { a: 0, b: 0 }
    const worker = async (name: 'a' | 'b') => {
      for (;;) {
        const result = await processDueNotifications(database.db, {
          batchSize: 4,
          transports: slow,
        })
        claimedBy[name] += result.claimed
        if (result.claimed === 0) return
      }
    }
    await Promise.all([worker('a'), worker('b')])

    expect(sent).toHaveLength(24)
    expect(new Set(sent).size).toBe(24)
    expect(claimedBy.a + claimedBy.b).toBe(24)
    if (database.engine === 'postgres') {
      // On the server both really took rows at the same time; PGlite runs one at a time.
      expect(claimedBy.a).toBeGreaterThan(0)
      expect(claimedBy.b).toBeGreaterThan(0)
    }
    for (const customer of customers) {
      const deliveries = await deliveriesOf(database.db, customer.customerId)
      expect(deliveries).toHaveLength(6)
      expect(new Set(deliveries.map((row) => row.outbox_id)).size).toBe(6)
    }
  })

  test('a worker skips rows another holds instead of waiting for them', async () => {
    const anna = await notifiedCustomer(database.db)
    for (let index = 0; index < 4; index++) await shipOrder(anna.customerId)
    const ids = (await outboxOf(database.db, anna.customerId)).map((row) => row.id)
    const now = new Date()
    const leaseUntil = new Date(now.getTime() + CLAIM_LEASE_MS)
    if (database.engine !== 'postgres') {
      // PGlite has one connection: a second transaction could only wait for the first.
      const first = await claimDueNotifications(database.db, { now, batchSize: 2, leaseUntil })
      const second = await claimDueNotifications(database.db, { now, batchSize: 10, leaseUntil })
      expect([...first, ...second].map((row) => row.id).sort()).toEqual(ids)
      return
    }
    await database.db.transaction().execute(async (trx) => {
      // Another worker's claim, still open: its two rows are locked.
      const held = await trx
        .selectFrom('notification_outbox')
        .select('id')
        .where('id', 'in', ids.slice(0, 2))
        .forUpdate()
        .execute()
      expect(held).toHaveLength(2)
      const claimed = await claimDueNotifications(database.db, { now, batchSize: 10, leaseUntil })
      expect(claimed.map((row) => row.id)).toEqual(ids.slice(2))
    })
  })

  test('a claim whose worker died is handed out again once its lease runs out, and settled once', async () => {
    const anna = await notifiedCustomer(database.db)
    await shipOrder(anna.customerId)
    const now = new Date()
    const leaseUntil = new Date(now.getTime() + CLAIM_LEASE_MS)
    const [claimed] = await claimDueNotifications(database.db, { now, batchSize: 50, leaseUntil })
    expect(claimed?.customerId).toBe(anna.customerId)
    // Within the lease nobody else gets it.
    expect(
      await claimDueNotifications(database.db, {
        now: new Date(leaseUntil.getTime() - 1000),
        batchSize: 50,
        leaseUntil,
      }),
    ).toEqual([])
    // After it, another worker does, and delivers it.
    const later = new Date(leaseUntil.getTime() + 1000)
    const result = await processDueNotifications(database.db, {
      now: later,
      transports: transports(),
    })
    expect(result.sent).toBe(1)
    // The first worker coming back late cannot record it a second time.
    const settledAgain = await settleNotification(database.db, {
      outboxId: claimed!.id,
      customerId: anna.customerId,
      topic: 'order_updates',
      now: later,
      status: 'sent',
      delivery: {
        channel: 'email',
        outcome: 'sent',
        reason: null,
        recipient: anna.email,
        subject: 'late',
      },
    })
    expect(settledAgain).toBe(false)
    expect(await deliveriesOf(database.db, anna.customerId)).toHaveLength(1)
  })
})

describe('the worker loop', () => {
  test('delivers what is due without being asked, and stops cleanly', async () => {
    const anna = await notifiedCustomer(database.db)
    const channels = transports()
    const log = vi.fn()
    const worker = startWorker(database.db, { intervalMs: 50, transports: channels, log })
    try {
      await shipOrder(anna.customerId)
      await vi.waitFor(
        async () => {
          expect(await deliveriesOf(database.db, anna.customerId)).toHaveLength(1)
        },
        { timeout: 5000, interval: 50 },
      )
    } finally {
      await worker.stop()
    }
    expect(mailTo(anna.email)).toHaveLength(1)
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/^notifications: 1 sent/))
    // Stopped means stopped: a new message waits for the next worker.
    await shipOrder(anna.customerId)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await deliveriesOf(database.db, anna.customerId)).toHaveLength(1)
  })
})
