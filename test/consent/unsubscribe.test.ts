import { createHmac } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  createUnsubscribeToken,
  unsubscribeHeaders,
  unsubscribeLinks,
  type UnsubscribeTarget,
  verifyUnsubscribeToken,
} from '#app/consent/unsubscribe-token.server.ts'
import { getEnv, resetEnvCache } from '#app/lib/env.server.ts'
import {
  action as unsubscribeAction,
  loader as unsubscribeLoader,
} from '#app/routes/unsubscribe.tsx'
import {
  action as oneClickAction,
  loader as oneClickLoader,
} from '#app/routes/unsubscribe_.one-click.tsx'
import {
  type ChannelCode,
  getConfirmationRecipient,
  MARKETING_TOPICS,
  mayContact,
  recordConsent,
  type TopicCode,
} from '#db/consent.ts'
import { createCustomer } from '#db/customers.ts'
import { revokeUnsubscribeLinks } from '#db/unsubscribe-links.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createCustomerAccount,
  getRequest,
  routeArgs,
  uniqueEmail,
} from '#test/support/fixtures.ts'
import { createWordings, currentOf, ledgerOf, postForm } from './consent-fixtures.ts'

const database = useTestDatabase()
let wordings: Record<TopicCode, string>

beforeAll(async () => {
  wordings = await createWordings(database.db)
})

afterEach(() => {
  delete process.env.SESSION_SECRET
  resetEnvCache()
})

/** A customer with marketing yeses on several channels, and one service yes. */
async function subscribedCustomer(options: { withAccount?: boolean } = {}) {
  const withAccount = options.withAccount ?? true
  const { customerId, accountId } = withAccount
    ? await createCustomerAccount(database.db)
    : {
        customerId: (
          await createCustomer(
            database.db,
            { givenName: 'Ola', familyName: 'Nordmann', email: uniqueEmail('noaccount') },
            { kind: 'system' },
            'import',
          )
        ).id,
        accountId: null,
      }
  const cells: [ChannelCode, TopicCode][] = [
    ['email', 'newsletter'],
    ['email', 'offers'],
    ['sms', 'offers'],
    ['post', 'events'],
    ['sms', 'order_updates'],
  ]
  for (const [channel, topic] of cells) {
    await recordConsent(database.db, {
      customerId,
      channel,
      topic,
      decision: 'granted',
      wordingId: wordings[topic],
      language: 'en',
      source: 'import',
      actor: { kind: 'system' },
    })
  }
  return { customerId, accountId }
}

function pathOf(url: string): string {
  const parsed = new URL(url)
  return `${parsed.pathname}${parsed.search}`
}

function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status
  return (result as { init?: { status?: number } | null }).init?.status ?? 200
}

/** Base64url's alphabet, to alter one character of a token into another valid one. */
function altered(token: string, index: number): string {
  const chars = token.split('')
  const char = chars[index] ?? 'A'
  chars[index] = char === 'A' ? 'B' : 'A'
  return chars.join('')
}

