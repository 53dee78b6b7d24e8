import { type Kysely, type Selectable, sql } from 'kysely'
import { consumeAccountToken, createAccountToken, hashToken } from './account-tokens.ts'
import { resolveMergedCustomerId } from './customers.ts'
import { InvalidStateError, NotFoundError } from './errors.ts'
import { type Actor, type HistoryChannel, historyValues } from './history.ts'
import { isUuid } from './ids.ts'
import type { Channels, ConsentLedger, DB, JsonValue, Topics } from './schema.ts'

// Consent is a ledger (DOMAIN.md, rule 5): every yes, no and "waiting for confirmation" is an
// appended consent_ledger row, and consent_current only points at each channel and topic's
// latest row. Both, and the history row, are written in one transaction, so the current state
// can never say something the ledger does not.

export type ChannelCode = Selectable<Channels>['code']
export type TopicCode = Selectable<Topics>['code']
export type ConsentDecision = Selectable<ConsentLedger>['decision']
export type ConsentSource = Selectable<ConsentLedger>['source']

// Each object literal must name every member of its union exactly once, so a channel or topic
// added by a migration fails to compile here until this module handles it.
const channelOrder: Record<ChannelCode, number> = { email: 1, sms: 2, phone: 3, post: 4 }
const topicKinds: Record<TopicCode, 'service' | 'marketing'> = {
  service: 'service',
  order_updates: 'service',
  newsletter: 'marketing',
  offers: 'marketing',
  surveys: 'marketing',
  events: 'marketing',
}

export const CHANNEL_CODES = (Object.keys(channelOrder) as ChannelCode[]).sort(
  (a, b) => channelOrder[a] - channelOrder[b],
)
export const TOPIC_CODES = Object.keys(topicKinds) as TopicCode[]

export type MarketingTopic = 'newsletter' | 'offers' | 'surveys' | 'events'
/**
 * The topics that need a yes. The topics table's `is_marketing` says the same (a test holds the
 * two together); this copy exists for types and for checks that must run before any query,
 * such as reading an unsubscribe link.
 */
export const MARKETING_TOPICS = TOPIC_CODES.filter(
  (topic): topic is MarketingTopic => topicKinds[topic] === 'marketing',
)

export function isChannelCode(value: unknown): value is ChannelCode {
  return typeof value === 'string' && Object.hasOwn(channelOrder, value)
}

export function isTopicCode(value: unknown): value is TopicCode {
  return typeof value === 'string' && Object.hasOwn(topicKinds, value)
}

export function isMarketingTopic(value: unknown): value is MarketingTopic {
  return isTopicCode(value) && topicKinds[value] === 'marketing'
}

export function isConsentDecision(value: unknown): value is ConsentDecision {
  return value === 'granted' || value === 'withdrawn' || value === 'pending'
}

/** A marketing yes by email counts only once the address confirmed it (double opt-in). */
export function needsConfirmation(channel: ChannelCode, isMarketing: boolean): boolean {
  return isMarketing && channel === 'email'
}

export const CONSENT_CONFIRMATION_TTL_MINUTES = 7 * 24 * 60

const historyChannelOf: Record<ConsentSource, HistoryChannel> = {
  portal: 'portal',
  staff: 'staff',
  unsubscribe_link: 'email_link',
  confirmation_link: 'email_link',
  api: 'api',
  import: 'import',
  system: 'system',
}

function cellKey(channel: ChannelCode, topic: TopicCode): string {
  return `${channel}:${topic}`
}

// Reading ------------------------------------------------------------------------------------

export interface ConsentCell {
  channel: ChannelCode
  topic: TopicCode
  isMarketing: boolean
  /** Null: never asked, which counts as no. */
  decision: ConsentDecision | null
  updatedAt: Date | null
}

/**
 * Every channel by every topic with the customer's current decision, topics and channels in
 * their display order. Derived from consent_current, which only ever points at ledger rows.
 */
