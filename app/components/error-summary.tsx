import { useNavigation } from '@remix-run/react'
import { type MouseEvent, type Ref, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useErrorText } from './forms.tsx'

// The GOV.UK error summary: after a refused submit, a box at the top of the form says that there
// is a problem and lists every field error as a link to its field; focus moves to the box, so a
// screen reader reads it first and a keyboard user Tabs straight into the list. Without
// JavaScript the server renders the same box at the top of the form. The field errors next to
// the fields stay as they are.

/** Errors by the id of the field they belong to (the link target). */
export type FieldErrorsById = Record<string, string[] | null | undefined>

/** Conform's intent buttons (revalidation while typing) submit the form too; they are not a try. */
const CONFORM_INTENT = '__intent__'

/** What the summary needs of a Conform form (its `form` metadata from useForm). */
export type ConformFormErrors = {
  id: string
  errorId: string
  errors?: string[]
  allErrors: Record<string, string[]>
}

/** The errors of a Conform form, by field id (Conform names its fields `${formId}-${name}`). */
export function conformFieldErrors(form: ConformFormErrors, omit: readonly string[] = []) {
  const errors: FieldErrorsById = {}
  for (const [name, messages] of Object.entries(form.allErrors)) {
    if (name !== '' && !omit.includes(name)) errors[`${form.id}-${name}`] = messages
  }
  return errors
}

type Entry = { fieldId: string; message: string }

function entriesOf(errors: FieldErrorsById): Entry[] {
  return Object.entries(errors).flatMap(([fieldId, messages]) =>
    (messages ?? []).map((message) => ({ fieldId, message })),
  )
}

/** Moves focus to a field: by id, else (a radio group, say) the first control of that name. */
function focusField(fieldId: string, form: HTMLFormElement | null): boolean {
  let target: Element | null = document.getElementById(fieldId)
  if (!target && form) {
    const name =
      form.id && fieldId.startsWith(`${form.id}-`) ? fieldId.slice(form.id.length + 1) : ''
    const named = name ? form.elements.namedItem(name) : null
    target =
      named instanceof RadioNodeList ? ((named[0] as HTMLElement | undefined) ?? null) : named
  }
  if (!(target instanceof HTMLElement)) return false
  // The label (or the group's legend) scrolls into view with the field, as GOV.UK does.
  const label =
    target.closest('fieldset')?.querySelector('legend') ??
    (target.id ? document.querySelector(`label[for="${CSS.escape(target.id)}"]`) : null)
  ;(label ?? target).scrollIntoView()
  target.focus({ preventScroll: true })
  return true
}

/** The box itself, without behaviour: what the server renders and the browser enhances. */
export function ErrorSummaryBox({
  entries,
  onLinkClick,
  boxRef,
}: {
  entries: Entry[]
  onLinkClick?: (event: MouseEvent<HTMLAnchorElement>, fieldId: string) => void
  boxRef?: Ref<HTMLDivElement>
}) {
  const { t } = useTranslation()
  const errorText = useErrorText()
  const headingId = useId()
  return (
    <div
      ref={boxRef}
      tabIndex={-1}
      aria-labelledby={headingId}
      data-error-summary=""
      className="w-full space-y-2 rounded border-4 border-red-700 bg-white p-4 focus-visible:ring-4 focus-visible:ring-blue-600 focus-visible:outline-none"
    >
      <h2 id={headingId} className="text-lg font-semibold text-red-800">
        {t('errorSummary.title')}
      </h2>
      <ul className="list-disc space-y-1 pl-5">
        {entries.map(({ fieldId, message }) => (
          <li key={`${fieldId}:${message}`}>
            <a
              href={`#${fieldId}`}
              onClick={onLinkClick ? (event) => onLinkClick(event, fieldId) : undefined}
              className="font-medium text-red-800 underline hover:text-red-900 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none"
            >
              {errorText(message)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  )
}

/**
 * The error summary of one form. Put it first inside the form; give it either the Conform form
 * (`form={form}`) or the errors by field id (`errors={{ 'reply-body': errors }}`).
 *
 * After a submit the form refused, focus goes to the summary: when Conform's own check refuses
 * it (Conform focuses the first invalid field; the summary takes focus after it), and when the
 * server's answer arrives with errors. When the errors are about the whole form only (no field
 * to link to), focus goes to the form's alert instead (`formErrorId`, Conform's `form.errorId`).
 */
export function ErrorSummary(
  props:
    | {
        form: ConformFormErrors
        /** Hidden fields, whose errors the form shows in its alert: nothing to link to. */
        omit?: readonly string[]
        errors?: never
        formErrorId?: never
      }
    | { errors: FieldErrorsById; formErrorId?: string; form?: never; omit?: never },
) {
  const fieldErrors = props.form ? conformFieldErrors(props.form, props.omit) : props.errors
  const formErrorId = props.form ? props.form.errorId : props.formErrorId
  const entries = entriesOf(fieldErrors)

  const anchorRef = useRef<HTMLSpanElement>(null)
  const boxRef = useRef<HTMLDivElement>(null)
  const formRef = useRef<HTMLFormElement | null>(null)
  // Set by a real submit of this form, cleared once focus has moved (or by typing, which
  // Conform turns into an intent submit): later errors while typing must not steal focus.
  const focusPending = useRef(false)
  const [, setTries] = useState(0)
  const navigation = useNavigation()

  useEffect(() => {
    const form = anchorRef.current?.closest('form') ?? boxRef.current?.closest('form') ?? null
    formRef.current = form
    if (!form) return
    const onSubmit = (event: SubmitEvent) => {
      const submitter = event.submitter as HTMLButtonElement | null
      if (submitter?.name === CONFORM_INTENT) {
        focusPending.current = false
        return
      }
      focusPending.current = true
      // A re-render even when the refused submit leaves the same errors as before.
      setTries((tries) => tries + 1)
    }
    form.addEventListener('submit', onSubmit)
    return () => form.removeEventListener('submit', onSubmit)
  }, [])

  const hasFieldErrors = entries.length > 0
  useEffect(() => {
    // Wait for the answer: while a submission is on its way, the errors shown are the old ones.
    if (!focusPending.current || navigation.state !== 'idle') return
    if (hasFieldErrors && boxRef.current) {
      focusPending.current = false
      boxRef.current.focus()
      return
    }
    // The alert is only in the page while it has something to say.
    const alert = formErrorId ? document.getElementById(formErrorId) : null
    if (alert) {
      focusPending.current = false
      if (!alert.hasAttribute('tabindex')) alert.setAttribute('tabindex', '-1')
      alert.focus()
    }
  })

  const onLinkClick = (event: MouseEvent<HTMLAnchorElement>, fieldId: string) => {
    if (focusField(fieldId, formRef.current)) event.preventDefault()
  }

  // The empty span stays in the form so the submit listener has a form to listen to.
  if (!hasFieldErrors) return <span ref={anchorRef} hidden />
  return <ErrorSummaryBox entries={entries} onLinkClick={onLinkClick} boxRef={boxRef} />
}
