import { parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { withPasswordPolicy } from '#app/auth/password-policy.server.ts'
import { hashPassword } from '#app/auth/password.server.ts'
import { passwordFields, tokenPasswordSchema } from '#app/auth/schemas.ts'
import { SetPasswordForm } from '#app/auth/set-password-form.tsx'
import { finishFirstFactor } from '#app/auth/two-factor-sign-in.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { linkClass } from '#app/components/forms.tsx'
import { TokenResultPage } from '#app/components/profile/token-page.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { getDatabase } from '#db/database.ts'
import { claimStaffInvitation, describeStaffInvitation } from '#db/staff-admin.ts'

// A new staff member's invitation link: the token is the authority (there is no password to sign
// in with yet), so this page has no staff guard. Opening the link only shows the form; the
// password is set by the POST, for the account the token was issued for.

const ClaimSchema = tokenPasswordSchema('auth:errors.linkInvalid')
const hideFields = passwordFields

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get('token')
  const preview =
    token && token.length <= 200
      ? await describeStaffInvitation(await getDatabase(), token)
      : ({ status: 'invalid' } as const)
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'admin'),
    getFixedT(request, 'common'),
  ])
  const page = preview.status === 'usable' ? t('claim.title') : t('claim.invalidTitle')
  return data(
    {
      title: tCommon('app.pageTitle', { page }),
      preview,
      token: preview.status === 'usable' ? token : null,
    },
    { status: preview.status === 'usable' ? 200 : 400 },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const submission = parseWithZod(await request.formData(), {
    schema: withPasswordPolicy(ClaimSchema),
  })
  if (submission.status !== 'success') {
    return data({ result: submission.reply({ hideFields }), refused: false }, { status: 400 })
  }
  // Hashed before the transaction opens, so it does not hold a connection for the hashing.
  const passwordHash = await hashPassword(submission.value.password)
  const outcome = await claimStaffInvitation(await getDatabase(), {
    token: submission.value.token,
    passwordHash,
  })
  if (outcome.status !== 'claimed') {
    return data({ result: submission.reply({ hideFields }), refused: true }, { status: 400 })
  }
  // No session yet: staff set up the second sign-in step (2FA, required for staff) first.
  return finishFirstFactor(request, {
    accountId: outcome.accountId,
    kind: 'staff',
    flow: 'password',
    redirectTo: '/staff?welcome=claimed',
  })
}

// The address holds a working invitation: no browser or proxy cache may keep this page.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function StaffClaimRoute() {
  const { preview, token } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  if (actionData?.refused || preview.status !== 'usable' || !token) return <LinkNotUsable />
  return <ClaimForm token={token} email={preview.email} name={preview.displayName} />
}

function LinkNotUsable() {
  const { t } = useTranslation('admin')
  return (
    <TokenResultPage title={t('claim.invalidTitle')}>
      <p>{t('claim.invalidBody')}</p>
      <p>
        <Link to="/staff/login" className={linkClass}>
          {t('claim.toSignIn')}
        </Link>
      </p>
    </TokenResultPage>
  )
}

function ClaimForm({ token, email, name }: { token: string; email: string; name: string }) {
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('admin')

  return (
    <section className="mx-auto max-w-md space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('claim.title')}</h1>
        <p className="text-slate-700">{t('claim.intro', { name })}</p>
      </header>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded border border-slate-200 bg-white p-4">
        <dt className="font-medium">{t('claim.email')}</dt>
        <dd>{email}</dd>
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
