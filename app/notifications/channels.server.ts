import { CHANNEL_CODES, type ChannelCode, mayContact, type TopicCode } from '#db/consent.ts'
import { type Database } from '#db/database.ts'
import { type DeliveryContext } from '#db/notifications.ts'

// Which channel a message goes out on, decided when it is sent (never when it was queued), so
// a withdrawal that lands in between always wins (DOMAIN.md, rule 5). mayContact in
// db/consent.ts is the one rule for "may we": marketing only with a yes, service messages on the
// preferred service channel or any channel with a yes.

/** The channels a machine can deliver on. Phone calls and letters are people's work. */
export type AutomatedChannel = 'email' | 'sms'

export type RefusalReason =
  /** No channel the customer allows for this topic. */
  | 'not_allowed'
  /** Allowed channels exist, but we hold no address or number for them. */
  | 'no_contact_details'
  /** The only allowed channels are phone or post, which are not sent automatically. */
  | 'channel_not_automated'
  /** The customer's account is closed. */
  | 'customer_closed'

export type ChannelDecision =
  | { send: true; channel: AutomatedChannel; recipient: string }
  | { send: false; channel: ChannelCode | null; reason: RefusalReason }

function isAutomated(channel: ChannelCode): channel is AutomatedChannel {
  return channel === 'email' || channel === 'sms'
}

function recipientOn(channel: AutomatedChannel, context: DeliveryContext): string | null {
  return channel === 'email' ? context.email : context.mobile
}

/**
 * The channel for a message on `topic`, tried in this order: for service topics the customer's
 * preferred service channel first, then the others; for marketing email, SMS, phone, post. The
 * first channel that is allowed, automated and has an address wins. A refusal names the channel
 * the message would have gone on (the preferred one; email for marketing) or the allowed one
 * that could not be used.
 */
export async function chooseChannel(
  db: Database,
  context: DeliveryContext,
  topic: TopicCode,
  isMarketing: boolean,
): Promise<ChannelDecision> {
  const preferred = isMarketing ? null : context.preferredServiceChannel
  const order: ChannelCode[] = preferred
    ? [preferred, ...CHANNEL_CODES.filter((channel) => channel !== preferred)]
    : [...CHANNEL_CODES]
  const first = order[0] ?? null
  if (context.status !== 'active') return { send: false, channel: first, reason: 'customer_closed' }

  const allowed: ChannelCode[] = []
  for (const channel of order) {
    if (!(await mayContact(db, context.customerId, channel, topic))) continue
    allowed.push(channel)
    if (!isAutomated(channel)) continue
    const recipient = recipientOn(channel, context)
    if (recipient) return { send: true, channel, recipient }
  }
  const unreachable = allowed.find(isAutomated)
  if (unreachable) return { send: false, channel: unreachable, reason: 'no_contact_details' }
  if (allowed[0]) return { send: false, channel: allowed[0], reason: 'channel_not_automated' }
  return { send: false, channel: first, reason: 'not_allowed' }
}
