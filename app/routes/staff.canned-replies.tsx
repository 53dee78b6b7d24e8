import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
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
  Notice,
} from '#app/components/forms.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { orNotFound } from '#app/lib/http.server.ts'
import { MAX_INTEGER, multiLine, singleLine, TEXT_FIELD_ERRORS } from '#app/lib/text-fields.ts'
import { useFormat } from '#app/lib/use-format.ts'
import {
  archiveCannedReply,
  type CannedReply,
  cannedReplyPlaceholders,
  createCannedReply,
  listCannedReplies,
  listCannedReplyLanguages,
  updateCannedReply,
} from '#db/canned-replies.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError, VersionConflictError } from '#db/errors.ts'

// Supervisors keep the canned replies agents insert on the ticket page. Agents read them there,
// not here: this page and all its writes are for supervisors.

const languagePattern = /^[a-z]{2}(-[A-Z]{2})?$/

const fields = {
  title: singleLine(
    z
      .string({ required_error: 'admin:canned.errors.titleRequired' })
      .trim()
      .min(1, 'admin:canned.errors.titleRequired')
      .max(120, 'admin:canned.errors.titleTooLong'),
  ),
  language: z
    .string({ required_error: 'admin:canned.errors.languageInvalid' })
    .trim()
    .regex(languagePattern, 'admin:canned.errors.languageInvalid'),
  body: multiLine(
    z
      .string({ required_error: 'admin:canned.errors.bodyRequired' })
      .trim()
      .min(1, 'admin:canned.errors.bodyRequired')
      .max(5000, 'admin:canned.errors.bodyTooLong'),
  ),
}
const idField = z.string().uuid('admin:errors.invalid')
const versionField = z.coerce
  .number()
  .int()
  .positive()
  .max(MAX_INTEGER, TEXT_FIELD_ERRORS.numberTooLarge)

const actionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('create'), ...fields }),
  z.object({ intent: z.literal('update'), id: idField, version: versionField, ...fields }),
  z.object({ intent: z.literal('archive'), id: idField, version: versionField }),
])

type Intent = z.infer<typeof actionSchema>['intent']

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireStaff(request, 'supervisor')
  const db = await getDatabase()
  const language = new URL(request.url).searchParams.get('language') ?? ''
  const filter = languagePattern.test(language) ? language : undefined
  const [replies, languages, common, admin] = await Promise.all([
    listCannedReplies(db, { language: filter }),
    listCannedReplyLanguages(db),
    getFixedT(request, 'common'),
    getFixedT(request, 'admin'),
  ])
  return data(
    {
      title: common('app.pageTitle', { page: admin('canned.title') }),
      replies,
      languages,
      language: filter ?? null,
    },
    { headers },
  )
}

