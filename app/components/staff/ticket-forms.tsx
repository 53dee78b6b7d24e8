import { type ReactNode } from 'react'
import { type FieldErrorsById } from '#app/components/error-summary.tsx'
import { ErrorList, inputClass, labelClass } from '#app/components/forms.tsx'

// What the ticket route's action answers for a refused post, and the small helpers every form
// of the workspace uses to show it at the right form: several forms share an intent (one per
// address, order or request), so the answer also names the record it was about.

export interface WorkspaceFeedback {
  intent: string | null
  /** The address, order or request id the refused form was about; null for one-off forms. */
  subject: string | null
  fieldErrors: Record<string, string[]>
  formErrors: string[]
  values: Record<string, string>
}

/** The errors and typed values of one form, if the last refused post came from it. */
export function feedbackOf(
  feedback: WorkspaceFeedback | null | undefined,
  intent: string,
  subject: string | null = null,
) {
  const mine = feedback?.intent === intent && (subject === null || feedback.subject === subject)
  return {
    errors: (field: string) => (mine ? feedback.fieldErrors[field] : undefined),
    value: (field: string) => (mine ? feedback.values[field] : undefined),
    formErrors: mine ? feedback.formErrors : undefined,
  }
}

export type FormFeedback = ReturnType<typeof feedbackOf>

/** The form's field errors by field id, for its error summary: `ids` maps names to ids. */
export function errorsById(form: FormFeedback, ids: Record<string, string>): FieldErrorsById {
  return Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, form.errors(name)]))
}

/** A labelled text input with its errors, wired up for screen readers. */
export function TextInput({
  id,
  name,
  label,
  defaultValue,
  feedback,
  autoComplete,
}: {
  id: string
  name: string
  label: string
  defaultValue: string | null
  feedback: FormFeedback
  autoComplete?: string
}) {
  const errors = feedback.errors(name)
  return (
    <div className="space-y-1">
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <input
        id={id}
        name={name}
        type="text"
        className={inputClass}
        autoComplete={autoComplete ?? 'off'}
        defaultValue={feedback.value(name) ?? defaultValue ?? ''}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
      />
      <ErrorList id={`${id}-error`} errors={errors} />
    </div>
  )
}

/** A labelled select with its errors. */
export function SelectInput({
  id,
  name,
  label,
  defaultValue,
  feedback,
  children,
}: {
  id: string
  name: string
  label: string
  defaultValue: string
  feedback: FormFeedback
  children: ReactNode
}) {
  const errors = feedback.errors(name)
  return (
    <div className="space-y-1">
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <select
        id={id}
        name={name}
        className={inputClass}
        defaultValue={feedback.value(name) ?? defaultValue}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
      >
        {children}
      </select>
      <ErrorList id={`${id}-error`} errors={errors} />
    </div>
  )
}

export const smallButtonClass =
  'rounded bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:ring-offset-2 focus-visible:outline-none'

export const disclosureClass =
  'cursor-pointer font-medium text-blue-700 underline hover:text-blue-900 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none'
