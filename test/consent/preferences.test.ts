import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { resetEnvCache } from '#app/lib/env.server.ts'
import { action, loader } from '#app/routes/preferences.tsx'
import { type ConsentDecision, recordConsent, type TopicCode } from '#db/consent.ts'
import { VersionConflictError } from '#db/errors.ts'
import { getPreferences, updatePreferences } from '#db/preferences.ts'
import { countQueries } from '#db/query-count.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import { getRequest, routeArgs, signedInCustomer, thrownResponse } from '#test/support/fixtures.ts'
import { startSmtpSink } from '../mail/smtp-sink.ts'
import {
  consentHistoryOf,
  createWordings,
  currentOf,
  ledgerOf,
  postForm,
} from './consent-fixtures.ts'

const database = useTestDatabase()
let wordings: Record<TopicCode, string>
let smtp: Awaited<ReturnType<typeof startSmtpSink>>

beforeAll(async () => {
  wordings = await createWordings(database.db)
  // Any confirmation mail goes to a local SMTP server, never into a folder of the repository.
  smtp = await startSmtpSink()
  process.env.SMTP_URL = smtp.url
  resetEnvCache()
})

afterAll(async () => {
  delete process.env.SMTP_URL
  resetEnvCache()
  await smtp.close()
})

async function openPage(cookie: string) {
  const result = await loader(routeArgs(getRequest('/preferences', { cookie })))
  return result.data
}

type Page = Awaited<ReturnType<typeof openPage>>

/**
 * What the browser submits for the page as rendered, after the customer ticks and unticks some
 * boxes: a `shown` field for every checkbox, the ticked boxes, the wording ids on the page.
 */
function submittedForm(
  page: Page,
  options: {
    tick?: string[]
    untick?: string[]
    fields?: Record<string, string>
    wordingIds?: Partial<Record<TopicCode, string>>
  } = {},
): [string, string][] {
  const entries: [string, string][] = [
    ['version', String(page.preferences.version)],
    ['preferredServiceChannel', page.preferences.preferredServiceChannel],
    ['marketingFrequency', page.preferences.marketingFrequency],
    ['quietHoursStart', page.preferences.quietHoursStart ?? ''],
    ['quietHoursEnd', page.preferences.quietHoursEnd ?? ''],
    ['messageLanguage', page.preferences.messageLanguage ?? ''],
  ].map(([name, value]): [string, string] => [
    name ?? '',
    options.fields?.[name ?? ''] ?? value ?? '',
  ])
  for (const wording of page.wordings) {
    entries.push([
      'wording',
      `${wording.topic}:${options.wordingIds?.[wording.topic] ?? wording.id}`,
    ])
  }
  for (const cell of page.cells) {
    const alwaysOn = !cell.isMarketing && cell.channel === page.preferences.preferredServiceChannel
    if (alwaysOn) continue
    const key = `${cell.channel}:${cell.topic}`
    entries.push(['shown', `${key}:${cell.decision ?? 'none'}`])
    const yes = cell.decision === 'granted' || cell.decision === 'pending'
    const ticked = options.tick?.includes(key) || (yes && !options.untick?.includes(key))
    if (ticked) entries.push(['consent', key])
  }
  entries.push(['intent', 'save'])
  return entries
}

async function save(cookie: string, entries: [string, string][]) {
  return action(routeArgs(postForm('/preferences', entries, { cookie })))
}

async function grant(
  customerId: string,
  accountId: string,
  channel: 'email' | 'sms' | 'phone' | 'post',
  topic: TopicCode,
  decision: ConsentDecision = 'granted',
) {
  await recordConsent(database.db, {
    customerId,
    channel,
    topic,
    decision,
    wordingId: wordings[topic],
    language: 'en',
    source: 'portal',
    actor: { kind: 'customer', id: accountId },
  })
}

function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status
  const init = (result as { init?: { status?: number } | null }).init
  return init?.status ?? 200
}

