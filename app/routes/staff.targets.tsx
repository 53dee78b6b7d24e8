import { parseWithZod } from '@conform-to/zod'
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
import { buttonClass, ErrorList, FormAlert, inputClass, Notice } from '#app/components/forms.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { getDatabase } from '#db/database.ts'
import {
  getServiceTargets,
  saveServiceTargets,
  targetFor,
  targetRequestKinds,
  targetSubjects,
  targetTicketPriorities,
} from '#db/service-targets.ts'

const MINUTES_PER_HOUR = 60
// Two years: anything longer is a typo, and no promise to a customer should run that long.
const MAX_HOURS = 2 * 365 * 24

type Measure = 'first' | 'resolution'
const measures: readonly Measure[] = ['first', 'resolution']

function fieldName(measure: Measure, kind: string, value: string) {
  return `${measure}:${kind}:${value}`
}

const hours = z
  .number({
    required_error: 'validation.required',
    invalid_type_error: 'staff:targets.errors.wholeHours',
  })
  .int('staff:targets.errors.wholeHours')
  .min(1, 'staff:targets.errors.wholeHours')
  .max(MAX_HOURS, 'staff:targets.errors.tooLong')

const TargetsSchema = z.object(
  Object.fromEntries(
    targetSubjects.flatMap(({ kind, value }) =>
      measures.map((measure) => [fieldName(measure, kind, value), hours]),
    ),
  ),
)

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'agent')
  const db = await getDatabase()
  const targets = await getServiceTargets(db)
  const toHours = (minutes: number | null | undefined) =>
    minutes == null ? null : Math.round(minutes / MINUTES_PER_HOUR)
  const row = <Value extends string>(kind: 'ticket_priority' | 'request_kind', value: Value) => {
    const target = targetFor(targets, kind, value)
    return {
      value,
      firstHours: toHours(target?.first_response_minutes),
      resolutionHours: toHours(target?.resolution_minutes),
    }
  }
  const [common, staff] = await Promise.all([
    getFixedT(request, 'common'),
    getFixedT(request, 'staff'),
  ])
  return data(
    {
      title: common('app.pageTitle', { page: staff('targets.title') }),
      tickets: targetTicketPriorities.map((value) => row('ticket_priority', value)),
      requests: targetRequestKinds.map((value) => row('request_kind', value)),
      canEdit: user.staffRole !== 'agent',
    },
    { headers },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'supervisor')
  const submission = parseWithZod(await request.formData(), { schema: TargetsSchema })
  if (submission.status !== 'success') {
    return data(submission.reply(), { status: 400, headers })
  }
  const values = submission.value
  const minutes = (measure: Measure, kind: string, value: string) => {
    const entered = values[fieldName(measure, kind, value)]
    return entered === undefined ? null : entered * MINUTES_PER_HOUR
  }
  await saveServiceTargets(await getDatabase(), {
    staffAccountId: user.id,
    targets: targetSubjects.map(({ kind, value }) => ({
      kind,
      value,
      firstResponseMinutes: minutes('first', kind, value),
      resolutionMinutes: minutes('resolution', kind, value),
    })),
  })
  // A redirect, so reloading the page does not post the form again.
  return redirect('/staff/targets?saved=1', { headers })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function StaffTargetsRoute() {
  const { tickets, requests, canEdit } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('staff')
  const errors = lastResult?.error ?? {}
  const typed = (lastResult?.initialValue ?? {}) as Record<string, unknown>
  const hasErrors = Object.values(errors).some((list) => list?.length)

  const cell = (measure: Measure, kind: string, value: string, stored: number | null) => {
    const name = fieldName(measure, kind, value)
    const fieldErrors = errors[name]
    const errorId = `${name}-error`
    const previous = typed[name]
    return (
      <td className="px-2 py-1 align-top">
        <label className="sr-only" htmlFor={name}>
          {t(measure === 'first' ? 'targets.firstResponse' : 'targets.resolution')}
        </label>
        <input
          id={name}
          name={name}
          type="number"
          min={1}
          max={MAX_HOURS}
          step={1}
          required
          readOnly={!canEdit}
          className={inputClass}
          defaultValue={typeof previous === 'string' ? previous : (stored ?? '')}
          aria-invalid={fieldErrors?.length ? true : undefined}
          aria-describedby={fieldErrors?.length ? errorId : undefined}
        />
        <ErrorList id={errorId} errors={fieldErrors} />
      </td>
    )
  }

  const table = (
    kind: 'ticket_priority' | 'request_kind',
    rows: readonly {
      value: string
      label: string
      firstHours: number | null
      resolutionHours: number | null
    }[],
  ) => (
    <table className="w-full">
      <caption className="text-left font-semibold">
        {t(kind === 'ticket_priority' ? 'targets.tickets' : 'targets.requests')}
      </caption>
      <thead>
        <tr>
          <th scope="col" className="px-2 text-left">
            {t(kind === 'ticket_priority' ? 'targets.priority' : 'targets.kind')}
          </th>
          <th scope="col" className="px-2 text-left">
            {t('targets.firstResponse')}
          </th>
          <th scope="col" className="px-2 text-left">
            {t('targets.resolution')}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.value}>
            <th scope="row" className="px-2 text-left font-normal">
              {row.label}
            </th>
            {cell('first', kind, row.value, row.firstHours)}
            {cell('resolution', kind, row.value, row.resolutionHours)}
          </tr>
        ))}
      </tbody>
    </table>
  )

  return (
    <main className="mx-auto max-w-3xl space-y-4 p-4">
      <h1 className="text-2xl font-semibold">{t('targets.title')}</h1>
      <p>{t('targets.intro')}</p>
      {searchParams.get('saved') === '1' && !lastResult ? (
        <Notice>{t('targets.saved')}</Notice>
      ) : null}
      {hasErrors ? <FormAlert errors={['staff:targets.errors.fixFields']} /> : null}
      {canEdit ? null : <p>{t('targets.readOnly')}</p>}
      <Form method="post" className="space-y-6">
        <ErrorSummary errors={errors} />
        {table(
          'ticket_priority',
          tickets.map((row) => ({
            ...row,
            label: t(`targets.subjects.ticket_priority.${row.value}`),
          })),
        )}
        {table(
          'request_kind',
          requests.map((row) => ({
            ...row,
            label: t(`targets.subjects.request_kind.${row.value}`),
          })),
        )}
        {canEdit ? (
          <button type="submit" className={buttonClass}>
            {t('targets.save')}
          </button>
        ) : null}
      </Form>
    </main>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
