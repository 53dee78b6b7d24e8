import {
  getFormProps,
  getInputProps,
  getSelectProps,
  type SubmissionResult,
  useForm,
} from '@conform-to/react'
import { Form, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
} from '#app/components/forms.tsx'
import { useFormat } from '#app/lib/use-format.ts'
// Type-only imports: erased from the browser bundle, which must not pull in server modules.
import type { ChannelCode, ConsentCell, ConsentWording } from '#db/consent.ts'
import type {
  CommunicationPreferences,
  MarketingFrequency,
  PreferencesWithChannels,
  VersionedPreferences,
} from '#db/preferences.ts'
import { ConsentMatrix } from './consent-matrix.tsx'

const FREQUENCIES: MarketingFrequency[] = ['immediate', 'weekly', 'monthly']

interface PreferenceFields {
  version: number
  preferredServiceChannel: string
  marketingFrequency: string
  quietHoursStart: string
  quietHoursEnd: string
  messageLanguage: string
  consent: string[]
  shown: string[]
  wording: string[]
}

/** Distinct values in first-seen order: the cells arrive sorted by topic, then channel. */
function unique<T>(values: T[]): T[] {
  return [...new Set(values)]
}

// Focus in a time input sits on its hour or minute part, inside the input, where
// :focus-visible on the input never matches: ring the input while focus is within it.
const timeInputClass = `${inputClass} focus-within:ring-2 focus-within:ring-blue-600`

/**
 * The preference centre as ONE form with one Save button, which works without JavaScript.
 * With JavaScript each consent checkbox also saves on its own (see ConsentMatrix).
 */
export function PreferencesForm({
  cells,
  wordings,
  preferences,
  languages,
  accountLanguage,
  timeZone,
  lastResult,
  conflict,
}: {
  cells: ConsentCell[]
  wordings: ConsentWording[]
  preferences: PreferencesWithChannels
  languages: string[]
  accountLanguage: string | null
  timeZone: string
  lastResult: SubmissionResult<string[]> | undefined
  conflict: { stored: VersionedPreferences; tried: CommunicationPreferences } | undefined
}) {
  const { t } = useTranslation('preferences')
  const navigation = useNavigation()
  const { locale } = useFormat()
  const languageName = (code: string) =>
    new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code

  const [form, fields] = useForm<PreferenceFields>({
    id: 'preferences',
    lastResult,
    defaultValue: {
      preferredServiceChannel: preferences.preferredServiceChannel,
      marketingFrequency: preferences.marketingFrequency,
      quietHoursStart: preferences.quietHoursStart ?? '',
      quietHoursEnd: preferences.quietHoursEnd ?? '',
      messageLanguage: preferences.messageLanguage ?? '',
    },
    shouldValidate: 'onSubmit',
  })

  const channels = unique(cells.map((cell) => cell.channel))
  const serviceTopics = unique(cells.filter((c) => !c.isMarketing).map((c) => c.topic))
  const marketingTopics = unique(cells.filter((c) => c.isMarketing).map((c) => c.topic))
  const submitted = lastResult?.initialValue?.consent
  const submittedConsent = lastResult?.initialValue
    ? new Set(
        (Array.isArray(submitted) ? submitted : [submitted]).filter(
          (value): value is string => typeof value === 'string',
        ),
      )
    : null
  // A refused save does not reload the page data; the conflict carries the stored version.
  const version = Math.max(preferences.version, conflict?.stored.version ?? 0)
  const reachable = new Set<ChannelCode>(preferences.reachableChannels)
  const frequencyDescribedBy = fields.marketingFrequency.errors
    ? fields.marketingFrequency.errorId
    : undefined
  const serviceDescribedBy = [
    'service-explanation',
    fields.preferredServiceChannel.errors ? fields.preferredServiceChannel.errorId : null,
  ]
    .filter(Boolean)
    .join(' ')

  return (
    <Form method="post" className="space-y-8" {...getFormProps(form)}>
      <ErrorSummary form={form} />
      <FormAlert id={form.errorId} errors={form.errors}>
        {conflict ? <ConflictTable conflict={conflict} languageName={languageName} /> : null}
      </FormAlert>
      <input type="hidden" name="version" value={version} />

      <section aria-labelledby="service-heading" className="space-y-4">
        <h2 id="service-heading" className="text-2xl font-semibold">
          {t('service.heading')}
        </h2>
        <p id="service-explanation" className="max-w-prose text-slate-700">
          {t('service.explanation')}
        </p>
        <fieldset className="space-y-2" aria-describedby={serviceDescribedBy}>
          <legend className={labelClass}>{t('service.channelLegend')}</legend>
          <div className="flex flex-wrap gap-x-6 gap-y-2">
            {channels.map((channel) => {
              const canReach =
                reachable.has(channel) || channel === preferences.preferredServiceChannel
              return (
                <label key={channel} className="flex items-center gap-2">
                  <input
                    {...getInputProps(fields.preferredServiceChannel, {
                      type: 'radio',
                      value: channel,
                    })}
                    disabled={!canReach}
                    className="h-4 w-4 accent-blue-700"
                  />
                  <span>
                    {t(`channels.${channel}`)}
                    {canReach ? null : (
                      <span className="text-sm text-slate-600"> ({t('service.unreachable')})</span>
                    )}
                  </span>
                </label>
              )
            })}
          </div>
          <ErrorList
            id={fields.preferredServiceChannel.errorId}
            errors={fields.preferredServiceChannel.errors}
          />
        </fieldset>
        <ConsentMatrix
          caption={t('service.caption')}
          topics={serviceTopics}
          channels={channels}
          cells={cells}
          wordings={wordings}
          alwaysOnChannel={preferences.preferredServiceChannel}
          submittedConsent={submittedConsent}
        />
      </section>

      <section aria-labelledby="marketing-heading" className="space-y-4">
        <h2 id="marketing-heading" className="text-2xl font-semibold">
          {t('marketing.heading')}
        </h2>
        <p className="max-w-prose text-slate-700">{t('marketing.explanation')}</p>
        <ConsentMatrix
          caption={t('marketing.caption')}
          topics={marketingTopics}
          channels={channels}
          cells={cells}
          wordings={wordings}
          alwaysOnChannel={null}
          submittedConsent={submittedConsent}
        />
        <fieldset className="space-y-2" aria-describedby={frequencyDescribedBy}>
          <legend className={labelClass}>{t('marketing.frequencyLegend')}</legend>
          <div className="flex flex-wrap gap-x-6 gap-y-2">
            {FREQUENCIES.map((frequency) => (
              <label key={frequency} className="flex items-center gap-2">
                <input
                  {...getInputProps(fields.marketingFrequency, { type: 'radio', value: frequency })}
                  className="h-4 w-4 accent-blue-700"
                />
                {t(`marketing.frequency.${frequency}`)}
              </label>
            ))}
          </div>
          <ErrorList
            id={fields.marketingFrequency.errorId}
            errors={fields.marketingFrequency.errors}
          />
        </fieldset>
      </section>

      <fieldset className="space-y-2" aria-describedby="quiet-hours-hint">
        <legend className="text-xl font-semibold">{t('quietHours.legend')}</legend>
        <p id="quiet-hours-hint" className="max-w-prose text-slate-700">
          {t('quietHours.hint', { timeZone })}
        </p>
        <div className="flex flex-wrap gap-4">
          <div className="space-y-1">
            <label htmlFor={fields.quietHoursStart.id} className={labelClass}>
              {t('quietHours.from')}
            </label>
            <input
              {...getInputProps(fields.quietHoursStart, { type: 'time' })}
              className={timeInputClass}
            />
            <ErrorList id={fields.quietHoursStart.errorId} errors={fields.quietHoursStart.errors} />
          </div>
          <div className="space-y-1">
            <label htmlFor={fields.quietHoursEnd.id} className={labelClass}>
              {t('quietHours.to')}
            </label>
            <input
              {...getInputProps(fields.quietHoursEnd, { type: 'time' })}
              className={timeInputClass}
            />
            <ErrorList id={fields.quietHoursEnd.errorId} errors={fields.quietHoursEnd.errors} />
          </div>
        </div>
      </fieldset>

      <div className="max-w-sm space-y-1">
        <label htmlFor={fields.messageLanguage.id} className={labelClass}>
          {t('language.label')}
        </label>
        <select {...getSelectProps(fields.messageLanguage)} className={inputClass}>
          <option value="">
            {t('language.account')}
            {accountLanguage ? ` (${languageName(accountLanguage)})` : ''}
          </option>
          {languages.map((code) => (
            <option key={code} value={code}>
              {languageName(code)}
            </option>
          ))}
        </select>
        <ErrorList id={fields.messageLanguage.errorId} errors={fields.messageLanguage.errors} />
      </div>

      <button
        type="submit"
        name="intent"
        value="save"
        className={buttonClass}
        disabled={
          navigation.state === 'submitting' && navigation.formData?.get('intent') === 'save'
        }
      >
        {t('save')}
      </button>
    </Form>
  )
}