describe('the preference centre page', () => {
  test('signed out, the page and its form send to sign-in', async () => {
    const page = await thrownResponse(() => loader(routeArgs(getRequest('/preferences'))))
    expect(page.status).toBe(302)
    expect(page.headers.get('Location')).toBe('/login?redirectTo=%2Fpreferences')
    const post = await thrownResponse(() =>
      action(routeArgs(postForm('/preferences', [['intent', 'toggle']]))),
    )
    expect(post.status).toBe(302)
    expect(post.headers.get('Location')).toMatch(/^\/login\?/)
  })

  test('shows the whole matrix, the wordings, the preferences and the history, in few queries', async () => {
    const anna = await signedInCustomer(database.db)
    await grant(anna.customerId, anna.accountId, 'email', 'newsletter')

    const { result, queries } = await countQueries(() =>
      runInRequestScope(() =>
        loader(routeArgs(getRequest('/preferences', { cookie: anna.cookie }))),
      ),
    )
    const page = result.data
    expect(page.cells).toHaveLength(24)
    expect(
      page.cells.find((c) => c.channel === 'email' && c.topic === 'newsletter')?.decision,
    ).toBe('granted')
    expect(page.wordings.map((w) => w.id).sort()).toEqual(Object.values(wordings).sort())
    expect(page.preferences).toMatchObject({
      preferredServiceChannel: 'email',
      marketingFrequency: 'immediate',
      quietHoursStart: null,
      reachableChannels: ['email'],
      version: 1,
    })
    expect(page.ledger.items).toMatchObject([
      {
        channel: 'email',
        topic: 'newsletter',
        decision: 'granted',
        source: 'portal',
        wordingVersion: 1,
      },
    ])
    expect(page.languages).toEqual(['en'])
    // The session lookup, then one each: consent state, wordings, preferences, ledger page,
    // languages. None of them grows with the number of decisions.
    expect(queries).toBe(6)
  })
})

