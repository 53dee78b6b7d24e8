import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { Form, useNavigation } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { NewPasswordFields } from '#app/auth/new-password-fields.tsx'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import { buttonClass, ErrorList, inputClass, labelClass, Notice } from '#app/components/forms.tsx'
import { FormAlertWithRetry } from './rate-limit-alert.tsx'
import { NewPasswordSchema, passwordFields } from './schemas.ts'

// The one form for changing a password while signed in, on the customer's and on the staff
// page alike; the server adds the common-password list (withPasswordPolicy).

export const ChangePasswordSchema = z
  .object({
    currentPassword: z
      .string({ required_error: 'account:errors.passwordRequired' })
      .max(1000, 'validation.tooLong'),
    password: NewPasswordSchema,
    confirmPassword: z.string({ required_error: 'auth:errors.confirmRequired' }),
  })
  .refine((value) => value.password === value.confirmPassword, {
    message: 'auth:errors.passwordsDiffer',
    path: ['confirmPassword'],
  })
  .refine((value) => value.password !== value.currentPassword, {
    message: 'account:password.errors.sameAsCurrent',
    path: ['password'],
  })

/** No password, current or new, travels back to the browser in an error response. */
export const changePasswordHiddenFields = [...passwordFields, 'currentPassword']

export function ChangePasswordPage({
  lastResult,
  changed,
  intro,
}: {
  lastResult: SubmissionResult<string[]> | undefined
  changed: boolean
  intro: string
}) {
  const { t } = useTranslation('account')
  const navigation = useNavigation()
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(ChangePasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangePasswordSchema }),
    // Not on blur: pressing the button blurs the field, and an error that vanishes then moves
    // the button from under the pointer, so the click is lost. While typing, nothing is lost.
    shouldRevalidate: 'onInput',
  })
  // After a refused try the browser may still show what was typed: each try starts empty.
  const formRef = useRef<HTMLFormElement>(null)
  useEffect(() => {
    if (!lastResult || !formRef.current) return
    for (const input of formRef.current.querySelectorAll<HTMLInputElement>(
      'input[type=password]',
    )) {
      input.value = ''
    }
  }, [lastResult])

  return (
    <section className="max-w-md space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('password.title')}</h1>
        <p className="text-slate-700">{intro}</p>
      </header>
      {changed ? <Notice>{t('password.changed')}</Notice> : null}
      <Form method="post" className="space-y-4" ref={formRef} {...getFormProps(form)}>
        <ErrorSummary form={form} />
        <FormAlertWithRetry id={form.errorId} errors={form.errors} lastResult={lastResult} />
        <div className="space-y-1">
          <label htmlFor={fields.currentPassword.id} className={labelClass}>
            {t('password.current')}
          </label>
          <input
            {...getInputProps(fields.currentPassword, { type: 'password', value: false })}
            autoComplete="current-password"
            className={inputClass}
          />
          <ErrorList id={fields.currentPassword.errorId} errors={fields.currentPassword.errors} />
        </div>
        <NewPasswordFields
          password={fields.password}
          confirm={fields.confirmPassword}
          texts={{
            password: t('password.new'),
            passwordHint: t('password.newHint'),
            confirm: t('password.confirm'),
          }}
        />
        <p className="text-sm text-slate-600">{t('password.signsOutOthers')}</p>
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t('password.submit')}
        </button>
      </Form>
    </section>
  )
}
