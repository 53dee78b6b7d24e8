import { createHmac, timingSafeEqual } from 'node:crypto'
import { getEnv } from '#app/lib/env.server.ts'
import {
  type ChannelCode,
  isChannelCode,
  isMarketingTopic,
  type MarketingTopic,
} from '#db/consent.ts'
import { type Database } from '#db/database.ts'
import { isUuid } from '#db/ids.ts'
import { getUnsubscribeGeneration } from '#db/unsubscribe-links.ts'

// Unsubscribe links work without signing in and without expiry (a newsletter from last year
// must still let its reader out), so the link itself is the proof: the customer, channel and
// topic, signed with HMAC-SHA256.
//
// Revocation: every token carries the generation it was signed for, and a customer's links are
// valid only while that is their current `communication_preferences.unsubscribe_generation`.
// Raising it (revokeUnsubscribeLinks in db/unsubscribe-links.ts) ends all of that customer's
// links at once; the next mail carries new ones. Every customer starts at generation 1, so the
// links issued before the column existed stay valid. Changing SESSION_SECRET still ends every
// customer's links (and every session) at once.

/** The generation every customer's links start at. */
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

/** @param generation the customer's current unsubscribe generation. */
export function createUnsubscribeToken(
  target: UnsubscribeTarget,
  generation: number = UNSUBSCRIBE_TOKEN_GENERATION,
): string {
  const payload = [target.customerId, target.channel, target.topic, generation].join('|')
  const payloadSegment = Buffer.from(payload).toString('base64url')
  return `${payloadSegment}.${sign(payloadSegment)}`
}

const segmentPattern = /^[A-Za-z0-9_-]+$/

const generationPattern = /^[1-9][0-9]{0,8}$/

/** What a genuine token says, whatever its generation; null for anything else. No query. */
function readUnsubscribeToken(
  token: string | null | undefined,
): { target: UnsubscribeTarget; generation: number } | null {
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
  if (!generation || !generationPattern.test(generation)) return null
  return { target: { customerId, channel, topic }, generation: Number(generation) }
}

/**
 * The target of a genuine token signed for `generation`; null for anything forged, altered,
 * truncated, malformed or of another generation. Runs no query: a refused token touches
 * nothing. Pages use {@link verifyUnsubscribeLink}, which knows the customer's generation.
 */
export function verifyUnsubscribeToken(
  token: string | null | undefined,
  generation: number = UNSUBSCRIBE_TOKEN_GENERATION,
): UnsubscribeTarget | null {
  const read = readUnsubscribeToken(token)
  return read && read.generation === generation ? read.target : null
}

/**
 * The target of a genuine token that has not been revoked: its generation is the customer's
 * current one. A forged token is refused before any query runs; a genuine one costs one.
 */
export async function verifyUnsubscribeLink(
  db: Database,
  token: string | null | undefined,
): Promise<UnsubscribeTarget | null> {
  const read = readUnsubscribeToken(token)
  if (!read) return null
  const current = await getUnsubscribeGeneration(db, read.target.customerId)
  // Every customer gets a preferences row when created: none means no such customer.
  return current === read.generation ? read.target : null
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

/** @param generation the customer's current unsubscribe generation. */
export function unsubscribeLinks(
  target: UnsubscribeTarget,
  generation: number = UNSUBSCRIBE_TOKEN_GENERATION,
): UnsubscribeLinks {
  const query = new URLSearchParams({ token: createUnsubscribeToken(target, generation) })
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
