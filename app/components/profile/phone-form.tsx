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
import { PHONE_KINDS, PhoneSchema } from './phone-schema.ts'

export interface PhoneCountryOption {
  code: string
  name: string
  callingCode: string
}

export interface PhoneFormValues {
  country: string | null
  number: string
  kind: 'mobile' | 'home' | 'work'
}

/** Add or change a phone number: country, number as typed, and its kind. */
export function PhoneForm({
  mode,
  countries,
  defaultValue,
  lastResult,
}: {
  mode: 'add' | 'edit'
  countries: PhoneCountryOption[]
  defaultValue: PhoneFormValues
  lastResult?: SubmissionResult<string[]> | null
}) {
  const { t } = useTranslation('profile')
  const navigation = useNavigation()
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(PhoneSchema),
    defaultValue: { ...defaultValue, country: defaultValue.country ?? '' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: PhoneSchema }),
    shouldRevalidate: 'onInput',
  })
  const numberHintId = `${fields.number.id}-hint`

  return (
    <Form method="post" className="space-y-4" {...getFormProps(form)}>
      <ErrorSummary form={form} />
      <FormAlert id={form.errorId} errors={form.errors} />
      <div className="space-y-1">
        <label htmlFor={fields.country.id} className={labelClass}>
          {t('phones.country')}
        </label>
        <select {...getSelectProps(fields.country)} className={inputClass}>
          <option value="">{t('phones.chooseCountry')}</option>
          {countries.map((country) => (
            <option key={country.code} value={country.code}>
              {`${country.name} (+${country.callingCode})`}
            </option>
          ))}
        </select>
        <ErrorList id={fields.country.errorId} errors={fields.country.errors} />
      </div>
      <div className="space-y-1">
        <label htmlFor={fields.number.id} className={labelClass}>
          {t('phones.number')}
        </label>
        <input
          {...getInputProps(fields.number, { type: 'tel' })}
          aria-describedby={
            fields.number.errors?.length ? `${fields.number.errorId} ${numberHintId}` : numberHintId
          }
          autoComplete="tel"
          className={inputClass}
        />
        <p id={numberHintId} className="text-sm text-slate-600">
          {t('phones.numberHint')}
        </p>
        <ErrorList id={fields.number.errorId} errors={fields.number.errors} />
      </div>
      <div className="space-y-1">
        <label htmlFor={fields.kind.id} className={labelClass}>
          {t('phones.kind')}
        </label>
        <select {...getSelectProps(fields.kind)} className={inputClass}>
          {PHONE_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`phones.kinds.${kind}`)}
            </option>
          ))}
        </select>
        <ErrorList id={fields.kind.errorId} errors={fields.kind.errors} />
      </div>
      {mode === 'add' ? (
        <div className="flex items-center gap-2">
          <input {...getInputProps(fields.makePrimary, { type: 'checkbox' })} className="h-4 w-4" />
          <label htmlFor={fields.makePrimary.id}>{t('phones.makePrimaryField')}</label>
        </div>
      ) : null}
      <div className="flex flex-wrap items-center gap-4">
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {mode === 'add' ? t('phones.addSubmit') : t('phones.save')}
        </button>
        <Link to="/profile" className={linkClass}>
          {t('backToProfile')}
        </Link>
      </div>
    </Form>
  )
}
