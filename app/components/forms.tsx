import { type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'

// Validation messages are namespace-qualified translation keys ('auth:errors.emailRequired'),
// written in the zod schemas that the browser and the server share; they are translated where
// they are shown, so validating never needs to know the reader's language.

/** Turns validation messages (keys) into the reader's language; anything else gets a generic text. */
export function useErrorText(): (message: string) => string {
  const { t, i18n } = useTranslation()
  // The keys arrive as data (from the form's reply), so they cannot be checked at compile time;
  // exists() checks them at run time instead.
  const translateKey = i18n.t.bind(i18n) as (key: string) => string
  return (message) => (i18n.exists(message) ? translateKey(message) : t('validation.invalidValue'))
}

/** A field's errors, referenced by the field's aria-describedby. */
export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  const errorText = useErrorText()
  if (!errors?.length) return null
  return (
    <ul id={id} className="space-y-1 text-sm text-red-700">
      {errors.map((error) => (
        <li key={error}>{errorText(error)}</li>
      ))}
    </ul>
  )
}

/**
 * Errors about the whole form; announced by screen readers as soon as it appears. After a refused
 * submit with no field error to summarise, the form's ErrorSummary moves focus here.
 */
export function FormAlert({
  id,
  errors,
  children,
}: {
  id?: string
  errors?: string[] | null
  children?: ReactNode
}) {
  const errorText = useErrorText()
  if (!errors?.length) return null
  return (
    <div
      id={id}
      role="alert"
      className="rounded border border-red-300 bg-red-50 p-3 text-red-800 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none"
    >
      {errors.map((error) => (
        <p key={error}>{errorText(error)}</p>
      ))}
      {children}
    </div>
  )
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div role="status" className="rounded border border-green-300 bg-green-50 p-3 text-green-900">
      {children}
    </div>
  )
}

export const inputClass =
  'block w-full rounded border border-slate-300 px-3 py-2 aria-[invalid=true]:border-red-600 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none'

export const labelClass = 'block font-medium'

export const buttonClass =
  'rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:ring-offset-2 focus-visible:outline-none'

export const linkClass = 'text-blue-700 underline hover:text-blue-900'
