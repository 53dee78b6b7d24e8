import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { homeFor } from '#app/auth/guards.server.ts'
import { MAGIC_LINK_TTL_MINUTES, requestMagicLink } from '#app/auth/magic-link.server.ts'
import { EmailLinkRequestPage } from '#app/auth/email-link-request-page.tsx'
import { rateLimitHeaders } from '#app/auth/rate-limit.server.ts'
import { emailLinkRequestAction } from '#app/auth/email-link-request.server.ts'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'

// Carries Retry-After from a limited request to the client.
export const headers = rateLimitHeaders

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

export async function action({ request, context }: ActionFunctionArgs) {
  return emailLinkRequestAction(request, context, {
    limit: 'magicLink',
    send: requestMagicLink,
    sentPath: '/login/magic-link?sent=1',
  })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function MagicLinkRoute() {
  const { sent, ttlMinutes } = useLoaderData<typeof loader>()
  return (
    <EmailLinkRequestPage
      texts="magicLink"
      sent={sent}
      ttlMinutes={ttlMinutes}
      lastResult={useActionData<typeof action>()}
      autoComplete="username"
    />
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
