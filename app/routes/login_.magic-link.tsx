import { parseWithZod } from '@conform-to/zod'
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
import {
  limitAttempt,
  rateLimitHeaders,
  TOO_MANY_ATTEMPTS,
  tooManyAttempts,
} from '#app/auth/rate-limit.server.ts'
import { EmailOnlySchema } from '#app/auth/schemas.ts'
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
  const submission = parseWithZod(await request.formData(), { schema: EmailOnlySchema })
  if (submission.status !== 'success') {
    return data(submission.reply(), { status: 400 })
  }
  const { email } = submission.value
  const limit = await limitAttempt({
    action: 'magicLink',
    email,
    clientIp: context.clientIp ?? null,
  })
  // As on /forgot-password: a client over its limit is told so; an address over its limit gets
  // the usual answer and no mail.
  if (limit.limited && limit.by === 'client') {
    return tooManyAttempts(
      submission.reply({ formErrors: [TOO_MANY_ATTEMPTS] }),
      limit.retryAfterSeconds,
    )
  }
  if (!limit.limited) await requestMagicLink(email)
  // The same answer for a customer, a staff member, and an unknown address alike. A redirect,
  // so reloading the page does not send another link.
  return redirect('/login/magic-link?sent=1')
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
