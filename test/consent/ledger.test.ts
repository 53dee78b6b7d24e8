import { sql } from 'kysely'
import { beforeAll, describe, expect, test } from 'vitest'
import {
  type ChannelCode,
  type ConsentDecision,
  currentWordings,
  getConsentState,
  listConsentLedger,
  MARKETING_TOPICS,
  mayContact,
  recordConsent,
  type RecordConsentInput,
  recordConsentDecisions,
  TOPIC_CODES,
  type TopicCode,
} from '#db/consent.ts'
import { InvalidStateError, NotFoundError } from '#db/errors.ts'
import { updatePreferences } from '#db/preferences.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { createCustomerAccount } from '#test/support/fixtures.ts'
import { refusal } from '../db/database-errors.ts'
import { consentHistoryOf, createWordings, currentOf, ledgerOf } from './consent-fixtures.ts'

const database = useTestDatabase()
let wordings: Record<TopicCode, string>

beforeAll(async () => {
  wordings = await createWordings(database.db)
})

async function customer() {
  return createCustomerAccount(database.db)
}

function decision(
  customerId: string,
  accountId: string,
  channel: ChannelCode,
  topic: TopicCode,
  value: ConsentDecision,
): RecordConsentInput {
  return {
    customerId,
    channel,
    topic,
    decision: value,
    wordingId: wordings[topic],
    language: 'en',
    source: 'portal',
    actor: { kind: 'customer', id: accountId },
  }
}

