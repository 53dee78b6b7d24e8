import { useTranslation } from 'react-i18next'
import { FormAlert } from '#app/components/forms.tsx'

// Shared with rate-limit.server.ts by value, not by import: this file goes to the browser.
const TOO_MANY_ATTEMPTS = 'auth:errors.tooManyAttempts'

/** The wait in minutes a "too many attempts" answer carries (see tooManyAttempts()), if any. */
function retryAfterMinutes(lastResult: unknown): number | null {
  if (typeof lastResult !== 'object' || lastResult === null) return null
  const minutes: unknown = (lastResult as { retryAfterMinutes?: unknown }).retryAfterMinutes
  return typeof minutes === 'number' && minutes > 0 ? minutes : null
}

/**
 * The form's errors, where "too many attempts" says how long to wait. The plain error list
 * cannot: its messages are bare translation keys, with nowhere to put the number of minutes.
 */
export function FormAlertWithRetry({
  id,
  errors,
  lastResult,
}: {
  id?: string
  errors?: string[] | null
  lastResult: unknown
}) {
  const { t } = useTranslation('auth')
  const minutes = retryAfterMinutes(lastResult)
  if (minutes === null || !errors?.includes(TOO_MANY_ATTEMPTS)) {
    return <FormAlert id={id} errors={errors} />
  }
  return (
    <div id={id} role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-800">
      <p>{t('errors.tooManyAttemptsIn', { count: minutes })}</p>
    </div>
  )
}
