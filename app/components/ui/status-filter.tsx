import { Form } from '@remix-run/react'
import { buttonClass, inputClass, labelClass } from '#app/components/forms.tsx'

/**
 * A list's status filter as a plain GET form: it works without JavaScript, and leaves the
 * pagination cursor behind (a new filter starts at the first page).
 */
export function StatusFilter<Status extends string>({
  id,
  label,
  allLabel,
  submitLabel,
  statuses,
  current,
  labelFor,
}: {
  id: string
  label: string
  allLabel: string
  submitLabel: string
  statuses: readonly Status[]
  current: Status | null
  labelFor: (status: Status) => string
}) {
  return (
    <Form method="get" className="flex flex-wrap items-end gap-3">
      <div className="space-y-1">
        <label htmlFor={id} className={labelClass}>
          {label}
        </label>
        <select
          // Keyed so the shown choice follows the URL after client-side navigation.
          key={current ?? 'all'}
          id={id}
          name="status"
          defaultValue={current ?? 'all'}
          className={inputClass}
        >
          <option value="all">{allLabel}</option>
          {statuses.map((status) => (
            <option key={status} value={status}>
              {labelFor(status)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className={buttonClass}>
        {submitLabel}
      </button>
    </Form>
  )
}
