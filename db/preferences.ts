import { type Kysely, type Selectable, sql, type Updateable } from 'kysely'
import type { ChannelCode } from './consent.ts'
import { InvalidStateError, NotFoundError, VersionConflictError } from './errors.ts'
import { type Actor, changedFields, type HistoryChannel, historyValues } from './history.ts'
import { isUuid } from './ids.ts'
import type { CommunicationPreferences as PreferencesRow, DB } from './schema.ts'

export type MarketingFrequency = Selectable<PreferencesRow>['marketing_frequency']

const frequencies: Record<MarketingFrequency, true> = {
  immediate: true,
  weekly: true,
  monthly: true,
}
export const MARKETING_FREQUENCIES = Object.keys(frequencies) as MarketingFrequency[]

export function isMarketingFrequency(value: unknown): value is MarketingFrequency {
  return typeof value === 'string' && Object.hasOwn(frequencies, value)
}

/** How and when the customer wants to hear from us, edited as one form. */
export type CommunicationPreferences = {
  preferredServiceChannel: ChannelCode
  marketingFrequency: MarketingFrequency
  /** 'HH:MM' in the customer's time zone; both set or both null. */
  quietHoursStart: string | null
  quietHoursEnd: string | null
  /** Null: the language of the customer's record. */
  messageLanguage: string | null
}

export type VersionedPreferences = CommunicationPreferences & { version: number }

export type PreferencesWithChannels = VersionedPreferences & {
  /** Channels we have the details for (an address, a mobile number...), in display order. */
  reachableChannels: ChannelCode[]
}

async function selectPreferences(
  db: Kysely<DB>,
  customerId: string,
): Promise<PreferencesWithChannels | null> {
  const row = await db
    .selectFrom('communication_preferences as cp')
    .select((eb) => [
      'cp.preferred_service_channel as preferredServiceChannel',
      'cp.marketing_frequency as marketingFrequency',
      sql<string | null>`to_char(cp.quiet_hours_start, 'HH24:MI')`.as('quietHoursStart'),
      sql<string | null>`to_char(cp.quiet_hours_end, 'HH24:MI')`.as('quietHoursEnd'),
      'cp.message_language as messageLanguage',
      'cp.version',
      eb
        .exists(
          eb
            .selectFrom('customer_emails as e')
            .select('e.id')
            .whereRef('e.customer_id', '=', 'cp.customer_id'),
        )
        .as('hasEmail'),
      eb
        .exists(
          eb
            .selectFrom('customer_phones as p')
            .select('p.id')
            .whereRef('p.customer_id', '=', 'cp.customer_id')
            .where('p.kind', '=', 'mobile'),
        )
        .as('hasMobile'),
      eb
        .exists(
          eb
            .selectFrom('customer_phones as p')
            .select('p.id')
            .whereRef('p.customer_id', '=', 'cp.customer_id'),
        )
        .as('hasPhone'),
      eb
        .exists(
          eb
            .selectFrom('customer_addresses as ad')
            .select('ad.id')
            .whereRef('ad.customer_id', '=', 'cp.customer_id')
            .where('ad.removed_at', 'is', null),
        )
        .as('hasAddress'),
    ])
    .where('cp.customer_id', '=', customerId)
    .executeTakeFirst()
  if (!row) return null
  const { hasEmail, hasMobile, hasPhone, hasAddress, ...preferences } = row
  const reachable: Record<ChannelCode, boolean> = {
    email: Boolean(hasEmail),
    sms: Boolean(hasMobile),
    phone: Boolean(hasPhone),
    post: Boolean(hasAddress),
  }
  return {
    ...preferences,
    reachableChannels: (Object.keys(reachable) as ChannelCode[]).filter(
      (channel) => reachable[channel],
    ),
  }
}

/** The customer's communication preferences, with the channels they can be reached on. */
export async function getPreferences(
  db: Kysely<DB>,
  customerId: string,
): Promise<PreferencesWithChannels | null> {
  if (!isUuid(customerId)) return null
  return selectPreferences(db, customerId)
}

