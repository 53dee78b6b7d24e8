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
import { endSession, getOptionalUser } from '#app/auth/session.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { linkClass } from '#app/components/forms.tsx'
import { TokenConfirmPage, TokenResultPage } from '#app/components/profile/token-page.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { describeUndoToken, undoSignInEmailChange } from '#db/customer-contacts.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError } from '#db/errors.ts'

// Sent to the old address when the sign-in address changes. Whoever changed it may be signed in
// and the owner may not be able to sign in any more, so the token alone is the authority here:
// no customer guard, and it only ever acts on the account the token was issued for.

const TokenSchema = z.object({ token: z.string().min(1).max(200) })

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'profile'),
    getFixedT(request, 'common'),
  ])
  if (url.searchParams.get('done') === '1') {
    return data({
      title: tCommon('app.pageTitle', { page: t('undo.doneTitle') }),
      state: 'done' as const,
    })
  }
  const token = url.searchParams.get('token')
  const link = token ? await describeUndoToken(await getDatabase(), token) : null
  if (!token || !link) {
    return data({
      title: tCommon('app.pageTitle', { page: t('undo.invalidTitle') }),
      state: 'invalid' as const,
    })
  }
  return data({
    title: tCommon('app.pageTitle', { page: t('undo.title') }),
    state: 'confirm' as const,
    previousEmail: link.previousEmail,
    token,
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = TokenSchema.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return data({ error: 'invalid' as const }, { status: 400 })
  let accountId: string
  try {
    const outcome = await undoSignInEmailChange(await getDatabase(), parsed.data.token)
    if (!outcome) return data({ error: 'invalid' as const }, { status: 400 })
    accountId = outcome.accountId
  } catch (error) {
    if (error instanceof InvalidStateError) {
      return data({ error: 'refused' as const, reason: error.reason }, { status: 409 })
    }
    throw error
  }
  // Every session of the account has ended; this browser's cookie goes too when it was one of
  // them. Someone else signed in here (the link was forwarded) stays signed in.
  const { user } = await getOptionalUser(request)
  const headers = user && user.id !== accountId ? undefined : await endSession(request)
  return redirect('/profile/email/undo?done=1', { headers })
}

// The address holds a working link: no browser or proxy cache may keep this page.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function UndoSignInChangeRoute() {
  const page = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('profile')

  if (page.state === 'invalid' || actionData?.error === 'invalid') {
    return (
      <TokenResultPage title={t('undo.invalidTitle')}>
        <p>{t('undo.invalidBody')}</p>
        <p>
          <Link to="/forgot-password" className={linkClass}>
            {t('undo.resetPassword')}
          </Link>
        </p>
      </TokenResultPage>
    )
  }
  if (page.state === 'done') {
    return (
      <TokenResultPage title={t('undo.doneTitle')}>
        <p role="status">{t('undo.doneBody')}</p>
        <p>{t('undo.doneAdvice')}</p>
        <p className="flex flex-wrap gap-4">
          <Link to="/forgot-password" className={linkClass}>
            {t('undo.resetPassword')}
          </Link>
          <Link to="/login" className={linkClass}>
            {t('undo.toSignIn')}
          </Link>
        </p>
      </TokenResultPage>
    )
  }
  return (
    <TokenConfirmPage
      title={t('undo.title')}
      body={<p>{t('undo.body', { email: page.previousEmail })}</p>}
      token={page.token}
      submitLabel={t('undo.submit')}
      errors={actionData?.error === 'refused' ? [actionData.reason] : undefined}
    />
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