export async function getConsentState(db: Kysely<DB>, customerId: string): Promise<ConsentCell[]> {
  if (!isUuid(customerId)) return []
  return db
    .selectFrom('topics as t')
    .crossJoin('channels as ch')
    .leftJoin('consent_current as cc', (join) =>
      join
        .on('cc.customer_id', '=', customerId)
        .onRef('cc.channel', '=', 'ch.code')
        .onRef('cc.topic', '=', 't.code'),
    )
    .select([
      'ch.code as channel',
      't.code as topic',
      't.is_marketing as isMarketing',
      'cc.decision',
      'cc.updated_at as updatedAt',
    ])
    .orderBy('t.sort_order')
    .orderBy('ch.sort_order')
    .execute()
}

/** One cell of the matrix; null when the customer never decided. */
export async function getConsentDecision(
  db: Kysely<DB>,
  customerId: string,
  channel: ChannelCode,
  topic: TopicCode,
): Promise<ConsentDecision | null> {
  if (!isUuid(customerId)) return null
  const row = await db
    .selectFrom('consent_current')
    .select('decision')
    .where('customer_id', '=', customerId)
    .where('channel', '=', channel)
    .where('topic', '=', topic)
    .executeTakeFirst()
  return row?.decision ?? null
}

export interface ConsentWording {
  id: string
  topic: TopicCode
  language: string
  version: number
  body: string
}

/**
 * The wording shown for each topic: the latest version in the reader's language, else in its
 * base language ('de' for 'de-AT'), else in English. Older versions stay in the table, so the
 * ledger rows that point at them keep the sentence the customer actually saw.
 */
export async function currentWordings(db: Kysely<DB>, language: string): Promise<ConsentWording[]> {
  const base = language.split('-')[0] ?? language
  return db
    .selectFrom('consent_wordings')
    .distinctOn('topic')
    .select(['id', 'topic', 'language', 'version', 'body'])
    .where('language', 'in', [language, base, 'en'])
    .orderBy('topic')
    .orderBy(sql`case language when ${language} then 0 when ${base} then 1 else 2 end`)
    .orderBy('version', 'desc')
    .execute()
}

/** One wording by id (any version), as the customer saw it. */
export async function getWording(
  db: Kysely<DB>,
  wordingId: string,
): Promise<ConsentWording | null> {
  if (!isUuid(wordingId)) return null
  const row = await db
    .selectFrom('consent_wordings')
    .select(['id', 'topic', 'language', 'version', 'body'])
    .where('id', '=', wordingId)
    .executeTakeFirst()
  return row ?? null
}

/** The languages we hold consent wordings in: the languages we can write to customers in. */
export async function listWordingLanguages(db: Kysely<DB>): Promise<string[]> {
  const rows = await db
    .selectFrom('consent_wordings')
    .select('language')
    .distinct()
    .orderBy('language')
    .execute()
  return rows.map((row) => row.language)
}

export interface ConsentLedgerEntry {
  id: number
  recordedAt: Date
  channel: ChannelCode
  topic: TopicCode
  decision: ConsentDecision
  source: ConsentSource
  actorKind: Selectable<ConsentLedger>['actor_kind']
  language: string
  /** Null for decisions taken over from an older system, which kept no wording. */
  wordingVersion: number | null
}

// The cursor carries the database's own microsecond text of the instant: a JavaScript Date
// would round it to milliseconds and could skip rows recorded within the same millisecond.
const ledgerCursorPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|(\d{1,18})$/

function encodeLedgerCursor(at: string, id: number): string {
  return Buffer.from(`${at}|${id}`).toString('base64url')
}

/** Null for anything malformed: a tampered cursor shows the first page, never an error. */
function decodeLedgerCursor(value: string | null | undefined): { at: string; id: number } | null {
  if (!value || value.length > 100) return null
  const match = ledgerCursorPattern.exec(Buffer.from(value, 'base64url').toString('utf8'))
  if (!match?.[1] || !match[2] || Number.isNaN(Date.parse(match[1]))) return null
  return { at: match[1], id: Number(match[2]) }
}