describe('the ledger and the state derived from it', () => {
  test('current state equals the latest ledger row of each channel and topic', async () => {
    const { customerId, accountId } = await customer()
    const sequence: [ChannelCode, TopicCode, ConsentDecision][] = [
      ['email', 'newsletter', 'pending'],
      ['email', 'newsletter', 'granted'],
      ['sms', 'offers', 'granted'],
      ['email', 'newsletter', 'withdrawn'],
      ['post', 'events', 'granted'],
      ['sms', 'offers', 'withdrawn'],
      ['email', 'newsletter', 'granted'],
      ['phone', 'order_updates', 'granted'],
    ]
    for (const [channel, topic, value] of sequence) {
      const recorded = await recordConsent(
        database.db,
        decision(customerId, accountId, channel, topic, value),
      )
      expect(recorded?.decision).toBe(value)
    }

    const ledger = await ledgerOf(database.db, customerId)
    expect(ledger.map((row) => [row.channel, row.topic, row.decision])).toEqual(sequence)
    // Derived independently from the ledger: the latest row per cell.
    const latest = new Map<string, { decision: ConsentDecision; id: number }>()
    for (const row of ledger) latest.set(`${row.channel}:${row.topic}`, row)
    const current = await currentOf(database.db, customerId)
    expect(Object.keys(current).sort()).toEqual([...latest.keys()].sort())
    for (const [key, row] of latest) {
      expect(current[key]).toEqual({ decision: row.decision, ledgerId: row.id })
    }

    const state = await getConsentState(database.db, customerId)
    expect(state).toHaveLength(4 * 6)
    const cell = (channel: ChannelCode, topic: TopicCode) =>
      state.find((c) => c.channel === channel && c.topic === topic)
    expect(cell('email', 'newsletter')).toMatchObject({ decision: 'granted', isMarketing: true })
    expect(cell('sms', 'offers')?.decision).toBe('withdrawn')
    expect(cell('post', 'events')?.decision).toBe('granted')
    expect(cell('phone', 'order_updates')).toMatchObject({
      decision: 'granted',
      isMarketing: false,
    })
    // Never asked: missing, which counts as no.
    expect(cell('email', 'surveys')).toMatchObject({ decision: null, updatedAt: null })
    // Topic order, then channel order.
    expect(state.slice(0, 4).map((c) => `${c.topic}:${c.channel}`)).toEqual([
      'service:email',
      'service:sms',
      'service:phone',
      'service:post',
    ])
  })

  test('concurrent decisions for one cell: the current state is still the latest ledger row', async () => {
    const { customerId, accountId } = await customer()
    const values: ConsentDecision[] = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0 ? 'granted' : i % 3 === 1 ? 'withdrawn' : 'pending',
    )
    await Promise.all(
      values.map((value) =>
        recordConsent(database.db, decision(customerId, accountId, 'sms', 'surveys', value)),
      ),
    )
    const ledger = await ledgerOf(database.db, customerId)
    const latest = [...ledger].sort(
      (a, b) => a.recorded_at.getTime() - b.recorded_at.getTime() || a.id - b.id,
    )
    expect(latest.map((row) => row.id)).toEqual(ledger.map((row) => row.id))
    // Each row changed something: no decision repeats the one before it.
    for (let i = 1; i < ledger.length; i++) {
      expect(ledger[i]?.decision).not.toBe(ledger[i - 1]?.decision)
    }
    expect((await currentOf(database.db, customerId))['sms:surveys']).toEqual({
      decision: latest.at(-1)?.decision,
      ledgerId: latest.at(-1)?.id,
    })
  })

  test('recording the current decision again writes nothing', async () => {
    const { customerId, accountId } = await customer()
    const grant = decision(customerId, accountId, 'sms', 'newsletter', 'granted')
    expect(await recordConsent(database.db, grant)).not.toBeNull()
    const before = {
      ledger: await ledgerOf(database.db, customerId),
      history: await consentHistoryOf(database.db, customerId),
    }

    expect(await recordConsent(database.db, grant)).toBeNull()
    // A no to something never asked for is not a change either.
    expect(
      await recordConsent(
        database.db,
        decision(customerId, accountId, 'post', 'surveys', 'withdrawn'),
      ),
    ).toBeNull()

    expect(await ledgerOf(database.db, customerId)).toEqual(before.ledger)
    expect(await consentHistoryOf(database.db, customerId)).toEqual(before.history)
  })

  test('every ledger row has its history row, with who, how and before/after', async () => {
    const { customerId, accountId } = await customer()
    await recordConsent(database.db, decision(customerId, accountId, 'email', 'offers', 'pending'))
    await recordConsent(database.db, {
      ...decision(customerId, accountId, 'email', 'offers', 'granted'),
      source: 'confirmation_link',
    })
    await recordConsent(database.db, {
      ...decision(customerId, accountId, 'email', 'offers', 'withdrawn'),
      wordingId: null,
      source: 'unsubscribe_link',
    })
    const staffId = '00000000-0000-4000-8000-00000000beef'
    await recordConsent(database.db, {
      ...decision(customerId, accountId, 'phone', 'surveys', 'granted'),
      source: 'staff',
      actor: { kind: 'staff', id: staffId },
    })

    const history = await consentHistoryOf(database.db, customerId)
    expect(history).toEqual([
      {
        entity_type: 'consent',
        entity_id: 'email:offers',
        action: 'pending',
        actor_kind: 'customer',
        actor_id: accountId,
        channel: 'portal',
        before: null,
        after: { channel: 'email', topic: 'offers', decision: 'pending', source: 'portal' },
      },
      {
        entity_type: 'consent',
        entity_id: 'email:offers',
        action: 'granted',
        actor_kind: 'customer',
        actor_id: accountId,
        channel: 'email_link',
        before: { decision: 'pending' },
        after: {
          channel: 'email',
          topic: 'offers',
          decision: 'granted',
          source: 'confirmation_link',
        },
      },
      {
        entity_type: 'consent',
        entity_id: 'email:offers',
        action: 'withdrawn',
        actor_kind: 'customer',
        actor_id: accountId,
        channel: 'email_link',
        before: { decision: 'granted' },
        after: {
          channel: 'email',
          topic: 'offers',
          decision: 'withdrawn',
          source: 'unsubscribe_link',
        },
      },
      {
        entity_type: 'consent',
        entity_id: 'phone:surveys',
        action: 'granted',
        actor_kind: 'staff',
        actor_id: staffId,
        channel: 'staff',
        before: null,
        after: { channel: 'phone', topic: 'surveys', decision: 'granted', source: 'staff' },
      },
    ])
    expect(await ledgerOf(database.db, customerId)).toHaveLength(history.length)
  })

  test('the ledger refuses updates and deletes', async () => {
    const { customerId, accountId } = await customer()
    const recorded = await recordConsent(
      database.db,
      decision(customerId, accountId, 'email', 'events', 'granted'),
    )
    const id = recorded?.ledgerId ?? -1
    const update = await refusal(
      database.db
        .updateTable('consent_ledger')
        .set({ decision: 'withdrawn' })
        .where('id', '=', id)
        .execute(),
    )
    expect(update.message).toContain('append-only')
    const remove = await refusal(
      database.db.deleteFrom('consent_ledger').where('id', '=', id).execute(),
    )
    expect(remove.message).toContain('append-only')
    expect((await ledgerOf(database.db, customerId)).map((row) => row.decision)).toEqual([
      'granted',
    ])
  })

  test('when the history row fails, no ledger row and no current state remain (and the reverse)', async () => {
    const { customerId, accountId } = await customer()
    // A trigger that refuses only this customer's rows, so other tests in the file are unaffected.
    await sql
      .raw(
        `create function refuse_for_test() returns trigger language plpgsql as $$
         begin
           if new.customer_id = '${customerId}' then raise exception 'refused for the test'; end if;
           return new;
         end $$`,
      )
      .execute(database.db)
    try {
      for (const table of ['record_history', 'consent_current']) {
        await sql
          .raw(
            `create trigger refuse_for_test before insert on ${table}
             for each row execute function refuse_for_test()`,
          )
          .execute(database.db)
        try {
          await expect(
            recordConsent(
              database.db,
              decision(customerId, accountId, 'email', 'newsletter', 'granted'),
            ),
          ).rejects.toThrow('refused for the test')
        } finally {
          await sql.raw(`drop trigger refuse_for_test on ${table}`).execute(database.db)
        }
        expect(await ledgerOf(database.db, customerId)).toEqual([])
        expect(await currentOf(database.db, customerId)).toEqual({})
        expect(await consentHistoryOf(database.db, customerId)).toEqual([])
      }
    } finally {
      await sql.raw(`drop function refuse_for_test()`).execute(database.db)
    }
    // Without the trigger the same call goes through, so the refusal above was the trigger's.
    expect(
      await recordConsent(
        database.db,
        decision(customerId, accountId, 'email', 'newsletter', 'granted'),
      ),
    ).not.toBeNull()
  })

  test('a wording of another topic, or an unknown one, is refused and nothing is written', async () => {
    const { customerId, accountId } = await customer()
    for (const wordingId of [wordings.offers, '00000000-0000-4000-8000-000000000000', 'nope']) {
      await expect(
        recordConsent(database.db, {
          ...decision(customerId, accountId, 'sms', 'newsletter', 'granted'),
          wordingId,
        }),
      ).rejects.toBeInstanceOf(InvalidStateError)
    }
    // One bad decision in a batch refuses the whole batch.
    await expect(
      recordConsentDecisions(database.db, {
        customerId,
        source: 'portal',
        actor: { kind: 'customer', id: accountId },
        decisions: [
          {
            channel: 'sms',
            topic: 'offers',
            decision: 'granted',
            wordingId: wordings.offers,
            language: 'en',
          },
          {
            channel: 'sms',
            topic: 'events',
            decision: 'granted',
            wordingId: wordings.offers,
            language: 'en',
          },
        ],
      }),
    ).rejects.toBeInstanceOf(InvalidStateError)
    expect(await ledgerOf(database.db, customerId)).toEqual([])
  })

  test('an unknown customer is not found', async () => {
    for (const customerId of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      await expect(
        recordConsent(database.db, {
          ...decision(customerId, customerId, 'email', 'newsletter', 'granted'),
          actor: { kind: 'system' },
        }),
      ).rejects.toBeInstanceOf(NotFoundError)
    }
  })

  test('the ledger keeps the wording version and language the customer saw', async () => {
    const { customerId, accountId } = await customer()
    const german = await createWordings(database.db, { language: 'de', version: 1 })
    await recordConsent(database.db, {
      ...decision(customerId, accountId, 'post', 'offers', 'granted'),
      wordingId: german.offers,
      // The wording's own language wins over what the caller says.
      language: 'en',
    })
    const [row] = await ledgerOf(database.db, customerId)
    expect(row).toMatchObject({ wording_id: german.offers, language: 'de' })
  })
})

