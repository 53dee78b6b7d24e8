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
import { AddressForm } from '#app/components/profile/address-form.tsx'
import { profileNoticeUrl } from '#app/components/profile/notices.ts'
import { AddressSchema } from '#app/components/profile/schemas.ts'
import { getFixedT, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { countryOptions } from '#app/lib/address-rules.ts'
import { addCustomerAddress, getHomeCountry } from '#db/customer-contacts.ts'
import { getDatabase } from '#db/database.ts'

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const db = await getDatabase()
  const [country, locale, t, tCommon] = await Promise.all([
    getHomeCountry(db, user.customerId),
    getRequestLocale(request),
    getFixedT(request, 'profile'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('addresses.addTitle') }),
      countries: countryOptions(locale),
      country,
    },
    { headers },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const submission = parseWithZod(await request.formData(), { schema: AddressSchema })
  if (submission.status !== 'success') {
    return data(submission.reply(), { status: 400, headers })
  }
  const { defaultShipping, defaultBilling, ...address } = submission.value
  await addCustomerAddress(await getDatabase(), {
    customerId: user.customerId,
    actor: { kind: 'customer', id: user.id },
    channel: 'portal',
    address,
    defaultShipping,
    defaultBilling,
  })
  return redirect(profileNoticeUrl('addressAdded'), { headers })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function NewAddressRoute() {
  const { countries, country } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const { t } = useTranslation('profile')
  return (
    <section className="max-w-lg space-y-6">
      <h1 className="text-3xl font-semibold">{t('addresses.addTitle')}</h1>
      <AddressForm
        mode="add"
        countries={countries}
        defaultValue={{ countryCode: country ?? '' }}
        lastResult={lastResult}
      />
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
