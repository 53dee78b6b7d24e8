import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ChangePasswordPage } from '#app/auth/change-password-form.tsx'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { changePasswordAction, changePasswordPageData } from '#app/auth/password-change.server.ts'
import { rateLimitHeaders } from '#app/auth/rate-limit.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { linkClass } from '#app/components/forms.tsx'

// A signed-in customer changes their password. The account is the session's, never a form field.

// Carries Retry-After from a limited attempt to the client.
export const headers = rateLimitHeaders

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireCustomer(request)
  return data(await changePasswordPageData(request), { headers })
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  return changePasswordAction(request, {
    accountId: user.id,
    clientIp: context.clientIp ?? null,
    headers,
    pagePath: '/account/password',
  })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function AccountPasswordRoute() {
  const { changed } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const { t } = useTranslation('account')
  return (
    <div className="space-y-6">
      <ChangePasswordPage lastResult={lastResult} changed={changed} intro={t('password.intro')} />
      <p>
        <Link to="/account" className={linkClass}>
          {t('password.backToAccount')}
        </Link>
      </p>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