/** The customer's consent history, newest first, one keyset page at a time. */
export async function listConsentLedger(
  db: Kysely<DB>,
  customerId: string,
  options: { limit: number; after?: string | null },
): Promise<{ items: ConsentLedgerEntry[]; nextCursor: string | null }> {
  if (!isUuid(customerId)) return { items: [], nextCursor: null }
  const cursor = decodeLedgerCursor(options.after)
  let query = db
    .selectFrom('consent_ledger as l')
    .leftJoin('consent_wordings as w', 'w.id', 'l.wording_id')
    .select([
      'l.id',
      'l.recorded_at as recordedAt',
      'l.channel',
      'l.topic',
      'l.decision',
      'l.source',
      'l.actor_kind as actorKind',
      'l.language',
      'w.version as wordingVersion',
      sql<string>`to_char(l.recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as(
        'cursorAt',
      ),
    ])
    .where('l.customer_id', '=', customerId)
  if (cursor) {
    query = query.where(
      sql<boolean>`(l.recorded_at, l.id) < (${cursor.at}::timestamptz, ${cursor.id})`,
    )
  }
  const rows = await query
    .orderBy('l.recorded_at', 'desc')
    .orderBy('l.id', 'desc')
    .limit(options.limit + 1)
    .execute()
  const page = rows.slice(0, options.limit)
  const last = page.at(-1)
  return {
    items: page.map(({ cursorAt: _cursorAt, ...entry }) => entry),
    nextCursor:
      rows.length > options.limit && last ? encodeLedgerCursor(last.cursorAt, last.id) : null,
  }
}

/**
 * Whether a message on this topic may go out on this channel right now. Marketing only with a
 * yes (pending is not a yes); service messages about what the customer started always on the
 * preferred service channel, and on any other channel the customer said yes to. Call it at
 * send time, not when the message is queued: a withdrawal in between must win.
 */
export async function mayContact(
  db: Kysely<DB>,
  customerId: string,
  channel: ChannelCode,
  topic: TopicCode,
): Promise<boolean> {
  if (!isUuid(customerId)) return false
  const row = await db
    .selectFrom('topics as t')
    .leftJoin('consent_current as cc', (join) =>
      join
        .on('cc.customer_id', '=', customerId)
        .on('cc.channel', '=', channel)
        .onRef('cc.topic', '=', 't.code'),
    )
    .leftJoin('communication_preferences as cp', (join) =>
      join.on('cp.customer_id', '=', customerId),
    )
    .select([
      't.is_marketing as isMarketing',
      'cc.decision',
      'cp.preferred_service_channel as preferredServiceChannel',
    ])
    .where('t.code', '=', topic)
    .executeTakeFirst()
  if (!row) return false
  if (row.decision === 'granted') return true
  if (row.isMarketing) return false
  return row.preferredServiceChannel === channel
}

// Writing ------------------------------------------------------------------------------------

interface MatrixCell {
  channel: ChannelCode
  topic: TopicCode
  isMarketing: boolean
  decision: ConsentDecision | null
  ledgerId: number | null
}

interface LockedMatrix {
  accountId: string | null
  cells: Map<string, MatrixCell>
}

/**
 * Locks the customer's row, then reads the whole matrix. The lock serialises consent changes
 * per customer, so "is this a change?" and "which ledger row is the latest?" are answered
 * without a concurrent writer in between. FOR NO KEY UPDATE still lets other tables' foreign
 * keys to the customer be written meanwhile.
 *
 * Two statements on purpose: under READ COMMITTED a statement that waited for a row lock sees
 * the locked row's new version but every joined table as of its own start, so reading the
 * matrix in the locking statement would miss the change it waited for.
 */
async function lockMatrix(trx: Kysely<DB>, customerId: string): Promise<LockedMatrix> {
  if (!isUuid(customerId)) throw new NotFoundError('customer', customerId)
  const locked = await trx
    .selectFrom('customers')
    .select('id')
    .where('id', '=', customerId)
    .forNoKeyUpdate()
    .executeTakeFirst()
  if (!locked) throw new NotFoundError('customer', customerId)
  const rows = await trx
    .selectFrom('topics as t')
    .crossJoin('channels as ch')
    .leftJoin('consent_current as cc', (join) =>
      join
        .on('cc.customer_id', '=', customerId)
        .onRef('cc.channel', '=', 'ch.code')
        .onRef('cc.topic', '=', 't.code'),
    )
    .select((eb) => [
      'ch.code as channel',
      't.code as topic',
      't.is_marketing as isMarketing',
      'cc.decision',
      'cc.ledger_id as ledgerId',
      eb
        .selectFrom('accounts')
        .select('accounts.id')
        .where('accounts.customer_id', '=', customerId)
        .as('accountId'),
    ])
    .execute()
  return {
    accountId: rows[0]?.accountId ?? null,
    cells: new Map(
      rows.map((row) => [
        cellKey(row.channel, row.topic),
        {
          channel: row.channel,
          topic: row.topic,
          isMarketing: row.isMarketing,
          decision: row.decision,
          ledgerId: row.ledgerId,
        },
      ]),
    ),
  }
}

export interface ConsentDecisionInput {
  channel: ChannelCode
  topic: TopicCode
  decision: ConsentDecision
  /** The wording the customer saw; null where none was shown (an import, a staff phone call). */
  wordingId: string | null
  /** The language of what was shown; a wording's own language takes precedence. */
  language: string
}

export interface RecordedConsent {
  ledgerId: number
  channel: ChannelCode
  topic: TopicCode
  decision: ConsentDecision
  previous: ConsentDecision | null
  wordingId: string | null
  language: string
  recordedAt: Date
}

interface AppendOptions {
  customerId: string
  source: ConsentSource
  actor: Actor
}

function isNoOp(current: ConsentDecision | null, next: ConsentDecision): boolean {
  // A no to something never given changes nothing: it would only pad the ledger.
  return current === next || (current === null && next === 'withdrawn')
}

/** Appends the decisions that change something; the matrix must have been locked first. */
async function appendDecisions(
  trx: Kysely<DB>,
  matrix: LockedMatrix,
  options: AppendOptions,
  decisions: readonly ConsentDecisionInput[],
): Promise<RecordedConsent[]> {
  // One decision per cell: the last one given wins, and a cell is written at most once.
  const byCell = new Map<string, ConsentDecisionInput>()
  for (const decision of decisions) byCell.set(cellKey(decision.channel, decision.topic), decision)
  const changes = [...byCell.entries()]
    .map(([key, decision]) => ({ decision, previous: matrix.cells.get(key)?.decision ?? null }))
    .filter(({ decision, previous }) => !isNoOp(previous, decision.decision))
  if (changes.length === 0) return []

  const wordings = await checkWordings(
    trx,
    changes.map(({ decision }) => decision),
  )

  const { customerId, source, actor } = options
  const inserted = await trx
    .insertInto('consent_ledger')
    .values(
      changes.map(({ decision }) => ({
        customer_id: customerId,
        channel: decision.channel,
        topic: decision.topic,
        decision: decision.decision,
        wording_id: decision.wordingId,
        language: (decision.wordingId && wordings.get(decision.wordingId)) || decision.language,
        source,
        actor_kind: actor.kind,
        actor_id: actor.id ?? null,
        // The clock at the insert, not the transaction's start: a transaction that waited for
        // the customer's lock must not be dated before the one it waited for.
        recorded_at: sql<Date>`clock_timestamp()`,
      })),
    )
    .returning(['id', 'channel', 'topic', 'decision', 'wording_id', 'language', 'recorded_at'])
    .execute()

  await trx
    .insertInto('consent_current')
    .values(
      inserted.map((row) => ({
        customer_id: customerId,
        channel: row.channel,
        topic: row.topic,
        decision: row.decision,
        ledger_id: row.id,
        updated_at: row.recorded_at,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['customer_id', 'channel', 'topic']).doUpdateSet((eb) => ({
        decision: eb.ref('excluded.decision'),
        ledger_id: eb.ref('excluded.ledger_id'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute()

  const previousOf = new Map(
    changes.map(({ decision, previous }) => [cellKey(decision.channel, decision.topic), previous]),
  )
  const recorded: RecordedConsent[] = inserted.map((row) => ({
    ledgerId: row.id,
    channel: row.channel,
    topic: row.topic,
    decision: row.decision,
    previous: previousOf.get(cellKey(row.channel, row.topic)) ?? null,
    wordingId: row.wording_id,
    language: row.language,
    recordedAt: row.recorded_at,
  }))

  await trx
    .insertInto('record_history')
    .values(
      recorded.map((row) =>
        historyValues({
          customerId,
          entityType: 'consent',
          entityId: cellKey(row.channel, row.topic),
          action: row.decision,
          actor,
          channel: historyChannelOf[source],
          before: row.previous ? { decision: row.previous } : null,
          after: {
            channel: row.channel,
            topic: row.topic,
            decision: row.decision,
            source,
          },
        }),
      ),
    )
    .execute()

  for (const row of recorded) {
    const cell = matrix.cells.get(cellKey(row.channel, row.topic))
    if (cell) {
      cell.decision = row.decision
      cell.ledgerId = row.ledgerId
    }
  }
  return recorded
}

/**
 * Each wording id must name a wording of that decision's topic: a form field edited to credit
 * another topic's (or an unknown) wording is refused. Returns wording id → language.
 */
async function checkWordings(
  trx: Kysely<DB>,
  decisions: readonly ConsentDecisionInput[],
): Promise<Map<string, string>> {
  const ids = [...new Set(decisions.flatMap(({ wordingId }) => (wordingId ? [wordingId] : [])))]
  if (ids.length === 0) return new Map()
  if (!ids.every(isUuid)) throw new InvalidStateError('preferences:errors.wordingUnknown')
  const rows = await trx
    .selectFrom('consent_wordings')
    .select(['id', 'topic', 'language'])
    .where('id', 'in', ids)
    .execute()
  const found = new Map(rows.map((row) => [row.id, row]))
  for (const { wordingId, topic } of decisions) {
    if (wordingId && found.get(wordingId)?.topic !== topic) {
      throw new InvalidStateError('preferences:errors.wordingUnknown')
    }
  }
  return new Map(rows.map((row) => [row.id, row.language]))
}

function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}

export interface RecordConsentInput extends ConsentDecisionInput {
  customerId: string
  source: ConsentSource
  actor: Actor
}

/**
 * Records one decision: a ledger row, consent_current pointed at it, and a history row, in one
 * transaction. Null (nothing written) when it would not change the current decision.
 *
 * @throws NotFoundError for an unknown customer.
 * @throws InvalidStateError when the wording is unknown or belongs to another topic.
 */
export async function recordConsent(
  db: Kysely<DB>,
  input: RecordConsentInput,
): Promise<RecordedConsent | null> {
  const { customerId, source, actor, ...decision } = input
  return inTransaction(db, async (trx) => {
    const matrix = await lockMatrix(trx, customerId)
    const [recorded] = await appendDecisions(trx, matrix, { customerId, source, actor }, [decision])
    return recorded ?? null
  })
}

/** Several decisions of one customer at once, as {@link recordConsent} records one. */
export async function recordConsentDecisions(
  db: Kysely<DB>,
  options: AppendOptions & { decisions: readonly ConsentDecisionInput[] },
): Promise<RecordedConsent[]> {
  const { decisions, ...append } = options
  return inTransaction(db, async (trx) => {
    const matrix = await lockMatrix(trx, append.customerId)
    return appendDecisions(trx, matrix, append, decisions)
  })
}

// The preference centre's choices --------------------------------------------------------------

export interface ConsentChoice {
  channel: ChannelCode
  topic: TopicCode
  /** The checkbox as submitted. */
  wanted: boolean
  /** The decision the page showed when the customer made the choice. */
  shown: ConsentDecision | null
  /** The wording the page showed for the topic. */
  wordingId: string | null
}

export interface ConsentConfirmationRequest {
  token: string
  channel: ChannelCode
  topic: TopicCode
  wordingId: string | null
  language: string
}

export interface ApplyConsentChoicesOptions {
  customerId: string
  /** The customer's account: confirmation links are tokens of an account. */
  accountId: string
  actor: Actor
  source: ConsentSource
  /** The language of the page the choices were made on. */
  language: string
  choices: readonly ConsentChoice[]
}

function isYes(decision: ConsentDecision | null): boolean {
  return decision === 'granted' || decision === 'pending'
}

/**
 * Turns checkboxes into decisions. Only boxes the customer actually changed count (compared
 * with what their page showed), so a form left open in another tab cannot undo a withdrawal
 * made meanwhile through an unsubscribe link. A yes to marketing by email becomes "pending" and
 * a confirmation token (returned, for the caller to mail after commit); other yeses take effect
 * at once. Every change carries the wording id the page showed.
 */
export async function applyConsentChoices(
  db: Kysely<DB>,
  options: ApplyConsentChoicesOptions,
): Promise<{ recorded: RecordedConsent[]; confirmations: ConsentConfirmationRequest[] }> {
  const { customerId, accountId, actor, source, language, choices } = options
  return inTransaction(db, async (trx) => {
    const matrix = await lockMatrix(trx, customerId)
    const decisions: ConsentDecisionInput[] = []
    for (const choice of choices) {
      if (choice.wanted === isYes(choice.shown)) continue
      const cell = matrix.cells.get(cellKey(choice.channel, choice.topic))
      if (!cell) continue
      if (choice.wanted && isYes(cell.decision)) continue
      decisions.push({
        channel: choice.channel,
        topic: choice.topic,
        decision: !choice.wanted
          ? 'withdrawn'
          : needsConfirmation(choice.channel, cell.isMarketing)
            ? 'pending'
            : 'granted',
        wordingId: choice.wordingId,
        language,
      })
    }
    const recorded = await appendDecisions(trx, matrix, { customerId, source, actor }, decisions)

    const confirmations: ConsentConfirmationRequest[] = []
    for (const row of recorded) {
      if (row.decision !== 'pending') continue
      const payload: ConfirmationPayload = {
        customerId,
        channel: row.channel,
        topic: row.topic,
        wordingId: row.wordingId,
        language: row.language,
        ledgerId: row.ledgerId,
      }
      const token = await createAccountToken(trx, {
        accountId,
        customerId,
        purpose: 'consent_confirmation',
        ttlMinutes: CONSENT_CONFIRMATION_TTL_MINUTES,
        payload: { ...payload },
      })
      confirmations.push({
        token,
        channel: row.channel,
        topic: row.topic,
        wordingId: row.wordingId,
        language: row.language,
      })
    }
    return { recorded, confirmations }
  })
}

// Double opt-in ------------------------------------------------------------------------------

interface ConfirmationPayload {
  customerId: string
  channel: ChannelCode
  topic: TopicCode
  wordingId: string | null
  language: string
  /** The pending row this link confirms: a later no, or a newer request, makes it stale. */
  ledgerId: number
}

function readPayload(value: JsonValue, customerId: string | null): ConfirmationPayload | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const { customerId: payloadCustomer, channel, topic, wordingId, language, ledgerId } = value
  if (
    typeof payloadCustomer !== 'string' ||
    payloadCustomer !== customerId ||
    !isChannelCode(channel) ||
    !isTopicCode(topic) ||
    !(wordingId === null || (typeof wordingId === 'string' && isUuid(wordingId))) ||
    typeof language !== 'string' ||
    typeof ledgerId !== 'number'
  ) {
    return null
  }
  return { customerId: payloadCustomer, channel, topic, wordingId, language, ledgerId }
}

export type ConfirmationPreview =
  | { status: 'usable' | 'stale' | 'confirmed'; channel: ChannelCode; topic: TopicCode }
  | { status: 'invalid' }

/**
 * What a confirmation link would do, without using it up (mail scanners fetch links too).
 * 'confirmed' for a link already used whose yes stands, so opening it again (or the page
 * reloading after the confirmation) says so instead of "this link does not work".
 */
export async function previewConsentConfirmation(
  db: Kysely<DB>,
  rawToken: string,
): Promise<ConfirmationPreview> {
  const token = await db
    .selectFrom('account_tokens')
    .select([
      'customer_id as customerId',
      'payload',
      'used_at as usedAt',
      sql<boolean>`expires_at > now()`.as('live'),
    ])
    .where('token_hash', '=', hashToken(rawToken))
    .where('purpose', '=', 'consent_confirmation')
    .executeTakeFirst()
  const payload = token && readPayload(token.payload, token.customerId)
  if (!payload) return { status: 'invalid' }
  const current = await db
    .selectFrom('consent_current')
    .select(['decision', 'ledger_id'])
    .where('customer_id', '=', payload.customerId)
    .where('channel', '=', payload.channel)
    .where('topic', '=', payload.topic)
    .executeTakeFirst()
  const { channel, topic } = payload
  if (token.usedAt) {
    return current?.decision === 'granted'
      ? { status: 'confirmed', channel, topic }
      : { status: 'invalid' }
  }
  if (!token.live) return { status: 'invalid' }
  const usable = current?.decision === 'pending' && current.ledger_id === payload.ledgerId
  return { status: usable ? 'usable' : 'stale', channel, topic }
}

export type ConfirmationOutcome =
  | { status: 'confirmed'; customerId: string; channel: ChannelCode; topic: TopicCode }
  | { status: 'stale'; channel: ChannelCode; topic: TopicCode }
  | { status: 'invalid' }

/**
 * Uses a confirmation link up and, if its "pending" is still the current decision, records the
 * yes (source confirmation_link) in the same transaction. A link whose request was withdrawn or
 * superseded meanwhile is used up and changes nothing.
 */
export async function confirmConsent(
  db: Kysely<DB>,
  rawToken: string,
): Promise<ConfirmationOutcome> {
  return inTransaction(db, async (trx) => {
    const token = await consumeAccountToken(trx, rawToken, 'consent_confirmation')
    const payload = token && readPayload(token.payload, token.customerId)
    if (!token?.accountId || !payload) return { status: 'invalid' }
    const matrix = await lockMatrix(trx, payload.customerId)
    const cell = matrix.cells.get(cellKey(payload.channel, payload.topic))
    if (cell?.decision !== 'pending' || cell.ledgerId !== payload.ledgerId) {
      return { status: 'stale', channel: payload.channel, topic: payload.topic }
    }
    await appendDecisions(
      trx,
      matrix,
      {
        customerId: payload.customerId,
        source: 'confirmation_link',
        actor: { kind: 'customer', id: token.accountId },
      },
      [
        {
          channel: payload.channel,
          topic: payload.topic,
          decision: 'granted',
          wordingId: payload.wordingId,
          language: payload.language,
        },
      ],
    )
    return {
      status: 'confirmed',
      customerId: payload.customerId,
      channel: payload.channel,
      topic: payload.topic,
    }
  })
}

export interface ConfirmationRecipient {
  email: string
  /** The language messages should be written in: the chosen one, else the customer's. */
  language: string
}

/** Where a confirmation link goes: the customer's primary address. */
export async function getConfirmationRecipient(
  db: Kysely<DB>,
  customerId: string,
): Promise<ConfirmationRecipient | null> {
  if (!isUuid(customerId)) return null
  const row = await db
    .selectFrom('customers as c')
    .innerJoin('customer_emails as e', (join) =>
      join.onRef('e.customer_id', '=', 'c.id').on('e.is_primary', '=', true),
    )
    .leftJoin('communication_preferences as cp', 'cp.customer_id', 'c.id')
    .select(['e.email', 'c.language', 'cp.message_language as messageLanguage'])
    .where('c.id', '=', customerId)
    .executeTakeFirst()
  return row ? { email: row.email, language: row.messageLanguage ?? row.language } : null
}

// Unsubscribe links ----------------------------------------------------------------------------

/**
 * Withdraws through an unsubscribe link: one marketing topic on one channel, or with
 * `everything` every marketing topic on every channel. The link proved who the customer is, so
 * the actor is their account when they have one, else the system.
 */
export async function withdrawByLink(
  db: Kysely<DB>,
  options: {
    customerId: string
    channel: ChannelCode
    topic: MarketingTopic
    everything: boolean
    /** The language of the page the link opened. */
    language: string
  },
): Promise<RecordedConsent[]> {
  const { channel, topic, everything, language } = options
  return inTransaction(db, async (trx) => {
    // A link mailed before a merge names the duplicate; the person's no must reach the record
    // we now write to, or the survivor would keep getting what they turned down.
    const customerId =
      (await resolveMergedCustomerId(trx, options.customerId)) ?? options.customerId
    const matrix = await lockMatrix(trx, customerId)
    const targets: { channel: ChannelCode; topic: TopicCode }[] = everything
      ? [...matrix.cells.values()].filter((cell) => cell.isMarketing)
      : [{ channel, topic }]
    const actor: Actor = matrix.accountId
      ? { kind: 'customer', id: matrix.accountId }
      : { kind: 'system' }
    return appendDecisions(
      trx,
      matrix,
      { customerId, source: 'unsubscribe_link', actor },
      targets.map((target) => ({
        channel: target.channel,
        topic: target.topic,
        decision: 'withdrawn' as const,
        wordingId: null,
        language,
      })),
    )
  })
}
