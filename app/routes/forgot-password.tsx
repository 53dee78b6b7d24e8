import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
  linkClass,
} from '#app/components/forms.tsx'
import {
  PASSWORD_RESET_TTL_MINUTES,
  requestPasswordReset,
} from '#app/auth/password-reset.server.ts'
import { EmailSchema } from '#app/auth/schemas.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'

const ForgotPasswordSchema = z.object({ email: EmailSchema })

export async function loader({ request }: LoaderFunctionArgs) {
  const [t, tCommon] = await Promise.all([getFixedT(request, 'auth'), getFixedT(request, 'common')])
  const sent = new URL(request.url).searchParams.get('sent') === '1'
  return data({
    title: tCommon('app.pageTitle', {
      page: sent ? t('forgotPassword.sentTitle') : t('forgotPassword.title'),
    }),
    sent,
    ttlMinutes: PASSWORD_RESET_TTL_MINUTES,
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: ForgotPasswordSchema })
  if (submission.status !== 'success') {
    return data(submission.reply(), { status: 400 })
  }
  await requestPasswordReset(submission.value.email)
  // The same answer whether or not the address has an account, so this form cannot be used to
  // find out who our customers are. A redirect, so reloading the page does not send again.
  return redirect('/forgot-password?sent=1')
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function ForgotPasswordRoute() {
  const { sent, ttlMinutes } = useLoaderData<typeof loader>()
  const { t } = useTranslation('auth')
  if (sent) {
    return (
      <section className="mx-auto max-w-md space-y-4">
        <h1 className="text-3xl font-semibold">{t('forgotPassword.sentTitle')}</h1>
        <p role="status">{t('forgotPassword.sent', { minutes: ttlMinutes })}</p>
        <p>
          <Link to="/login" className={linkClass}>
            {t('forgotPassword.backToSignIn')}
          </Link>
        </p>
      </section>
    )
  }
  return <ForgotPasswordForm />
}

function ForgotPasswordForm() {
  const lastResult = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('auth')
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(ForgotPasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ForgotPasswordSchema }),
    shouldRevalidate: 'onBlur',
  })

  return (
    <section className="mx-auto max-w-md space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('forgotPassword.title')}</h1>
        <p className="text-slate-700">{t('forgotPassword.intro')}</p>
      </header>
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <FormAlert id={form.errorId} errors={form.errors} />
        <div className="space-y-1">
          <label htmlFor={fields.email.id} className={labelClass}>
            {t('forgotPassword.email')}
          </label>
          <input
            {...getInputProps(fields.email, { type: 'email' })}
            autoComplete="email"
            className={inputClass}
          />
          <ErrorList id={fields.email.errorId} errors={fields.email.errors} />
        </div>
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t('forgotPassword.submit')}
        </button>
      </Form>
      <p>
        <Link to="/login" className={linkClass}>
          {t('forgotPassword.backToSignIn')}
        </Link>
      </p>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
