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
import { staffRoles } from '#app/auth/roles.ts'
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
import { getFixedT, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { orNotFound, requireFound } from '#app/lib/http.server.ts'
import { MAX_INTEGER, singleLine, TEXT_FIELD_ERRORS } from '#app/lib/text-fields.ts'
import { useFormat } from '#app/lib/use-format.ts'
import { mailStaffInvitation } from '#app/mail/staff-invitation.server.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError, VersionConflictError } from '#db/errors.ts'
import {
  changeStaffRole,
  deactivateStaff,
  getStaffMember,
  reactivateStaff,
  renameStaff,
  resendStaffInvitation,
  type StaffMemberState,
} from '#db/staff-admin.ts'

// One staff member: their details, the changes recorded for them, and the admin's edits (each an
// intent of the one action, each checked against the version the page was rendered with).

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'admin')
  const member = requireFound(await getStaffMember(await getDatabase(), params.accountId ?? ''))
  const [common, admin] = await Promise.all([
    getFixedT(request, 'common'),
    getFixedT(request, 'admin'),
  ])
  return data(
    {
      title: common('app.pageTitle', {
        page: admin('member.pageTitle', { name: member.displayName }),
      }),
      member,
      isSelf: member.accountId === user.id,
    },
    { headers },
  )
}

const versionField = z.coerce
  .number()
  .int()
  .min(0)
  .max(MAX_INTEGER, TEXT_FIELD_ERRORS.numberTooLarge)

const actionSchema = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('rename'),
    displayName: singleLine(
      z
        .string({ required_error: 'admin:errors.nameRequired' })
        .trim()
        .min(1, 'admin:errors.nameRequired')
        .max(200, 'admin:errors.nameTooLong'),
    ),
    version: versionField,
  }),
  z.object({
    intent: z.literal('role'),
    role: z.enum(staffRoles, { errorMap: () => ({ message: 'admin:errors.roleInvalid' }) }),
    version: versionField,
  }),
  z.object({ intent: z.literal('deactivate'), version: versionField }),
  z.object({ intent: z.literal('reactivate'), version: versionField }),
  z.object({ intent: z.literal('resend') }),
])

type Intent = z.infer<typeof actionSchema>['intent']

interface ActionResult {
  intent: Intent | null
  fieldErrors: Record<string, string[]>
  formErrors: string[]
  values: Record<string, string>
  conflict: {
    current: StaffMemberState
    changes: Partial<StaffMemberState>
    expectedVersion: number
  } | null
}

