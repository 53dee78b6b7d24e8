import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireCustomer } from '#app/auth/guards.server.ts'
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
import { sendEmailVerification } from '#app/components/profile/profile-mail.server.ts'
import { AddEmailSchema } from '#app/components/profile/schemas.ts'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { addCustomerEmail, createEmailVerificationToken } from '#db/customer-contacts.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError } from '#db/errors.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireCustomer(request)
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'profile'),
    getFixedT(request, 'common'),
  ])
  return data({ title: tCommon('app.pageTitle', { page: t('emails.addTitle') }) }, { headers })
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const submission = parseWithZod(await request.formData(), { schema: AddEmailSchema })
  if (submission.status !== 'success') {
    return data(submission.reply(), { status: 400, headers })
  }
  const db = await getDatabase()
  let added: { id: string; email: string }
  try {
    added = await addCustomerEmail(db, {
      customerId: user.customerId,
      actor: { kind: 'customer', id: user.id },
      channel: 'portal',
      email: submission.value.email,
    })
  } catch (error) {
    if (error instanceof InvalidStateError) {
      return data(submission.reply({ fieldErrors: { email: [error.reason] } }), {
        status: 409,
        headers,
      })
    }
    throw error
  }
  const link = await createEmailVerificationToken(db, {
    customerId: user.customerId,
    accountId: user.id,
    emailId: added.id,
  })
  const sent = await sendEmailVerification({
    to: link.email,
    token: link.token,
    language: user.language,
  })
  return redirect(profileNoticeUrl(sent ? 'emailAdded' : 'emailAddedNotSent'), { headers })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function AddEmailRoute() {
  const lastResult = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('profile')
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(AddEmailSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AddEmailSchema }),
    shouldRevalidate: 'onInput',
  })
  return (
    <section className="max-w-lg space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('emails.addTitle')}</h1>
        <p className="text-slate-700">{t('emails.addIntro')}</p>
      </header>
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <ErrorSummary form={form} />
        <FormAlert id={form.errorId} errors={form.errors} />
        <div className="space-y-1">
          <label htmlFor={fields.email.id} className={labelClass}>
            {t('emails.email')}
          </label>
          <input
            {...getInputProps(fields.email, { type: 'email' })}
            autoComplete="email"
            className={inputClass}
          />
          <ErrorList id={fields.email.errorId} errors={fields.email.errors} />
        </div>
        <div className="flex flex-wrap items-center gap-4">
          <button
            type="submit"
            className={buttonClass}
            disabled={navigation.state === 'submitting'}
          >
            {t('emails.addSubmit')}
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
