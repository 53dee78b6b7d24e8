import { useTranslation } from 'react-i18next'
import { useFormat } from '#app/lib/use-format.ts'
import type { CustomerHistoryEntry } from '#db/history.ts'
import type { JsonValue } from '#db/schema.ts'

// Turns history rows into plain language. Rows are written by every part of the app (and were
// imported from older systems), so every lookup has a readable fallback: an unknown action or
// field still shows, in words, rather than as a raw key.

export type HistoryEntryView = Pick<
  CustomerHistoryEntry,
  'entityType' | 'action' | 'actorKind' | 'staffName' | 'channel' | 'before' | 'after'
>

/** One changed field: its label and the values before and after (null when absent). */
export interface FieldChange {
  field: string
  label: string
  before: string | null
  after: string | null
}

// Older rows (the seed, imports) name fields in camelCase; the agreed form is snake_case.
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
}

// Fields whose values are codes from another field's list.
const valueGroupOf: Record<string, string> = {
  preferred_service_channel: 'channel',
  from_status: 'status',
  to_status: 'status',
}

function isRecord(value: JsonValue | null): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function useHistoryText() {
  const { t, i18n } = useTranslation('history')
  const { money, calendarDate, locale } = useFormat()
  // Keys built from data cannot be checked at compile time; exists() checks them at run time.
  const translate = i18n.t.bind(i18n) as (key: string, options?: Record<string, unknown>) => string
  const has = (key: string) => i18n.exists(key)

  const humanise = (name: string) => {
    const words = name.replaceAll('_', ' ')
    return words.charAt(0).toUpperCase() + words.slice(1)
  }

  const fieldLabel = (name: string) => {
    const key = `history:fields.${snakeCase(name)}`
    return has(key) ? translate(key) : humanise(snakeCase(name))
  }

  const value = (
    name: string,
    raw: JsonValue | undefined,
    context: { [key: string]: JsonValue },
  ): string => {
    if (raw === null || raw === undefined || raw === '') return t('values.empty')
    if (typeof raw === 'boolean') return raw ? t('values.yes') : t('values.no')
    const field = snakeCase(name)
    if (typeof raw === 'number' && field.endsWith('_minor')) {
      const currency = context.currency
      if (typeof currency === 'string' && Number.isSafeInteger(raw)) return money(raw, currency)
    }
    if (typeof raw === 'string') {
      const group = valueGroupOf[field] ?? field
      const key = `history:values.${group}.${raw}`
      if (has(key)) return translate(key)
      if (
        (field === 'language' || field === 'message_language') &&
        /^[a-z]{2}(-[A-Z]{2})?$/.test(raw)
      ) {
        return new Intl.DisplayNames([locale], { type: 'language' }).of(raw) ?? raw
      }
      if (field === 'country_code' && /^[A-Z]{2}$/.test(raw)) {
        return new Intl.DisplayNames([locale], { type: 'region' }).of(raw) ?? raw
      }
      if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return calendarDate(raw)
      return raw
    }
    if (typeof raw === 'number') return String(raw)
    return JSON.stringify(raw)
  }

  /** "Order placed", "Email address added", … */
  const title = (entry: HistoryEntryView) => {
    const key = `history:actions.${entry.entityType}.${entry.action}`
    if (has(key)) return translate(key)
    return t('actions.fallback', {
      entity: translate(`history:entities.${entry.entityType}`),
      action: humanise(entry.action).toLowerCase(),
    })
  }

  /** "You", the staff member's name, "An integration", "The system". */
  const actor = (entry: HistoryEntryView) => {
    switch (entry.actorKind) {
      case 'customer':
        return t('actors.you')
      case 'staff':
        return entry.staffName ?? t('actors.staff')
      case 'integration':
        return t('actors.integration')
      case 'system':
        return t('actors.system')
    }
  }

  const channel = (entry: HistoryEntryView) => t(`channels.${entry.channel}`)

  /** Each field of the row's before and after, in the order they were written. */
  const changes = (entry: HistoryEntryView): FieldChange[] => {
    const before = isRecord(entry.before) ? entry.before : {}
    const after = isRecord(entry.after) ? entry.after : {}
    const names = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    return names.map((name) => ({
      field: snakeCase(name),
      label: fieldLabel(name),
      before: name in before ? value(name, before[name], before) : null,
      after: name in after ? value(name, after[name], after) : null,
    }))
  }

  return { title, actor, channel, changes }
}
