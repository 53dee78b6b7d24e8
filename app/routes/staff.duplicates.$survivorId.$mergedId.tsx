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
import { buttonClass, FormAlert, linkClass, Notice } from '#app/components/forms.tsx'
import { MergePreviewView } from '#app/components/staff/merge-preview.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { orNotFound, requireFound } from '#app/lib/http.server.ts'
import { MAX_INTEGER } from '#app/lib/text-fields.ts'
import { getMergePreview, mergeCustomers, type MergeVersions } from '#db/customer-merge.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError, VersionConflictError } from '#db/errors.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { headers } = await requireStaff(request, 'supervisor')
  const db = await getDatabase()
  const preview = requireFound(
    await getMergePreview(db, params.survivorId ?? '', params.mergedId ?? ''),
  )
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'merge'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', {
        page: t('preview.title', {
          survivor: preview.survivor.customerNumber,
          duplicate: preview.duplicate.customerNumber,
        }),
      }),
      preview,
    },
    { headers },
  )
}

const version = z.coerce.number().int().positive().max(MAX_INTEGER)
const MergeSchema = z.object({
  intent: z.literal('merge'),
  survivorVersion: version,
  mergedVersion: version,
})

interface ActionResult {
  formErrors: string[]
  conflict: { current: MergeVersions; expected: MergeVersions } | null
}

function answer(status: number, result: Partial<ActionResult>, headers: Headers) {
  return data<ActionResult>({ formErrors: [], conflict: null, ...result }, { status, headers })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'supervisor')
  const survivorId = params.survivorId ?? ''
  const mergedId = params.mergedId ?? ''
  const form = Object.fromEntries(
    [...(await request.formData())].filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  )
  const parsed = MergeSchema.safeParse(form)
  if (!parsed.success) return answer(400, { formErrors: ['merge:errors.invalid'] }, headers)
  const expected = {
    survivorVersion: parsed.data.survivorVersion,
    mergedVersion: parsed.data.mergedVersion,
  }
  const db = await getDatabase()
  try {
    await orNotFound(() =>
      mergeCustomers(db, {
        survivorId,
        mergedId,
        expected,
        staffAccountId: user.id,
      }),
    )
  } catch (error) {
    if (error instanceof VersionConflictError) {
      const conflict = error as VersionConflictError<MergeVersions>
      return answer(409, { conflict: { current: conflict.current, expected } }, headers)
    }
    if (error instanceof InvalidStateError) {
      return answer(409, { formErrors: [error.reason] }, headers)
    }
    throw error
  }
  // A redirect, so reloading the page does not post the merge again.
  return redirect(`/staff/duplicates/${survivorId}/${mergedId}?saved=merged`, { headers })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function StaffMergeRoute() {
  const { preview } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('merge')
  const conflict = actionData?.conflict ?? null
  const merged = searchParams.get('saved') === 'merged' && preview.duplicate.status === 'merged'
  return (
    <section className="space-y-6">
      <p>
        <Link to="/staff/duplicates" className={linkClass}>
          {t('preview.back')}
        </Link>
      </p>
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">
          {t('preview.title', {
            survivor: preview.survivor.customerNumber,
            duplicate: preview.duplicate.customerNumber,
          })}
        </h1>
        {merged ? null : <p className="text-slate-700">{t('preview.intro')}</p>}
      </header>
      {merged ? (
        <Notice>
          {t('done')}{' '}
          <Link to={`/staff/customers/${preview.survivor.id}`} className={linkClass}>
            {t('notice.open')}
          </Link>
        </Notice>
      ) : null}
      {conflict ? (
        <div role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-800">
          <p className="font-semibold">{t('conflict.title')}</p>
          <p>
            {t('conflict.body', {
              expectedSurvivor: conflict.expected.survivorVersion,
              expectedMerged: conflict.expected.mergedVersion,
              survivor: conflict.current.survivorVersion,
              merged: conflict.current.mergedVersion,
            })}
          </p>
        </div>
      ) : null}
      <FormAlert errors={actionData?.formErrors} />
      <MergePreviewView preview={preview} />
      {merged ? null : preview.blockedBy ? (
        <FormAlert errors={[preview.blockedBy]} />
      ) : (
        // The versions shown travel with the form: a record changed since is a conflict.
        <Form method="post" key={`${preview.survivor.version}-${preview.duplicate.version}`}>
          <input type="hidden" name="intent" value="merge" />
          <input type="hidden" name="survivorVersion" value={preview.survivor.version} />
          <input type="hidden" name="mergedVersion" value={preview.duplicate.version} />
          <button type="submit" className={buttonClass}>
            {t('preview.confirm')}
          </button>
        </Form>
      )}
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
