import {
  getFormProps,
  getInputProps,
  getSelectProps,
  type SubmissionResult,
  useForm,
} from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { Form, Link, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
  linkClass,
} from '#app/components/forms.tsx'
import { detailsSchema, PROFILE_LANGUAGES } from './schemas.ts'

/** What the details form edits, as the loader sends it. */
export interface DetailsValues {
  givenName: string
  familyName: string
  preferredName: string | null
  legalName: string | null
  language: string
  timeZone: string
  version: number
}

// The browser's list of zones may name some differently from the server's: the server checks.
const clientSchema = detailsSchema()

const secondaryButtonClass =
  'rounded border border-slate-400 bg-white px-4 py-2 font-medium text-slate-900 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:ring-offset-2 focus-visible:outline-none'

export function useLanguageName() {
  const { i18n } = useTranslation()
  const names = new Intl.DisplayNames([i18n.language], { type: 'language' })
  return (code: string) => names.of(code) ?? code
}

export function DetailsForm({
  details,
  legalNameEditable,
  timeZones,
  lastResult,
}: {
  details: DetailsValues
  legalNameEditable: boolean
  timeZones: string[]
  lastResult?: SubmissionResult<string[]> | null
}) {
  const { t } = useTranslation('profile')
  const navigation = useNavigation()
  const languageName = useLanguageName()
  const [form, fields] = useForm({
    // A new version is a new form: after a save, the fields and the hidden version start over.
    id: `details-${details.version}`,
    lastResult,
    constraint: getZodConstraint(clientSchema),
    defaultValue: {
      ...details,
      preferredName: details.preferredName ?? '',
      legalName: details.legalName ?? '',
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: clientSchema }),
    shouldRevalidate: 'onInput',
  })

  return (
    <Form method="post" className="space-y-4" {...getFormProps(form)}>
      <ErrorSummary form={form} />
      <FormAlert id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="details" />
      <input {...getInputProps(fields.version, { type: 'hidden' })} />

      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          field={fields.givenName}
          label={t('details.givenName')}
          autoComplete="given-name"
        />
        <TextField
          field={fields.familyName}
          label={t('details.familyName')}
          autoComplete="family-name"
        />
      </div>
      <TextField
        field={fields.preferredName}
        label={t('details.preferredName')}
        hint={t('details.preferredNameHint')}
        autoComplete="nickname"
      />

      {legalNameEditable ? (
        <>
          <input type="hidden" name="legalNameEditable" value="1" />
          <TextField
            field={fields.legalName}
            label={t('details.legalName')}
            hint={t('details.legalNameHint')}
            autoComplete="name"
          />
        </>
      ) : (
        <LegalNameLocked legalName={details.legalName} />
      )}

      <div className="grid gap-4 sm:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={fields.language.id} className={labelClass}>
            {t('details.language')}
          </label>
          <select {...getSelectProps(fields.language)} className={inputClass}>
            {PROFILE_LANGUAGES.map((code) => (
              <option key={code} value={code}>
                {languageName(code)}
              </option>
            ))}
          </select>
          <ErrorList id={fields.language.errorId} errors={fields.language.errors} />
        </div>
        <div className="space-y-1">
          <label htmlFor={fields.timeZone.id} className={labelClass}>
            {t('details.timeZone')}
          </label>
          <select
            {...getSelectProps(fields.timeZone)}
            aria-describedby={[
              fields.timeZone.errors?.length ? fields.timeZone.errorId : null,
              `${fields.timeZone.id}-hint`,
            ]
              .filter(Boolean)
              .join(' ')}
            className={inputClass}
          >
            {timeZones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
          <p id={`${fields.timeZone.id}-hint`} className="text-sm text-slate-600">
            {t('details.timeZoneHint')}
          </p>
          <ErrorList id={fields.timeZone.errorId} errors={fields.timeZone.errors} />
        </div>
      </div>

      <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
        {t('details.save')}
      </button>
    </Form>
  )
}

