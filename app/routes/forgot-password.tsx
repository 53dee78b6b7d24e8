import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import {
  PASSWORD_RESET_TTL_MINUTES,
  requestPasswordReset,
} from '#app/auth/password-reset.server.ts'
import { EmailLinkRequestPage } from '#app/auth/email-link-request-page.tsx'
import { rateLimitHeaders } from '#app/auth/rate-limit.server.ts'
import { emailLinkRequestAction } from '#app/auth/email-link-request.server.ts'
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
  return emailLinkRequestAction(request, context, {
    limit: 'passwordReset',
    send: requestPasswordReset,
    sentPath: '/forgot-password?sent=1',
  })
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
