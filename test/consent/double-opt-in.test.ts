import { type ParsedMail } from 'mailparser'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { resetEnvCache } from '#app/lib/env.server.ts'
import { action as confirmAction, loader as confirmLoader } from '#app/routes/consent.confirm.tsx'
import {
  action as preferencesAction,
  loader as preferencesLoader,
} from '#app/routes/preferences.tsx'
import { action as unsubscribeAction } from '#app/routes/unsubscribe.tsx'
import { mayContact, type TopicCode } from '#db/consent.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import { consoleError } from '#test/setup/fail-on-console-error.ts'
import { getRequest, routeArgs, signedInCustomer } from '#test/support/fixtures.ts'
import { startSmtpSink } from '../mail/smtp-sink.ts'
import { createWordings, currentOf, ledgerOf, postForm } from './consent-fixtures.ts'

const database = useTestDatabase()
let wordings: Record<TopicCode, string>
let smtp: Awaited<ReturnType<typeof startSmtpSink>>

beforeAll(async () => {
  wordings = await createWordings(database.db)
  smtp = await startSmtpSink()
  process.env.SMTP_URL = smtp.url
  resetEnvCache()
})

afterAll(async () => {
  delete process.env.SMTP_URL
  resetEnvCache()
  await smtp.close()
})

function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status
  return (result as { init?: { status?: number } | null }).init?.status ?? 200
}

async function toggle(cookie: string, cell: string, wanted: 'yes' | 'no', shown: string) {
  const topic = cell.split(':')[1] as TopicCode
  const before = smtp.messages.length
  const result = await preferencesAction(
    routeArgs(
      postForm(
        '/preferences',
        [
          ['intent', 'toggle'],
          ['cell', cell],
          ['wanted', wanted],
          ['shown', shown],
          ['wordingId', wordings[topic]],
        ],
        { cookie },
      ),
    ),
  )
  return { result, arrived: smtp.messages.slice(before) }
}

function recipientOf(mail: ParsedMail): string | undefined {
  return mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined
}

function linkIn(text: string, path: string): URL {
  const match = text.match(new RegExp(`https?://\\S+${path.replace('/', '\\/')}\\?token=[\\w.-]+`))
  if (!match) throw new Error(`No ${path} link in:\n${text}`)
  return new URL(match[0])
}

async function openConfirmation(url: URL) {
  return confirmLoader(routeArgs(getRequest(`${url.pathname}${url.search}`)))
}

async function followConfirmation(url: URL) {
  return confirmAction(routeArgs(postForm(`${url.pathname}${url.search}`, [])))
}