describe('consent wordings are data', () => {
  test('the latest version per topic in the language, else the base language, else English', async () => {
    const english = await currentWordings(database.db, 'en')
    expect(english.map((w) => w.topic).sort()).toEqual([...TOPIC_CODES].sort())
    expect(english.every((w) => w.language === 'en' && w.version === 1)).toBe(true)

    // A new English version of one topic: shown from now on, the old one kept.
    const [v2] = await database.db
      .insertInto('consent_wordings')
      .values({ topic: 'surveys', language: 'en', version: 2, body: 'Surveys, second wording' })
      .returning('id')
      .execute()
    const after = await currentWordings(database.db, 'en')
    expect(after.find((w) => w.topic === 'surveys')).toMatchObject({
      id: v2?.id,
      version: 2,
      body: 'Surveys, second wording',
    })
    expect(after.find((w) => w.topic === 'newsletter')?.version).toBe(1)

    // 'es' has no wordings: English. 'de-AT' falls back to the German ones written in another test
    // or, when that test has not run, to English; either way one wording per topic.
    const spanish = await currentWordings(database.db, 'es')
    expect(spanish.every((w) => w.language === 'en')).toBe(true)
    const austrian = await currentWordings(database.db, 'de-AT')
    expect(austrian).toHaveLength(TOPIC_CODES.length)
    expect(austrian.every((w) => w.language === 'de' || w.language === 'en')).toBe(true)
  })

  test('a ledger row keeps pointing at the version that was shown after a new one appears', async () => {
    const { customerId, accountId } = await customer()
    const shown = (await currentWordings(database.db, 'en')).find((w) => w.topic === 'events')
    await recordConsent(database.db, {
      ...decision(customerId, accountId, 'email', 'events', 'granted'),
      wordingId: shown?.id ?? null,
    })
    await database.db
      .insertInto('consent_wordings')
      .values({ topic: 'events', language: 'en', version: 7, body: 'Events, a later wording' })
      .execute()
    const page = await listConsentLedger(database.db, customerId, { limit: 10 })
    expect(page.items[0]?.wordingVersion).toBe(shown?.version)
  })
})