function answer(status: number, result: Partial<ActionResult>, headers: Headers) {
  return data<ActionResult>(
    { intent: null, fieldErrors: {}, formErrors: [], values: {}, conflict: null, ...result },
    { status, headers },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'admin')
  const db = await getDatabase()
  const accountId = params.accountId ?? ''
  requireFound(await getStaffMember(db, accountId))
  const values: Record<string, string> = {}
  for (const [key, value] of await request.formData()) {
    if (typeof value === 'string') values[key] = value
  }
  const intent =
    actionSchema.options
      .map((option) => option.shape.intent.value)
      .find((value) => value === values.intent) ?? null
  const parsed = actionSchema.safeParse(values)
  if (!parsed.success) {
    const flat = parsed.error.flatten()
    return answer(
      400,
      {
        intent,
        values,
        fieldErrors: Object.fromEntries(
          Object.entries(flat.fieldErrors).map(([key, errors]) => [key, errors ?? []]),
        ),
        formErrors: flat.formErrors.length ? ['admin:errors.invalid'] : [],
      },
      headers,
    )
  }
  const input = parsed.data
  const edit = { accountId, actorId: user.id }
  const done = (what: string) =>
    redirect(`/staff/admin/staff/${accountId}?saved=${what}`, { headers })
  try {
    switch (input.intent) {
      case 'rename': {
        const changed = await orNotFound(() =>
          renameStaff(db, {
            ...edit,
            expectedVersion: input.version,
            displayName: input.displayName,
          }),
        )
        return done(changed ? 'renamed' : 'unchanged')
      }
      case 'role': {
        const changed = await orNotFound(() =>
          changeStaffRole(db, { ...edit, expectedVersion: input.version, role: input.role }),
        )
        return done(changed ? 'role' : 'unchanged')
      }
      case 'deactivate': {
        const changed = await orNotFound(() =>
          deactivateStaff(db, { ...edit, expectedVersion: input.version }),
        )
        return done(changed ? 'deactivated' : 'unchanged')
      }
      case 'reactivate': {
        const changed = await orNotFound(() =>
          reactivateStaff(db, { ...edit, expectedVersion: input.version }),
        )
        return done(changed ? 'reactivated' : 'unchanged')
      }
      case 'resend': {
        const invitation = await orNotFound(() => resendStaffInvitation(db, edit))
        // A new link goes out in the admin's own language (the first one's is not stored).
        await mailStaffInvitation(invitation, user.displayName, await getRequestLocale(request))
        return done('resent')
      }
    }
  } catch (error) {
    if (error instanceof VersionConflictError) {
      const conflict = error as VersionConflictError<StaffMemberState>
      return answer(
        409,
        {
          intent,
          values,
          conflict: {
            current: conflict.current,
            changes: conflict.changes,
            expectedVersion: conflict.expectedVersion,
          },
        },
        headers,
      )
    }
    if (error instanceof InvalidStateError) {
      return answer(409, { intent, values, formErrors: [error.reason] }, headers)
    }
    throw error
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

const savedKeys = {
  renamed: 'member.saved.renamed',
  role: 'member.saved.role',
  deactivated: 'member.saved.deactivated',
  reactivated: 'member.saved.reactivated',
  resent: 'member.saved.resent',
  unchanged: 'member.saved.unchanged',
} as const

function isSaved(value: string | null): value is keyof typeof savedKeys {
  return value !== null && value in savedKeys
}

export default function StaffMemberRoute() {
  const { member, isSelf } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('admin')
  const { dateTime } = useFormat()
  const saved = searchParams.get('saved')
  const conflict = actionData?.conflict ?? null
  // After a conflict the forms carry the version now stored: sending again applies the change
  // over what is there now, knowingly.
  const version = conflict?.current.version ?? member.version
  const errorsFor = (intent: Intent, field: string) =>
    actionData?.intent === intent ? actionData.fieldErrors[field] : undefined
  const formErrors = actionData?.formErrors.length ? actionData.formErrors : null

  const describeChange = (change: (typeof member.changes)[number]) => {
    const field = (value: unknown, key: string): string | null => {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return null
      const found = (value as Record<string, unknown>)[key]
      return typeof found === 'string' ? found : null
    }
    switch (change.action) {
      case 'role_changed': {
        const from = field(change.before, 'role')
        const to = field(change.after, 'role')
        return t('member.changes.roleFromTo', {
          from: from ? t(`roles.${from as (typeof staffRoles)[number]}`) : '—',
          to: to ? t(`roles.${to as (typeof staffRoles)[number]}`) : '—',
        })
      }
      case 'renamed':
        return t('member.changes.renamedFromTo', {
          from: field(change.before, 'displayName') ?? '—',
          to: field(change.after, 'displayName') ?? '—',
        })
      default:
        return ''
    }
  }

  return (
    <main className="mx-auto max-w-3xl space-y-6 p-4">
      <p>
        <Link to="/staff/admin" className={linkClass}>
          {t('member.back')}
        </Link>
      </p>
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold">{member.displayName}</h1>
        <p>
          {member.email} · {t(`roles.${member.role}`)} · {t(`states.${member.state}`)}
        </p>
      </header>
      {isSaved(saved) && !actionData ? <Notice>{t(savedKeys[saved])}</Notice> : null}
      {formErrors ? <FormAlert errors={formErrors} /> : null}
      {conflict ? (
        <div role="alert" className="space-y-1 rounded border border-amber-400 bg-amber-50 p-3">
          <p className="font-semibold">{t('member.conflict.title')}</p>
          <p>
            {t('member.conflict.current', {
              name: conflict.current.displayName,
              role: t(`roles.${conflict.current.role}`),
              state: conflict.current.deactivated ? t('states.deactivated') : t('states.active'),
              version: conflict.current.version,
            })}
          </p>
          <p>
            {t('member.conflict.yours', {
              change:
                conflict.changes.role !== undefined
                  ? `${t('member.role')}: ${t(`roles.${conflict.changes.role}`)}`
                  : conflict.changes.displayName !== undefined
                    ? `${t('member.displayName')}: ${conflict.changes.displayName}`
                    : conflict.changes.deactivated
                      ? t('member.deactivate.submit')
                      : t('member.reactivate.submit'),
              version: conflict.expectedVersion,
            })}
          </p>
          <p>{t('member.conflict.again')}</p>
        </div>
      ) : null}

      <section aria-labelledby="edit-heading" className="space-y-4">
        <h2 id="edit-heading" className="text-xl font-semibold">
          {t('member.editTitle')}
        </h2>
        <Form method="post" className="flex flex-wrap items-end gap-2">
          <ErrorSummary errors={{ displayName: errorsFor('rename', 'displayName') }} />
          <input type="hidden" name="intent" value="rename" />
          <input type="hidden" name="version" value={version} />
          <div className="grow space-y-1">
            <label htmlFor="displayName" className={labelClass}>
              {t('member.displayName')}
            </label>
            <input
              id="displayName"
              name="displayName"
              type="text"
              required
              maxLength={200}
              defaultValue={
                actionData?.intent === 'rename'
                  ? (actionData.values.displayName ?? member.displayName)
                  : member.displayName
              }
              className={inputClass}
              aria-invalid={errorsFor('rename', 'displayName') ? true : undefined}
              aria-describedby={
                errorsFor('rename', 'displayName') ? 'displayName-error' : undefined
              }
            />
            <ErrorList id="displayName-error" errors={errorsFor('rename', 'displayName')} />
          </div>
          <button type="submit" className={buttonClass}>
            {t('member.rename')}
          </button>
        </Form>

        {isSelf ? (
          <p>{t('member.selfNote')}</p>
        ) : (
          <>
            <Form method="post" className="flex flex-wrap items-end gap-2">
              <ErrorSummary errors={{ role: errorsFor('role', 'role') }} />
              <input type="hidden" name="intent" value="role" />
              <input type="hidden" name="version" value={version} />
              <div className="space-y-1">
                <label htmlFor="role" className={labelClass}>
                  {t('member.role')}
                </label>
                <select id="role" name="role" defaultValue={member.role} className={inputClass}>
                  {staffRoles.map((role) => (
                    <option key={role} value={role}>
                      {t(`roles.${role}`)}
                    </option>
                  ))}
                </select>
                <ErrorList errors={errorsFor('role', 'role')} />
              </div>
              <button type="submit" className={buttonClass}>
                {t('member.changeRole')}
              </button>
            </Form>

            {member.state === 'deactivated' ? (
              <Form method="post" className="space-y-2">
                <input type="hidden" name="intent" value="reactivate" />
                <input type="hidden" name="version" value={version} />
                <p>{t('member.reactivate.intro')}</p>
                <button type="submit" className={buttonClass}>
                  {t('member.reactivate.submit')}
                </button>
              </Form>
            ) : (
              <Form method="post" className="space-y-2">
                <input type="hidden" name="intent" value="deactivate" />
                <input type="hidden" name="version" value={version} />
                <p>{t('member.deactivate.intro')}</p>
                <button type="submit" className={buttonClass}>
                  {t('member.deactivate.submit')}
                </button>
              </Form>
            )}
          </>
        )}

        {member.state === 'invited' ? (
          <Form method="post" className="space-y-2">
            <input type="hidden" name="intent" value="resend" />
            <p>{t('member.resend.intro')}</p>
            <button type="submit" className={buttonClass}>
              {t('member.resend.submit')}
            </button>
          </Form>
        ) : null}
      </section>

      <section aria-labelledby="changes-heading" className="space-y-2">
        <h2 id="changes-heading" className="text-xl font-semibold">
          {t('member.changes.title')}
        </h2>
        {member.changes.length === 0 ? (
          <p>{t('member.changes.none')}</p>
        ) : (
          <table className="w-full">
            <thead>
              <tr>
                <th scope="col" className="px-2 text-left">
                  {t('member.changes.when')}
                </th>
                <th scope="col" className="px-2 text-left">
                  {t('member.changes.action')}
                </th>
                <th scope="col" className="px-2 text-left">
                  {t('member.changes.by')}
                </th>
                <th scope="col" className="px-2 text-left">
                  {t('member.changes.details')}
                </th>
              </tr>
            </thead>
            <tbody>
              {member.changes.map((change) => (
                <tr key={change.id} className="border-t border-slate-200">
                  <td className="px-2 py-1">
                    <time dateTime={new Date(change.occurredAt).toISOString()}>
                      {dateTime(change.occurredAt)}
                    </time>
                  </td>
                  <td className="px-2 py-1">{t(`member.changes.actions.${change.action}`)}</td>
                  <td className="px-2 py-1">
                    {change.actorName ?? t('member.changes.unknownActor')}
                  </td>
                  <td className="px-2 py-1">{describeChange(change)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