export interface UpdatePreferencesOptions {
  customerId: string
  /** The version the editor was looking at; a save against any other is refused. */
  expectedVersion: number
  changes: Partial<CommunicationPreferences>
  actor: Actor
  channel: HistoryChannel
}

const columnOf = {
  preferredServiceChannel: 'preferred_service_channel',
  marketingFrequency: 'marketing_frequency',
  quietHoursStart: 'quiet_hours_start',
  quietHoursEnd: 'quiet_hours_end',
  messageLanguage: 'message_language',
} as const satisfies Record<keyof CommunicationPreferences, keyof PreferencesRow>

/** History shows column names (snake_case), like every other entity's before/after. */
function asColumns(values: Partial<CommunicationPreferences>): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const key of Object.keys(values) as (keyof CommunicationPreferences)[]) {
    const value = values[key]
    if (value !== undefined) out[columnOf[key]] = value
  }
  return out
}

/**
 * Applies the changed fields if the row is still at `expectedVersion`, with one history row
 * (preferences / details_changed) holding only those fields. Saving the stored values is a
 * no-op, even from an older version, as nothing would be lost.
 *
 * @throws NotFoundError when the customer has no preferences row.
 * @throws InvalidStateError when the new service channel is one we cannot reach them on.
 * @throws VersionConflictError with the stored values when the row moved on.
 */
export async function updatePreferences(
  db: Kysely<DB>,
  options: UpdatePreferencesOptions,
): Promise<VersionedPreferences> {
  const { customerId, expectedVersion, changes, actor, channel } = options
  if (!isUuid(customerId)) throw new NotFoundError('preferences', customerId)
  return inTransaction(db, async (trx) => {
    const conflict = (current: VersionedPreferences) =>
      new VersionConflictError<VersionedPreferences>({
        entity: 'preferences',
        id: customerId,
        expectedVersion,
        current,
        changes,
      })

    const loaded = await selectPreferences(trx, customerId)
    if (!loaded) throw new NotFoundError('preferences', customerId)
    const { version: _version, reachableChannels, ...stored } = loaded
    const current: VersionedPreferences = { ...stored, version: loaded.version }
    const diff = changedFields<CommunicationPreferences>(stored, changes)
    if (!diff) return current
    if (loaded.version !== expectedVersion) throw conflict(current)
    const serviceChannel = diff.after.preferredServiceChannel
    if (serviceChannel && !reachableChannels.includes(serviceChannel)) {
      throw new InvalidStateError('preferences:errors.channelUnreachable')
    }

    // The whole new state is written, so quiet hours (two halves that the table requires to be
    // both set or both empty) never see a half-changed pair.
    const next: CommunicationPreferences = { ...stored, ...diff.after }
    const set: Updateable<PreferencesRow> = {
      preferred_service_channel: next.preferredServiceChannel,
      marketing_frequency: next.marketingFrequency,
      quiet_hours_start: next.quietHoursStart,
      quiet_hours_end: next.quietHoursEnd,
      message_language: next.messageLanguage,
    }

    // The version in the WHERE clause is what makes this safe: a concurrent save that committed
    // after our read leaves no row to update, instead of being overwritten.
    const updated = await trx
      .updateTable('communication_preferences')
      .set((eb) => ({ ...set, version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
      .where('customer_id', '=', customerId)
      .where('version', '=', expectedVersion)
      .returning('version')
      .executeTakeFirst()
    if (!updated) {
      const latest = await selectPreferences(trx, customerId)
      if (!latest) throw new NotFoundError('preferences', customerId)
      const { reachableChannels: _reachable, ...latestValues } = latest
      throw conflict(latestValues)
    }

    await trx
      .insertInto('record_history')
      .values(
        historyValues({
          customerId,
          entityType: 'preferences',
          entityId: customerId,
          action: 'details_changed',
          actor,
          channel,
          before: asColumns(diff.before),
          after: asColumns(diff.after),
        }),
      )
      .execute()
    return { ...next, version: updated.version }
  })
}

function inTransaction<T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}
