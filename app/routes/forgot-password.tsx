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
import {
  limitAttempt,
  rateLimitHeaders,
  TOO_MANY_ATTEMPTS,
  tooManyAttempts,
} from '#app/auth/rate-limit.server.ts'
import { EmailOnlySchema } from '#app/auth/schemas.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'

// Carries Retry-After from a limited request to the client.
export const headers = rateLimitHeaders

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

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), { schema: EmailOnlySchema })
  if (submission.status !== 'success') {
    return data(submission.reply(), { status: 400 })
  }
  const { email } = submission.value
  const limit = await limitAttempt({
    action: 'passwordReset',
    email,
    clientIp: context.clientIp ?? null,
  })
  // Too many from this client: say so, which tells nothing about any account. Too many for this
  // address: answer as if sent and send nothing, since saying so would only confirm what the
  // asker already knows, and a real owner already has the earlier mails.
  if (limit.limited && limit.by === 'client') {
    return tooManyAttempts(
      submission.reply({ formErrors: [TOO_MANY_ATTEMPTS] }),
      limit.retryAfterSeconds,
    )
  }
  if (!limit.limited) await requestPasswordReset(email)
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
