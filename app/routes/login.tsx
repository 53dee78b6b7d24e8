import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { rateLimitHeaders } from '#app/auth/rate-limit.server.ts'
import { SignInPage } from '#app/auth/sign-in-page.tsx'
import { signInAction, signInLoader } from '#app/auth/sign-in.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'

// The schema (SignInSchema) and the logic are shared with /staff/login, which differs only in
// the kind of account it accepts.

// Carries Retry-After from a limited sign-in to the client.
export const headers = rateLimitHeaders

export async function loader({ request }: LoaderFunctionArgs) {
  return signInLoader(request, 'customer')
}

export async function action({ request, context }: ActionFunctionArgs) {
  return signInAction(request, 'customer', context.clientIp ?? null)
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function LoginRoute() {
  return <SignInPage kind="customer" />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
