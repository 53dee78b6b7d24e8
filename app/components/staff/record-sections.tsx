import { type ReactNode } from 'react'

// The building blocks of the staff record pages (a customer's 360, an organisation's): a titled
// section per part of the record, a plain line for an empty part, and the row style of a list.

export function Section({
  id,
  title,
  children,
}: {
  id: string
  title: string
  children: ReactNode
}) {
  return (
    <section aria-labelledby={id} className="space-y-3">
      <h2 id={id} className="text-xl font-semibold">
        {title}
      </h2>
      {children}
    </section>
  )
}

export function None({ children }: { children: ReactNode }) {
  return <p className="text-slate-600">{children}</p>
}

export const rowClass =
  'flex flex-wrap items-center gap-x-3 gap-y-1 rounded border border-slate-200 bg-white p-2'
