import { type SubmissionResult } from '@conform-to/react'
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
import { requireCustomer } from '#app/auth/guards.server.ts'
import { saveConsentAndPreferences } from '#app/consent/consent.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { PreferencesPageView } from '#app/components/preferences/preferences-page.tsx'
import { getFixedT, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { preferencesPageData } from '#app/lib/portal-pages.server.ts'
import { MAX_INTEGER } from '#app/lib/text-fields.ts'
import {
  type ChannelCode,
  type ConsentChoice,
  type ConsentDecision,
  isChannelCode,
  isConsentDecision,
  isTopicCode,
  listWordingLanguages,
  type TopicCode,
} from '#db/consent.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError, VersionConflictError } from '#db/errors.ts'
import {
  isMarketingFrequency,
  type MarketingFrequency,
  type VersionedPreferences,
} from '#db/preferences.ts'

// Validated on the server only: the codes come from db/consent.ts, which the browser bundle must
// not import. The form needs no JavaScript, so nothing is lost.

const invalidChoice = 'preferences:errors.invalidChoice'

/** 'email:newsletter' → the cell; anything else is not a form we rendered. */
const CellSchema = z.string().transform((value, ctx) => {
  const [channel, topic, ...rest] = value.split(':')
  if (rest.length > 0 || !isChannelCode(channel) || !isTopicCode(topic)) {
    ctx.addIssue({ code: 'custom', message: invalidChoice })
    return z.NEVER
  }
  return { channel, topic }
})

/** 'email:newsletter:granted' (or ':none'): what the page showed for a cell. */
const ShownSchema = z.string().transform((value, ctx) => {
  const [channel, topic, decision, ...rest] = value.split(':')
  const shown = decision === 'none' ? null : decision
  if (
    rest.length > 0 ||
    !isChannelCode(channel) ||
    !isTopicCode(topic) ||
    (shown !== null && !isConsentDecision(shown))
  ) {
    ctx.addIssue({ code: 'custom', message: invalidChoice })
    return z.NEVER
  }
  return { channel, topic, shown }
})

/** 'newsletter:<uuid>': the wording the page showed for a topic. */
const WordingSchema = z.string().transform((value, ctx) => {
  const [topic, id, ...rest] = value.split(':')
  if (rest.length > 0 || !isTopicCode(topic) || !id || !z.string().uuid().safeParse(id).success) {
    ctx.addIssue({ code: 'custom', message: invalidChoice })
    return z.NEVER
  }
  return { topic, id }
})

const TimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'preferences:errors.quietHoursTime')
  .optional()

const PreferencesSchema = z
  .object({
    version: z
      .number({ required_error: invalidChoice })
      .int()
      .positive()
      .max(MAX_INTEGER, invalidChoice),
    preferredServiceChannel: z.custom<ChannelCode>(isChannelCode, invalidChoice),
    marketingFrequency: z.custom<MarketingFrequency>(isMarketingFrequency, invalidChoice),
    quietHoursStart: TimeSchema,
    quietHoursEnd: TimeSchema,
    messageLanguage: z.string().max(10).optional(),
    consent: z.array(CellSchema).default([]),
    shown: z.array(ShownSchema).default([]),
    wording: z.array(WordingSchema).default([]),
  })
  .superRefine((value, ctx) => {
    if (value.quietHoursStart && !value.quietHoursEnd) {
      ctx.addIssue({
        code: 'custom',
        path: ['quietHoursEnd'],
        message: 'preferences:errors.quietHoursBoth',
      })
    }
    if (value.quietHoursEnd && !value.quietHoursStart) {
      ctx.addIssue({
        code: 'custom',
        path: ['quietHoursStart'],
        message: 'preferences:errors.quietHoursBoth',
      })
    }
  })

const ToggleSchema = z.object({
  cell: CellSchema,
  wanted: z.enum(['yes', 'no']),
  shown: z.custom<ConsentDecision | 'none'>(
    (value) => value === 'none' || isConsentDecision(value),
    invalidChoice,
  ),
  wordingId: z.string().uuid(invalidChoice).optional(),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const url = new URL(request.url)
  const locale = await getRequestLocale(request)
  // The same function the staff "view as customer" page calls.
  const page = await preferencesPageData(await getDatabase(), user, {
    locale,
    params: url.searchParams,
  })
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'preferences'),
    getFixedT(request, 'common'),
  ])
  return data({ title: tCommon('app.pageTitle', { page: t('title') }), ...page }, { headers })
}

