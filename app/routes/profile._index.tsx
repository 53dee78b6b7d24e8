import { parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { type CustomerUser, requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { linkClass, Notice } from '#app/components/forms.tsx'
import {
  AddLink,
  AddressList,
  EmailList,
  type ItemError,
  type ItemIntent,
  PhoneList,
} from '#app/components/profile/contact-lists.tsx'
import {
  DetailsConflict,
  type DetailsConflictData,
  type DetailsField,
  DetailsForm,
} from '#app/components/profile/details-form.tsx'
import { sendEmailVerification } from '#app/components/profile/profile-mail.server.ts'
import {
  PROFILE_NOTICES,
  type ProfileNotice,
  profileNoticeUrl,
} from '#app/components/profile/notices.ts'
import { detailsSchema, serverTimeZones } from '#app/components/profile/schemas.ts'
import { getFixedT, remixI18next } from '#app/i18n/i18next.server.ts'
import { addressLines, countryName } from '#app/lib/address-rules.ts'
import { useFormat } from '#app/lib/use-format.ts'
import { orNotFound, requireFound } from '#app/lib/http.server.ts'
import {
  createEmailVerificationToken,
  removeCustomerAddress,
  removeCustomerEmail,
  removeCustomerPhone,
  setDefaultAddress,
  setPrimaryEmail,
  setPrimaryPhone,
} from '#db/customer-contacts.ts'
import {
  completenessOf,
  getCustomerProfile,
  type ProfileDetails,
  updateProfileDetails,
} from '#db/customers.ts'
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
  const [profile, locale, t, tCommon] = await Promise.all([
    getCustomerProfile(db, user.customerId).then(requireFound),
    remixI18next.getLocale(request),
    getFixedT(request, 'profile'),
    getFixedT(request, 'common'),
  ])
  const notice = new URL(request.url).searchParams.get('notice')
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('title') }),
      customerNumber: profile.customerNumber,
      details: {
        givenName: profile.givenName,
        familyName: profile.familyName,
        preferredName: profile.preferredName,
        legalName: profile.legalName,
        language: profile.language,
        timeZone: profile.timeZone,
        version: profile.version,
      },
      legalNameEditable: !profile.hasOrders,
      signInEmail: profile.signInEmail,
      pendingSignInEmail: profile.pendingSignInEmail,
      emails: profile.emails,
      phones: profile.phones.map((phone) => ({
        id: phone.id,
        kind: phone.kind,
        isPrimary: phone.isPrimary,
        display: parsePhoneNumberFromString(phone.e164)?.formatInternational() ?? phone.e164,
      })),
      addresses: profile.addresses.map((address) => ({
        id: address.id,
        label: address.label,
        lines: addressLines(address, countryName(address.countryCode, locale), address.countryCode),
        isDefaultShipping: address.isDefaultShipping,
        isDefaultBilling: address.isDefaultBilling,
      })),
      completeness: completenessOf(profile),
      // The stored zone stays selectable even if this server's list names it differently.
      timeZones: withStored(serverTimeZones(), profile.timeZone),
      notice: PROFILE_NOTICES.find((known) => known === notice) ?? null,
    },
    { headers },
  )
}

function withStored(zones: string[], stored: string): string[] {
  return zones.includes(stored) ? zones : [stored, ...zones]
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const formData = await request.formData()
  const actor: Actor = { kind: 'customer', id: user.id }
  const db = await getDatabase()

  if (formData.get('intent') === 'details') {
    const zones = new Set(withStored(serverTimeZones(), user.timeZone))
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
  const page = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('profile')
  const { dateTime } = useFormat()
  const itemError = actionData?.kind === 'item' ? actionData.itemError : null

  return (
    <div className="space-y-8">
      <header className="space-y-1">
        <h1 className="text-3xl font-semibold">{t('title')}</h1>
        <p className="text-slate-700">{t('customerNumber', { number: page.customerNumber })}</p>
        <p>
          <Link to="/history" className={linkClass}>
            {t('historyLink')}
          </Link>
        </p>
      </header>

      {page.notice && !actionData ? <Notice>{t(`notices.${page.notice}`)}</Notice> : null}
      {actionData?.kind === 'invalid' ? (
        <p role="alert" className="text-red-800">
          {t('errors.actionInvalid')}
        </p>
      ) : null}

      {page.completeness.length > 0 ? (
        <section
          aria-labelledby="completeness-heading"
          className="rounded border border-amber-300 bg-amber-50 p-4"
        >
          <h2 id="completeness-heading" className="font-semibold">
            {t('completeness.title')}
          </h2>
          <ul className="list-disc pl-6">
            {page.completeness.map((issue) => (
              <li key={issue}>{t(`completeness.${issue}`)}</li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="details-heading" className="space-y-4">
        <h2 id="details-heading" className="text-xl font-semibold">
          {t('details.title')}
        </h2>
        {actionData?.kind === 'conflict' ? (
          <DetailsConflict conflict={actionData.conflict} />
        ) : (
          <DetailsForm
            key={page.details.version}
            details={page.details}
            legalNameEditable={page.legalNameEditable}
            timeZones={page.timeZones}
            lastResult={actionData?.kind === 'details' ? actionData.result : null}
          />
        )}
      </section>

      <section aria-labelledby="sign-in-heading" className="space-y-2">
        <h2 id="sign-in-heading" className="text-xl font-semibold">
          {t('signIn.title')}
        </h2>
        <p>{t('signIn.current', { email: page.signInEmail ?? '' })}</p>
        {page.pendingSignInEmail ? (
          <p className="text-slate-700">
            {t('signIn.pending', {
              email: page.pendingSignInEmail.email,
              until: dateTime(page.pendingSignInEmail.expiresAt),
            })}
          </p>
        ) : null}
        <AddLink to="/profile/sign-in-email">{t('signIn.change')}</AddLink>
      </section>

      <section aria-labelledby="emails-heading" className="space-y-2">
        <h2 id="emails-heading" className="text-xl font-semibold">
          {t('emails.title')}
        </h2>
        <EmailList emails={page.emails} signInEmail={page.signInEmail} itemError={itemError} />
        <AddLink to="/profile/emails/new">{t('emails.add')}</AddLink>
      </section>

      <section aria-labelledby="phones-heading" className="space-y-2">
        <h2 id="phones-heading" className="text-xl font-semibold">
          {t('phones.title')}
        </h2>
        {page.phones.length > 0 ? (
          <PhoneList phones={page.phones} itemError={itemError} />
        ) : (
          <p>{t('phones.none')}</p>
        )}
        <AddLink to="/profile/phones/new">{t('phones.add')}</AddLink>
      </section>

      <section aria-labelledby="addresses-heading" className="space-y-2">
        <h2 id="addresses-heading" className="text-xl font-semibold">
          {t('addresses.title')}
        </h2>
        {page.addresses.length > 0 ? (
          <AddressList addresses={page.addresses} itemError={itemError} />
        ) : (
          <p>{t('addresses.none')}</p>
        )}
        <AddLink to="/profile/addresses/new">{t('addresses.add')}</AddLink>
      </section>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
