import { parseWithZod } from '@conform-to/zod'
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
import { claimWithPassword, previewClaim } from '#app/auth/invitation.server.ts'
import { withPasswordPolicy } from '#app/auth/password-policy.server.ts'
import { passwordFields, tokenPasswordSchema } from '#app/auth/schemas.ts'
import { SetPasswordForm } from '#app/auth/set-password-form.tsx'
import { startSession } from '#app/auth/session.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { linkClass } from '#app/components/forms.tsx'
import { TokenResultPage } from '#app/components/profile/token-page.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'

// The invitation link to open the account of a record that staff or an integration created.
// The token is the authority: there is no account to sign in with yet. Opening the link only
// shows the form; the account is opened by the POST, for the record the token was issued for.

const ClaimSchema = tokenPasswordSchema('auth:errors.linkInvalid')
const hideFields = passwordFields

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get('token')
  const preview =
    token && token.length <= 200 ? await previewClaim(token) : ({ status: 'invalid' } as const)
  const [t, tCommon] = await Promise.all([getFixedT(request, 'auth'), getFixedT(request, 'common')])
  const titles = {
    usable: t('claim.title'),
    has_account: t('claim.hasAccountTitle'),
    invalid: t('claim.invalidTitle'),
  }
  return data(
    {
      title: tCommon('app.pageTitle', { page: titles[preview.status] }),
      preview,
      token: preview.status === 'usable' ? token : null,
    },
    { status: preview.status === 'usable' ? 200 : preview.status === 'invalid' ? 400 : 409 },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), {
    schema: withPasswordPolicy(ClaimSchema),
  })
  if (submission.status !== 'success') {
    return data({ result: submission.reply({ hideFields }), refused: null }, { status: 400 })
  }
  const outcome = await claimWithPassword(submission.value.token, submission.value.password)
  if (outcome.status !== 'claimed') {
    return data(
      { result: submission.reply({ hideFields }), refused: outcome.status },
      { status: outcome.status === 'invalid' ? 400 : 409 },
    )
  }
  const headers = await startSession(request, outcome.accountId)
  return redirect('/?welcome=claimed', { headers })
}

// The address holds a working invitation: no browser or proxy cache may keep this page.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function ClaimRoute() {
  const { preview, token } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const refused = actionData?.refused ?? null
  if (refused === 'has_account' || preview.status === 'has_account') return <HasAccount />
  if (refused === 'invalid' || preview.status !== 'usable' || !token) return <LinkNotUsable />
  return (
    <ClaimForm
      token={token}
      maskedEmail={preview.maskedEmail}
      customerNumber={preview.customerNumber}
    />
  )
}

function HasAccount() {
  const { t } = useTranslation('auth')
  return (
    <TokenResultPage title={t('claim.hasAccountTitle')}>
      <p>{t('claim.hasAccountBody')}</p>
      <p className="flex flex-wrap gap-4">
        <Link to="/login" className={linkClass}>
          {t('claim.toSignIn')}
        </Link>
        <Link to="/forgot-password" className={linkClass}>
          {t('claim.forgotPassword')}
        </Link>
      </p>
    </TokenResultPage>
  )
}

function LinkNotUsable() {
  const { t } = useTranslation('auth')
  return (
    <TokenResultPage title={t('claim.invalidTitle')}>
      <p>{t('claim.invalidBody')}</p>
      <p>
        <Link to="/login" className={linkClass}>
          {t('claim.toSignIn')}
        </Link>
      </p>
    </TokenResultPage>
  )
}

function ClaimForm({
  token,
  maskedEmail,
  customerNumber,
}: {
  token: string
  maskedEmail: string
  customerNumber: string
}) {
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('auth')

  return (
    <section className="mx-auto max-w-md space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('claim.title')}</h1>
        <p className="text-slate-700">{t('claim.intro')}</p>
      </header>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded border border-slate-200 bg-white p-4">
        <dt className="font-medium">{t('claim.email')}</dt>
        <dd>{maskedEmail}</dd>
        <dt className="font-medium">{t('claim.customerNumber')}</dt>
        <dd>{customerNumber}</dd>
      </dl>
      <SetPasswordForm
        token={token}
        lastResult={actionData?.result}
        texts={{
          password: t('claim.password'),
          passwordHint: t('claim.passwordHint'),
          confirm: t('claim.confirm'),
          submit: t('claim.submit'),
        }}
      />
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