type PreferenceValues = Omit<VersionedPreferences, 'version'>

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const formData = await request.formData()
  const db = await getDatabase()
  const language = await getRequestLocale(request)

  if (formData.get('intent') === 'toggle') {
    const submission = parseWithZod(formData, { schema: ToggleSchema })
    if (submission.status !== 'success') {
      return data({ intent: 'toggle' as const, ok: false as const }, { status: 400, headers })
    }
    const { cell, wanted, shown, wordingId } = submission.value
    try {
      const result = await saveConsentAndPreferences(db, {
        customerId: user.customerId,
        accountId: user.id,
        language,
        choices: [
          {
            ...cell,
            wanted: wanted === 'yes',
            shown: shown === 'none' ? null : shown,
            wordingId: wordingId ?? null,
          },
        ],
      })
      return data(
        { intent: 'toggle' as const, ok: true as const, confirmationMail: result.confirmationMail },
        { headers },
      )
    } catch (error) {
      if (!(error instanceof InvalidStateError)) throw error
      return data({ intent: 'toggle' as const, ok: false as const }, { status: 409, headers })
    }
  }

  const submission = parseWithZod(formData, { schema: PreferencesSchema })
  if (submission.status !== 'success') {
    return data(saveReply(submission.reply()), { status: 400, headers })
  }
  const form = submission.value
  const languages = await listWordingLanguages(db)
  if (form.messageLanguage && !languages.includes(form.messageLanguage)) {
    return data(
      saveReply(
        submission.reply({
          fieldErrors: { messageLanguage: ['preferences:errors.languageUnknown'] },
        }),
      ),
      { status: 400, headers },
    )
  }

  const values: PreferenceValues = {
    preferredServiceChannel: form.preferredServiceChannel,
    marketingFrequency: form.marketingFrequency,
    quietHoursStart: form.quietHoursStart ?? null,
    quietHoursEnd: form.quietHoursEnd ?? null,
    messageLanguage: form.messageLanguage ?? null,
  }
  try {
    const result = await saveConsentAndPreferences(db, {
      customerId: user.customerId,
      accountId: user.id,
      language,
      choices: consentChoices(form),
      preferences: { expectedVersion: form.version, values },
    })
    const query = new URLSearchParams({ saved: '1' })
    if (result.confirmationMail !== 'none') query.set('mail', result.confirmationMail)
    // A redirect, so reloading the page does not post the form again.
    return redirect(`/preferences?${query}`, { headers })
  } catch (error) {
    if (error instanceof VersionConflictError) {
      const stored = error.current as VersionedPreferences
      return data(
        saveReply(submission.reply({ formErrors: ['preferences:errors.conflict'] }), {
          stored,
          tried: values,
        }),
        { status: 409, headers },
      )
    }
    if (error instanceof InvalidStateError) {
      const onServiceChannel = error.reason === 'preferences:errors.channelUnreachable'
      return data(
        saveReply(
          submission.reply(
            onServiceChannel
              ? { fieldErrors: { preferredServiceChannel: [error.reason] } }
              : { formErrors: [error.reason] },
          ),
        ),
        { status: onServiceChannel ? 400 : 409, headers },
      )
    }
    throw error
  }
}

/** A refused save: the form's reply, and with a version conflict both sides of it. */
function saveReply(
  result: SubmissionResult<string[]>,
  conflict: { stored: VersionedPreferences; tried: PreferenceValues } | null = null,
) {
  return { intent: 'save' as const, result, conflict }
}

/**
 * The checkboxes as choices: one per cell the page showed (a `shown` field), ticked or not,
 * with the wording id the page showed for its topic.
 */
function consentChoices(form: z.infer<typeof PreferencesSchema>): ConsentChoice[] {
  const ticked = new Set(form.consent.map(({ channel, topic }) => `${channel}:${topic}`))
  const wordingOf = new Map<TopicCode, string>(form.wording.map(({ topic, id }) => [topic, id]))
  return form.shown.map(({ channel, topic, shown }) => ({
    channel,
    topic,
    shown,
    wanted: ticked.has(`${channel}:${topic}`),
    wordingId: wordingOf.get(topic) ?? null,
  }))
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function PreferencesRoute() {
  const actionData = useActionData<typeof action>()
  return (
    <PreferencesPageView
      loaderData={useLoaderData<typeof loader>()}
      saveResult={actionData?.intent === 'save' ? actionData : undefined}
    />
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
