import { useTranslation } from 'react-i18next'
import { ErrorList, labelClass } from '#app/components/forms.tsx'
// Type-only: erased from the browser bundle.
import type { Colleague } from '#db/item-shares.ts'
import type { ItemVisibility } from '#db/item-visibility.ts'
import { SHARING_VISIBILITIES } from './sharing-schema.ts'

// The "who can see it" choice of a form: three radios and the colleagues to name, as plain
// inputs named `visibility` and `sharedWith` (see sharing-schema.ts), so it works without
// JavaScript and inside any Conform form. Field ids follow Conform's `${formId}-${name}`, so the
// error summary can link to them.

const hintClass = 'text-sm text-slate-600'

export interface SharingFieldsetProps {
  /** The form's id (Conform's `form.id`): the inputs' ids start with it. */
  formId: string
  organisationName: string
  /** The organisation's other current members, whom one may name. */
  colleagues: readonly Colleague[]
  defaultVisibility: ItemVisibility
  defaultSharedWith?: readonly string[]
  errors?: { visibility?: string[] | null; sharedWith?: string[] | null }
}

/** Reads back what a refused submission sent, for the defaults of the re-rendered form. */
export function submittedSharing(initialValue: Record<string, unknown> | null | undefined): {
  visibility?: ItemVisibility
  sharedWith?: string[]
} {
  const visibility = initialValue?.visibility
  const sharedWith = initialValue?.sharedWith
  return {
    visibility: SHARING_VISIBILITIES.find((option) => option === visibility),
    sharedWith:
      typeof sharedWith === 'string'
        ? [sharedWith]
        : Array.isArray(sharedWith)
          ? sharedWith.filter((id): id is string => typeof id === 'string')
          : undefined,
  }
}

export function SharingFieldset({
  formId,
  organisationName,
  colleagues,
  defaultVisibility,
  defaultSharedWith = [],
  errors,
}: SharingFieldsetProps) {
  const { t } = useTranslation('sharing')
  const visibilityErrorId = `${formId}-visibility-error`
  const sharedWithErrorId = `${formId}-sharedWith-error`
  const colleaguesHintId = `${formId}-sharedWith-hint`
  const hasVisibilityErrors = Boolean(errors?.visibility?.length)
  const hasSharedWithErrors = Boolean(errors?.sharedWith?.length)
  const ticked = new Set(defaultSharedWith)

  return (
    <fieldset
      className="space-y-3 rounded border border-slate-300 p-4"
      aria-describedby={hasVisibilityErrors ? visibilityErrorId : undefined}
    >
      <legend className="px-1 font-medium">{t('fieldset.legend')}</legend>
      <ErrorList id={visibilityErrorId} errors={errors?.visibility} />
      {SHARING_VISIBILITIES.map((visibility) => {
        const id = `${formId}-visibility-${visibility}`
        return (
          <div key={visibility} className="flex items-start gap-3">
            <input
              type="radio"
              id={id}
              name="visibility"
              value={visibility}
              defaultChecked={visibility === defaultVisibility}
              required
              aria-invalid={hasVisibilityErrors || undefined}
              aria-describedby={`${id}-hint`}
              className="mt-1.5"
            />
            <div>
              <label htmlFor={id} className={labelClass}>
                {t(`fieldset.options.${visibility}`, { organisation: organisationName })}
              </label>
              <p id={`${id}-hint`} className={hintClass}>
                {t(`fieldset.hints.${visibility}`, { organisation: organisationName })}
              </p>
            </div>
          </div>
        )
      })}

      <fieldset
        className="ml-7 space-y-2"
        aria-describedby={
          hasSharedWithErrors ? `${colleaguesHintId} ${sharedWithErrorId}` : colleaguesHintId
        }
      >
        <legend className="font-medium">{t('fieldset.colleagues')}</legend>
        <p id={colleaguesHintId} className={hintClass}>
          {colleagues.length > 0
            ? t('fieldset.colleaguesHint')
            : t('fieldset.noColleagues', { organisation: organisationName })}
        </p>
        <ErrorList id={sharedWithErrorId} errors={errors?.sharedWith} />
        {colleagues.map((colleague) => {
          const id = `${formId}-sharedWith-${colleague.customerId}`
          return (
            <div key={colleague.customerId} className="flex items-center gap-2">
              <input
                type="checkbox"
                id={id}
                name="sharedWith"
                value={colleague.customerId}
                defaultChecked={ticked.has(colleague.customerId)}
                aria-invalid={hasSharedWithErrors || undefined}
              />
              <label htmlFor={id}>{colleague.name}</label>
            </div>
          )
        })}
      </fieldset>
    </fieldset>
  )
}
