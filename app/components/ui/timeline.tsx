import { type ReactNode } from 'react'

export interface TimelineEntry {
  key: string
  /** Already formatted in the reader's zone (useFormat().dateTime). */
  when: string
  /** Machine-readable instant for <time dateTime>. */
  at: string
  title: ReactNode
  body?: ReactNode
}

/** Oldest first, as a story reads; an ordered list so assistive tech announces the count. */
export function Timeline({ label, entries }: { label: string; entries: TimelineEntry[] }) {
  return (
    <ol aria-label={label} className="space-y-3 border-l-2 border-slate-200 pl-4">
      {entries.map((entry) => (
        <li key={entry.key} className="relative">
          <span
            aria-hidden="true"
            className="absolute top-1.5 -left-[1.4rem] h-3 w-3 rounded-full border-2 border-white bg-slate-500"
          />
          <p className="font-medium">{entry.title}</p>
          <p className="text-sm text-slate-600">
            <time dateTime={entry.at}>{entry.when}</time>
          </p>
          {entry.body ? <div className="mt-1 text-slate-800">{entry.body}</div> : null}
        </li>
      ))}
    </ol>
  )
}