interface ActionResult {
  intent: Intent | null
  /** The reply the form was for (edits and archiving). */
  id: string | null
  values: Record<string, string>
  fieldErrors: Record<string, string[]>
  formErrors: string[]
  conflict: { current: CannedReply; expectedVersion: number } | null
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'supervisor')
  const values: Record<string, string> = {}
  for (const [key, value] of await request.formData()) {
    if (typeof value === 'string') values[key] = value
  }
  const intent =
    actionSchema.options
      .map((option) => option.shape.intent.value)
      .find((value) => value === values.intent) ?? null
  const answer = (status: number, result: Partial<ActionResult>) =>
    data<ActionResult>(
      {
        intent,
        id: values.id ?? null,
        values,
        fieldErrors: {},
        formErrors: [],
        conflict: null,
        ...result,
      },
      { status, headers },
    )
  const parsed = actionSchema.safeParse(values)
  if (!parsed.success) {
    const flat = parsed.error.flatten()
    return answer(400, {
      fieldErrors: Object.fromEntries(
        Object.entries(flat.fieldErrors).map(([key, errors]) => [key, errors ?? []]),
      ),
      formErrors: flat.formErrors.length ? ['admin:errors.invalid'] : [],
    })
  }
  const input = parsed.data
  const db = await getDatabase()
  // Back to the list the supervisor was looking at.
  const back = new URL(request.url).searchParams.get('language')
  const done = (what: string) => {
    const query = new URLSearchParams({ saved: what })
    if (back && languagePattern.test(back)) query.set('language', back)
    return redirect(`/staff/canned-replies?${query}`, { headers })
  }
  try {
    switch (input.intent) {
      case 'create':
        await createCannedReply(db, {
          title: input.title,
          language: input.language,
          body: input.body,
          staffAccountId: user.id,
        })
        return done('created')
      case 'update':
        await orNotFound(() =>
          updateCannedReply(db, {
            id: input.id,
            expectedVersion: input.version,
            title: input.title,
            language: input.language,
            body: input.body,
            staffAccountId: user.id,
          }),
        )
        return done('updated')
      case 'archive':
        await orNotFound(() =>
          archiveCannedReply(db, {
            id: input.id,
            expectedVersion: input.version,
            staffAccountId: user.id,
          }),
        )
        return done('archived')
    }
  } catch (error) {
    if (error instanceof VersionConflictError) {
      const conflict = error as VersionConflictError<CannedReply>
      return answer(409, {
        conflict: { current: conflict.current, expectedVersion: conflict.expectedVersion },
      })
    }
    if (error instanceof InvalidStateError) {
      return answer(400, { fieldErrors: { title: [error.reason] } })
    }
    throw error
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

const savedKeys = {
  created: 'canned.saved.created',
  updated: 'canned.saved.updated',
  archived: 'canned.saved.archived',
} as const

function isSaved(value: string | null): value is keyof typeof savedKeys {
  return value !== null && value in savedKeys
}

export default function CannedRepliesRoute() {
  const { replies, languages, language } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('admin')
  const { dateTime } = useFormat()
  const saved = searchParams.get('saved')
  const conflict = actionData?.conflict ?? null
  const formAction = language ? `?language=${language}` : undefined

  /** The fields of the create form, or of one reply's edit form. */
  const replyFields = (prefix: string, reply: CannedReply | null) => {
    const mine =
      actionData &&
      (reply
        ? actionData.intent === 'update' && actionData.id === reply.id
        : actionData.intent === 'create')
    const value = (field: 'title' | 'language' | 'body', stored: string) =>
      mine ? (actionData.values[field] ?? stored) : stored
    const errorsOf = (field: string) => (mine ? actionData.fieldErrors[field] : undefined)
    const input = (field: 'title' | 'language') => {
      const errors = errorsOf(field)
      return (
        <div className="space-y-1">
          <label htmlFor={`${prefix}-${field}`} className={labelClass}>
            {t(field === 'title' ? 'canned.titleLabel' : 'canned.language')}
          </label>
          <input
            id={`${prefix}-${field}`}
            name={field}
            type="text"
            required
            maxLength={field === 'title' ? 120 : 5}
            defaultValue={value(field, reply?.[field] ?? (field === 'language' ? 'en' : ''))}
            className={inputClass}
            aria-invalid={errors?.length ? true : undefined}
            aria-describedby={errors?.length ? `${prefix}-${field}-error` : undefined}
          />
          <ErrorList id={`${prefix}-${field}-error`} errors={errors} />
        </div>
      )
    }
    const bodyErrors = errorsOf('body')
    return (
      <>
        <ErrorSummary
          errors={{
            [`${prefix}-title`]: errorsOf('title'),
            [`${prefix}-language`]: errorsOf('language'),
            [`${prefix}-body`]: bodyErrors,
          }}
        />
        {input('title')}
        {input('language')}
        <div className="space-y-1">
          <label htmlFor={`${prefix}-body`} className={labelClass}>
            {t('canned.body')}
          </label>
          <p id={`${prefix}-body-hint`} className="text-sm text-slate-600">
            {t('canned.placeholders', {
              list: cannedReplyPlaceholders.map((name) => `{{${name}}}`).join(', '),
              interpolation: { escapeValue: false },
            })}
          </p>
          <textarea
            id={`${prefix}-body`}
            name="body"
            rows={5}
            required
            maxLength={5000}
            defaultValue={value('body', reply?.body ?? '')}
            className={inputClass}
            aria-invalid={bodyErrors?.length ? true : undefined}
            aria-describedby={`${prefix}-body-hint${bodyErrors?.length ? ` ${prefix}-body-error` : ''}`}
          />
          <ErrorList id={`${prefix}-body-error`} errors={bodyErrors} />
        </div>
      </>
    )
  }

  return (
    <main className="mx-auto max-w-4xl space-y-6 p-4">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold">{t('canned.title')}</h1>
        <p>{t('canned.intro')}</p>
      </header>
      {isSaved(saved) && !actionData ? <Notice>{t(savedKeys[saved])}</Notice> : null}
      {actionData?.formErrors.length ? <FormAlert errors={actionData.formErrors} /> : null}

      <Form method="get" className="flex flex-wrap items-end gap-2">
        <div className="space-y-1">
          <label htmlFor="language-filter" className={labelClass}>
            {t('canned.filter.label')}
          </label>
          <select
            id="language-filter"
            name="language"
            defaultValue={language ?? ''}
            className={inputClass}
          >
            <option value="">{t('canned.filter.all')}</option>
            {languages.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonClass}>
          {t('canned.filter.submit')}
        </button>
      </Form>

      {replies.length === 0 ? <p>{t('canned.none')}</p> : null}
      {replies.map((reply) => {
        const mine = actionData?.id === reply.id
        const conflictHere = mine && conflict ? conflict : null
        // After a conflict the forms carry the version now stored: saving again overwrites it
        // knowingly.
        const version = conflictHere?.current.version ?? reply.version
        return (
          <section
            key={reply.id}
            aria-labelledby={`reply-${reply.id}`}
            className="space-y-2 rounded border border-slate-200 p-3"
          >
            <h2 id={`reply-${reply.id}`} className="text-lg font-semibold">
              {reply.title} <span className="text-sm font-normal">({reply.language})</span>
            </h2>
            <p className="whitespace-pre-line">{reply.body}</p>
            <p className="text-sm text-slate-600">
              {t('canned.updated', { when: dateTime(reply.updatedAt), version: reply.version })}
            </p>
            {conflictHere ? (
              <div
                role="alert"
                className="space-y-1 rounded border border-amber-400 bg-amber-50 p-3"
              >
                <p className="font-semibold">{t('canned.conflict.title')}</p>
                <p>
                  {t('canned.conflict.current', {
                    version: conflictHere.current.version,
                    title: conflictHere.current.title,
                    body: conflictHere.current.body,
                  })}
                </p>
                <p>
                  {actionData?.intent === 'archive'
                    ? t('canned.conflict.yoursArchive', {
                        version: conflictHere.expectedVersion,
                      })
                    : t('canned.conflict.yours', {
                        version: conflictHere.expectedVersion,
                        title: actionData?.values.title ?? '',
                        body: actionData?.values.body ?? '',
                      })}
                </p>
                <p>{t('canned.conflict.again')}</p>
              </div>
            ) : null}
            <details open={mine && actionData?.intent === 'update'}>
              <summary>{t('canned.edit')}</summary>
              <Form method="post" action={formAction} className="max-w-xl space-y-3">
                <input type="hidden" name="intent" value="update" />
                <input type="hidden" name="id" value={reply.id} />
                <input type="hidden" name="version" value={version} />
                {replyFields(`edit-${reply.id}`, reply)}
                <button type="submit" className={buttonClass}>
                  {t('canned.save')}
                </button>
              </Form>
            </details>
            <Form method="post" action={formAction}>
              <input type="hidden" name="intent" value="archive" />
              <input type="hidden" name="id" value={reply.id} />
              <input type="hidden" name="version" value={version} />
              <button type="submit" className={buttonClass}>
                {t('canned.archive')}
              </button>
            </Form>
          </section>
        )
      })}

      <section aria-labelledby="new-reply-heading" className="space-y-3">
        <h2 id="new-reply-heading" className="text-xl font-semibold">
          {t('canned.new')}
        </h2>
        <Form method="post" action={formAction} className="max-w-xl space-y-3">
          <input type="hidden" name="intent" value="create" />
          {replyFields('new', null)}
          <button type="submit" className={buttonClass}>
            {t('canned.create')}
          </button>
        </Form>
      </section>
    </main>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
