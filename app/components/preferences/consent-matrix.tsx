import { useFetcher } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
// Type-only imports: erased from the browser bundle, which must not pull in server modules.
import type {
  ChannelCode,
  ConsentCell,
  ConsentDecision,
  ConsentWording,
  TopicCode,
} from '#db/consent.ts'

export function cellKey(cell: { channel: ChannelCode; topic: TopicCode }): string {
  return `${cell.channel}:${cell.topic}`
}

export function isYes(decision: ConsentDecision | null): boolean {
  return decision === 'granted' || decision === 'pending'
}

interface ToggleResult {
  intent: 'toggle'
  ok: boolean
  confirmationMail?: 'none' | 'sent' | 'failed'
}

/**
 * One table of the matrix: the given topics as rows, every channel as a column. Each topic row
 * says what the topic is for and quotes the wording the customer agrees to; that wording's id
 * travels with the form, so the ledger records exactly the version that was on screen.
 */
export function ConsentMatrix({
  caption,
  topics,
  channels,
  cells,
  wordings,
  alwaysOnChannel,
  submittedConsent,
}: {
  caption: string
  topics: TopicCode[]
  channels: ChannelCode[]
  cells: ConsentCell[]
  wordings: ConsentWording[]
  /** Service topics: this channel is always on and shows no checkbox. */
  alwaysOnChannel: ChannelCode | null
  /** What a refused save submitted, so the boxes keep the customer's choice. */
  submittedConsent: ReadonlySet<string> | null
}) {
  const { t } = useTranslation('preferences')
  const byKey = new Map(cells.map((cell) => [cellKey(cell), cell]))
  const wordingOf = new Map(wordings.map((wording) => [wording.topic, wording]))

  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-left">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-300">
            <th scope="col" className="py-2 pr-4">
              {t('matrix.topicColumn')}
            </th>
            {channels.map((channel) => (
              <th key={channel} scope="col" className="px-2 py-2 text-center">
                {t(`channels.${channel}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {topics.map((topic) => {
            const wording = wordingOf.get(topic)
            return (
              <tr key={topic} className="border-b border-slate-200 align-top">
                <th scope="row" className="max-w-md py-3 pr-4 font-normal">
                  <span className="block font-semibold">{t(`topics.${topic}.name`)}</span>
                  <span className="block text-slate-700">{t(`topics.${topic}.purpose`)}</span>
                  {wording ? (
                    <span className="mt-1 block text-sm text-slate-600">
                      {t('matrix.wording', { version: wording.version })}{' '}
                      <q lang={wording.language}>{wording.body}</q>
                      <input type="hidden" name="wording" value={`${topic}:${wording.id}`} />
                    </span>
                  ) : null}
                </th>
                {channels.map((channel) => {
                  const cell = byKey.get(`${channel}:${topic}`)
                  if (!cell) return <td key={channel} />
                  if (channel === alwaysOnChannel) {
                    return (
                      <td key={channel} className="px-2 py-3 text-center">
                        <span className="font-medium">{t('matrix.always')}</span>
                        <span className="block text-sm text-slate-600">
                          {t('matrix.alwaysHint')}
                        </span>
                      </td>
                    )
                  }
                  return (
                    <td key={channel} className="px-2 py-3 text-center">
                      <ConsentToggle
                        cell={cell}
                        wordingId={wording?.id ?? null}
                        defaultChecked={
                          submittedConsent
                            ? submittedConsent.has(cellKey(cell))
                            : isYes(cell.decision)
                        }
                      />
                    </td>
                  )
                })}
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

/**
 * A checkbox of the one big form (it works without JavaScript), which with JavaScript also
 * saves itself as soon as it changes, through its own fetcher.
 */
function ConsentToggle({
  cell,
  wordingId,
  defaultChecked,
}: {
  cell: ConsentCell
  wordingId: string | null
  defaultChecked: boolean
}) {
  const { t } = useTranslation('preferences')
  const fetcher = useFetcher<ToggleResult>({ key: `consent-${cellKey(cell)}` })
  const checkbox = useRef<HTMLInputElement>(null)
  const id = `consent-${cell.channel}-${cell.topic}`
  const shown = cell.decision ?? 'none'
  const serverChecked = isYes(cell.decision)

  // After a toggle the box shows what the server now holds, also when it refused the change
  // (a refused save does not reload the page data, so the box is reset from what we have).
  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data && checkbox.current) {
      checkbox.current.checked = serverChecked
    }
  }, [fetcher.state, fetcher.data, serverChecked])

  const status =
    fetcher.state !== 'idle'
      ? t('matrix.saving')
      : fetcher.data
        ? fetcher.data.ok
          ? t('matrix.savedToggle')
          : t('matrix.toggleFailed')
        : null

  return (
    <div className="flex flex-col items-center gap-1">
      <input type="hidden" name="shown" value={`${cellKey(cell)}:${shown}`} />
      <input
        ref={checkbox}
        id={id}
        type="checkbox"
        name="consent"
        value={cellKey(cell)}
        defaultChecked={defaultChecked}
        aria-describedby={`${id}-status`}
        className="h-5 w-5 accent-blue-700"
        onChange={(event) => {
          fetcher.submit(
            {
              intent: 'toggle',
              cell: cellKey(cell),
              wanted: event.currentTarget.checked ? 'yes' : 'no',
              shown,
              ...(wordingId ? { wordingId } : {}),
            },
            { method: 'post', action: '/preferences' },
          )
        }}
      />
      <label htmlFor={id} className="sr-only">
        {t('matrix.cellLabel', {
          topic: t(`topics.${cell.topic}.name`),
          channel: t(`channelIn.${cell.channel}`),
        })}
      </label>
      <span id={`${id}-status`} className="text-sm text-slate-700" aria-live="polite">
        {cell.decision === 'pending' ? (
          <span className="block max-w-40 text-amber-900">
            {t('matrix.pending')}
            <span className="block text-slate-600">{t('matrix.pendingNext')}</span>
          </span>
        ) : null}
        {status}
      </span>
    </div>
  )
}
