import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ChangePasswordPage } from '#app/auth/change-password-form.tsx'
import { requireStaff } from '#app/auth/guards.server.ts'
import { changePasswordAction, changePasswordPageData } from '#app/auth/password-change.server.ts'
import { rateLimitHeaders } from '#app/auth/rate-limit.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'

// Every staff member, whatever their role, changes their own password here; the account is the
// session's, never a form field.

// Carries Retry-After from a limited attempt to the client.
export const headers = rateLimitHeaders

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireStaff(request, 'agent')
  return data(await changePasswordPageData(request), { headers })
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'agent')
  return changePasswordAction(request, {
    accountId: user.id,
    clientIp: context.clientIp ?? null,
    headers,
    pagePath: '/staff/password',
  })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function StaffPasswordRoute() {
  const { changed } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const { t } = useTranslation('account')
  return (
    <ChangePasswordPage
      lastResult={lastResult}
      changed={changed}
      intro={t('password.staffIntro')}
    />
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