describe('the consent history list', () => {
  test('newest first, one keyset page at a time, with the wording version', async () => {
    const { customerId, accountId } = await customer()
    const choices: [ChannelCode, ConsentDecision][] = [
      ['sms', 'granted'],
      ['sms', 'withdrawn'],
      ['phone', 'granted'],
      ['post', 'granted'],
      ['post', 'withdrawn'],
    ]
    for (const [channel, value] of choices) {
      await recordConsent(database.db, decision(customerId, accountId, channel, 'offers', value))
    }
    await recordConsent(database.db, {
      ...decision(customerId, accountId, 'email', 'offers', 'granted'),
      wordingId: null,
      source: 'import',
      actor: { kind: 'system' },
    })

    const first = await listConsentLedger(database.db, customerId, { limit: 4 })
    expect(first.items.map((e) => `${e.channel}:${e.decision}`)).toEqual([
      'email:granted',
      'post:withdrawn',
      'post:granted',
      'phone:granted',
    ])
    expect(first.items[0]).toMatchObject({
      source: 'import',
      wordingVersion: null,
      actorKind: 'system',
    })
    expect(first.items[1]).toMatchObject({ source: 'portal', wordingVersion: 1 })
    expect(first.nextCursor).not.toBeNull()

    const second = await listConsentLedger(database.db, customerId, {
      limit: 4,
      after: first.nextCursor,
    })
    expect(second.items.map((e) => `${e.channel}:${e.decision}`)).toEqual([
      'sms:withdrawn',
      'sms:granted',
    ])
    expect(second.nextCursor).toBeNull()

    // A tampered cursor is the first page, never an error; another customer sees nothing.
    const tampered = await listConsentLedger(database.db, customerId, { limit: 4, after: 'x!' })
    expect(tampered.items).toEqual(first.items)
    const other = await customer()
    expect((await listConsentLedger(database.db, other.customerId, { limit: 4 })).items).toEqual([])
  })
})

