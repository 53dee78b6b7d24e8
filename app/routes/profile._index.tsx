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
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ProfilePageView } from '#app/components/profile/profile-page.tsx'
import { type ItemError, type ItemIntent } from '#app/components/profile/contact-lists.tsx'
import {
  type DetailsConflictData,
  type DetailsField,
} from '#app/components/profile/details-form.tsx'
import { sendEmailVerification } from '#app/components/profile/profile-mail.server.ts'
import { type ProfileNotice, profileNoticeUrl } from '#app/components/profile/notices.ts'
import { detailsSchema } from '#app/components/profile/schemas.ts'
import { getFixedT, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { orNotFound } from '#app/lib/http.server.ts'
import { profilePageData, selectableTimeZones } from '#app/lib/portal-pages.server.ts'
import {
  createEmailVerificationToken,
  removeCustomerAddress,
  removeCustomerEmail,
  removeCustomerPhone,
  setDefaultAddress,
  setPrimaryEmail,
  setPrimaryPhone,
} from '#db/customer-contacts.ts'
import { type ProfileDetails, updateProfileDetails } from '#db/customers.ts'
import { type Database, getDatabase } from '#db/database.ts'
import { InvalidStateError, VersionConflictError } from '#db/errors.ts'
import type { Actor } from '#db/history.ts'

const ItemActionSchema = z.object({
  intent: z.enum([
    'email-primary',
    'email-remove',
    'email-resend',
    'phone-primary',
    'phone-remove',
    'address-default-shipping',
    'address-default-billing',
    'address-remove',
  ]),
  id: z.string().max(100),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const db = await getDatabase()
  const [locale, t, tCommon] = await Promise.all([
    getRequestLocale(request),
    getFixedT(request, 'profile'),
    getFixedT(request, 'common'),
  ])
  // The same function the staff "view as customer" page calls.
  const page = await profilePageData(db, user.customerId, {
    locale,
    params: new URL(request.url).searchParams,
  })
  return data({ title: tCommon('app.pageTitle', { page: t('title') }), ...page }, { headers })
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const formData = await request.formData()
  const actor: Actor = { kind: 'customer', id: user.id }
  const db = await getDatabase()

  if (formData.get('intent') === 'details') {
    const zones = new Set(selectableTimeZones(user.timeZone))
    const schema = detailsSchema((zone) => zones.has(zone))
    const submission = parseWithZod(formData, { schema })
    if (submission.status !== 'success') {
      return data(
        { kind: 'details' as const, result: submission.reply() },
        { status: 400, headers },
      )
    }
    const { version, legalNameEditable, legalName, intent: _intent, ...values } = submission.value
    const changes: Partial<ProfileDetails> = legalNameEditable ? { ...values, legalName } : values
    try {
      await orNotFound(() =>
        updateProfileDetails(db, {
          customerId: user.customerId,
          expectedVersion: version,
          changes,
          actor,
          channel: 'portal',
        }),
      )
    } catch (error) {
      if (error instanceof VersionConflictError) {
        const current = error.current as ProfileDetails & { version: number }
        const conflict: DetailsConflictData = {
          mine: changes,
          current,
          fields: (Object.keys(changes) as DetailsField[]).filter(
            (field) => (changes[field] ?? null) !== (current[field] ?? null),
          ),
        }
        return data({ kind: 'conflict' as const, conflict }, { status: 409, headers })
      }
      if (error instanceof InvalidStateError) {
        return data(
          { kind: 'details' as const, result: submission.reply({ formErrors: [error.reason] }) },
          { status: 409, headers },
        )
      }
      throw error
    }
    return redirect(profileNoticeUrl('detailsSaved'), { headers })
  }

  const parsed = ItemActionSchema.safeParse(Object.fromEntries(formData))
  if (!parsed.success) {
    return data({ kind: 'invalid' as const }, { status: 400, headers })
  }
  const { intent, id } = parsed.data
  try {
    const notice = await orNotFound(() => runItemAction(intent, id, { user, actor, db }))
    return redirect(profileNoticeUrl(notice), { headers })
  } catch (error) {
    if (error instanceof InvalidStateError) {
      const itemError: ItemError = { intent, id, error: error.reason }
      return data({ kind: 'item' as const, itemError }, { status: 409, headers })
    }
    throw error
  }
}

/** One button of the email, phone and address lists; the notice says what was done. */
async function runItemAction(
  intent: ItemIntent,
  id: string,
  context: { user: CustomerUser; actor: Actor; db: Database },
): Promise<ProfileNotice> {
  const { user, actor, db } = context
  const change = { customerId: user.customerId, actor, channel: 'portal' as const }
  switch (intent) {
    case 'email-primary':
      await setPrimaryEmail(db, { ...change, emailId: id })
      return 'emailPrimary'
    case 'email-remove':
      await removeCustomerEmail(db, { ...change, emailId: id })
      return 'emailRemoved'
    case 'email-resend': {
      const link = await createEmailVerificationToken(db, {
        customerId: user.customerId,
        accountId: user.id,
        emailId: id,
      })
      const sent = await sendEmailVerification({
        to: link.email,
        token: link.token,
        language: user.language,
      })
      if (!sent) throw new InvalidStateError('profile:errors.mailNotSent')
      return 'emailLinkSent'
    }
    case 'phone-primary':
      await setPrimaryPhone(db, { ...change, phoneId: id })
      return 'phonePrimary'
    case 'phone-remove':
      await removeCustomerPhone(db, { ...change, phoneId: id })
      return 'phoneRemoved'
    case 'address-default-shipping':
      await setDefaultAddress(db, { ...change, addressId: id, use: 'shipping' })
      return 'addressDefaultShipping'
    case 'address-default-billing':
      await setDefaultAddress(db, { ...change, addressId: id, use: 'billing' })
      return 'addressDefaultBilling'
    case 'address-remove':
      await removeCustomerAddress(db, { ...change, addressId: id })
      return 'addressRemoved'
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function ProfileRoute() {
  return (
    <ProfilePageView
      page={useLoaderData<typeof loader>()}
      actionData={useActionData<typeof action>()}
    />
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