const CONFLICT_FIELDS: (keyof CommunicationPreferences)[] = [
  'preferredServiceChannel',
  'marketingFrequency',
  'quietHoursStart',
  'quietHoursEnd',
  'messageLanguage',
]

/** A refused save shows both versions side by side, so nothing is lost without being seen. */
function ConflictTable({
  conflict,
  languageName,
}: {
  conflict: { stored: VersionedPreferences; tried: CommunicationPreferences }
  languageName: (code: string) => string
}) {
  const { t } = useTranslation('preferences')
  const show = (field: keyof CommunicationPreferences, value: string | null): string => {
    if (value === null || value === '') return t('conflict.none')
    if (field === 'preferredServiceChannel') return t(`channels.${value as ChannelCode}`)
    if (field === 'marketingFrequency')
      return t(`marketing.frequency.${value as MarketingFrequency}`)
    if (field === 'messageLanguage') return languageName(value)
    return value
  }
  return (
    <table className="mt-3 w-full border-collapse text-left text-slate-900">
      <caption className="text-left font-semibold">{t('conflict.title')}</caption>
      <thead>
        <tr>
          <th scope="col" className="py-1 pr-4">
            {t('conflict.field')}
          </th>
          <th scope="col" className="py-1 pr-4">
            {t('conflict.stored')}
          </th>
          <th scope="col" className="py-1">
            {t('conflict.tried')}
          </th>
        </tr>
      </thead>
      <tbody>
        {CONFLICT_FIELDS.map((field) => (
          <tr key={field}>
            <th scope="row" className="py-1 pr-4 font-normal">
              {t(`conflict.fields.${field}`)}
            </th>
            <td className="py-1 pr-4">{show(field, conflict.stored[field])}</td>
            <td className="py-1">{show(field, conflict.tried[field])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
