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
import { getOptionalUser } from '#app/auth/session.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { linkClass } from '#app/components/forms.tsx'
import { TokenConfirmPage, TokenResultPage } from '#app/components/profile/token-page.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { confirmEmailVerification, describeEmailVerificationToken } from '#db/customer-contacts.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError } from '#db/errors.ts'

// The token in the link is the authority here, not a session: the link may be opened on another
// device than the one that asked for it. So this route has no customer guard; it only ever acts
// on the account the token was issued for.

const TokenSchema = z.object({ token: z.string().min(1).max(200) })
const DONE = ['sign_in_changed', 'email_verified'] as const

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const [{ user, headers }, t, tCommon] = await Promise.all([
    getOptionalUser(request),
    getFixedT(request, 'profile'),
    getFixedT(request, 'common'),
  ])
  const signedIn = user?.kind === 'customer'
  const done = DONE.find((value) => value === url.searchParams.get('done'))
  if (done) {
    const title =
      done === 'sign_in_changed' ? t('verify.doneSignInTitle') : t('verify.doneEmailTitle')
    return data(
      { title: tCommon('app.pageTitle', { page: title }), state: 'done' as const, done, signedIn },
      { headers },
    )
  }
  const token = url.searchParams.get('token')
  const link = token ? await describeEmailVerificationToken(await getDatabase(), token) : null
  if (!token || !link) {
    return data(
      {
        title: tCommon('app.pageTitle', { page: t('verify.invalidTitle') }),
        state: 'invalid' as const,
        signedIn,
      },
      { headers },
    )
  }
  const title = link.kind === 'sign_in_changed' ? t('verify.signInTitle') : t('verify.emailTitle')
  return data(
    { title: tCommon('app.pageTitle', { page: title }), state: 'confirm' as const, link, token },
    { headers },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = TokenSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return data({ error: 'invalid' as const }, { status: 400 })
  try {
    const outcome = await confirmEmailVerification(await getDatabase(), parsed.data.token)
    if (!outcome) return data({ error: 'invalid' as const }, { status: 400 })
    return redirect(`/profile/email/verify?${new URLSearchParams({ done: outcome.kind })}`)
  } catch (error) {
    if (error instanceof InvalidStateError) {
      return data({ error: 'refused' as const, reason: error.reason }, { status: 409 })
    }
    throw error
  }
}

// The address holds a working link: no browser or proxy cache may keep this page.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function VerifyEmailRoute() {
  const page = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('profile')

  if (page.state === 'invalid' || actionData?.error === 'invalid') {
    return (
      <TokenResultPage title={t('verify.invalidTitle')}>
        <p>{t('verify.invalidBody')}</p>
        <p>
          <Link to="/profile" className={linkClass}>
            {t('verify.toProfile')}
          </Link>
        </p>
      </TokenResultPage>
    )
  }
  if (page.state === 'done') {
    const signInChanged = page.done === 'sign_in_changed'
    return (
      <TokenResultPage
        title={signInChanged ? t('verify.doneSignInTitle') : t('verify.doneEmailTitle')}
      >
        <p role="status">
          {signInChanged ? t('verify.doneSignInBody') : t('verify.doneEmailBody')}
        </p>
        <p>
          <Link to={page.signedIn ? '/profile' : '/login'} className={linkClass}>
            {page.signedIn ? t('verify.toProfile') : t('verify.toSignIn')}
          </Link>
        </p>
      </TokenResultPage>
    )
  }
  const signIn = page.link.kind === 'sign_in_changed'
  return (
    <TokenConfirmPage
      title={signIn ? t('verify.signInTitle') : t('verify.emailTitle')}
      body={
        <p>
          {signIn
            ? t('verify.signInBody', { email: page.link.email })
            : t('verify.emailBody', { email: page.link.email })}
        </p>
      }
      token={page.token}
      submitLabel={t('verify.submit')}
      errors={actionData?.error === 'refused' ? [actionData.reason] : undefined}
    />
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