describe('unsubscribe tokens', () => {
  const target: UnsubscribeTarget = {
    customerId: '3f1c2a4e-1111-4222-8333-444455556666',
    channel: 'email',
    topic: 'newsletter',
  }

  test('a genuine token names its customer, channel and topic, and does not expire', () => {
    const token = createUnsubscribeToken(target)
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/)
    expect(verifyUnsubscribeToken(token)).toEqual(target)
    // Deterministic: the link in every mail to this customer about this topic is the same.
    expect(createUnsubscribeToken(target)).toBe(token)
  })

  test('forged, altered, truncated or re-signed tokens are refused', () => {
    const token = createUnsubscribeToken(target)
    const [payload, signature] = token.split('.') as [string, string]
    const otherCustomer = Buffer.from(
      `00000000-0000-4000-8000-000000000001|email|newsletter|1`,
    ).toString('base64url')
    const candidates = [
      // Another customer's id with this token's signature.
      `${otherCustomer}.${signature}`,
      // Another topic or channel.
      `${Buffer.from(`${target.customerId}|email|offers|1`).toString('base64url')}.${signature}`,
      `${Buffer.from(`${target.customerId}|sms|newsletter|1`).toString('base64url')}.${signature}`,
      // One character changed anywhere, including the last one (whose low bits decode the same).
      ...[0, 5, payload.length - 1, payload.length + 1, token.length - 1].map((i) =>
        altered(token, i),
      ),
      token.slice(0, -1),
      `${token}A`,
      `${token}.x`,
      payload,
      `.${signature}`,
      '',
      'x'.repeat(400),
      // Signed with the raw secret instead of the derived unsubscribe key.
      `${payload}.${createHmac('sha256', 'development-only-secret-do-not-use-in-production').update(payload).digest('base64url')}`,
    ]
    for (const candidate of candidates) {
      expect(verifyUnsubscribeToken(candidate), candidate).toBeNull()
    }
    expect(verifyUnsubscribeToken(null)).toBeNull()
  })

  test('a correctly signed token is still refused for a service topic or another generation', () => {
    // Signed exactly as the module signs, so only the payload decides.
    const signed = (payload: string) => {
      const key = createHmac('sha256', getEnv().SESSION_SECRET)
        .update('cmr:unsubscribe-link:v1')
        .digest()
      const segment = Buffer.from(payload).toString('base64url')
      return `${segment}.${createHmac('sha256', key).update(segment).digest('base64url')}`
    }
    const id = target.customerId
    expect(verifyUnsubscribeToken(signed(`${id}|email|newsletter|1`))).toEqual(target)
    for (const payload of [
      `${id}|email|service|1`,
      `${id}|email|order_updates|1`,
      `${id}|email|newsletter|2`,
      `${id}|email|newsletter|0`,
      `${id}|fax|newsletter|1`,
      `not-a-uuid|email|newsletter|1`,
      `${id}|email|newsletter|1|extra`,
      `${id}|email|newsletter`,
    ]) {
      expect(verifyUnsubscribeToken(signed(payload)), payload).toBeNull()
    }
    for (const topic of MARKETING_TOPICS) {
      expect(verifyUnsubscribeToken(createUnsubscribeToken({ ...target, topic }))?.topic).toBe(
        topic,
      )
    }
  })

  test('rotating SESSION_SECRET revokes every link (the only revocation the schema allows)', () => {
    const token = createUnsubscribeToken(target)
    process.env.SESSION_SECRET = 'a-completely-different-secret-0123456789'
    resetEnvCache()
    expect(verifyUnsubscribeToken(token)).toBeNull()
    expect(verifyUnsubscribeToken(createUnsubscribeToken(target))).toEqual(target)
  })

  test('links and RFC 8058 headers for the mail worker', () => {
    const links = unsubscribeLinks(target)
    expect(links.pageUrl).toMatch(/^http:\/\/localhost:3000\/unsubscribe\?token=[\w.-]+$/)
    expect(links.oneClickUrl).toBe(
      links.pageUrl.replace('/unsubscribe?', '/unsubscribe/one-click?'),
    )
    expect(unsubscribeHeaders(links.oneClickUrl)).toEqual({
      'List-Unsubscribe': `<${links.oneClickUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    })
  })
})

describe('the unsubscribe page, without signing in', () => {
  test('shows what will be withdrawn, and the button withdraws exactly that', async () => {
    const { customerId, accountId } = await subscribedCustomer()
    const { pageUrl } = unsubscribeLinks({ customerId, channel: 'email', topic: 'offers' })

    const fingerprint = await databaseFingerprint(database.db)
    const page = await unsubscribeLoader(routeArgs(getRequest(pathOf(pageUrl))))
    expect(statusOf(page)).toBe(200)
    expect(page.data.link).toEqual({ channel: 'email', topic: 'offers', subscribed: true })
    // Opening the page changes nothing.
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)

    const result = await unsubscribeAction(
      routeArgs(postForm(pathOf(pageUrl), [['intent', 'one']])),
    )
    expect((result as { data: unknown }).data).toEqual({ done: 'one' })
    expect(await mayContact(database.db, customerId, 'email', 'offers')).toBe(false)
    // Only that one: the rest stays as it was.
    expect(await mayContact(database.db, customerId, 'email', 'newsletter')).toBe(true)
    expect(await mayContact(database.db, customerId, 'sms', 'offers')).toBe(true)
    expect((await ledgerOf(database.db, customerId)).at(-1)).toMatchObject({
      channel: 'email',
      topic: 'offers',
      decision: 'withdrawn',
      source: 'unsubscribe_link',
      actor_kind: 'customer',
      actor_id: accountId,
      wording_id: null,
    })
    const history = await database.db
      .selectFrom('record_history')
      .select(['entity_id', 'action', 'channel', 'actor_kind'])
      .where('customer_id', '=', customerId)
      .where('entity_type', '=', 'consent')
      .orderBy('id', 'desc')
      .executeTakeFirst()
    expect(history).toEqual({
      entity_id: 'email:offers',
      action: 'withdrawn',
      channel: 'email_link',
      actor_kind: 'customer',
    })

    // The same link again: the page says so, and a second POST writes nothing.
    const again = await unsubscribeLoader(routeArgs(getRequest(pathOf(pageUrl))))
    expect(again.data.link?.subscribed).toBe(false)
    const ledger = await ledgerOf(database.db, customerId)
    await unsubscribeAction(routeArgs(postForm(pathOf(pageUrl), [['intent', 'one']])))
    expect(await ledgerOf(database.db, customerId)).toEqual(ledger)
  })

  test('"Unsubscribe from everything" withdraws every marketing topic on every channel, not service', async () => {
    const { customerId } = await subscribedCustomer({ withAccount: false })
    const { pageUrl } = unsubscribeLinks({ customerId, channel: 'email', topic: 'newsletter' })
    const result = await unsubscribeAction(
      routeArgs(postForm(pathOf(pageUrl), [['intent', 'all']])),
    )
    expect((result as { data: unknown }).data).toEqual({ done: 'all' })

    const current = await currentOf(database.db, customerId)
    expect(current).toMatchObject({
      'email:newsletter': { decision: 'withdrawn' },
      'email:offers': { decision: 'withdrawn' },
      'sms:offers': { decision: 'withdrawn' },
      'post:events': { decision: 'withdrawn' },
      'sms:order_updates': { decision: 'granted' },
    })
    for (const topic of MARKETING_TOPICS) {
      for (const channel of ['email', 'sms', 'phone', 'post'] as const) {
        expect(await mayContact(database.db, customerId, channel, topic)).toBe(false)
      }
    }
    // Only real changes were written: four withdrawals, no rows for never-given cells. No
    // account, so the system is the actor.
    const withdrawals = (await ledgerOf(database.db, customerId)).filter(
      (row) => row.source === 'unsubscribe_link',
    )
    expect(withdrawals).toHaveLength(4)
    expect(withdrawals.every((row) => row.actor_kind === 'system' && row.actor_id === null)).toBe(
      true,
    )
  })

  test('a forged, altered or foreign token changes nothing and says so (400)', async () => {
    const victim = await subscribedCustomer()
    const real = unsubscribeLinks({
      customerId: victim.customerId,
      channel: 'email',
      topic: 'newsletter',
    })
    const token = new URL(real.pageUrl).searchParams.get('token') ?? ''
    const [, signature] = token.split('.')
    const other = await subscribedCustomer()
    const foreign = `${Buffer.from(`${other.customerId}|email|newsletter|1`).toString('base64url')}.${signature}`
    const fingerprint = await databaseFingerprint(database.db)

    for (const bad of [
      altered(token, 3),
      altered(token, token.length - 2),
      foreign,
      '',
      'garbage',
    ]) {
      const path = `/unsubscribe?${new URLSearchParams({ token: bad })}`
      const page = await unsubscribeLoader(routeArgs(getRequest(path)))
      expect(statusOf(page), bad).toBe(400)
      expect(page.data.link).toBeNull()
      for (const fields of [
        [['intent', 'one']],
        [['intent', 'all']],
        [['List-Unsubscribe', 'One-Click']],
      ] as [string, string][][]) {
        const result = await unsubscribeAction(routeArgs(postForm(path, fields)))
        expect(statusOf(result), bad).toBe(400)
        expect((result as { data: unknown }).data).toEqual({ done: null })
      }
      const oneClick = await oneClickAction(
        routeArgs(
          postForm(`/unsubscribe/one-click?${new URLSearchParams({ token: bad })}`, [
            ['List-Unsubscribe', 'One-Click'],
          ]),
        ),
      )
      expect(oneClick.status).toBe(400)
      expect(await oneClick.text()).toBe(
        'This unsubscribe link is not valid. Nothing was changed.\n',
      )
    }
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)
  })
})

describe('a genuine link for a customer we do not know', () => {
  test('is answered like a bad link (400), not a server error', async () => {
    const target = {
      customerId: '00000000-0000-4000-8000-0000000000aa',
      channel: 'email',
      topic: 'newsletter',
    } as const
    const { pageUrl, oneClickUrl } = unsubscribeLinks(target)
    const fingerprint = await databaseFingerprint(database.db)
    const page = await unsubscribeAction(routeArgs(postForm(pathOf(pageUrl), [['intent', 'all']])))
    expect(statusOf(page)).toBe(400)
    const oneClick = await oneClickAction(
      routeArgs(postForm(pathOf(oneClickUrl), [['List-Unsubscribe', 'One-Click']])),
    )
    expect(oneClick.status).toBe(400)
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)
  })
})

describe('RFC 8058 one-click', () => {
  test('the POST from a mail provider withdraws at once and answers plain text, no page', async () => {
    const { customerId, accountId } = await subscribedCustomer()
    const { oneClickUrl } = unsubscribeLinks({ customerId, channel: 'sms', topic: 'offers' })

    // As a provider sends it: no cookie, no Origin, the one-click body.
    const response = await oneClickAction(
      routeArgs(postForm(pathOf(oneClickUrl), [['List-Unsubscribe', 'One-Click']])),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
    expect(await response.text()).toBe('You are unsubscribed.\n')
    expect(await mayContact(database.db, customerId, 'sms', 'offers')).toBe(false)
    expect(await mayContact(database.db, customerId, 'email', 'offers')).toBe(true)
    expect((await ledgerOf(database.db, customerId)).at(-1)).toMatchObject({
      channel: 'sms',
      topic: 'offers',
      decision: 'withdrawn',
      source: 'unsubscribe_link',
      actor_id: accountId,
    })

    // Multipart, which RFC 8058 also allows, works the same.
    const multipart = new FormData()
    multipart.set('List-Unsubscribe', 'One-Click')
    const { oneClickUrl: newsletter } = unsubscribeLinks({
      customerId,
      channel: 'email',
      topic: 'newsletter',
    })
    const second = await oneClickAction(
      routeArgs(
        new Request(`http://localhost${pathOf(newsletter)}`, { method: 'POST', body: multipart }),
      ),
    )
    expect(second.status).toBe(200)
    expect(await mayContact(database.db, customerId, 'email', 'newsletter')).toBe(false)
  })

  test('a POST without the one-click body, or opening the address in a browser, withdraws nothing', async () => {
    const { customerId } = await subscribedCustomer()
    const { oneClickUrl, pageUrl } = unsubscribeLinks({
      customerId,
      channel: 'post',
      topic: 'events',
    })
    const fingerprint = await databaseFingerprint(database.db)

    const empty = await oneClickAction(routeArgs(postForm(pathOf(oneClickUrl), [])))
    expect(empty.status).toBe(400)
    const text = await oneClickAction(
      routeArgs(
        new Request(`http://localhost${pathOf(oneClickUrl)}`, {
          method: 'POST',
          body: 'hello',
          headers: { 'Content-Type': 'text/plain' },
        }),
      ),
    )
    expect(text.status).toBe(400)

    const opened = await oneClickLoader(routeArgs(getRequest(pathOf(oneClickUrl))))
    expect(opened.status).toBe(303)
    expect(opened.headers.get('Location')).toBe(pathOf(pageUrl))
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)
  })

  test('the page URL also takes the one-click POST body', async () => {
    const { customerId } = await subscribedCustomer()
    const { pageUrl } = unsubscribeLinks({ customerId, channel: 'post', topic: 'events' })
    const result = await unsubscribeAction(
      routeArgs(postForm(pathOf(pageUrl), [['List-Unsubscribe', 'One-Click']])),
    )
    expect(statusOf(result)).toBe(200)
    expect(await mayContact(database.db, customerId, 'post', 'events')).toBe(false)
  })
})

