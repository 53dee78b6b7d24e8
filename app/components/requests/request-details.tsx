import { type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
// Type-only: erased from the browser bundle.
import type { RequestDetails } from '#db/requests.ts'
import type { JsonValue } from '#db/schema.ts'

// Details are stored as JSON per kind, and requests made by staff or older versions of the form
// may carry other shapes; each known field is shown with a label, coded values in words.

const fieldOrder = [
  'lines',
  'items',
  'reason',
  'outcome',
  'comment',
  'product',
  'sku',
  'fault',
  'warranty',
  'document',
  'period',
  'notes',
  'field',
  'current',
  'requested',
  'explanation',
] as const
type DetailField = (typeof fieldOrder)[number]

/** Fields whose values are codes, and where their words are. */
const codedValues: Partial<Record<DetailField, string>> = {
  reason: 'requests:new.reasons',
  outcome: 'requests:new.outcomes',
  document: 'requests:new.documents',
  field: 'requests:new.fields',
}

export function RequestDetailsList({ details }: { details: RequestDetails }) {
  const { t, i18n } = useTranslation('requests')
  // Coded values come from stored data, so their keys are checked at run time, not compile time.
  const translateKey = i18n.t.bind(i18n) as (key: string) => string
  const words = (field: DetailField, value: string) => {
    const base = codedValues[field]
    // Older rows name fields in camelCase (familyName); the words are keyed in snake_case.
    const code = value.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
    const key = base ? `${base}.${code}` : null
    return key && i18n.exists(key) ? translateKey(key) : value
  }

  const rows: { field: DetailField; value: ReactNode }[] = []
  for (const field of fieldOrder) {
    const value = details[field]
    if (value === undefined || value === null || value === '') continue
    if (field === 'lines') {
      const lines = linesOf(value)
      if (lines.length === 0) continue
      rows.push({
        field,
        value: (
          <ul className="list-disc pl-5">
            {lines.map((line, index) => (
              <li key={`${line.sku}-${index}`}>
                {line.description
                  ? t('details.line', {
                      description: line.description,
                      sku: line.sku,
                      quantity: line.quantity,
                    })
                  : t('details.lineWithoutDescription', { sku: line.sku, quantity: line.quantity })}
              </li>
            ))}
          </ul>
        ),
      })
    } else if (typeof value === 'boolean') {
      rows.push({ field, value: value ? t('details.yes') : t('details.no') })
    } else if (typeof value === 'string' || typeof value === 'number') {
      rows.push({
        field,
        value: <span className="whitespace-pre-line">{words(field, String(value))}</span>,
      })
    }
  }

  if (rows.length === 0) return <p className="text-slate-700">{t('detail.noDetails')}</p>
  return (
    <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
      {rows.map((row) => (
        <div key={row.field} className="contents">
          <dt className="font-medium">{t(`details.${row.field}`)}</dt>
          <dd className="text-slate-800">{row.value}</dd>
        </div>
      ))}
    </dl>
  )
}

interface LineDetail {
  sku: string
  description: string | null
  quantity: number
}

function linesOf(value: JsonValue): LineDetail[] {
  if (!Array.isArray(value)) return []
  return value.flatMap((line) => {
    if (!line || typeof line !== 'object' || Array.isArray(line)) return []
    const { sku, description, quantity } = line
    if (typeof sku !== 'string') return []
    return [
      {
        sku,
        description: typeof description === 'string' ? description : null,
        quantity: typeof quantity === 'number' ? quantity : 1,
      },
    ]
  })
}
