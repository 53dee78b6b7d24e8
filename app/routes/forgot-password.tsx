import { parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import {
  PASSWORD_RESET_TTL_MINUTES,
  requestPasswordReset,
} from '#app/auth/password-reset.server.ts'
import { EmailLinkRequestPage } from '#app/auth/email-link-request-page.tsx'
import { EmailOnlySchema } from '#app/auth/schemas.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'

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
  const submission = parseWithZod(await request.formData(), { schema: EmailOnlySchema })
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
  return (
    <EmailLinkRequestPage
      texts="forgotPassword"
      sent={sent}
      ttlMinutes={ttlMinutes}
      lastResult={useActionData<typeof action>()}
      autoComplete="email"
    />
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
