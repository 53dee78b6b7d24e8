import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { Form, Link, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  inputClass,
  labelClass,
  linkClass,
} from '#app/components/forms.tsx'
import { FormAlertWithRetry } from './rate-limit-alert.tsx'
import { EmailOnlySchema } from './schemas.ts'

/**
 * "Give us your address and we will mail you a link": forgot password and sign-in by link. The
 * same page for both, so both answer alike whether or not the address has an account.
 */
export function EmailLinkRequestPage({
  texts,
  sent,
  ttlMinutes,
  lastResult,
  autoComplete,
}: {
  /** The key group in the `auth` namespace: title, intro, email, submit, sentTitle, sent, backToSignIn. */
  texts: 'forgotPassword' | 'magicLink'
  sent: boolean
  ttlMinutes: number
  lastResult: SubmissionResult<string[]> | undefined
  autoComplete: 'email' | 'username'
}) {
  const { t } = useTranslation('auth')
  const navigation = useNavigation()
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(EmailOnlySchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: EmailOnlySchema }),
    shouldRevalidate: 'onInput',
  })
  const backToSignIn = (
    <p>
      <Link to="/login" className={linkClass}>
        {t(`${texts}.backToSignIn`)}
      </Link>
    </p>
  )

  if (sent) {
    return (
      <section className="mx-auto max-w-md space-y-4">
        <h1 className="text-3xl font-semibold">{t(`${texts}.sentTitle`)}</h1>
        <p role="status">{t(`${texts}.sent`, { minutes: ttlMinutes })}</p>
        {backToSignIn}
      </section>
    )
  }
  return (
    <section className="mx-auto max-w-md space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t(`${texts}.title`)}</h1>
        <p className="text-slate-700">{t(`${texts}.intro`)}</p>
      </header>
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <ErrorSummary form={form} />
        <FormAlertWithRetry id={form.errorId} errors={form.errors} lastResult={lastResult} />
        <div className="space-y-1">
          <label htmlFor={fields.email.id} className={labelClass}>
            {t(`${texts}.email`)}
          </label>
          <input
            {...getInputProps(fields.email, { type: 'email' })}
            autoComplete={autoComplete}
            className={inputClass}
          />
          <ErrorList id={fields.email.errorId} errors={fields.email.errors} />
        </div>
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t(`${texts}.submit`)}
        </button>
      </Form>
      {backToSignIn}
    </section>
  )
}
