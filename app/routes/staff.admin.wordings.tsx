import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requireStaff } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
  linkClass,
  Notice,
} from '#app/components/forms.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { MAX_INTEGER, multiLine, TEXT_FIELD_ERRORS } from '#app/lib/text-fields.ts'
import { useFormat } from '#app/lib/use-format.ts'
import { TOPIC_CODES, type TopicCode } from '#db/consent.ts'
import { addConsentWording, listWordingVersions } from '#db/consent-wordings.ts'
import { getDatabase } from '#db/database.ts'
import { VersionConflictError } from '#db/errors.ts'

// Consent wordings per topic and language. A version is never edited: saving a changed text
// adds the next version, which is what customers see from then on; the ledger keeps pointing at
// the version each customer actually agreed to.

const AddSchema = z.object({
  intent: z.literal('add'),
  topic: z.enum(TOPIC_CODES as [TopicCode, ...TopicCode[]], {
    errorMap: () => ({ message: 'admin:wordings.errors.topicInvalid' }),
  }),
  language: z
    .string({ required_error: 'admin:wordings.errors.languageInvalid' })
    .trim()
    .regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'admin:wordings.errors.languageInvalid'),
  body: multiLine(
    z
      .string({ required_error: 'admin:wordings.errors.bodyRequired' })
      .trim()
      .min(1, 'admin:wordings.errors.bodyRequired')
      .max(5000, 'admin:wordings.errors.bodyTooLong'),
  ),
  basedOnVersion: z.coerce.number().int().min(0).max(MAX_INTEGER, TEXT_FIELD_ERRORS.numberTooLarge),
})

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireStaff(request, 'admin')
  const versions = await listWordingVersions(await getDatabase())
  // Grouped per topic and language, newest version first (the list comes in that order).
  const groups: { topic: TopicCode; language: string; versions: typeof versions }[] = []
  for (const version of versions) {
    const last = groups.at(-1)
    if (last?.topic === version.topic && last.language === version.language) {
      last.versions.push(version)
    } else {
      groups.push({ topic: version.topic, language: version.language, versions: [version] })
    }
  }
  const [common, admin] = await Promise.all([
    getFixedT(request, 'common'),
    getFixedT(request, 'admin'),
  ])
  return data(
    // The topic list travels as data: consent.ts is server code and stays out of the bundle.
    {
      title: common('app.pageTitle', { page: admin('wordings.title') }),
      groups,
      topics: TOPIC_CODES,
    },
    { headers },
  )
}

