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
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { verifyAgainstDummy, verifyPassword } from '#app/auth/password.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
  linkClass,
} from '#app/components/forms.tsx'
import { profileNoticeUrl } from '#app/components/profile/notices.ts'
import { sendSignInEmailChange } from '#app/components/profile/profile-mail.server.ts'
import { SignInEmailSchema } from '#app/components/profile/schemas.ts'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { requireFound } from '#app/lib/http.server.ts'
import {
  findSignInAccount,
  isSignInEmailTaken,
  startSignInEmailChange,
} from '#db/customer-contacts.ts'
import { getDatabase } from '#db/database.ts'

// The password never travels back to the browser in an error response.
const hideFields = ['currentPassword']

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const db = await getDatabase()
  const [account, t, tCommon] = await Promise.all([
    findSignInAccount(db, user.customerId).then(requireFound),
    getFixedT(request, 'profile'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('signInEmail.title') }),
      currentEmail: account.email,
    },
    { headers },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const submission = parseWithZod(await request.formData(), { schema: SignInEmailSchema })
  if (submission.status !== 'success') {
    return data(submission.reply({ hideFields }), { status: 400, headers })
  }
  const { newEmail, currentPassword } = submission.value
  const db = await getDatabase()
  const account = requireFound(await findSignInAccount(db, user.customerId))
  const refuse = (field: 'newEmail' | 'currentPassword', reason: string) =>
    data(submission.reply({ fieldErrors: { [field]: [reason] }, hideFields }), {
      status: 400,
      headers,
    })

  // The password first: whether an address is taken is told only to the account holder.
  const passwordOk = account.passwordHash
    ? await verifyPassword(account.passwordHash, currentPassword)
    : await verifyAgainstDummy(currentPassword)
  if (!passwordOk) return refuse('currentPassword', 'profile:errors.passwordWrong')
  if (newEmail.toLowerCase() === account.email.toLowerCase()) {
    return refuse('newEmail', 'profile:errors.emailSameAsCurrent')
  }
  if (await isSignInEmailTaken(db, newEmail, account.id)) {
    return refuse('newEmail', 'profile:errors.emailTaken')
  }

  const tokens = await startSignInEmailChange(db, {
    customerId: user.customerId,
    accountId: account.id,
    previousEmail: account.email,
    newEmail,
    channel: 'portal',
  })
  const sent = await sendSignInEmailChange({
    newEmail,
    previousEmail: account.email,
    ...tokens,
    language: user.language,
  })
  if (!sent) {
    return data(submission.reply({ formErrors: ['profile:errors.mailNotSent'], hideFields }), {
      status: 503,
      headers,
    })
  }
  return redirect(profileNoticeUrl('signInEmailSent'), { headers })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function SignInEmailRoute() {
  const { currentEmail } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('profile')
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(SignInEmailSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignInEmailSchema }),
    shouldRevalidate: 'onInput',
  })
  // After a refused try the browser still shows the typed password: each try starts empty.
  const passwordRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (lastResult && passwordRef.current) passwordRef.current.value = ''
  }, [lastResult])
  const passwordHintId = `${fields.currentPassword.id}-hint`

  return (
    <section className="max-w-lg space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('signInEmail.title')}</h1>
        <p>{t('signInEmail.current', { email: currentEmail })}</p>
        <p className="text-slate-700">{t('signInEmail.intro')}</p>
      </header>
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <ErrorSummary form={form} />
        <FormAlert id={form.errorId} errors={form.errors} />
        <div className="space-y-1">
          <label htmlFor={fields.newEmail.id} className={labelClass}>
            {t('signInEmail.newEmail')}
          </label>
          <input
            {...getInputProps(fields.newEmail, { type: 'email' })}
            autoComplete="email"
            className={inputClass}
          />
          <ErrorList id={fields.newEmail.errorId} errors={fields.newEmail.errors} />
        </div>
        <div className="space-y-1">
          <label htmlFor={fields.currentPassword.id} className={labelClass}>
            {t('signInEmail.currentPassword')}
          </label>
          <input
            {...getInputProps(fields.currentPassword, { type: 'password', value: false })}
            ref={passwordRef}
            aria-describedby={
              fields.currentPassword.errors?.length
                ? `${fields.currentPassword.errorId} ${passwordHintId}`
                : passwordHintId
            }
            autoComplete="current-password"
            className={inputClass}
          />
          <p id={passwordHintId} className="text-sm text-slate-600">
            {t('signInEmail.currentPasswordHint')}
          </p>
          <ErrorList id={fields.currentPassword.errorId} errors={fields.currentPassword.errors} />
        </div>
        <div className="flex flex-wrap items-center gap-4">
          <button
            type="submit"
            className={buttonClass}
            disabled={navigation.state === 'submitting'}
          >
            {t('signInEmail.submit')}
          </button>
          <Link to="/profile" className={linkClass}>
            {t('backToProfile')}
          </Link>
        </div>
      </Form>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
