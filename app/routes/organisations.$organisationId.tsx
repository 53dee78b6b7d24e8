import { parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { type CustomerUser, requireCustomer } from '#app/auth/guards.server.ts'
import { switchActingOrganisation } from '#app/auth/session.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import {
  ORGANISATION_NOTICES,
  type OrganisationNotice,
  OrganisationPageView,
} from '#app/components/organisations/organisation-page.tsx'
import {
  AddressAddSchema,
  AddressEditSchema,
  AddressRemoveSchema,
  ChangeRoleSchema,
  DefaultVisibilitySchema,
  InviteSchema,
  OrganisationDetailsSchema,
  RemoveSchema,
  RevokeSchema,
} from '#app/components/organisations/schemas.ts'
import { getFixedT, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { countryOptions } from '#app/lib/address-rules.ts'
import { forbidden, notFound, orNotFound, requireFound } from '#app/lib/http.server.ts'
import { mailOrganisationInvitation } from '#app/mail/organisation-invitation.server.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError, VersionConflictError } from '#db/errors.ts'
import type { Actor } from '#db/history.ts'
import {
  ALREADY_MEMBER,
  createOrganisationInvitation,
  revokeOrganisationInvitation,
} from '#db/organisation-invitations.ts'
import {
  addOrganisationAddress,
  changeMemberRole,
  endMembership,
  getOrganisationOverview,
  type OrganisationAddress,
  type OrganisationDetails,
  removeOrganisationAddress,
  updateOrganisationAddress,
  setDefaultVisibility,
  updateOrganisationDetails,
  type VersionedOrganisationDetails,
} from '#db/organisations.ts'

// An organisation's page, for the people acting for it: its details, addresses and people.
// Owners also change the details, the default visibility and the people, and invite colleagues.
// Any other organisation (or none acted for) answers 404, like an unknown id; an owner's
// action posted by someone else of the organisation answers 403.

const NoticeSchema = z.enum(ORGANISATION_NOTICES).optional().catch(undefined)

/** The signed-in person acting for this organisation, or the 404 of an unknown one. */
function actingMember(user: CustomerUser, organisationId: string | undefined) {
  const acting = user.actingFor
  if (!acting || !organisationId || acting.id !== organisationId) throw notFound()
  return acting
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const acting = actingMember(user, params.organisationId)
  const db = await getDatabase()
  const [organisation, locale, tCommon] = await Promise.all([
    getOrganisationOverview(db, acting.id),
    getRequestLocale(request),
    getFixedT(request, 'common'),
  ])
  const found = requireFound(organisation)
  const isOwner = acting.role === 'owner'
  return data(
    {
      title: tCommon('app.pageTitle', { page: found.name }),
      organisation: { ...found, invitations: isOwner ? found.invitations : [] },
      role: acting.role,
      isOwner,
      me: user.customerId,
      locale,
      countries: isOwner ? countryOptions(locale) : [],
      notice: NoticeSchema.parse(new URL(request.url).searchParams.get('notice') ?? undefined),
    },
    { headers },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const acting = actingMember(user, params.organisationId)
  const organisationId = acting.id
  const formData = await request.formData()
  const intent = formData.get('intent')
  const actor: Actor = { kind: 'customer', id: user.id }
  const change = { organisationId, actor, channel: 'portal' as const }
  const db = await getDatabase()
  const back = (notice: OrganisationNotice) =>
    redirect(`/organisations/${organisationId}?${new URLSearchParams({ notice })}`, { headers })

  // Any member may leave; the rest is for owners only.
  if (intent === 'leave') {
    try {
      await endMembership(db, {
        ...change,
        customerId: user.customerId,
        action: 'member_left',
      })
    } catch (error) {
      if (error instanceof InvalidStateError) {
        return data({ kind: 'leave' as const, error: error.reason }, { status: 409, headers })
      }
      throw error
    }
    // This browser's session acted for the organisation and has ended: a new one, for themselves.
    return redirect('/', { headers: await switchActingOrganisation(request, user.id, null) })
  }
  if (acting.role !== 'owner') throw forbidden(headers)

  switch (intent) {
    case 'details': {
      const submission = parseWithZod(formData, { schema: OrganisationDetailsSchema })
      if (submission.status !== 'success') {
        return data(
          { kind: 'details' as const, result: submission.reply() },
          { status: 400, headers },
        )
      }
      const { version, intent: _intent, ...changes } = submission.value
      try {
        await orNotFound(() =>
          updateOrganisationDetails(db, { ...change, expectedVersion: version, changes }),
        )
      } catch (error) {
        if (error instanceof VersionConflictError) {
          const current = error.current as VersionedOrganisationDetails
          const fields = (Object.keys(changes) as (keyof OrganisationDetails)[]).filter(
            (field) => (changes[field] ?? null) !== (current[field] ?? null),
          )
          return data(
            { kind: 'conflict' as const, conflict: { mine: changes, current, fields } },
            { status: 409, headers },
          )
        }
        throw error
      }
      return back('detailsSaved')
    }
    case 'visibility': {
      const submission = parseWithZod(formData, { schema: DefaultVisibilitySchema })
      if (submission.status !== 'success') {
        return data(
          { kind: 'visibility' as const, result: submission.reply() },
          { status: 400, headers },
        )
      }
      await orNotFound(() =>
        setDefaultVisibility(db, { ...change, visibility: submission.value.visibility }),
      )
      return back('visibilitySaved')
    }
    case 'invite': {
      const submission = parseWithZod(formData, { schema: InviteSchema })
      if (submission.status !== 'success') {
        return data(
          { kind: 'invite' as const, result: submission.reply() },
          { status: 400, headers },
        )
      }
      const { email, role, language } = submission.value
      try {
        const invitation = await orNotFound(() =>
          createOrganisationInvitation(db, {
            ...change,
            email,
            role,
            language,
            invitedBy: user.id,
          }),
        )
        await mailOrganisationInvitation(invitation)
      } catch (error) {
        if (error instanceof InvalidStateError && error.reason === ALREADY_MEMBER) {
          return data(
            {
              kind: 'invite' as const,
              result: submission.reply({ fieldErrors: { email: [ALREADY_MEMBER] } }),
            },
            { status: 409, headers },
          )
        }
        throw error
      }
      return back('invited')
    }
    case 'revoke': {
      const parsed = RevokeSchema.safeParse(Object.fromEntries(formData))
      if (!parsed.success) throw notFound()
      await orNotFound(() =>
        revokeOrganisationInvitation(db, { ...change, invitationId: parsed.data.invitationId }),
      )
      return back('revoked')
    }
    case 'role': {
      const parsed = ChangeRoleSchema.safeParse(Object.fromEntries(formData))
      if (!parsed.success) {
        return data(
          { kind: 'member' as const, error: 'organisations:errors.roleInvalid' },
          {
            status: 400,
            headers,
          },
        )
      }
      try {
        await orNotFound(() =>
          changeMemberRole(db, {
            ...change,
            customerId: parsed.data.customerId,
            role: parsed.data.role,
          }),
        )
      } catch (error) {
        if (error instanceof InvalidStateError) {
          return data({ kind: 'member' as const, error: error.reason }, { status: 409, headers })
        }
        throw error
      }
      // Demoting oneself: this session's role is read again on the next request.
      return back('roleChanged')
    }
    case 'remove': {
      const parsed = RemoveSchema.safeParse(Object.fromEntries(formData))
      if (!parsed.success) throw notFound()
      const self = parsed.data.customerId === user.customerId
      try {
        await orNotFound(() =>
          endMembership(db, {
            ...change,
            customerId: parsed.data.customerId,
            action: self ? 'member_left' : 'member_removed',
          }),
        )
      } catch (error) {
        if (error instanceof InvalidStateError) {
          return data({ kind: 'member' as const, error: error.reason }, { status: 409, headers })
        }
        throw error
      }
      if (self) {
        return redirect('/', { headers: await switchActingOrganisation(request, user.id, null) })
      }
      return back('removed')
    }
    case 'address-add': {
      const submission = parseWithZod(formData, { schema: AddressAddSchema })
      if (submission.status !== 'success') {
        return data(
          { kind: 'address-add' as const, result: submission.reply() },
          { status: 400, headers },
        )
      }
      const { intent: _intent, ...address } = submission.value
      await orNotFound(() => addOrganisationAddress(db, { ...change, address }))
      return back('addressAdded')
    }
    case 'address-edit': {
      const submission = parseWithZod(formData, { schema: AddressEditSchema })
      if (submission.status !== 'success') {
        const addressId = formData.get('addressId')
        return data(
          {
            kind: 'address-edit' as const,
            addressId: typeof addressId === 'string' ? addressId : null,
            result: submission.reply(),
          },
          { status: 400, headers },
        )
      }
      const { intent: _intent, addressId, version, ...changes } = submission.value
      try {
        await orNotFound(() =>
          updateOrganisationAddress(db, {
            ...change,
            addressId,
            expectedVersion: version,
            changes,
          }),
        )
      } catch (error) {
        if (error instanceof VersionConflictError) {
          const current = error.current as OrganisationAddress
          return data(
            {
              kind: 'address-conflict' as const,
              addressId,
              mine: { ...changes, version },
              current,
            },
            { status: 409, headers },
          )
        }
        throw error
      }
      return back('addressSaved')
    }
    case 'address-remove': {
      const parsed = AddressRemoveSchema.safeParse(Object.fromEntries(formData))
      if (!parsed.success) throw notFound()
      await orNotFound(() =>
        removeOrganisationAddress(db, { ...change, addressId: parsed.data.addressId }),
      )
      return back('addressRemoved')
    }
    default:
      return data({ kind: 'invalid' as const }, { status: 400, headers })
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function OrganisationRoute() {
  return (
    <OrganisationPageView
      page={useLoaderData<typeof loader>()}
      actionData={useActionData<typeof action>()}
    />
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
