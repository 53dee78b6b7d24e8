import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
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
import { homeFor } from '#app/auth/guards.server.ts'
import { withPasswordPolicy } from '#app/auth/password-policy.server.ts'
import { EmailSchema, NewPasswordSchema } from '#app/auth/schemas.ts'
import {
  limitAttempt,
  rateLimitHeaders,
  TOO_MANY_ATTEMPTS,
  tooManyAttempts,
} from '#app/auth/rate-limit.server.ts'
import { FormAlertWithRetry } from '#app/auth/rate-limit-alert.tsx'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { SIGN_UP_VERIFICATION_TTL_MINUTES, signUp } from '#app/auth/signup.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  inputClass,
  labelClass,
  linkClass,
} from '#app/components/forms.tsx'
import { useLanguageName } from '#app/components/profile/details-form.tsx'
import { PROFILE_LANGUAGES } from '#app/components/profile/schemas.ts'
import { getFixedT, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { singleLine } from '#app/lib/text-fields.ts'

const name = (required: string) =>
  singleLine(
    z
      .string({ required_error: required })
      .trim()
      .min(1, required)
      .max(200, 'auth:errors.nameTooLong'),
  )

const SignUpSchema = z.object({
  givenName: name('auth:errors.givenNameRequired'),
  familyName: name('auth:errors.familyNameRequired'),
  email: EmailSchema,
  password: NewPasswordSchema,
  language: z.enum(PROFILE_LANGUAGES, {
    errorMap: () => ({ message: 'auth:errors.languageInvalid' }),
  }),
})

// The password never travels back to the browser in an error response.
const hideFields = ['password']

// Carries Retry-After from a limited request to the client.
export const headers = rateLimitHeaders

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await getOptionalUser(request)
  if (user) throw redirect(homeFor(user), { headers })
  const [t, tCommon, locale] = await Promise.all([
    getFixedT(request, 'auth'),
    getFixedT(request, 'common'),
    getRequestLocale(request),
  ])
  const sent = new URL(request.url).searchParams.get('sent') === '1'
  return data(
    {
      title: tCommon('app.pageTitle', { page: sent ? t('signUp.sentTitle') : t('signUp.title') }),
      sent,
      ttlHours: SIGN_UP_VERIFICATION_TTL_MINUTES / 60,
      language: PROFILE_LANGUAGES.find((code) => code === locale) ?? 'en',
    },
    { headers },
  )
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), {
    schema: withPasswordPolicy(SignUpSchema),
  })
  if (submission.status !== 'success') {
    return data(submission.reply({ hideFields }), { status: 400 })
  }
  const limit = await limitAttempt({
    action: 'signUp',
    email: submission.value.email,
    clientIp: context.clientIp ?? null,
  })
  // As on /forgot-password: a client over its limit is told so; an address over its limit gets
  // the usual answer and no mail (sign-up mails either a link or a "you already have an
  // account" note, so telling would reveal nothing new, and sending would flood the inbox).
  if (limit.limited && limit.by === 'client') {
    return tooManyAttempts(
      submission.reply({ formErrors: [TOO_MANY_ATTEMPTS], hideFields }),
      limit.retryAfterSeconds,
    )
  }
  if (!limit.limited) await signUp(submission.value)
  // The same answer whether or not the address is known, so this form cannot be used to find
  // out who our customers are. A redirect, so reloading the page does not sign up again.
  return redirect('/signup?sent=1')
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function SignUpRoute() {
  const { sent, ttlHours } = useLoaderData<typeof loader>()
  const { t } = useTranslation('auth')
  if (sent) {
    return (
      <section className="mx-auto max-w-md space-y-4">
        <h1 className="text-3xl font-semibold">{t('signUp.sentTitle')}</h1>
        <div role="status" className="space-y-2">
          <p>{t('signUp.sent', { hours: ttlHours })}</p>
          <p>{t('signUp.sentExisting')}</p>
        </div>
        <p className="text-slate-700">{t('signUp.sentNothing')}</p>
        <p>
          <Link to="/login" className={linkClass}>
            {t('signUp.backToSignIn')}
          </Link>
        </p>
      </section>
    )
  }
  return <SignUpForm />
}

function SignUpForm() {
  const { language } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('auth')
  const languageName = useLanguageName()
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(SignUpSchema),
    defaultValue: { language },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignUpSchema }),
    shouldRevalidate: 'onInput',
  })
  const emailHintId = `${fields.email.id}-hint`
  const passwordHintId = `${fields.password.id}-hint`

  return (
    <section className="mx-auto max-w-md space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('signUp.title')}</h1>
        <p className="text-slate-700">{t('signUp.intro')}</p>
      </header>
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <ErrorSummary form={form} />
        <FormAlertWithRetry id={form.errorId} errors={form.errors} lastResult={lastResult} />
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-1">
            <label htmlFor={fields.givenName.id} className={labelClass}>
              {t('signUp.givenName')}
            </label>
            <input
              {...getInputProps(fields.givenName, { type: 'text' })}
              autoComplete="given-name"
              className={inputClass}
            />
            <ErrorList id={fields.givenName.errorId} errors={fields.givenName.errors} />
          </div>
          <div className="space-y-1">
            <label htmlFor={fields.familyName.id} className={labelClass}>
              {t('signUp.familyName')}
            </label>
            <input
              {...getInputProps(fields.familyName, { type: 'text' })}
              autoComplete="family-name"
              className={inputClass}
            />
            <ErrorList id={fields.familyName.errorId} errors={fields.familyName.errors} />
          </div>
        </div>
        <div className="space-y-1">
          <label htmlFor={fields.email.id} className={labelClass}>
            {t('signUp.email')}
          </label>
          <p id={emailHintId} className="text-sm text-slate-600">
            {t('signUp.emailHint')}
          </p>
          <input
            {...getInputProps(fields.email, { type: 'email', ariaDescribedBy: emailHintId })}
            autoComplete="email"
            className={inputClass}
          />
          <ErrorList id={fields.email.errorId} errors={fields.email.errors} />
        </div>
        <div className="space-y-1">
          <label htmlFor={fields.password.id} className={labelClass}>
            {t('signUp.password')}
          </label>
          <p id={passwordHintId} className="text-sm text-slate-600">
            {t('signUp.passwordHint')}
          </p>
          <input
            {...getInputProps(fields.password, {
              type: 'password',
              value: false,
              ariaDescribedBy: passwordHintId,
            })}
            autoComplete="new-password"
            className={inputClass}
          />
          <ErrorList id={fields.password.errorId} errors={fields.password.errors} />
        </div>
        <div className="space-y-1">
          <label htmlFor={fields.language.id} className={labelClass}>
            {t('signUp.language')}
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
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t('signUp.submit')}
        </button>
      </Form>
      <p>
        <Link to="/login" className={linkClass}>
          {t('signUp.haveAccount')}
        </Link>
      </p>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
