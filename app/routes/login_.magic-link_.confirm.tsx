import {
  type ActionFunctionArgs,
  data,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import {
  MAGIC_LINK_TTL_MINUTES,
  previewMagicLink,
  redeemMagicLink,
} from '#app/auth/magic-link.server.ts'
import { finishFirstFactor } from '#app/auth/two-factor-sign-in.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { linkClass } from '#app/components/forms.tsx'
import { TokenConfirmPage, TokenResultPage } from '#app/components/profile/token-page.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'

// The link in the sign-in mail. Opening it only shows a button: a mail scanner that fetches
// every link must not use it up (nor get a session). The POST uses the token up and starts a
// new session, whatever session this browser had before (after the code, for 2FA accounts).

const TokenSchema = z.object({ token: z.string().min(1).max(200) })

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get('token')
  const link = token && token.length <= 200 ? await previewMagicLink(token) : null
  const [t, tCommon] = await Promise.all([getFixedT(request, 'auth'), getFixedT(request, 'common')])
  if (!token || !link) {
    return data(
      {
        title: tCommon('app.pageTitle', { page: t('magicLink.invalidTitle') }),
        state: 'invalid' as const,
        ttlMinutes: MAGIC_LINK_TTL_MINUTES,
      },
      { status: 400 },
    )
  }
  return data({
    title: tCommon('app.pageTitle', { page: t('magicLink.confirmTitle') }),
    state: 'confirm' as const,
    maskedEmail: link.maskedEmail,
    token,
    ttlMinutes: MAGIC_LINK_TTL_MINUTES,
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const parsed = TokenSchema.safeParse(Object.fromEntries(await request.formData()))
  const accountId = parsed.success ? await redeemMagicLink(parsed.data.token) : null
  if (!accountId) return data({ error: 'invalid' as const }, { status: 400 })
  // A customer with 2FA still gives a code before the session starts.
  return finishFirstFactor(request, {
    accountId,
    kind: 'customer',
    flow: 'magic_link',
    redirectTo: null,
  })
}

// The address holds a working sign-in link: no browser or proxy cache may keep this page.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function MagicLinkConfirmRoute() {
  const page = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('auth')
  if (page.state === 'invalid' || actionData?.error === 'invalid') {
    return (
      <TokenResultPage title={t('magicLink.invalidTitle')}>
        <p>{t('magicLink.invalidBody', { minutes: page.ttlMinutes })}</p>
        <p>
          <Link to="/login/magic-link" className={linkClass}>
            {t('magicLink.requestNew')}
          </Link>
        </p>
      </TokenResultPage>
    )
  }
  return (
    <TokenConfirmPage
      title={t('magicLink.confirmTitle')}
      body={<p>{t('magicLink.confirmBody', { email: page.maskedEmail })}</p>}
      token={page.token}
      submitLabel={t('magicLink.confirmSubmit')}
    />
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
