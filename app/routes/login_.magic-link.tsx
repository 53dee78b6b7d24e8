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
import { homeFor } from '#app/auth/guards.server.ts'
import { MAGIC_LINK_TTL_MINUTES, requestMagicLink } from '#app/auth/magic-link.server.ts'
import { EmailSchema } from '#app/auth/schemas.ts'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
  linkClass,
} from '#app/components/forms.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'

const MagicLinkSchema = z.object({ email: EmailSchema })

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await getOptionalUser(request)
  if (user) throw redirect(homeFor(user), { headers })
  const [t, tCommon] = await Promise.all([getFixedT(request, 'auth'), getFixedT(request, 'common')])
  const sent = new URL(request.url).searchParams.get('sent') === '1'
  return data(
    {
      title: tCommon('app.pageTitle', {
        page: sent ? t('magicLink.sentTitle') : t('magicLink.title'),
      }),
      sent,
      ttlMinutes: MAGIC_LINK_TTL_MINUTES,
    },
    { headers },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: MagicLinkSchema })
  if (submission.status !== 'success') {
    return data(submission.reply(), { status: 400 })
  }
  await requestMagicLink(submission.value.email)
  // The same answer for a customer, a staff member, and an unknown address alike. A redirect,
  // so reloading the page does not send another link.
  return redirect('/login/magic-link?sent=1')
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function MagicLinkRoute() {
  const { sent, ttlMinutes } = useLoaderData<typeof loader>()
  const { t } = useTranslation('auth')
  if (sent) {
    return (
      <section className="mx-auto max-w-md space-y-4">
        <h1 className="text-3xl font-semibold">{t('magicLink.sentTitle')}</h1>
        <p role="status">{t('magicLink.sent', { minutes: ttlMinutes })}</p>
        <p>
          <Link to="/login" className={linkClass}>
            {t('magicLink.backToSignIn')}
          </Link>
        </p>
      </section>
    )
  }
  return <MagicLinkForm />
}

function MagicLinkForm() {
  const lastResult = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('auth')
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(MagicLinkSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: MagicLinkSchema }),
    shouldRevalidate: 'onBlur',
  })

  return (
    <section className="mx-auto max-w-md space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('magicLink.title')}</h1>
        <p className="text-slate-700">{t('magicLink.intro')}</p>
      </header>
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <FormAlert id={form.errorId} errors={form.errors} />
        <div className="space-y-1">
          <label htmlFor={fields.email.id} className={labelClass}>
            {t('magicLink.email')}
          </label>
          <input
            {...getInputProps(fields.email, { type: 'email' })}
            autoComplete="username"
            className={inputClass}
          />
          <ErrorList id={fields.email.errorId} errors={fields.email.errors} />
        </div>
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t('magicLink.submit')}
        </button>
      </Form>
      <p>
        <Link to="/login" className={linkClass}>
          {t('magicLink.backToSignIn')}
        </Link>
      </p>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
