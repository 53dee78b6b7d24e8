import { parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { withPasswordPolicy } from '#app/auth/password-policy.server.ts'
import { hashPassword } from '#app/auth/password.server.ts'
import { passwordFields } from '#app/auth/schemas.ts'
import { getOptionalUser, switchActingOrganisation } from '#app/auth/session.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { type JoinState, JoinView } from '#app/components/organisations/join-page.tsx'
import { JoinNewSchema } from '#app/components/organisations/schemas.ts'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError } from '#db/errors.ts'
import {
  acceptOrganisationInvitation,
  describeOrganisationInvitation,
  type InvitationPreview,
  joinAsNewCustomer,
} from '#db/organisation-invitations.ts'

// The link of an owner's invitation. The token is the authority for a new person (there is no
// account to sign in with yet); an existing account signs in first and comes back here. Opening
// the link only shows the page; joining happens on the POST, so a mail scanner that fetches
// links cannot use them up.

const hideFields = passwordFields

function stateOf(
  preview: InvitationPreview,
  user: { id: string; kind: 'customer' | 'staff' } | null,
): JoinState {
  if (preview.status !== 'usable') return { kind: 'invalid' }
  const invitation = {
    organisation: preview.organisationName,
    role: preview.role,
    email: preview.email,
  }
  if (preview.blocked) return { kind: 'blocked', ...invitation }
  if (user) {
    return preview.account?.accountId === user.id
      ? { kind: 'confirm', ...invitation }
      : { kind: 'wrongAccount', ...invitation }
  }
  return preview.account ? { kind: 'signIn', ...invitation } : { kind: 'create', ...invitation }
}

function tokenOf(request: Request): string {
  return new URL(request.url).searchParams.get('token') ?? ''
}

export async function loader({ request }: LoaderFunctionArgs) {
  const token = tokenOf(request)
  const [{ user, headers }, preview, t, tCommon] = await Promise.all([
    getOptionalUser(request),
    describeOrganisationInvitation(await getDatabase(), token),
    getFixedT(request, 'organisations'),
    getFixedT(request, 'common'),
  ])
  const state = stateOf(preview, user)
  const page =
    state.kind === 'invalid'
      ? t('join.invalidTitle')
      : t('join.title', { organisation: state.organisation })
  return data(
    {
      title: tCommon('app.pageTitle', { page }),
      state,
      token: state.kind === 'invalid' ? '' : token,
    },
    { status: state.kind === 'invalid' ? 400 : 200, headers },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData()
  const db = await getDatabase()

  if (formData.get('intent') === 'join') {
    // Signed out: to the sign-in, which comes back here.
    const { user } = await requireCustomer(request)
    const token = String(formData.get('token') ?? '')
    try {
      const { organisationId } = await acceptOrganisationInvitation(db, {
        token,
        accountId: user.id,
      })
      const headers = await switchActingOrganisation(request, user.id, organisationId)
      return redirect(`/organisations/${organisationId}?notice=joined`, { headers })
    } catch (error) {
      if (!(error instanceof InvalidStateError)) throw error
      return data({ kind: 'refused' as const, reason: error.reason }, { status: 409 })
    }
  }

  const { user } = await getOptionalUser(request)
  const submission = parseWithZod(formData, { schema: withPasswordPolicy(JoinNewSchema) })
  if (submission.status !== 'success') {
    return data(
      { kind: 'form' as const, result: submission.reply({ hideFields }) },
      { status: 400 },
    )
  }
  if (user) {
    // Someone signed in meanwhile: they join as themselves, from the page as it is now.
    return redirect(`/organisations/join?${new URLSearchParams({ token: submission.value.token })}`)
  }
  // Hashed before the transaction opens, so it does not hold a connection for the hashing.
  const passwordHash = await hashPassword(submission.value.password)
  try {
    const joined = await joinAsNewCustomer(db, {
      token: submission.value.token,
      givenName: submission.value.givenName,
      familyName: submission.value.familyName,
      passwordHash,
    })
    const headers = await switchActingOrganisation(request, joined.accountId, joined.organisationId)
    return redirect(`/organisations/${joined.organisationId}?notice=joined`, { headers })
  } catch (error) {
    if (!(error instanceof InvalidStateError)) throw error
    // ACCOUNT_EXISTS: someone opened an account with the address meanwhile; they sign in.
    return data({ kind: 'refused' as const, reason: error.reason }, { status: 409 })
  }
}

// The address holds a working invitation: no browser or proxy cache may keep this page.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function OrganisationJoinRoute() {
  const { state, token } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return (
    <JoinView
      state={state}
      token={token}
      refused={actionData?.kind === 'refused' ? actionData.reason : null}
      lastResult={actionData?.kind === 'form' ? actionData.result : null}
    />
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
