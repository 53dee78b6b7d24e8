import { type SubmissionResult } from '@conform-to/react'
import { useTranslation } from 'react-i18next'
import { Notice } from '#app/components/forms.tsx'
import { ConsentHistory } from '#app/components/preferences/consent-history.tsx'
import { PreferencesForm } from '#app/components/preferences/preferences-form.tsx'
// Type-only: erased from the browser bundle.
import type { preferencesPageData } from '#app/lib/portal-pages.server.ts'
import type { CommunicationPreferences, VersionedPreferences } from '#db/preferences.ts'

export type PreferencesPageData = Awaited<ReturnType<typeof preferencesPageData>>

/** A refused save of the whole form, as the page's action answers it. */
export interface PreferencesSaveAnswer {
  result: SubmissionResult<string[]>
  conflict: { stored: VersionedPreferences; tried: CommunicationPreferences } | null
}

/** The page's body, shared by the customer's route and the staff "view as customer" page. */
export function PreferencesPageView({
  loaderData,
  saveResult,
}: {
  loaderData: PreferencesPageData
  saveResult?: PreferencesSaveAnswer
}) {
  const { t } = useTranslation('preferences')

  return (
    <section className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('title')}</h1>
        <p className="max-w-prose text-slate-700">{t('intro')}</p>
      </header>

      {loaderData.saved && !saveResult ? (
        <Notice>
          <p>{t('saved')}</p>
          {loaderData.confirmationMail === 'sent' ? <p>{t('confirmationSent')}</p> : null}
          {loaderData.confirmationMail === 'failed' ? <p>{t('confirmationFailed')}</p> : null}
        </Notice>
      ) : null}

      <PreferencesForm
        cells={loaderData.cells}
        wordings={loaderData.wordings}
        preferences={loaderData.preferences}
        languages={loaderData.languages}
        accountLanguage={loaderData.accountLanguage}
        timeZone={loaderData.timeZone}
        lastResult={saveResult?.result}
        conflict={saveResult?.conflict ?? undefined}
      />

      <ConsentHistory entries={loaderData.ledger.items} nextCursor={loaderData.ledger.nextCursor} />
    </section>
  )
}