function TextField({
  field,
  label,
  hint,
  autoComplete,
}: {
  field: Parameters<typeof getInputProps>[0]
  label: string
  hint?: string
  autoComplete?: string
}) {
  const hintId = `${field.id}-hint`
  const describedBy = [field.errors?.length ? field.errorId : null, hint ? hintId : null]
    .filter(Boolean)
    .join(' ')
  return (
    <div className="space-y-1">
      <label htmlFor={field.id} className={labelClass}>
        {label}
      </label>
      <input
        {...getInputProps(field, { type: 'text' })}
        aria-describedby={describedBy || undefined}
        autoComplete={autoComplete}
        className={inputClass}
      />
      {hint ? (
        <p id={hintId} className="text-sm text-slate-600">
          {hint}
        </p>
      ) : null}
      <ErrorList id={field.errorId} errors={field.errors} />
    </div>
  )
}

function LegalNameLocked({ legalName }: { legalName: string | null }) {
  const { t } = useTranslation('profile')
  const params = new URLSearchParams({ kind: 'data_correction', field: 'legal_name' })
  return (
    <div className="space-y-1 rounded border border-slate-200 bg-slate-50 p-3">
      <p className={labelClass}>{t('details.legalName')}</p>
      <p>{legalName ?? t('details.notSet')}</p>
      <p className="text-sm text-slate-700">{t('details.legalNameLocked')}</p>
      <Link to={`/requests/new?${params}`} className={linkClass}>
        {t('details.legalNameRequest')}
      </Link>
    </div>
  )
}

export type DetailsField =
  'givenName' | 'familyName' | 'preferredName' | 'legalName' | 'language' | 'timeZone'

export interface DetailsConflictData {
  /** What the customer tried to save. */
  mine: Partial<Record<DetailsField, string | null>>
  /** What is stored now, with its version. */
  current: DetailsValues
  /** The fields where the two differ. */
  fields: DetailsField[]
}

/**
 * Someone else saved the record after this form was loaded. Both versions side by side, and
 * the customer chooses: nothing is overwritten without them seeing it.
 */
export function DetailsConflict({ conflict }: { conflict: DetailsConflictData }) {
  const { t } = useTranslation('profile')
  const languageName = useLanguageName()
  const show = (field: DetailsField, value: string | null | undefined) => {
    if (value === null || value === undefined || value === '') return t('details.notSet')
    return field === 'language' ? languageName(value) : value
  }
  return (
    <div className="space-y-4">
      <div role="alert" className="rounded border border-amber-400 bg-amber-50 p-3 text-amber-950">
        <h3 className="font-semibold">{t('conflict.title')}</h3>
        <p>{t('conflict.body')}</p>
      </div>
      <ConflictTable
        rows={conflict.fields.map((field) => ({
          key: field,
          label: t(`details.${field}`),
          mine: show(field, conflict.mine[field]),
          current: show(field, conflict.current[field]),
        }))}
      />
      <div className="flex flex-wrap items-center gap-4">
        <Form method="post">
          <input type="hidden" name="intent" value="details" />
          <input type="hidden" name="version" value={conflict.current.version} />
          {(Object.keys(conflict.mine) as DetailsField[]).map((field) => (
            <input key={field} type="hidden" name={field} value={conflict.mine[field] ?? ''} />
          ))}
          {'legalName' in conflict.mine ? (
            <input type="hidden" name="legalNameEditable" value="1" />
          ) : null}
          <button type="submit" className={buttonClass}>
            {t('conflict.keepMine')}
          </button>
        </Form>
        <Link to="/profile" className={secondaryButtonClass}>
          {t('conflict.useSaved')}
        </Link>
      </div>
    </div>
  )
}

/** The two versions of each differing field, side by side. */
export function ConflictTable({
  rows,
}: {
  rows: { key: string; label: string; mine: string; current: string }[]
}) {
  const { t } = useTranslation('profile')
  return (
    <table className="w-full border-collapse text-left">
      <caption className="sr-only">{t('conflict.caption')}</caption>
      <thead>
        <tr className="border-b border-slate-300">
          <th scope="col" className="py-2 pr-4">
            {t('conflict.field')}
          </th>
          <th scope="col" className="py-2 pr-4">
            {t('conflict.yours')}
          </th>
          <th scope="col" className="py-2">
            {t('conflict.saved')}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key} className="border-b border-slate-200">
            <th scope="row" className="py-2 pr-4 font-medium">
              {row.label}
            </th>
            <td className="py-2 pr-4">{row.mine}</td>
            <td className="py-2">{row.current}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export { secondaryButtonClass }