describe('saving the whole form (no JavaScript)', () => {
  test('records only the changed boxes, each with the wording id the page showed', async () => {
    const anna = await signedInCustomer(database.db)
    await grant(anna.customerId, anna.accountId, 'email', 'newsletter')
    await grant(anna.customerId, anna.accountId, 'sms', 'offers')
    const before = await ledgerOf(database.db, anna.customerId)
    const page = await openPage(anna.cookie)

    // A new wording version is published while the customer reads the page: the ledger must
    // credit the one they saw.
    await database.db
      .insertInto('consent_wordings')
      .values({ topic: 'events', language: 'en', version: 2, body: 'Events, published meanwhile' })
      .execute()

    const response = await save(
      anna.cookie,
      submittedForm(page, { untick: ['sms:offers'], tick: ['post:events', 'phone:order_updates'] }),
    )
    expect(response).toBeInstanceOf(Response)
    expect((response as Response).status).toBe(302)
    expect((response as Response).headers.get('Location')).toBe('/preferences?saved=1')

    const added = (await ledgerOf(database.db, anna.customerId)).slice(before.length)
    expect(
      added.map((row) => ({
        cell: `${row.channel}:${row.topic}`,
        decision: row.decision,
        wording: row.wording_id,
        source: row.source,
        actor: row.actor_id,
      })),
    ).toEqual(
      expect.arrayContaining([
        {
          cell: 'sms:offers',
          decision: 'withdrawn',
          wording: wordings.offers,
          source: 'portal',
          actor: anna.accountId,
        },
        {
          cell: 'post:events',
          decision: 'granted',
          wording: wordings.events,
          source: 'portal',
          actor: anna.accountId,
        },
        {
          cell: 'phone:order_updates',
          decision: 'granted',
          wording: wordings.order_updates,
          source: 'portal',
          actor: anna.accountId,
        },
      ]),
    )
    expect(added).toHaveLength(3)
    // The unchanged yes was not written again; nothing changed the preferences row.
    expect((await currentOf(database.db, anna.customerId))['email:newsletter']?.ledgerId).toBe(
      before[0]?.id,
    )
    expect(await consentHistoryOf(database.db, anna.customerId, 'preferences')).toHaveLength(1)
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes(anna.email))).toEqual([])
  })

  test('a form left open cannot undo a withdrawal made meanwhile', async () => {
    const anna = await signedInCustomer(database.db)
    await grant(anna.customerId, anna.accountId, 'sms', 'newsletter')
    const page = await openPage(anna.cookie)
    // Withdrawn elsewhere (an unsubscribe link) after the page was opened.
    await grant(anna.customerId, anna.accountId, 'sms', 'newsletter', 'withdrawn')
    const before = await ledgerOf(database.db, anna.customerId)

    // The old page still shows the box ticked; the customer only changes the frequency.
    const response = await save(
      anna.cookie,
      submittedForm(page, { fields: { marketingFrequency: 'weekly' } }),
    )
    expect(statusOf(response)).toBe(302)
    expect(await ledgerOf(database.db, anna.customerId)).toEqual(before)
    expect((await currentOf(database.db, anna.customerId))['sms:newsletter']?.decision).toBe(
      'withdrawn',
    )
    expect((await getPreferences(database.db, anna.customerId))?.marketingFrequency).toBe('weekly')
  })

  test('changes the preferences with one history row holding only the changed fields', async () => {
    const anna = await signedInCustomer(database.db)
    await database.db
      .insertInto('customer_addresses')
      .values({
        customer_id: anna.customerId,
        recipient: 'Anna Berg',
        line1: 'Storgatan 1',
        city: 'Lund',
        country_code: 'SE',
      })
      .execute()
    const page = await openPage(anna.cookie)
    expect(page.preferences.reachableChannels).toEqual(['email', 'post'])

    const response = await save(
      anna.cookie,
      submittedForm(page, {
        fields: {
          preferredServiceChannel: 'post',
          marketingFrequency: 'monthly',
          quietHoursStart: '21:30',
          quietHoursEnd: '07:00',
          messageLanguage: 'en',
        },
      }),
    )
    expect(statusOf(response)).toBe(302)
    expect(await getPreferences(database.db, anna.customerId)).toMatchObject({
      preferredServiceChannel: 'post',
      marketingFrequency: 'monthly',
      quietHoursStart: '21:30',
      quietHoursEnd: '07:00',
      messageLanguage: 'en',
      version: 2,
    })
    const history = await consentHistoryOf(database.db, anna.customerId, 'preferences')
    expect(history.at(-1)).toEqual({
      entity_type: 'preferences',
      entity_id: anna.customerId,
      action: 'details_changed',
      actor_kind: 'customer',
      actor_id: anna.accountId,
      channel: 'portal',
      before: {
        preferred_service_channel: 'email',
        marketing_frequency: 'immediate',
        quiet_hours_start: null,
        quiet_hours_end: null,
        message_language: null,
      },
      after: {
        preferred_service_channel: 'post',
        marketing_frequency: 'monthly',
        quiet_hours_start: '21:30',
        quiet_hours_end: '07:00',
        message_language: 'en',
      },
    })
    // No consent box changed: the ledger is untouched.
    expect(await ledgerOf(database.db, anna.customerId)).toEqual([])

    // Emptying quiet hours clears both halves.
    const again = await openPage(anna.cookie)
    await save(
      anna.cookie,
      submittedForm(again, { fields: { quietHoursStart: '', quietHoursEnd: '' } }),
    )
    expect(await getPreferences(database.db, anna.customerId)).toMatchObject({
      quietHoursStart: null,
      quietHoursEnd: null,
      version: 3,
    })
  })

  test('bad input answers 400 with field errors and changes nothing', async () => {
    const anna = await signedInCustomer(database.db)
    const page = await openPage(anna.cookie)
    const cases: [Record<string, string>, string, string][] = [
      [
        { quietHoursStart: '22:00', quietHoursEnd: '' },
        'quietHoursEnd',
        'preferences:errors.quietHoursBoth',
      ],
      [
        { quietHoursStart: '25:00', quietHoursEnd: '07:00' },
        'quietHoursStart',
        'preferences:errors.quietHoursTime',
      ],
      [{ marketingFrequency: 'hourly' }, 'marketingFrequency', 'preferences:errors.invalidChoice'],
      [{ messageLanguage: 'xx' }, 'messageLanguage', 'preferences:errors.languageUnknown'],
      // A channel we cannot reach them on (no phone): refused next to the field.
      [
        { preferredServiceChannel: 'sms' },
        'preferredServiceChannel',
        'preferences:errors.channelUnreachable',
      ],
    ]
    const fingerprint = await databaseFingerprint(database.db)
    for (const [fields, field, message] of cases) {
      const result = await save(anna.cookie, submittedForm(page, { fields, tick: ['post:offers'] }))
      expect(statusOf(result), field).toBe(400)
      const reply = (result as { data: { result: { error?: Record<string, string[] | null> } } })
        .data
      expect(reply.result.error?.[field], field).toEqual([message])
    }
    // A tampered cell or wording is not a form we rendered.
    const tampered = await save(anna.cookie, [
      ...submittedForm(page),
      ['shown', 'fax:newsletter:none'],
    ])
    expect(statusOf(tampered)).toBe(400)
    const foreignWording = await save(
      anna.cookie,
      submittedForm(page, { tick: ['post:offers'], wordingIds: { offers: wordings.events } }),
    )
    expect(statusOf(foreignWording)).toBe(409)
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)
  })

  test('a save from an old version is refused with both versions shown, consent changes included', async () => {
    const anna = await signedInCustomer(database.db)
    const page = await openPage(anna.cookie)
    // Another tab saves first.
    await updatePreferences(database.db, {
      customerId: anna.customerId,
      expectedVersion: 1,
      changes: { marketingFrequency: 'weekly' },
      actor: { kind: 'customer', id: anna.accountId },
      channel: 'portal',
    })
    const fingerprint = await databaseFingerprint(database.db)

    const result = await save(
      anna.cookie,
      submittedForm(page, { fields: { marketingFrequency: 'monthly' }, tick: ['post:newsletter'] }),
    )
    expect(statusOf(result)).toBe(409)
    const reply = (
      result as { data: { result: { error?: Record<string, string[] | null> }; conflict: unknown } }
    ).data
    expect(reply.result.error?.['']).toEqual(['preferences:errors.conflict'])
    expect(reply.conflict).toMatchObject({
      stored: { marketingFrequency: 'weekly', version: 2 },
      tried: { marketingFrequency: 'monthly' },
    })
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)

    // Saving what is stored from the old version loses nothing, so it is no conflict.
    const same = await save(
      anna.cookie,
      submittedForm(page, { fields: { marketingFrequency: 'weekly' } }),
    )
    expect(statusOf(same)).toBe(302)
  })

  test('updatePreferences: optimistic concurrency, and a no-op for equal values', async () => {
    const anna = await signedInCustomer(database.db)
    const actor = { kind: 'customer', id: anna.accountId } as const
    const saved = await updatePreferences(database.db, {
      customerId: anna.customerId,
      expectedVersion: 1,
      changes: { marketingFrequency: 'monthly' },
      actor,
      channel: 'portal',
    })
    expect(saved).toMatchObject({ marketingFrequency: 'monthly', version: 2 })

    const stale = updatePreferences(database.db, {
      customerId: anna.customerId,
      expectedVersion: 1,
      changes: { marketingFrequency: 'weekly' },
      actor,
      channel: 'portal',
    })
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError)
    await stale.catch(
      (error: VersionConflictError<{ marketingFrequency: string; version: number }>) => {
        expect(error.current).toMatchObject({ marketingFrequency: 'monthly', version: 2 })
        expect(error.changes).toEqual({ marketingFrequency: 'weekly' })
      },
    )

    const unchanged = await updatePreferences(database.db, {
      customerId: anna.customerId,
      expectedVersion: 1,
      changes: { marketingFrequency: 'monthly' },
      actor,
      channel: 'portal',
    })
    expect(unchanged.version).toBe(2)
    expect(await consentHistoryOf(database.db, anna.customerId, 'preferences')).toHaveLength(2)
  })
})

