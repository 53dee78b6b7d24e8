import { type ReactNode } from 'react'

/** How a status reads at a glance; each feature maps its own statuses onto these. */
export type StatusTone = 'neutral' | 'progress' | 'waiting' | 'success' | 'problem'

const toneClass: Record<StatusTone, string> = {
  neutral: 'bg-slate-100 text-slate-800 border-slate-300',
  progress: 'bg-blue-50 text-blue-900 border-blue-300',
  waiting: 'bg-amber-50 text-amber-900 border-amber-400',
  success: 'bg-green-50 text-green-900 border-green-300',
  problem: 'bg-red-50 text-red-900 border-red-300',
}

/** The label carries the meaning; colour only repeats it (WCAG 1.4.1). */
export function StatusBadge({ tone, children }: { tone: StatusTone; children: ReactNode }) {
  return (
    <span
      className={`inline-block rounded-full border px-2 py-0.5 text-sm font-medium ${toneClass[tone]}`}
    >
      {children}
    </span>
  )
}
