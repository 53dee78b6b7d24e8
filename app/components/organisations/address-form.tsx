import {
  getFormProps,
  getInputProps,
  getSelectProps,
  type SubmissionResult,
  useForm,
} from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { Form, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
} from '#app/components/forms.tsx'
import { addressRuleFor } from '#app/lib/address-rules.ts'
import { ADDRESS_KINDS, AddressClientSchema } from './schemas.ts'

// The owners' forms for the organisation's addresses: add one, change one (with its version, for
// the conflict check), remove one. The fields, hints and per-country rules are those of a
// person's addresses; the texts of the fields come from the profile namespace.

export interface OrganisationAddressData {
  id: string
  kind: (typeof ADDRESS_KINDS)[number]
  recipient: string
  line1: string
  line2: string | null
  city: string
  region: string | null
  postalCode: string | null
  countryCode: string
  version: number
}

const FIELDS = [
  'recipient',
  'line1',
  'line2',
  'postalCode',
  'city',
  'region',
  'countryCode',
] as const
type Field = (typeof FIELDS)[number]

const autoCompleteOf: Record<Field, string> = {
  recipient: 'organization',
  line1: 'address-line1',
  line2: 'address-line2',
  postalCode: 'postal-code',
  city: 'address-level2',
  region: 'address-level1',
  countryCode: 'country',
}

export function OrganisationAddressForm({
  address,
  countries,
  lastResult,
}: {
  /** The stored address to change; none for a new one. */
  address?: OrganisationAddressData
  countries: { code: string; name: string }[]
  lastResult?: SubmissionResult<string[]> | null
}) {
  const { t } = useTranslation(['organisations', 'profile'])
  const navigation = useNavigation()
  const intent = address ? 'address-edit' : 'address-add'
  const [form, fields] = useForm({
    // A new version is a new form: after a save, the fields and the hidden version start over.
    id: address
      ? `organisation-address-${address.id}-${address.version}`
      : 'organisation-address-new',
    lastResult,
    constraint: getZodConstraint(AddressClientSchema),
    defaultValue: address
      ? {
          kind: address.kind,
          recipient: address.recipient,
          line1: address.line1,
          line2: address.line2 ?? '',
          postalCode: address.postalCode ?? '',
          city: address.city,
          region: address.region ?? '',
          countryCode: address.countryCode,
          version: address.version,
          addressId: address.id,
        }
      : { kind: 'registered' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddressClientSchema }),
    shouldRevalidate: 'onInput',
  })
  const rule = addressRuleFor(fields.countryCode.value ?? address?.countryCode ?? '')
  const hints: Partial<Record<Field, string>> = {
    postalCode: rule.postalCode
      ? t('profile:addresses.postalCodeHint', { example: rule.postalCode.example })
      : t('profile:addresses.postalCodeOptionalHint'),
    region: rule.region?.required
      ? t('profile:addresses.regionRequiredHint', { example: rule.region.example ?? '' })
      : t('profile:addresses.regionOptionalHint'),
  }
  const labels: Record<Field, string> = {
    recipient: t('organisations:page.addressRecipient'),
    line1: t('profile:addresses.line1'),
    line2: t('profile:addresses.line2'),
    postalCode: t('profile:addresses.postalCode'),
    city: t('profile:addresses.city'),
    region: t('profile:addresses.region'),
    countryCode: t('profile:addresses.country'),
  }

  return (
    <Form method="post" className="space-y-4" {...getFormProps(form)}>
      <ErrorSummary form={form} omit={['intent', 'version', 'addressId']} />
      <FormAlert id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value={intent} />
      {address ? (
        <>
          <input {...getInputProps(fields.addressId, { type: 'hidden' })} />
          <input {...getInputProps(fields.version, { type: 'hidden' })} />
        </>
      ) : null}
      <div className="space-y-1">
        <label htmlFor={fields.kind.id} className={labelClass}>
          {t('organisations:page.addressKind')}
        </label>
        <select {...getSelectProps(fields.kind)} className={inputClass}>
          {ADDRESS_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`organisations:addressKinds.${kind}`)}
            </option>
          ))}
        </select>
        <ErrorList id={fields.kind.errorId} errors={fields.kind.errors} />
      </div>
      {FIELDS.map((name) => {
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
              {labels[name]}
            </label>
            {name === 'countryCode' ? (
              <select
                {...getSelectProps(field)}
                aria-describedby={describedBy}
                autoComplete={autoCompleteOf[name]}
                className={inputClass}
              >
                <option value="">{t('profile:phones.chooseCountry')}</option>
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
      <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
        {address ? t('organisations:page.addressSave') : t('organisations:page.addressAdd')}
      </button>
    </Form>
  )
}
