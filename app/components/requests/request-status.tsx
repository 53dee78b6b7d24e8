import { useTranslation } from 'react-i18next'
import { StatusBadge, type StatusTone } from '#app/components/ui/status-badge.tsx'
// Type-only: erased from the browser bundle.
import type { RequestStatus } from '#db/requests.ts'

// Each status once, so a status added to the schema fails to compile here until it has a tone.
const tones: Record<RequestStatus, StatusTone> = {
  submitted: 'neutral',
  in_review: 'progress',
  waiting_for_customer: 'waiting',
  approved: 'success',
  rejected: 'problem',
  completed: 'success',
  cancelled: 'neutral',
}

/** Every status, in the order a request moves through them (for the status filter). */
export const REQUEST_STATUSES = Object.keys(tones) as RequestStatus[]

export function isRequestStatus(value: string | null | undefined): value is RequestStatus {
  return (REQUEST_STATUSES as (string | null | undefined)[]).includes(value)
}

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  const { t } = useTranslation('requests')
  return <StatusBadge tone={tones[status]}>{t(`status.${status}`)}</StatusBadge>
}
