import { unsubscribeHeaders, unsubscribeLinks } from '#app/consent/unsubscribe-token.server.ts'
import { fallbackLng, isSupportedLanguage, type SupportedLanguage } from '#app/i18n/config.ts'
import { getFixedTFor } from '#app/i18n/i18next.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { isMarketingTopic } from '#db/consent.ts'
import { type Database } from '#db/database.ts'
import {
  type ClaimedNotification,
  claimDueNotifications,
  deferNotification,
  getDeliveryContext,
  retryNotification,
  settleNotification,
} from '#db/notifications.ts'
import { chooseChannel } from './channels.server.ts'
import { digestDeferral, quietHoursEnd, retryDelayMs, safeTimeZone } from './schedule.ts'
import {
  NOTIFICATION_NAMESPACES,
  type NotificationContent,
  type NotificationT,
  notificationMail,
  renderNotification,
} from './templates.ts'
import { defaultTransports, type Transports } from './transports.server.ts'

// Delivers the notification outbox. Several workers may run at once (inside `npm start`, and as
// `npm run worker` processes): each takes its own rows with FOR UPDATE SKIP LOCKED.
//
// For each row, at send time:
// 1. When. Marketing waits for the customer's digest (weekly: Mondays 09:00, monthly: the 1st
//    at 09:00, their time). Order updates and service messages are never held for a digest.
//    Then quiet hours hold every message, service messages included, until they end: the
//    customer asked for no messages then, and an order update an hour or two later loses
//    nothing. A held message keeps its attempts.
// 2. Which channel (channels.server.ts), from the consent and preferences as they are now. No
//    allowed channel: a refusal is recorded and nothing is sent.
// 3. Send. A failure is retried after 1, 2, 4, 8, 16 minutes; the sixth failed attempt gives up.
//
// Every sent, refused and finally failed message is recorded as a delivery: the customer's
// "Messages we sent you". Attempts that will be retried are not (the outbox row keeps the last
// error), so the customer sees one line per message.

/** Attempts before a message is given up. */
export const MAX_ATTEMPTS = 6
/** How long a claimed row is this worker's before another may take it over. */
export const CLAIM_LEASE_MS = 10 * 60_000
export const DEFAULT_BATCH_SIZE = 20
export const DEFAULT_INTERVAL_MS = 2_000

export interface ProcessOptions {
  /** The clock; tests pass their own. */
  now?: Date
  batchSize?: number
  transports?: Transports
}

export interface ProcessResult {
  claimed: number
  sent: number
  refused: number
  failed: number
  retried: number
  deferred: number
}

type Outcome = Exclude<keyof ProcessResult, 'claimed'>

/** One pass over the due rows (at most `batchSize`). */
export async function processDueNotifications(
  db: Database,
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  const now = options.now ?? new Date()
  const transports = options.transports ?? defaultTransports
  const rows = await claimDueNotifications(db, {
    now,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    leaseUntil: new Date(now.getTime() + CLAIM_LEASE_MS),
  })
  const result: ProcessResult = {
    claimed: rows.length,
    sent: 0,
    refused: 0,
    failed: 0,
    retried: 0,
    deferred: 0,
  }
  for (const row of rows) {
    try {
      result[await processOne(db, row, now, transports)] += 1
    } catch (error) {
      // The database failed under us. The row stays claimed and is handed out again when its
      // lease runs out; the rest of the batch still gets its chance.
      logError('processing a notification failed', error, { outboxId: row.id })
    }
  }
  return result
}