interface ActionResult {
  values: Record<string, string>
  fieldErrors: Record<string, string[]>
  conflict: { current: { version: number; body: string | null }; expectedVersion: number } | null
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'admin')
  const values: Record<string, string> = {}
  for (const [key, value] of await request.formData()) {
    if (typeof value === 'string') values[key] = value
  }
  const answer = (status: number, result: Partial<ActionResult>) =>
    data<ActionResult>({ values, fieldErrors: {}, conflict: null, ...result }, { status, headers })
  const parsed = AddSchema.safeParse(values)
  if (!parsed.success) {
    const flat = parsed.error.flatten()
    return answer(400, {
      fieldErrors: Object.fromEntries(
        Object.entries(flat.fieldErrors).map(([key, errors]) => [key, errors ?? []]),
      ),
    })
  }
  try {
    await addConsentWording(await getDatabase(), {
      topic: parsed.data.topic,
      language: parsed.data.language,
      body: parsed.data.body,
      basedOnVersion: parsed.data.basedOnVersion,
      staffAccountId: user.id,
    })
  } catch (error) {
    if (error instanceof VersionConflictError) {
      const conflict = error as VersionConflictError<{ version: number; body: string | null }>
      return answer(409, {
        conflict: { current: conflict.current, expectedVersion: conflict.expectedVersion },
      })
    }
    throw error
  }
  return redirect('/staff/admin/wordings?saved=added', { headers })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function WordingsRoute() {
  const { groups, topics } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation(['admin', 'preferences'])
  const { dateTime } = useFormat()
  const sent = actionData?.values ?? null
  const isSent = (topic: string, language: string) =>
    sent?.topic === topic && sent.language === language
  const errors = actionData?.fieldErrors ?? {}
  const conflict = actionData?.conflict ?? null
  const topicName = (topic: TopicCode) => t(`preferences:topics.${topic}.name`)
  // A post for a topic and language with no version yet came from the new-language form.
  const inNewForm = sent !== null && !groups.some((group) => isSent(group.topic, group.language))

  return (
    <main className="mx-auto max-w-4xl space-y-6 p-4">
      <p>
        <Link to="/staff/admin" className={linkClass}>
          {t('admin:member.back')}
        </Link>
      </p>
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold">{t('admin:wordings.title')}</h1>
        <p>{t('admin:wordings.intro')}</p>
      </header>
      {searchParams.get('saved') === 'added' && !actionData ? (
        <Notice>{t('admin:wordings.saved')}</Notice>
      ) : null}
      {conflict ? (
        <div role="alert" className="space-y-1 rounded border border-amber-400 bg-amber-50 p-3">
          <p className="font-semibold">{t('admin:wordings.conflict.title')}</p>
          <p>
            {t('admin:wordings.conflict.current', {
              version: conflict.current.version,
              body: conflict.current.body ?? '—',
            })}
          </p>
          <p>
            {t('admin:wordings.conflict.yours', {
              version: conflict.expectedVersion,
              body: sent?.body ?? '',
            })}
          </p>
          <p>{t('admin:wordings.conflict.again')}</p>
        </div>
      ) : null}

      {groups.map((group) => {
        const latest = group.versions[0]
        if (!latest) return null
        const mine = isSent(group.topic, group.language)
        // After a conflict the form is based on the version now stored, with the text as typed.
        const basedOn = mine && conflict ? conflict.current.version : latest.version
        const id = `${group.topic}-${group.language}`
        return (
          <section
            key={id}
            aria-labelledby={`${id}-heading`}
            className="space-y-2 rounded border border-slate-200 p-3"
          >
            <h2 id={`${id}-heading`} className="text-lg font-semibold">
              {t('admin:wordings.groupTitle', {
                topic: topicName(group.topic),
                language: group.language,
              })}
            </h2>
            <p>
              <span className="font-medium">
                {t('admin:wordings.versionLabel', { version: latest.version })}
              </span>{' '}
              {latest.body}
            </p>
            <p className="text-sm text-slate-600">
              {t('admin:wordings.addedBy', {
                when: dateTime(latest.createdAt),
                name: latest.createdByName ?? t('admin:wordings.unknownAuthor'),
              })}
            </p>
            {group.versions.length > 1 ? (
              <details>
                <summary>{t('admin:wordings.older', { count: group.versions.length - 1 })}</summary>
                <ol className="space-y-1">
                  {group.versions.slice(1).map((version) => (
                    <li key={version.id}>
                      <span className="font-medium">
                        {t('admin:wordings.versionLabel', { version: version.version })}
                      </span>{' '}
                      {version.body}{' '}
                      <span className="text-sm text-slate-600">
                        ({dateTime(version.createdAt)})
                      </span>
                    </li>
                  ))}
                </ol>
              </details>
            ) : null}
            <details open={mine}>
              <summary>{t('admin:wordings.newVersion')}</summary>
              <Form method="post" className="space-y-2">
                <ErrorSummary errors={mine ? { [`${id}-body`]: errors.body } : {}} />
                <input type="hidden" name="intent" value="add" />
                <input type="hidden" name="topic" value={group.topic} />
                <input type="hidden" name="language" value={group.language} />
                <input type="hidden" name="basedOnVersion" value={basedOn} />
                <label htmlFor={`${id}-body`} className={labelClass}>
                  {t('admin:wordings.body')}
                </label>
                <textarea
                  id={`${id}-body`}
                  name="body"
                  rows={3}
                  required
                  maxLength={5000}
                  defaultValue={mine ? (sent?.body ?? latest.body) : latest.body}
                  className={inputClass}
                  aria-invalid={mine && errors.body ? true : undefined}
                  aria-describedby={mine && errors.body ? `${id}-body-error` : undefined}
                />
                {mine ? <ErrorList id={`${id}-body-error`} errors={errors.body} /> : null}
                <button type="submit" className={buttonClass}>
                  {t('admin:wordings.save', { version: basedOn + 1 })}
                </button>
              </Form>
            </details>
          </section>
        )
      })}

      <section aria-labelledby="new-language-heading" className="space-y-2">
        <h2 id="new-language-heading" className="text-xl font-semibold">
          {t('admin:wordings.newLanguage.title')}
        </h2>
        <p>{t('admin:wordings.newLanguage.intro')}</p>
        {inNewForm ? (
          <FormAlert errors={Object.keys(errors).length ? ['admin:errors.fixFields'] : null} />
        ) : null}
        <Form method="post" className="max-w-md space-y-3">
          <ErrorSummary
            errors={
              inNewForm
                ? {
                    'new-topic': errors.topic,
                    'new-language': errors.language,
                    'new-body': errors.body,
                  }
                : {}
            }
          />
          <input type="hidden" name="intent" value="add" />
          <input type="hidden" name="basedOnVersion" value="0" />
          <div className="space-y-1">
            <label htmlFor="new-topic" className={labelClass}>
              {t('admin:wordings.topic')}
            </label>
            <select id="new-topic" name="topic" className={inputClass}>
              {topics.map((topic) => (
                <option key={topic} value={topic}>
                  {topicName(topic)}
                </option>
              ))}
            </select>
            {inNewForm ? <ErrorList errors={errors.topic} /> : null}
          </div>
          <div className="space-y-1">
            <label htmlFor="new-language" className={labelClass}>
              {t('admin:wordings.language')}
            </label>
            <input
              id="new-language"
              name="language"
              type="text"
              required
              pattern="[a-z]{2}(-[A-Z]{2})?"
              defaultValue={inNewForm ? sent.language : undefined}
              className={inputClass}
              aria-describedby="new-language-hint"
            />
            <p id="new-language-hint" className="text-sm text-slate-600">
              {t('admin:wordings.languageHint')}
            </p>
            {inNewForm ? <ErrorList errors={errors.language} /> : null}
          </div>
          <div className="space-y-1">
            <label htmlFor="new-body" className={labelClass}>
              {t('admin:wordings.body')}
            </label>
            <textarea
              id="new-body"
              name="body"
              rows={3}
              required
              maxLength={5000}
              defaultValue={inNewForm ? sent.body : undefined}
              className={inputClass}
            />
            {inNewForm ? <ErrorList errors={errors.body} /> : null}
          </div>
          <button type="submit" className={buttonClass}>
            {t('admin:wordings.newLanguage.submit')}
          </button>
        </Form>
      </section>
    </main>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
