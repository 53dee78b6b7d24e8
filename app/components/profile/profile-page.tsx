import { type SubmissionResult } from '@conform-to/react'
import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { linkClass, Notice } from '#app/components/forms.tsx'
import {
  AddLink,
  AddressList,
  EmailList,
  type ItemError,
  PhoneList,
} from '#app/components/profile/contact-lists.tsx'
import {
  DetailsConflict,
  type DetailsConflictData,
  DetailsForm,
} from '#app/components/profile/details-form.tsx'
import { useFormat } from '#app/lib/use-format.ts'
// Type-only: erased from the browser bundle.
import type { profilePageData } from '#app/lib/portal-pages.server.ts'

export type ProfilePageData = Awaited<ReturnType<typeof profilePageData>>

/** What the profile page's action answered, when it did not redirect. */
export type ProfileActionAnswer =
  | { kind: 'details'; result: SubmissionResult<string[]> }
  | { kind: 'conflict'; conflict: DetailsConflictData }
  | { kind: 'invalid' }
  | { kind: 'item'; itemError: ItemError }

/** The page's body, shared by the customer's route and the staff "view as customer" page. */
export function ProfilePageView({
  page,
  actionData,
}: {
  page: ProfilePageData
  actionData?: ProfileActionAnswer | null
}) {
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
