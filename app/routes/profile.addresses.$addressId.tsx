import { parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import {
  ADDRESS_FIELDS,
  AddressConflict,
  type AddressConflictData,
  AddressForm,
} from '#app/components/profile/address-form.tsx'
import { profileNoticeUrl } from '#app/components/profile/notices.ts'
import { AddressEditSchema } from '#app/components/profile/schemas.ts'
import { getFixedT, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { countryOptions } from '#app/lib/address-rules.ts'
import { orNotFound, requireFound } from '#app/lib/http.server.ts'
import {
  type AddressInput,
  getCustomerAddress,
  updateCustomerAddress,
  type VersionedAddress,
} from '#db/customer-contacts.ts'
import { getDatabase } from '#db/database.ts'
import { VersionConflictError } from '#db/errors.ts'

async function pageData(request: Request) {
  const [locale, t, tCommon] = await Promise.all([
    getRequestLocale(request),
    getFixedT(request, 'profile'),
    getFixedT(request, 'common'),
  ])
  return {
    title: tCommon('app.pageTitle', { page: t('addresses.editTitle') }),
    countries: countryOptions(locale),
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const db = await getDatabase()
  const [address, page] = await Promise.all([
    getCustomerAddress(db, user.customerId, params.addressId ?? '').then(requireFound),
    pageData(request),
  ])
  return data(
    {
      ...page,
      address: {
        id: address.id,
        version: address.version,
        values: {
          label: address.label,
          recipient: address.recipient,
          line1: address.line1,
          line2: address.line2,
          city: address.city,
          region: address.region,
          postalCode: address.postalCode,
          countryCode: address.countryCode,
        },
      },
    },
    { headers },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const addressId = params.addressId ?? ''
  const submission = parseWithZod(await request.formData(), { schema: AddressEditSchema })
  if (submission.status !== 'success') {
    return data({ kind: 'form' as const, result: submission.reply() }, { status: 400, headers })
  }
  const { version, defaultShipping: _s, defaultBilling: _b, ...changes } = submission.value
  try {
    await orNotFound(async () =>
      updateCustomerAddress(await getDatabase(), {
        customerId: user.customerId,
        actor: { kind: 'customer', id: user.id },
        channel: 'portal',
        addressId,
        expectedVersion: version,
        changes,
      }),
    )
  } catch (error) {
    if (error instanceof VersionConflictError) {
      const current = error.current as VersionedAddress
      const conflict: AddressConflictData = {
        mine: changes,
        current,
        fields: ADDRESS_FIELDS.filter(
          (field) => (changes[field] ?? null) !== (current[field as keyof AddressInput] ?? null),
        ),
      }
      return data(
        { kind: 'conflict' as const, conflict, countries: (await pageData(request)).countries },
        { status: 409, headers },
      )
    }
    throw error
  }
  return redirect(profileNoticeUrl('addressUpdated'), { headers })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function EditAddressRoute() {
  const { countries, address } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('profile')
  return (
    <section className="max-w-lg space-y-6">
      <h1 className="text-3xl font-semibold">{t('addresses.editTitle')}</h1>
      {actionData?.kind === 'conflict' ? (
        <AddressConflict
          conflict={actionData.conflict}
          addressId={address.id}
          countries={countries}
        />
      ) : (
        <AddressForm
          key={address.version}
          mode="edit"
          countries={countries}
          defaultValue={address.values}
          version={address.version}
          lastResult={actionData?.kind === 'form' ? actionData.result : null}
        />
      )}
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
