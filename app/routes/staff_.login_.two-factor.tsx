import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { TwoFactorPage } from '#app/auth/two-factor-page.tsx'
import {
  twoFactorAction,
  twoFactorHeaders,
  twoFactorLoader,
} from '#app/auth/two-factor-sign-in.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'

// The second step of signing in (the schema, ChallengeSchema, and the logic are shared with the
// other sign-in's code page). Only reachable with the cookie the first step set.

export const headers = twoFactorHeaders

export async function loader({ request }: LoaderFunctionArgs) {
  return twoFactorLoader(request, 'staff')
}

export async function action({ request, context }: ActionFunctionArgs) {
  return twoFactorAction(request, 'staff', context.clientIp ?? null)
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function StaffLoginTwoFactorRoute() {
  return <TwoFactorPage />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
