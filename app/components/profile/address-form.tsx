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
import { addressRuleFor } from '#app/lib/address-rules.ts'
import { ConflictTable, secondaryButtonClass } from './details-form.tsx'
import { AddressClientSchema } from './schemas.ts'

export interface AddressValues {
  label: string | null
  recipient: string
  line1: string
  line2: string | null
  city: string
  region: string | null
  postalCode: string | null
  countryCode: string
}

export const ADDRESS_FIELDS = [
  'label',
  'recipient',
  'line1',
  'line2',
  'postalCode',
  'city',
  'region',
  'countryCode',
] as const satisfies readonly (keyof AddressValues)[]

type AddressField = (typeof ADDRESS_FIELDS)[number]

const autoCompleteOf: Record<AddressField, string | undefined> = {
  label: undefined,
  recipient: 'name',
  line1: 'address-line1',
  line2: 'address-line2',
  postalCode: 'postal-code',
  city: 'address-level2',
  region: 'address-level1',
  countryCode: 'country',
}

/** Add an address, or change one (then with its version, for the conflict check). */
export function AddressForm({
  mode,
  countries,
  defaultValue,
  version,
  lastResult,
}: {
  mode: 'add' | 'edit'
  countries: { code: string; name: string }[]
  defaultValue: Partial<AddressValues>
  version?: number
  lastResult?: SubmissionResult<string[]> | null
}) {
  const { t } = useTranslation('profile')
  const navigation = useNavigation()
  const [form, fields] = useForm({
    id: `address-${mode}-${version ?? 'new'}`,
    lastResult,
    constraint: getZodConstraint(AddressClientSchema),
    defaultValue: {
      ...Object.fromEntries(Object.entries(defaultValue).map(([key, value]) => [key, value ?? ''])),
      version,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddressClientSchema }),
    shouldRevalidate: 'onInput',
  })
  // Follows the country chosen in the browser; without JavaScript, the one last sent.
  const rule = addressRuleFor(fields.countryCode.value ?? defaultValue.countryCode ?? '')

  const hints: Partial<Record<AddressField, string>> = {
    label: t('addresses.labelHint'),
    postalCode: rule.postalCode
      ? t('addresses.postalCodeHint', { example: rule.postalCode.example })
      : t('addresses.postalCodeOptionalHint'),
    region: rule.region?.required
      ? t('addresses.regionRequiredHint', { example: rule.region.example ?? '' })
      : t('addresses.regionOptionalHint'),
    countryCode: t('addresses.countryHint'),
  }

  return (
    <Form method="post" className="space-y-4" {...getFormProps(form)}>
      <ErrorSummary form={form} />
      <FormAlert id={form.errorId} errors={form.errors} />
      {mode === 'edit' ? <input {...getInputProps(fields.version, { type: 'hidden' })} /> : null}
      {ADDRESS_FIELDS.map((name) => {
        const field = fields[name]
        const hint = hints[name]
        const hintId = `${field.id}-hint`
        const describedBy =
          [field.errors?.length ? field.errorId : null, hint ? hintId : null]
            .filter(Boolean)
            .join(' ') || undefined
        return (
          <div key={name} className="space-y-1">
            <label htmlFor={field.id} className={labelClass}>
              {t(`addresses.${name === 'countryCode' ? 'country' : name}`)}
            </label>
            {name === 'countryCode' ? (
              <select
                {...getSelectProps(field)}
                aria-describedby={describedBy}
                autoComplete={autoCompleteOf[name]}
                className={inputClass}
              >
                <option value="">{t('phones.chooseCountry')}</option>
                {countries.map((country) => (
                  <option key={country.code} value={country.code}>
                    {country.name}
                  </option>
                ))}
              </select>
            ) : (
              <input
                {...getInputProps(field, { type: 'text' })}
                aria-describedby={describedBy}
                autoComplete={autoCompleteOf[name]}
                className={inputClass}
              />
            )}
            {hint ? (
              <p id={hintId} className="text-sm text-slate-600">
                {hint}
              </p>
            ) : null}
            <ErrorList id={field.errorId} errors={field.errors} />
          </div>
        )
      })}
      {mode === 'add' ? (
        <fieldset className="space-y-2">
          {(['defaultShipping', 'defaultBilling'] as const).map((name) => (
            <div key={name} className="flex items-center gap-2">
              <input {...getInputProps(fields[name], { type: 'checkbox' })} className="h-4 w-4" />
              <label htmlFor={fields[name].id}>
                {name === 'defaultShipping'
                  ? t('addresses.useForShipping')
                  : t('addresses.useForBilling')}
              </label>
            </div>
          ))}
        </fieldset>
      ) : null}
      <div className="flex flex-wrap items-center gap-4">
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {mode === 'add' ? t('addresses.addSubmit') : t('addresses.save')}
        </button>
        <Link to="/profile" className={linkClass}>
          {t('backToProfile')}
        </Link>
      </div>
    </Form>
  )
}

export interface AddressConflictData {
  mine: AddressValues
  current: AddressValues & { version: number }
  fields: AddressField[]
}

/** The address was saved by someone else meanwhile: both versions, and the customer chooses. */
export function AddressConflict({
  conflict,
  addressId,
  countries,
}: {
  conflict: AddressConflictData
  addressId: string
  countries: { code: string; name: string }[]
}) {
  const { t } = useTranslation('profile')
  const show = (field: AddressField, value: string | null) => {
    if (!value) return t('details.notSet')
    if (field === 'countryCode') {
      return countries.find((country) => country.code === value)?.name ?? value
    }
    return value
  }
  return (
    <div className="space-y-4">
      <div role="alert" className="rounded border border-amber-400 bg-amber-50 p-3 text-amber-950">
        <h2 className="font-semibold">{t('addresses.conflictTitle')}</h2>
        <p>{t('addresses.conflictBody')}</p>
      </div>
      <ConflictTable
        rows={conflict.fields.map((field) => ({
          key: field,
          label: t(`addresses.${field === 'countryCode' ? 'country' : field}`),
          mine: show(field, conflict.mine[field]),
          current: show(field, conflict.current[field]),
        }))}
      />
      <div className="flex flex-wrap items-center gap-4">
        <Form method="post">
          <input type="hidden" name="version" value={conflict.current.version} />
          {ADDRESS_FIELDS.map((field) => (
            <input key={field} type="hidden" name={field} value={conflict.mine[field] ?? ''} />
          ))}
          <button type="submit" className={buttonClass}>
            {t('conflict.keepMine')}
          </button>
        </Form>
        <Link to={`/profile/addresses/${addressId}`} className={secondaryButtonClass}>
          {t('conflict.useSaved')}
        </Link>
      </div>
    </div>
  )
}