describe('where confirmation mail goes', () => {
  test('to the primary address, in the chosen message language or else the customer language', async () => {
    const { customerId, email } = await createCustomerAccount(database.db)
    await database.db
      .updateTable('customers')
      .set({ language: 'de' })
      .where('id', '=', customerId)
      .execute()
    expect(await getConfirmationRecipient(database.db, customerId)).toEqual({
      email,
      language: 'de',
    })
    await database.db
      .updateTable('communication_preferences')
      .set({ message_language: 'es' })
      .where('customer_id', '=', customerId)
      .execute()
    expect(await getConfirmationRecipient(database.db, customerId)).toEqual({
      email,
      language: 'es',
    })
  })
})

describe('revoking a customer’s unsubscribe links', () => {
  test('old links stop working on the page and for one-click; links of the new generation work', async () => {
    const { customerId } = await subscribedCustomer()
    const target = { customerId, channel: 'sms', topic: 'offers' } as const
    const old = unsubscribeLinks(target)
    const generation = await revokeUnsubscribeLinks(database.db, {
      customerId,
      actor: { kind: 'system' },
      channel: 'system',
    })
    expect(generation).toBe(2)

    const fingerprint = await databaseFingerprint(database.db)
    const page = await unsubscribeAction(routeArgs(postForm(pathOf(old.pageUrl), [])))
    expect(statusOf(page)).toBe(400)
    const oneClick = await oneClickAction(
      routeArgs(postForm(pathOf(old.oneClickUrl), [['List-Unsubscribe', 'One-Click']])),
    )
    expect(oneClick.status).toBe(400)
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)
    expect(await mayContact(database.db, customerId, 'sms', 'offers')).toBe(true)

    const fresh = unsubscribeLinks(target, generation)
    const accepted = await oneClickAction(
      routeArgs(postForm(pathOf(fresh.oneClickUrl), [['List-Unsubscribe', 'One-Click']])),
    )
    expect(accepted.status).toBe(200)
    expect(await mayContact(database.db, customerId, 'sms', 'offers')).toBe(false)
  })
})
