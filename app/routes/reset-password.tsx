import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { NewPasswordFields } from '#app/auth/new-password-fields.tsx'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import { buttonClass, FormAlert, linkClass } from '#app/components/forms.tsx'
import { withPasswordPolicy } from '#app/auth/password-policy.server.ts'
import { isPasswordResetTokenUsable, resetPassword } from '#app/auth/password-reset.server.ts'
import { passwordFields, tokenPasswordSchema } from '#app/auth/schemas.ts'
import { endSession } from '#app/auth/session.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'

const ResetPasswordSchema = tokenPasswordSchema('auth:errors.resetLinkInvalid')
const hideFields = passwordFields

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get('token')
  const usable = token ? await isPasswordResetTokenUsable(token) : false
  const [t, tCommon] = await Promise.all([getFixedT(request, 'auth'), getFixedT(request, 'common')])
  return data({
    title: tCommon('app.pageTitle', {
      page: usable ? t('resetPassword.title') : t('resetPassword.invalidTitle'),
    }),
    token: usable ? token : null,
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), {
    schema: withPasswordPolicy(ResetPasswordSchema),
  })
  if (submission.status !== 'success') {
    return data(submission.reply({ hideFields }), { status: 400 })
  }
  const account = await resetPassword(submission.value.token, submission.value.password)
  if (!account) {
    return data(submission.reply({ formErrors: ['auth:errors.resetLinkInvalid'], hideFields }), {
      status: 400,
    })
  }
  // Every session of the account has ended; this browser's cookie goes too.
  const headers = await endSession(request)
  return redirect(account.kind === 'staff' ? '/staff/login?reset=1' : '/login?reset=1', {
    headers,
  })
}

// The address holds a working reset link: no browser or proxy cache may keep this page.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function ResetPasswordRoute() {
  const { token } = useLoaderData<typeof loader>()
  return token ? <ResetPasswordForm token={token} /> : <LinkNotUsable />
}

function LinkNotUsable() {
  const { t } = useTranslation('auth')
  return (
    <section className="mx-auto max-w-md space-y-4">
      <h1 className="text-3xl font-semibold">{t('resetPassword.invalidTitle')}</h1>
      <p>{t('resetPassword.invalidBody')}</p>
      <p>
        <Link to="/forgot-password" className={linkClass}>
          {t('resetPassword.requestNew')}
        </Link>
      </p>
    </section>
  )
}

function ResetPasswordForm({ token }: { token: string }) {
  const lastResult = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('auth')
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(ResetPasswordSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ResetPasswordSchema }),
    shouldRevalidate: 'onInput',
  })
  const linkRefused = form.errors?.includes('auth:errors.resetLinkInvalid') ?? false

  return (
    <section className="mx-auto max-w-md space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('resetPassword.title')}</h1>
        <p className="text-slate-700">{t('resetPassword.intro')}</p>
      </header>
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <ErrorSummary form={form} omit={['token']} />
        <FormAlert id={form.errorId} errors={form.errors}>
          {linkRefused ? (
            <p>
              <Link to="/forgot-password" className={linkClass}>
                {t('resetPassword.requestNew')}
              </Link>
            </p>
          ) : null}
        </FormAlert>
        <input type="hidden" name={fields.token.name} value={token} />
        <NewPasswordFields
          password={fields.password}
          confirm={fields.confirmPassword}
          texts={{
            password: t('resetPassword.password'),
            passwordHint: t('resetPassword.passwordHint'),
            confirm: t('resetPassword.confirm'),
          }}
        />
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t('resetPassword.submit')}
        </button>
      </Form>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