describe('double opt-in for marketing by email', () => {
  test('a yes records pending, mails a link in the customer language, and the link grants once', async () => {
    const anna = await signedInCustomer(database.db)
    const { result, arrived } = await toggle(anna.cookie, 'email:newsletter', 'yes', 'none')
    expect((result as { data: unknown }).data).toEqual({
      intent: 'toggle',
      ok: true,
      confirmationMail: 'sent',
    })

    // Pending is shown as such, and is not a yes.
    expect(await currentOf(database.db, anna.customerId)).toMatchObject({
      'email:newsletter': { decision: 'pending' },
    })
    expect(await mayContact(database.db, anna.customerId, 'email', 'newsletter')).toBe(false)
    const token = await database.db
      .selectFrom('account_tokens')
      .select(['purpose', 'account_id', 'customer_id', 'payload', 'used_at'])
      .select((eb) =>
        eb
          .fn<number>('date_part', [
            eb.val('day'),
            eb(eb.ref('expires_at'), '-', eb.ref('created_at')),
          ])
          .as('days'),
      )
      .where('customer_id', '=', anna.customerId)
      .executeTakeFirstOrThrow()
    expect(token).toMatchObject({
      purpose: 'consent_confirmation',
      account_id: anna.accountId,
      used_at: null,
      days: 7,
      payload: {
        customerId: anna.customerId,
        channel: 'email',
        topic: 'newsletter',
        wordingId: wordings.newsletter,
      },
    })

    // The mail, as received by a real SMTP server.
    expect(arrived).toHaveLength(1)
    const mail = arrived[0]!
    expect(recipientOf(mail)).toBe(anna.email)
    expect(mail.subject).toBe('Please confirm: the newsletter by email')
    expect(mail.text).toContain('You asked us to send you the newsletter by email.')
    // The wording the customer agreed to, quoted in the mail.
    expect(mail.text).toContain('newsletter wording, en version 1')
    expect(mail.html).toContain('<html lang="en">')
    expect(mail.html).toContain('newsletter wording, en version 1')
    const link = linkIn(mail.text ?? '', '/consent/confirm')
    expect(link.origin).toBe('http://localhost:3000')
    expect(linkIn(String(mail.html), '/consent/confirm').href).toBe(link.href)
    // An unsubscribe link rides along, for a change of mind later.
    expect(linkIn(mail.text ?? '', '/unsubscribe').pathname).toBe('/unsubscribe')

    // Opening the link only shows the question; a scanner fetching it confirms nothing.
    const fingerprint = await databaseFingerprint(database.db)
    const opened = await openConfirmation(link)
    expect(opened.data.preview).toEqual({ status: 'usable', channel: 'email', topic: 'newsletter' })
    expect(await openConfirmation(link)).toMatchObject({ data: { preview: { status: 'usable' } } })
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)

    // The button: granted, by the confirmation link, with the wording the customer saw.
    const confirmed = await followConfirmation(link)
    expect(statusOf(confirmed)).toBe(200)
    expect((confirmed as { data: unknown }).data).toEqual({
      outcome: { status: 'confirmed', channel: 'email', topic: 'newsletter' },
    })
    expect(await mayContact(database.db, anna.customerId, 'email', 'newsletter')).toBe(true)
    expect(
      (await ledgerOf(database.db, anna.customerId)).map((row) => ({
        decision: row.decision,
        source: row.source,
        wording: row.wording_id,
        actor: row.actor_id,
      })),
    ).toEqual([
      {
        decision: 'pending',
        source: 'portal',
        wording: wordings.newsletter,
        actor: anna.accountId,
      },
      {
        decision: 'granted',
        source: 'confirmation_link',
        wording: wordings.newsletter,
        actor: anna.accountId,
      },
    ])

    // Once only: pressing again, or opening the link again, says it is confirmed and writes
    // nothing more.
    const afterUse = await databaseFingerprint(database.db)
    const again = await followConfirmation(link)
    expect(statusOf(again)).toBe(200)
    expect((again as { data: unknown }).data).toEqual({
      outcome: { status: 'confirmed', channel: 'email', topic: 'newsletter' },
    })
    expect((await openConfirmation(link)).data.preview.status).toBe('confirmed')
    expect(await databaseFingerprint(database.db)).toEqual(afterUse)

    // The page shows the history with both rows.
    const page = await preferencesLoader(
      routeArgs(getRequest('/preferences', { cookie: anna.cookie })),
    )
    expect(page.data.ledger.items.map((e) => `${e.decision}:${e.source}`)).toEqual([
      'granted:confirmation_link',
      'pending:portal',
    ])
  })

  test('a link whose request was withdrawn meanwhile changes nothing', async () => {
    const anna = await signedInCustomer(database.db)
    const { arrived } = await toggle(anna.cookie, 'email:offers', 'yes', 'none')
    const link = linkIn(arrived[0]?.text ?? '', '/consent/confirm')
    await toggle(anna.cookie, 'email:offers', 'no', 'pending')
    expect((await currentOf(database.db, anna.customerId))['email:offers']?.decision).toBe(
      'withdrawn',
    )

    expect((await openConfirmation(link)).data.preview.status).toBe('stale')
    const ledgerBefore = await ledgerOf(database.db, anna.customerId)
    const result = await followConfirmation(link)
    expect(statusOf(result)).toBe(409)
    expect(await ledgerOf(database.db, anna.customerId)).toEqual(ledgerBefore)
    expect(await mayContact(database.db, anna.customerId, 'email', 'offers')).toBe(false)

    // A second request gets a new link; the first one stays dead.
    const second = await toggle(anna.cookie, 'email:offers', 'yes', 'withdrawn')
    const newLink = linkIn(second.arrived[0]?.text ?? '', '/consent/confirm')
    expect(statusOf(await followConfirmation(link))).toBe(400)
    expect(statusOf(await followConfirmation(newLink))).toBe(200)
    expect(await mayContact(database.db, anna.customerId, 'email', 'offers')).toBe(true)
  })

  test('SMS, phone and post take effect at once, with no mail', async () => {
    const anna = await signedInCustomer(database.db)
    for (const channel of ['sms', 'phone', 'post']) {
      const { arrived } = await toggle(anna.cookie, `${channel}:events`, 'yes', 'none')
      expect(arrived).toEqual([])
    }
    expect(await currentOf(database.db, anna.customerId)).toMatchObject({
      'sms:events': { decision: 'granted' },
      'phone:events': { decision: 'granted' },
      'post:events': { decision: 'granted' },
    })
  })

  test('a made-up or truncated token is refused and changes nothing', async () => {
    const anna = await signedInCustomer(database.db)
    const { arrived } = await toggle(anna.cookie, 'email:surveys', 'yes', 'none')
    const link = linkIn(arrived[0]?.text ?? '', '/consent/confirm')
    const real = link.searchParams.get('token') ?? ''
    const fingerprint = await databaseFingerprint(database.db)
    for (const token of [real.slice(0, -1), `${real}x`, 'x'.repeat(43), '', 'a'.repeat(500)]) {
      const url = new URL(`http://localhost/consent/confirm?${new URLSearchParams({ token })}`)
      expect(statusOf(await openConfirmation(url)), token).toBe(400)
      expect(statusOf(await followConfirmation(url)), token).toBe(400)
    }
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)
  })

  test('an expired link is refused and changes nothing', async () => {
    const anna = await signedInCustomer(database.db)
    const { arrived } = await toggle(anna.cookie, 'email:events', 'yes', 'none')
    const link = linkIn(arrived[0]?.text ?? '', '/consent/confirm')
    await database.db
      .updateTable('account_tokens')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('customer_id', '=', anna.customerId)
      .execute()
    const fingerprint = await databaseFingerprint(database.db)
    expect(statusOf(await openConfirmation(link))).toBe(400)
    expect(statusOf(await followConfirmation(link))).toBe(400)
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)
    expect((await currentOf(database.db, anna.customerId))['email:events']?.decision).toBe(
      'pending',
    )
  })

  test('the whole form: a new email yes is pending and the page says a link was sent', async () => {
    const anna = await signedInCustomer(database.db)
    const page = (
      await preferencesLoader(routeArgs(getRequest('/preferences', { cookie: anna.cookie })))
    ).data
    const fields: [string, string][] = [
      ['intent', 'save'],
      ['version', String(page.preferences.version)],
      ['preferredServiceChannel', 'email'],
      ['marketingFrequency', 'immediate'],
      ['shown', 'email:events:none'],
      ['consent', 'email:events'],
      ['wording', `events:${wordings.events}`],
    ]
    const before = smtp.messages.length
    const result = await preferencesAction(
      routeArgs(postForm('/preferences', fields, { cookie: anna.cookie })),
    )
    expect((result as Response).headers.get('Location')).toBe('/preferences?saved=1&mail=sent')
    expect(smtp.messages.slice(before).map(recipientOf)).toEqual([anna.email])
    expect((await currentOf(database.db, anna.customerId))['email:events']?.decision).toBe(
      'pending',
    )
  })

  test('when the mail cannot be sent, the yes stays pending and the page says so', async () => {
    const anna = await signedInCustomer(database.db)
    process.env.SMTP_URL = 'smtp://127.0.0.1:1'
    resetEnvCache()
    consoleError.mockImplementation(() => {})
    try {
      const { result } = await toggle(anna.cookie, 'email:newsletter', 'yes', 'none')
      expect((result as { data: unknown }).data).toEqual({
        intent: 'toggle',
        ok: true,
        confirmationMail: 'failed',
      })
      expect(consoleError).toHaveBeenCalledOnce()
    } finally {
      process.env.SMTP_URL = smtp.url
      resetEnvCache()
    }
    expect((await currentOf(database.db, anna.customerId))['email:newsletter']?.decision).toBe(
      'pending',
    )
  })
})

describe('unsubscribe link in the confirmation mail', () => {
  test('works without signing in and records the withdrawal as by unsubscribe link', async () => {
    const anna = await signedInCustomer(database.db)
    const { arrived } = await toggle(anna.cookie, 'email:events', 'yes', 'none')
    await followConfirmation(linkIn(arrived[0]?.text ?? '', '/consent/confirm'))
    const unsubscribe = linkIn(arrived[0]?.text ?? '', '/unsubscribe')
    const result = await unsubscribeAction(
      routeArgs(postForm(`${unsubscribe.pathname}${unsubscribe.search}`, [['intent', 'one']])),
    )
    expect((result as { data: unknown }).data).toEqual({ done: 'one' })
    expect((await ledgerOf(database.db, anna.customerId)).at(-1)).toMatchObject({
      channel: 'email',
      topic: 'events',
      decision: 'withdrawn',
      source: 'unsubscribe_link',
      actor_kind: 'customer',
      actor_id: anna.accountId,
    })
  })
})