describe('saving one box at a time (JavaScript)', () => {
  test('intent=toggle records that one change and nothing else', async () => {
    const anna = await signedInCustomer(database.db)
    const toggle = (fields: [string, string][]) =>
      action(
        routeArgs(
          postForm('/preferences', [['intent', 'toggle'], ...fields], { cookie: anna.cookie }),
        ),
      )

    const on = await toggle([
      ['cell', 'phone:surveys'],
      ['wanted', 'yes'],
      ['shown', 'none'],
      ['wordingId', wordings.surveys],
    ])
    expect(statusOf(on)).toBe(200)
    expect((on as { data: unknown }).data).toEqual({
      intent: 'toggle',
      ok: true,
      confirmationMail: 'none',
    })
    expect(await ledgerOf(database.db, anna.customerId)).toMatchObject([
      { channel: 'phone', topic: 'surveys', decision: 'granted', wording_id: wordings.surveys },
    ])

    const off = await toggle([
      ['cell', 'phone:surveys'],
      ['wanted', 'no'],
      ['shown', 'granted'],
      ['wordingId', wordings.surveys],
    ])
    expect(statusOf(off)).toBe(200)
    expect((await currentOf(database.db, anna.customerId))['phone:surveys']?.decision).toBe(
      'withdrawn',
    )

    const fingerprint = await databaseFingerprint(database.db)
    for (const bad of [
      [
        ['cell', 'phone:lottery'],
        ['wanted', 'yes'],
        ['shown', 'none'],
      ],
      [
        ['cell', 'phone:surveys'],
        ['wanted', 'maybe'],
        ['shown', 'none'],
      ],
      [
        ['cell', 'phone:surveys'],
        ['wanted', 'yes'],
        ['shown', 'none'],
        ['wordingId', 'x'],
      ],
    ] as [string, string][][]) {
      expect(statusOf(await toggle(bad))).toBe(400)
    }
    expect(
      statusOf(
        await toggle([
          ['cell', 'phone:surveys'],
          ['wanted', 'yes'],
          ['shown', 'none'],
          ['wordingId', wordings.events],
        ]),
      ),
    ).toBe(409)
    expect(await databaseFingerprint(database.db)).toEqual(fingerprint)
  })
})

