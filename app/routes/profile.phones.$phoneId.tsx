import { parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { useActionData, useLoaderData } from '@remix-run/react'
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { useTranslation } from 'react-i18next'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { profileNoticeUrl } from '#app/components/profile/notices.ts'
import { phoneCountryOptions } from '#app/components/profile/options.server.ts'
import { PhoneForm } from '#app/components/profile/phone-form.tsx'
import { PhoneSchema } from '#app/components/profile/phone-schema.ts'
import { getFixedT, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { orNotFound, requireFound } from '#app/lib/http.server.ts'
import { getCustomerPhone, updateCustomerPhone } from '#db/customer-contacts.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError } from '#db/errors.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const db = await getDatabase()
  const [phone, locale, t, tCommon] = await Promise.all([
    getCustomerPhone(db, user.customerId, params.phoneId ?? '').then(requireFound),
    getRequestLocale(request),
    getFixedT(request, 'profile'),
    getFixedT(request, 'common'),
  ])
  const parsed = parsePhoneNumberFromString(phone.e164)
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('phones.editTitle') }),
      countries: phoneCountryOptions(locale),
      phone: {
        country: parsed?.country ?? null,
        number: parsed?.country ? parsed.formatNational() : phone.e164,
        kind: phone.kind,
      },
    },
    { headers },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const submission = parseWithZod(await request.formData(), { schema: PhoneSchema })
  if (submission.status !== 'success') {
    return data(submission.reply(), { status: 400, headers })
  }
  const { e164, kind } = submission.value
  try {
    await orNotFound(async () =>
      updateCustomerPhone(await getDatabase(), {
        customerId: user.customerId,
        actor: { kind: 'customer', id: user.id },
        channel: 'portal',
        phoneId: params.phoneId ?? '',
        e164,
        kind,
      }),
    )
  } catch (error) {
    if (error instanceof InvalidStateError) {
      return data(submission.reply({ fieldErrors: { number: [error.reason] } }), {
        status: 409,
        headers,
      })
    }
    throw error
  }
  return redirect(profileNoticeUrl('phoneUpdated'), { headers })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function EditPhoneRoute() {
  const { countries, phone } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const { t } = useTranslation('profile')
  return (
    <section className="max-w-lg space-y-6">
      <h1 className="text-3xl font-semibold">{t('phones.editTitle')}</h1>
      <PhoneForm mode="edit" countries={countries} defaultValue={phone} lastResult={lastResult} />
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