describe('mayContact', () => {
  test('marketing needs a yes; pending and withdrawn refuse; service goes to the preferred channel', async () => {
    const { customerId, accountId } = await customer()
    const record = (channel: ChannelCode, topic: TopicCode, value: ConsentDecision) =>
      recordConsent(database.db, decision(customerId, accountId, channel, topic, value))

    // Nothing given yet: no marketing at all; service on the default channel (email) only.
    for (const topic of MARKETING_TOPICS) {
      for (const channel of ['email', 'sms', 'phone', 'post'] as const) {
        expect(await mayContact(database.db, customerId, channel, topic)).toBe(false)
      }
    }
    expect(await mayContact(database.db, customerId, 'email', 'service')).toBe(true)
    expect(await mayContact(database.db, customerId, 'email', 'order_updates')).toBe(true)
    expect(await mayContact(database.db, customerId, 'sms', 'service')).toBe(false)

    await record('email', 'newsletter', 'pending')
    expect(await mayContact(database.db, customerId, 'email', 'newsletter')).toBe(false)
    await record('email', 'newsletter', 'granted')
    expect(await mayContact(database.db, customerId, 'email', 'newsletter')).toBe(true)
    // A yes is per channel and per topic.
    expect(await mayContact(database.db, customerId, 'sms', 'newsletter')).toBe(false)
    expect(await mayContact(database.db, customerId, 'email', 'offers')).toBe(false)
    await record('email', 'newsletter', 'withdrawn')
    expect(await mayContact(database.db, customerId, 'email', 'newsletter')).toBe(false)

    // Service messages cannot be switched off on the preferred channel...
    await record('email', 'service', 'withdrawn')
    expect(await mayContact(database.db, customerId, 'email', 'service')).toBe(true)
    // ...another channel can be added for them...
    await record('sms', 'order_updates', 'granted')
    expect(await mayContact(database.db, customerId, 'sms', 'order_updates')).toBe(true)
    // ...and the preferred channel follows the customer's choice.
    await database.db
      .insertInto('customer_phones')
      .values({ customer_id: customerId, e164: '+46701234567', kind: 'mobile', is_primary: true })
      .execute()
    await updatePreferences(database.db, {
      customerId,
      expectedVersion: 1,
      changes: { preferredServiceChannel: 'sms' },
      actor: { kind: 'customer', id: accountId },
      channel: 'portal',
    })
    expect(await mayContact(database.db, customerId, 'sms', 'service')).toBe(true)
    expect(await mayContact(database.db, customerId, 'email', 'service')).toBe(false)

    expect(await mayContact(database.db, 'not-a-uuid', 'email', 'service')).toBe(false)
  })

  test('the code list of marketing topics agrees with the topics table', async () => {
    const rows = await database.db.selectFrom('topics').select(['code', 'is_marketing']).execute()
    expect(
      rows
        .filter((row) => row.is_marketing)
        .map((row) => row.code)
        .sort(),
    ).toEqual([...MARKETING_TOPICS].sort())
    expect(rows.map((row) => row.code).sort()).toEqual([...TOPIC_CODES].sort())
  })
})