describe('another customer', () => {
  test('cannot change my consent or preferences: the routes act only on the signed-in customer', async () => {
    const anna = await signedInCustomer(database.db)
    const mallory = await signedInCustomer(database.db)
    await grant(anna.customerId, anna.accountId, 'sms', 'offers')
    const annasLedger = await ledgerOf(database.db, anna.customerId)
    const annasPreferences = await getPreferences(database.db, anna.customerId)

    // Mallory submits Anna's ids in every way a form could carry them.
    const page = await openPage(mallory.cookie)
    const extra: [string, string][] = [
      ['customerId', anna.customerId],
      ['accountId', anna.accountId],
    ]
    await save(mallory.cookie, [
      ...submittedForm(page, { tick: ['post:events'], fields: { marketingFrequency: 'monthly' } }),
      ['shown', 'sms:offers:granted'],
      ...extra,
    ])
    await action(
      routeArgs(
        postForm(
          '/preferences',
          [
            ['intent', 'toggle'],
            ['cell', 'sms:offers'],
            ['wanted', 'no'],
            ['shown', 'granted'],
            ...extra,
          ],
          { cookie: mallory.cookie },
        ),
      ),
    )

    expect(await ledgerOf(database.db, anna.customerId)).toEqual(annasLedger)
    expect(await getPreferences(database.db, anna.customerId)).toEqual(annasPreferences)
    // What Mallory did landed on Mallory.
    expect((await currentOf(database.db, mallory.customerId))['post:events']?.decision).toBe(
      'granted',
    )
    expect((await getPreferences(database.db, mallory.customerId))?.marketingFrequency).toBe(
      'monthly',
    )
    // Anna's page shows Anna's state only.
    const annasPage = await openPage(anna.cookie)
    expect(annasPage.ledger.items.map((e) => `${e.channel}:${e.topic}`)).toEqual(['sms:offers'])
  })
})