async function processOne(
  db: Database,
  row: ClaimedNotification,
  now: Date,
  transports: Transports,
): Promise<Outcome> {
  const settle = (
    status: 'sent' | 'refused' | 'failed',
    delivery: Parameters<typeof settleNotification>[1]['delivery'],
    extra: { attempts?: number; lastError?: string } = {},
  ) =>
    settleNotification(db, {
      outboxId: row.id,
      customerId: row.customerId,
      topic: row.topic,
      now,
      status,
      delivery,
      ...extra,
    })

  const context = await getDeliveryContext(db, row.customerId)
  if (!context) {
    await settle('failed', noDelivery('customer_unknown', null))
    return 'failed'
  }
  const language = messageLanguage(context.language)
  const t: NotificationT = await getFixedTFor(language, NOTIFICATION_NAMESPACES)
  const { appUrl } = getEnv()
  const content = renderNotification(row.template, row.payload, {
    t,
    appUrl,
    name: context.name,
  })
  if (!content) {
    logError('a notification cannot be rendered', new Error(`template ${row.template}`), {
      outboxId: row.id,
    })
    await settle('failed', noDelivery('template_invalid', null))
    return 'failed'
  }

  const timeZone = safeTimeZone(context.timeZone)
  const holdUntil =
    (row.isMarketing
      ? digestDeferral(now, row.createdAt, timeZone, context.marketingFrequency)
      : null) ??
    quietHoursEnd(now, timeZone, { start: context.quietHoursStart, end: context.quietHoursEnd })
  if (holdUntil) {
    // Never "until now": a row handed straight back would be taken again in the same drain.
    const until = holdUntil > now ? holdUntil : new Date(now.getTime() + 60_000)
    await deferNotification(db, { outboxId: row.id, until })
    return 'deferred'
  }

  const decision = await chooseChannel(db, context, row.topic, row.isMarketing)
  if (!decision.send) {
    await settle('refused', {
      channel: decision.channel,
      outcome: 'refused',
      reason: decision.reason,
      recipient: null,
      subject: content.subject,
    })
    return 'refused'
  }

  const unsubscribe = isMarketingTopic(row.topic)
    ? unsubscribeLinks(
        { customerId: row.customerId, channel: decision.channel, topic: row.topic },
        context.unsubscribeGeneration,
      )
    : null
  try {
    if (decision.channel === 'email') {
      await transports.email.send(
        notificationMail(content, {
          to: decision.recipient,
          language,
          signature: t('messages:email.signature'),
          footer: unsubscribe
            ? {
                text: t('messages:email.why.marketing', {
                  topic: t(`preferences:topics.${row.topic}.inSentence`),
                }),
                link: unsubscribe.pageUrl,
              }
            : { text: t('messages:email.why.service'), link: `${appUrl}/preferences` },
          ...(unsubscribe ? { headers: unsubscribeHeaders(unsubscribe.oneClickUrl) } : {}),
        }),
      )
    } else {
      await transports.sms.send(decision.recipient, smsText(content, t, unsubscribe?.pageUrl))
    }
  } catch (error) {
    const attempts = row.attempts + 1
    const message = error instanceof Error ? error.message : String(error)
    if (attempts >= MAX_ATTEMPTS) {
      logError('a notification could not be delivered; giving up', error, { outboxId: row.id })
      await settle(
        'failed',
        {
          channel: decision.channel,
          outcome: 'failed',
          reason: 'delivery_failed',
          recipient: decision.recipient,
          subject: content.subject,
        },
        { attempts, lastError: message },
      )
      return 'failed'
    }
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'a notification could not be delivered; will retry',
        outboxId: row.id,
        attempts,
        error: message,
      }),
    )
    await retryNotification(db, {
      outboxId: row.id,
      attempts,
      nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)),
      error: message,
    })
    return 'retried'
  }

  await settle('sent', {
    channel: decision.channel,
    outcome: 'sent',
    reason: null,
    recipient: decision.recipient,
    subject: content.subject,
  })
  return 'sent'
}

function noDelivery(reason: string, subject: string | null) {
  return { channel: null, outcome: 'failed' as const, reason, recipient: null, subject }
}

function smsText(content: NotificationContent, t: NotificationT, unsubscribeLink?: string) {
  return unsubscribeLink
    ? `${content.sms} ${t('messages:email.smsStop', { link: unsubscribeLink })}`
    : content.sms
}

/** The language we write in: the customer's if we have texts for it, else ours. */
function messageLanguage(language: string): SupportedLanguage {
  if (isSupportedLanguage(language)) return language
  const base = language.split('-')[0] ?? ''
  return isSupportedLanguage(base) ? base : fallbackLng
}

function logError(msg: string, error: unknown, fields: Record<string, unknown> = {}) {
  console.error(
    JSON.stringify({
      level: 'error',
      msg,
      ...fields,
      error: error instanceof Error ? error.message : String(error),
    }),
  )
}

export interface WorkerOptions {
  /** Pause between passes once the queue is drained. */
  intervalMs?: number
  batchSize?: number
  transports?: Transports
  log?: (message: string) => void
}

export interface RunningWorker {
  /** Finishes the pass under way (no message is cut off mid-send), then stops. */
  stop(): Promise<void>
}

/**
 * Delivers the outbox until stopped: a pass at once, then one every `intervalMs`. A full batch
 * is followed straight away by the next, so a backlog drains without waiting.
 */
export function startWorker(db: Database, options: WorkerOptions = {}): RunningWorker {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE
  let stopped = false
  let timer: NodeJS.Timeout | undefined

  const pass = async () => {
    try {
      while (!stopped) {
        const result = await processDueNotifications(db, {
          batchSize,
          ...(options.transports ? { transports: options.transports } : {}),
        })
        if (result.claimed > 0) options.log?.(describe(result))
        if (result.claimed < batchSize) break
      }
    } catch (error) {
      // The database is away; the next pass tries again.
      logError('the notification worker pass failed', error)
    }
  }
  let running: Promise<void>
  const next = () => {
    if (stopped) return
    timer = setTimeout(() => {
      running = pass().finally(next)
    }, intervalMs)
  }
  running = pass().finally(next)

  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}

function describe(result: ProcessResult): string {
  const parts = (['sent', 'refused', 'deferred', 'retried', 'failed'] as const)
    .filter((key) => result[key] > 0)
    .map((key) => `${result[key]} ${key}`)
  return `notifications: ${parts.join(', ')}`
}
