import { type ReactNode } from 'react'

/** An empty list says what the customer can do next, never just "nothing here". */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded border border-dashed border-slate-300 p-6 text-center">
      <p className="font-medium">{title}</p>
      {children ? <div className="mt-2 text-slate-700">{children}</div> : null}
    </div>
  )
}
