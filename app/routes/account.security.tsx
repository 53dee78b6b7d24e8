import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { SecuritySettings } from '#app/auth/two-factor-page.tsx'
import {
  securityAction,
  securityHeaders,
  securityLoader,
} from '#app/auth/two-factor-settings.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'

// Two-step sign-in settings (SecuritySchema; the logic is shared with the other kind's page).

export const headers = securityHeaders

export async function loader({ request }: LoaderFunctionArgs) {
  return securityLoader(request, 'customer')
}

export async function action({ request, context }: ActionFunctionArgs) {
  return securityAction(request, 'customer', context.clientIp ?? null)
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function AccountSecurityRoute() {
  const page = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  return <SecuritySettings page={page} lastResult={lastResult} />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
