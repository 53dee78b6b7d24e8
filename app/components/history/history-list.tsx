import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { linkClass } from '#app/components/forms.tsx'
import { useFormat } from '#app/lib/use-format.ts'
import type { CustomerHistoryEntry } from '#db/history.ts'
import { type FieldChange, useHistoryText } from './history-text.ts'

const referencePath: Partial<Record<CustomerHistoryEntry['entityType'], string>> = {
  order: '/orders/',
  request: '/requests/',
  ticket: '/tickets/',
}

/**
 * Rows of a customer's history, newest first: when (in the customer's time zone), what changed
 * from what to what, by whom, and through which channel. Used by /history and the dashboard.
 */
export function HistoryList({ entries }: { entries: CustomerHistoryEntry[] }) {
  const { t } = useTranslation('history')
  return (
    <ol aria-label={t('listLabel')} className="space-y-3">
      {entries.map((entry) => (
        <HistoryItem key={entry.id} entry={entry} />
      ))}
    </ol>
  )
}

function HistoryItem({ entry }: { entry: CustomerHistoryEntry }) {
  const { t } = useTranslation('history')
  const text = useHistoryText()
  const { dateTime } = useFormat()
  const path = referencePath[entry.entityType]
  const occurredAt = new Date(entry.occurredAt)
  const changes = text.changes(entry)
  return (
    <li className="rounded border border-slate-200 bg-white p-3">
      <p className="font-medium">
        {text.title(entry)}
        {entry.reference && path ? (
          <>
            {' · '}
            <Link to={`${path}${entry.reference}`} className={linkClass}>
              {entry.reference}
            </Link>
          </>
        ) : null}
      </p>
      <p className="text-sm text-slate-600">
        <time dateTime={occurredAt.toISOString()}>{dateTime(occurredAt)}</time>
        {' · '}
        {t('by', { actor: text.actor(entry) })}
        {' · '}
        {t('via', { channel: text.channel(entry) })}
      </p>
      {changes.length > 0 ? (
        <ul className="mt-2 space-y-1 text-sm">
          {changes.map((change) => (
            <li key={change.field}>
              <ChangeLine change={change} />
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  )
}

function ChangeLine({ change }: { change: FieldChange }) {
  const { t } = useTranslation('history')
  if (change.before !== null && change.after !== null) {
    return (
      <>
        <span className="font-medium">{change.label}:</span>{' '}
        <del className="text-slate-600">{change.before}</del>
        <span className="sr-only">{t('changedTo')}</span>
        <span aria-hidden="true"> → </span>
        <ins className="no-underline">{change.after}</ins>
      </>
    )
  }
  if (change.after !== null) {
    return (
      <>
        <span className="font-medium">{change.label}:</span> {change.after}
      </>
    )
  }
  return (
    <>
      <span className="font-medium">{change.label}:</span> {t('was', { value: change.before })}
    </>
  )
}
