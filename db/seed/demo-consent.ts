import type { Selectable } from 'kysely'
import type { Actor, HistoryChannel } from '../history.ts'
import type { ConsentLedger } from '../schema.ts'
import { type DemoContext, type DemoCustomer, DemoClock } from './demo-context.ts'
import { between } from './demo-customers.ts'
import { ANNA_BERG } from './demo-people.ts'
import type { ChannelCode, TopicCode } from './values.ts'

type Decision = Selectable<ConsentLedger>['decision']
type Source = Selectable<ConsentLedger>['source']

interface ConsentEvent {
  channel: ChannelCode
  topic: TopicCode
  decision: Decision
  source: Source
  at: Date
}

const historyChannelOf: Record<Source, HistoryChannel> = {
  portal: 'portal',
  staff: 'staff',
  unsubscribe_link: 'email_link',
  confirmation_link: 'email_link',
  api: 'api',
  import: 'import',
  system: 'system',
}

/**
 * Consent decisions as ledger rows, each with its history row. The current state is derived
 * from the ledger afterwards (see insertDemoRows), so it cannot disagree with it.
 */
export function buildConsent(ctx: DemoContext, wordings: Map<string, string>): void {
  for (const [key, customer] of ctx.customers) buildConsentOf(ctx, key, customer, wordings)
}

/** One customer's consent decisions (the organisations' people get theirs the same way). */
export function buildConsentOf(
  ctx: DemoContext,
  key: string,
  customer: DemoCustomer,
  wordings: Map<string, string>,
): void {
  const events = key === ANNA_BERG ? annasDecisions(ctx, customer) : decisionsFor(ctx, customer)
  events.sort((a, b) => a.at.getTime() - b.at.getTime())
  const previous = new Map<string, Decision>()
  for (const event of events) {
    const actor = actorFor(ctx, customer, event.source)
    const language = customer.person.language
    const subject = `${event.channel}:${event.topic}`
    ctx.rows.consent_ledger.push({
      customer_id: customer.id,
      channel: event.channel,
      topic: event.topic,
      decision: event.decision,
      // The old system kept the yes, not the sentence it was given to.
      wording_id:
        event.source === 'import' ? null : (wordings.get(`${event.topic}:${language}`) ?? null),
      language,
      source: event.source,
      actor_kind: actor.kind,
      actor_id: actor.id ?? null,
      recorded_at: event.at,
    })
    const before = previous.get(subject)
    ctx.history(
      {
        customerId: customer.id,
        entityType: 'consent',
        entityId: subject,
        action: event.decision,
        actor,
        channel: historyChannelOf[event.source],
        before: before ? { decision: before } : null,
        after: {
          channel: event.channel,
          topic: event.topic,
          decision: event.decision,
          source: event.source,
        },
      },
      event.at,
    )
    previous.set(subject, event.decision)
  }
}

function actorFor(ctx: DemoContext, customer: DemoCustomer, source: Source): Actor {
  if (source === 'import') return { kind: 'system' }
  if (source === 'staff') return ctx.staffActor('agent')
  return { kind: 'customer', id: customer.accountId }
}

/** Anna's consent has a story: every state, every source, a change of mind and back. */
function annasDecisions(ctx: DemoContext, anna: DemoCustomer): ConsentEvent[] {
  const day = (days: number, hour: number) => ctx.clock.daysAgo(days, hour)
  return [
    {
      channel: 'email',
      topic: 'newsletter',
      decision: 'granted',
      source: 'import',
      at: anna.createdAt,
    },
    {
      channel: 'email',
      topic: 'newsletter',
      decision: 'withdrawn',
      source: 'unsubscribe_link',
      at: day(200, 20.5),
    },
    {
      channel: 'email',
      topic: 'newsletter',
      decision: 'granted',
      source: 'portal',
      at: day(20, 18),
    },
    { channel: 'email', topic: 'offers', decision: 'granted', source: 'portal', at: day(500, 12) },
    {
      channel: 'email',
      topic: 'offers',
      decision: 'withdrawn',
      source: 'portal',
      at: day(30, 8.25),
    },
    {
      channel: 'sms',
      topic: 'order_updates',
      decision: 'granted',
      source: 'portal',
      at: day(300, 9),
    },
    { channel: 'email', topic: 'surveys', decision: 'pending', source: 'portal', at: day(3, 21) },
    { channel: 'post', topic: 'events', decision: 'withdrawn', source: 'staff', at: day(100, 11) },
  ]
}

function decisionsFor(ctx: DemoContext, customer: DemoCustomer): ConsentEvent[] {
  const random = ctx.random
  const { person, createdAt } = customer
  const later = () => between(ctx, DemoClock.plusHours(createdAt, 1), ctx.clock.daysAgo(1, 6))
  const events: ConsentEvent[] = []
  const add = (
    channel: ChannelCode,
    topic: TopicCode,
    decision: Decision,
    source: Source,
    at: Date,
  ) => events.push({ channel, topic, decision, source, at })

  // An unconfirmed address gets no marketing: the newsletter waits for the confirmation link.
  if (person.unverifiedEmail) {
    add('email', 'newsletter', 'pending', 'portal', DemoClock.plusHours(createdAt, 0.1))
    if (person.phones > 0)
      add('sms', 'order_updates', 'granted', 'portal', DemoClock.plusHours(createdAt, 0.1))
    return events
  }

  const imported = person.customerSinceDays >= 365
  if (imported && random.datatype.boolean(0.6)) {
    add('email', 'newsletter', 'granted', 'import', createdAt)
    if (random.datatype.boolean(0.35))
      add('email', 'newsletter', 'withdrawn', 'unsubscribe_link', later())
  } else if (random.datatype.boolean(0.5)) {
    add('email', 'newsletter', 'granted', 'portal', later())
  }
  if (imported && random.datatype.boolean(0.3))
    add('post', 'offers', 'granted', 'import', createdAt)
  if (random.datatype.boolean(0.7)) add('email', 'order_updates', 'granted', 'portal', later())
  if (person.phones > 0 && random.datatype.boolean(0.5)) {
    add('sms', 'order_updates', 'granted', 'portal', later())
  }
  const offers = random.number.float({ min: 0, max: 1 })
  if (offers < 0.35) add('email', 'offers', 'granted', 'portal', later())
  else if (offers < 0.45) add('email', 'offers', 'pending', 'portal', later())
  else if (offers < 0.6) add('email', 'offers', 'withdrawn', 'portal', later())
  if (person.phones > 0 && random.datatype.boolean(0.2)) {
    add('phone', 'surveys', 'granted', 'staff', later())
  }
  if (random.datatype.boolean(0.15)) add('post', 'events', 'withdrawn', 'staff', later())
  return events
}
