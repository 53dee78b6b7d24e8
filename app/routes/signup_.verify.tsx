import {
  type ActionFunctionArgs,
  data,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { startSession } from '#app/auth/session.server.ts'
import { confirmSignUpLink, describeSignUpLink } from '#app/auth/signup.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { linkClass } from '#app/components/forms.tsx'
import { TokenConfirmPage, TokenResultPage } from '#app/components/profile/token-page.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'

// The link in the sign-up mail. The token is the authority, not a session: it may be opened on
// another device than the one that signed up. Opening it only shows a button; the POST verifies
// the address and signs in, so a mail scanner that fetches every link cannot use it up.

const TokenSchema = z.object({ token: z.string().min(1).max(200) })

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get('token')
  const link = token && token.length <= 200 ? await describeSignUpLink(token) : null
  const [t, tCommon] = await Promise.all([getFixedT(request, 'auth'), getFixedT(request, 'common')])
  if (!token || !link) {
    return data(
      {
        title: tCommon('app.pageTitle', { page: t('signUpVerify.invalidTitle') }),
        state: 'invalid' as const,
      },
      { status: 400 },
    )
  }
  return data({
    title: tCommon('app.pageTitle', { page: t('signUpVerify.title') }),
    state: 'confirm' as const,
    maskedEmail: link.maskedEmail,
    token,
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = TokenSchema.safeParse(Object.fromEntries(await request.formData()))
  const accountId = parsed.success ? await confirmSignUpLink(parsed.data.token) : null
  if (!accountId) return data({ error: 'invalid' as const }, { status: 400 })
  const headers = await startSession(request, accountId)
  return redirect('/?welcome=verified', { headers })
}

// The address holds a working link: no browser or proxy cache may keep this page.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function SignUpVerifyRoute() {
  const page = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('auth')
  if (page.state === 'invalid' || actionData?.error === 'invalid') {
    return (
      <TokenResultPage title={t('signUpVerify.invalidTitle')}>
        <p>{t('signUpVerify.invalidBody')}</p>
        <p className="flex flex-wrap gap-4">
          <Link to="/login" className={linkClass}>
            {t('signUpVerify.toSignIn')}
          </Link>
          <Link to="/signup" className={linkClass}>
            {t('signUpVerify.toSignUp')}
          </Link>
        </p>
      </TokenResultPage>
    )
  }
  return (
    <TokenConfirmPage
      title={t('signUpVerify.title')}
      body={<p>{t('signUpVerify.body', { email: page.maskedEmail })}</p>}
      token={page.token}
      submitLabel={t('signUpVerify.submit')}
    />
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
