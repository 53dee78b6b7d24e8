import { createHmac, timingSafeEqual } from 'node:crypto'
import { getEnv } from '#app/lib/env.server.ts'
import {
  type ChannelCode,
  isChannelCode,
  isMarketingTopic,
  type MarketingTopic,
} from '#db/consent.ts'
import { isUuid } from '#db/ids.ts'

// Unsubscribe links work without signing in and without expiry (a newsletter from last year
// must still let its reader out), so the link itself is the proof: the customer, channel and
// topic, signed with HMAC-SHA256.
//
// Revocation: every token carries a generation number. Today it is always 1, because the schema
// has nowhere to keep a per-customer generation; the only revocation is changing SESSION_SECRET,
// which kills every customer's links (and every session) at once. With a per-customer
// generation column, bumping it would revoke one customer's links, and tokens issued now stay
// valid as long as that column starts at 1.

export const UNSUBSCRIBE_TOKEN_GENERATION = 1

export interface UnsubscribeTarget {
  customerId: string
  channel: ChannelCode
  topic: MarketingTopic
}

// Derived from the session secret for this one use, so an unsubscribe signature can never be
// passed off as a signature of anything else made from the same secret.
function signingKey(): Buffer {
  return createHmac('sha256', getEnv().SESSION_SECRET).update('cmr:unsubscribe-link:v1').digest()
}

function sign(payloadSegment: string): string {
  return createHmac('sha256', signingKey()).update(payloadSegment).digest('base64url')
}

export function createUnsubscribeToken(target: UnsubscribeTarget): string {
  const payload = [
    target.customerId,
    target.channel,
    target.topic,
    UNSUBSCRIBE_TOKEN_GENERATION,
  ].join('|')
  const payloadSegment = Buffer.from(payload).toString('base64url')
  return `${payloadSegment}.${sign(payloadSegment)}`
}

const segmentPattern = /^[A-Za-z0-9_-]+$/

/**
 * The target of a genuine token; null for anything forged, altered, truncated or malformed.
 * Runs no query: a refused token touches nothing.
 */
export function verifyUnsubscribeToken(token: string | null | undefined): UnsubscribeTarget | null {
  if (!token || token.length > 300) return null
  const [payloadSegment, signature, ...rest] = token.split('.')
  if (!payloadSegment || !signature || rest.length > 0) return null
  if (!segmentPattern.test(payloadSegment) || !segmentPattern.test(signature)) return null

  // Compared as canonical text, not decoded bytes: base64url decoding ignores stray low bits in
  // the last character, and an altered token must not pass because it decodes the same.
  const expected = Buffer.from(sign(payloadSegment))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null

  const [customerId, channel, topic, generation, ...extra] = Buffer.from(
    payloadSegment,
    'base64url',
  )
    .toString('utf8')
    .split('|')
  if (extra.length > 0 || !customerId || !isUuid(customerId)) return null
  if (!isChannelCode(channel) || !isMarketingTopic(topic)) return null
  if (generation !== String(UNSUBSCRIBE_TOKEN_GENERATION)) return null
  return { customerId, channel, topic }
}

export interface UnsubscribeLinks {
  /** The page that shows what will be withdrawn, with the one-click buttons. */
  pageUrl: string
  /**
   * For the `List-Unsubscribe` header: answers the RFC 8058 POST with plain text and no page,
   * and sends a browser that opens it with GET to the page.
   */
  oneClickUrl: string
}

export function unsubscribeLinks(target: UnsubscribeTarget): UnsubscribeLinks {
  const query = new URLSearchParams({ token: createUnsubscribeToken(target) })
  const { appUrl } = getEnv()
  return {
    pageUrl: `${appUrl}/unsubscribe?${query}`,
    oneClickUrl: `${appUrl}/unsubscribe/one-click?${query}`,
  }
}

/**
 * The RFC 2369 / RFC 8058 headers of a marketing message. Pass `oneClickUrl` from
 * {@link unsubscribeLinks}: mail providers POST `List-Unsubscribe=One-Click` to it.
 */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${url}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  }
}
