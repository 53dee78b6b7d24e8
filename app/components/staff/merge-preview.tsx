import { Link } from '@remix-run/react'
import { type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { linkClass } from '#app/components/forms.tsx'
import type { ConsentDecision } from '#db/consent.ts'
import type { CustomerProfile } from '#db/customers.ts'
import type { MergePreview, MovableCounts } from '#db/customer-merge.ts'

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-2">
      <h2 id={id} className="text-xl font-semibold">
        {title}
      </h2>
      {children}
    </section>
  )
}

const countKeys: (keyof MovableCounts)[] = [
  'orders',
  'requests',
  'tickets',
  'ticketAttachments',
  'consentLedger',
  'history',
  'accessLog',
  'outbox',
  'deliveries',
  'accountTokens',
]

function RecordCard({
  profile,
  role,
}: {
  profile: CustomerProfile
  role: 'survivor' | 'duplicate'
}) {
  const { t } = useTranslation('merge')
  return (
    <div
      className={`space-y-1 rounded border p-3 ${role === 'survivor' ? 'border-green-400' : 'border-amber-400'}`}
    >
      <p className="text-sm font-semibold uppercase">{t(`preview.${role}`)}</p>
      <p className="text-lg font-medium">
        {profile.givenName} {profile.familyName}
        {profile.preferredName ? ` (${profile.preferredName})` : ''}
      </p>
      <p className="text-sm text-slate-700">
        {t('preview.record', { number: profile.customerNumber })} ·{' '}
        {t('preview.version', { version: profile.version })} ·{' '}
        {t('preview.status', { status: t(`preview.statuses.${profile.status}`) })}
      </p>
      <ul className="text-sm">
        {profile.emails.map((email) => (
          <li key={email.id}>{email.email}</li>
        ))}
        {profile.phones.map((phone) => (
          <li key={phone.id}>{phone.e164}</li>
        ))}
        {profile.addresses.map((address) => (
          <li key={address.id}>
            {[address.line1, address.postalCode, address.city, address.countryCode]
              .filter(Boolean)
              .join(', ')}
          </li>
        ))}
      </ul>
      <Link to={`/staff/customers/${profile.id}`} className={linkClass}>
        {t('preview.open360')}
      </Link>
    </div>
  )
}

/** Both records side by side, what moves, and where they disagree. */
export function MergePreviewView({ preview }: { preview: MergePreview }) {
  const { t } = useTranslation('merge')
  // Channel and topic names as the customer reads them on their preferences page.
  const { t: tPreferences } = useTranslation('preferences')
  const decision = (value: ConsentDecision | null) =>
    value ? t(`preview.consent.decisions.${value}`) : t('preview.consent.neverAsked')
  const contactKinds = ['emails', 'phones', 'addresses'] as const
  return (
    <div className="space-y-6">
      <div className="grid gap-4 md:grid-cols-2">
        <RecordCard profile={preview.survivor} role="survivor" />
        <RecordCard profile={preview.duplicate} role="duplicate" />
      </div>
      <p>
        <Link
          to={`/staff/duplicates/${preview.duplicate.id}/${preview.survivor.id}`}
          className={linkClass}
        >
          {t('preview.swap')}
        </Link>
      </p>

      <Section id="merge-moves" title={t('preview.moves.title')}>
        <table className="min-w-[20rem]">
          <thead>
            <tr>
              <th scope="col" className="px-2 text-left">
                {t('preview.moves.what')}
              </th>
              <th scope="col" className="px-2 text-right">
                {t('preview.moves.count')}
              </th>
            </tr>
          </thead>
          <tbody>
            {countKeys.map((key) => (
              <tr key={key}>
                <th scope="row" className="px-2 text-left font-normal">
                  {t(`preview.moves.${key}`)}
                </th>
                <td className="px-2 text-right tabular-nums">{preview.counts[key]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Section id="merge-contacts" title={t('preview.contacts.title')}>
        <dl className="space-y-2">
          {contactKinds.map((kind) => {
            const plan = preview.contacts[kind]
            return (
              <div key={kind}>
                <dt className="font-medium">{t(`preview.contacts.${kind}`)}</dt>
                <dd>
                  {plan.move.length === 0 && plan.skip.length === 0 ? (
                    t('preview.contacts.nothing')
                  ) : (
                    <>
                      {plan.move.length > 0 ? (
                        <p>{t('preview.contacts.move', { items: plan.move.join('; ') })}</p>
                      ) : null}
                      {plan.skip.length > 0 ? (
                        <p className="text-slate-700">
                          {t('preview.contacts.skip', { items: plan.skip.join('; ') })}
                        </p>
                      ) : null}
                    </>
                  )}
                </dd>
              </div>
            )
          })}
        </dl>
      </Section>

      <Section id="merge-names" title={t('preview.names.title')}>
        {preview.nameDifferences.length === 0 ? (
          <p>{t('preview.names.same')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col" className="px-2 text-left">
                  {t('preview.names.field')}
                </th>
                <th scope="col" className="px-2 text-left">
                  {t('preview.survivor')}
                </th>
                <th scope="col" className="px-2 text-left">
                  {t('preview.duplicate')}
                </th>
              </tr>
            </thead>
            <tbody>
              {preview.nameDifferences.map((row) => (
                <tr key={row.field}>
                  <th scope="row" className="px-2 text-left font-normal">
                    {t(`preview.names.${row.field}`)}
                  </th>
                  <td className="px-2">{row.survivor ?? t('preview.names.empty')}</td>
                  <td className="px-2">{row.duplicate ?? t('preview.names.empty')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section id="merge-consent" title={t('preview.consent.title')}>
        {preview.consentDifferences.length === 0 ? (
          <p>{t('preview.consent.same')}</p>
        ) : (
          <>
            <p>{t('preview.consent.intro')}</p>
            <table>
              <thead>
                <tr>
                  <th scope="col" className="px-2 text-left">
                    {t('preview.consent.choice')}
                  </th>
                  <th scope="col" className="px-2 text-left">
                    {t('preview.survivor')}
                  </th>
                  <th scope="col" className="px-2 text-left">
                    {t('preview.duplicate')}
                  </th>
                  <th scope="col" className="px-2 text-left">
                    {t('preview.consent.result')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {preview.consentDifferences.map((row) => (
                  <tr key={`${row.channel}:${row.topic}`}>
                    <th scope="row" className="px-2 text-left font-normal">
                      {tPreferences(`topics.${row.topic}.name`)} ·{' '}
                      {tPreferences(`channels.${row.channel}`)}
                    </th>
                    <td className="px-2">{decision(row.survivor)}</td>
                    <td className="px-2">{decision(row.duplicate)}</td>
                    <td className="px-2 font-medium">{decision(row.result)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        <p className="text-slate-700">{t('preview.preferences')}</p>
      </Section>

      <Section id="merge-sign-in" title={t('preview.signIn.title')}>
        <p>{t(`preview.signIn.${preview.signIn}`)}</p>
      </Section>
    </div>
  )
}
