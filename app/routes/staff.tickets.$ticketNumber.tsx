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
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
  linkClass,
  Notice,
} from '#app/components/forms.tsx'
import { statusTone, useDuration } from '#app/components/staff/ticket-queue.tsx'
import { TicketThread } from '#app/components/staff/ticket-thread.tsx'
import { StatusBadge } from '#app/components/ui/status-badge.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { orNotFound, requireFound } from '#app/lib/http.server.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError, VersionConflictError } from '#db/errors.ts'
import { isUuid } from '#db/ids.ts'
import {
  assignTicket,
  findTicketIdByNumber,
  getStaffTicketThread,
  setTicketPriority,
  ticketPriorities,
  type TicketWorkState,
} from '#db/staff-tickets.ts'
import { addStaffReply } from '#db/tickets.ts'

const MINUTE = 60_000

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { headers } = await requireStaff(request, 'agent')
  const db = await getDatabase()
  const now = new Date()
  const thread = requireFound(await getStaffTicketThread(db, params.ticketNumber ?? '', now))
  const [common, staff] = await Promise.all([
    getFixedT(request, 'common'),
    getFixedT(request, 'staff'),
  ])
  return data(
    {
      title: common('app.pageTitle', {
        page: staff('ticket.title', { number: thread.ticket.ticketNumber }),
      }),
      ticket: thread.ticket,
      messages: thread.messages,
      staff: thread.staff,
      dueKind: thread.dueKind,
      dueInMinutes: thread.dueAt
        ? Math.floor((thread.dueAt.getTime() - now.getTime()) / MINUTE)
        : null,
      breached: thread.breached,
    },
    { headers },
  )
}

const bodyField = z
  .string({ required_error: 'staff:ticket.errors.bodyRequired' })
  .trim()
  .min(1, 'staff:ticket.errors.bodyRequired')
  .max(20_000, 'staff:ticket.errors.bodyTooLong')
const versionField = z.coerce.number().int().positive()

const actionSchema = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('reply'),
    body: bodyField,
    status: z.enum(['keep', 'waiting_on_customer', 'resolved']).default('keep'),
  }),
  z.object({ intent: z.literal('note'), body: bodyField }),
  z.object({
    intent: z.literal('assign'),
    assignee: z.string().default(''),
    assignToMe: z.string().optional(),
    version: versionField,
  }),
  z.object({
    intent: z.literal('priority'),
    priority: z.enum(ticketPriorities),
    version: versionField,
  }),
])

type Intent = z.infer<typeof actionSchema>['intent']

interface ActionResult {
  intent: Intent | null
  fieldErrors: Record<string, string[]>
  formErrors: string[]
  values: Record<string, string>
  conflict: {
    current: TicketWorkState
    changes: Partial<TicketWorkState>
    expectedVersion: number
  } | null
}

function answer(status: number, result: Partial<ActionResult>, headers: Headers) {
  return data<ActionResult>(
    {
      intent: null,
      fieldErrors: {},
      formErrors: [],
      values: {},
      conflict: null,
      ...result,
    },
    { status, headers },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'agent')
  const db = await getDatabase()
  const ticketNumber = params.ticketNumber ?? ''
  const ticketId = requireFound(await findTicketIdByNumber(db, ticketNumber))
  const form = await request.formData()
  const values: Record<string, string> = {}
  for (const [key, value] of form) if (typeof value === 'string') values[key] = value
  const parsed = actionSchema.safeParse(values)
  const intent =
    actionSchema.options
      .map((option) => option.shape.intent.value)
      .find((value) => value === values.intent) ?? null
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
        formErrors: flat.formErrors.length ? ['staff:ticket.errors.invalid'] : [],
      },
      headers,
    )
  }
  const input = parsed.data
  const done = (what: string) =>
    redirect(`/staff/tickets/${ticketNumber}?saved=${what}`, { headers })
  try {
    switch (input.intent) {
      case 'reply':
        await orNotFound(() =>
          addStaffReply(db, {
            ticketId,
            staffAccountId: user.id,
            body: input.body,
            visibility: 'public',
            toStatus: input.status === 'keep' ? null : input.status,
          }),
        )
        return done('reply')
      case 'note':
        await orNotFound(() =>
          addStaffReply(db, {
            ticketId,
            staffAccountId: user.id,
            body: input.body,
            visibility: 'internal',
          }),
        )
        return done('note')
      case 'assign': {
        const assigneeId = input.assignToMe ? user.id : input.assignee || null
        if (assigneeId !== null && !isUuid(assigneeId)) {
          return answer(
            400,
            { intent, values, fieldErrors: { assignee: ['staff:ticket.errors.unknownAssignee'] } },
            headers,
          )
        }
        const changed = await orNotFound(() =>
          assignTicket(db, {
            ticketNumber,
            staffAccountId: user.id,
            expectedVersion: input.version,
            assigneeId,
          }),
        )
        return done(changed ? 'assign' : 'unchanged')
      }
      case 'priority': {
        const changed = await orNotFound(() =>
          setTicketPriority(db, {
            ticketNumber,
            staffAccountId: user.id,
            expectedVersion: input.version,
            priority: input.priority,
          }),
        )
        return done(changed ? 'priority' : 'unchanged')
      }
    }
  } catch (error) {
    if (error instanceof VersionConflictError) {
      const conflict = error as VersionConflictError<TicketWorkState>
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
      const status = error.reason === 'staff:ticket.errors.unknownAssignee' ? 400 : 409
      return answer(status, { intent, values, formErrors: [error.reason] }, headers)
    }
    throw error
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

const savedKeys = {
  reply: 'ticket.reply.sent',
  note: 'ticket.note.added',
  assign: 'ticket.assign.done',
  priority: 'ticket.setPriority.done',
  unchanged: 'ticket.assign.unchanged',
} as const

function isSaved(value: string | null): value is keyof typeof savedKeys {
  return value !== null && value in savedKeys
}

export default function StaffTicketView() {
  const { ticket, messages, staff, dueKind, dueInMinutes, breached } =
    useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('staff')
  const duration = useDuration()
  const saved = searchParams.get('saved')
  const errorsFor = (intent: Intent, field: string) =>
    actionData?.intent === intent ? actionData.fieldErrors[field] : undefined
  const valueFor = (intent: Intent, field: string) =>
    actionData?.intent === intent ? actionData.values[field] : undefined
  const formErrorsFor = (intent: Intent) =>
    actionData?.intent === intent ? actionData.formErrors : undefined
  const conflict = actionData?.conflict ?? null
  // After a refused save the page may not have been reloaded: the next try must carry the
  // version the agent has now been shown.
  const version = conflict?.current.version ?? ticket.version
  const nameOf = (id: string | null | undefined) =>
    id
      ? (staff.find((member) => member.accountId === id)?.displayName ?? id)
      : t('ticket.unassigned')

  // Keyed forms start empty again once what they sent is on the page (a new message, a new
  // version), while a refused post keeps what was typed.
  return (
    <section className="space-y-6">
      <p>
        <Link to="/staff/tickets" className={linkClass}>
          {t('queue.title')}
        </Link>
      </p>
      <header className="space-y-1">
        <h1 className="text-3xl font-semibold">
          {t('ticket.title', { number: ticket.ticketNumber })}: {ticket.subject}
        </h1>
        <p>{t('ticket.customer', { name: ticket.customerName, number: ticket.customerNumber })}</p>
        <p className="flex flex-wrap gap-3">
          <StatusBadge tone={statusTone[ticket.status]}>
            {t(`ticket.statuses.${ticket.status}`)}
          </StatusBadge>
          <span>
            {t('ticket.priority')}: {t(`ticket.priorities.${ticket.priority}`)}
          </span>
          <span>
            {t('ticket.assignee')}: {ticket.assigneeName ?? t('ticket.unassigned')}
          </span>
          {dueKind && dueInMinutes !== null ? (
            breached ? (
              <StatusBadge tone="problem">
                {t('ticket.breached')}:{' '}
                {t('queue.overdueBy', { duration: duration(-dueInMinutes) })}
              </StatusBadge>
            ) : (
              <span>
                {t(`queue.dueKind.${dueKind}`)}: {duration(dueInMinutes)}
              </span>
            )
          ) : null}
        </p>
      </header>

      {isSaved(saved) ? <Notice>{t(savedKeys[saved])}</Notice> : null}
      {conflict ? (
        <div role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-800">
          <p className="font-semibold">{t('ticket.conflict.title')}</p>
          <p>
            {t('ticket.conflict.current', {
              assignee: conflict.current.assigneeName ?? t('ticket.unassigned'),
              priority: t(`ticket.priorities.${conflict.current.priority}`),
              version: conflict.current.version,
            })}
          </p>
          <p>
            {t('ticket.conflict.yours', {
              change:
                conflict.changes.priority !== undefined
                  ? `${t('ticket.priority')}: ${t(`ticket.priorities.${conflict.changes.priority}`)}`
                  : `${t('ticket.assignee')}: ${nameOf(conflict.changes.assigneeId)}`,
              version: conflict.expectedVersion,
            })}
          </p>
          <p>{t('ticket.conflict.again')}</p>
        </div>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-4 lg:col-span-2">
          <h2 className="text-xl font-semibold">{t('ticket.thread')}</h2>
          <TicketThread messages={messages} />

          <Form
            key={`reply-${messages.length}`}
            method="post"
            className="space-y-2 rounded border p-3"
          >
            <h3 className="font-semibold">{t('ticket.reply.heading')}</h3>
            <FormAlert errors={formErrorsFor('reply')} />
            <input type="hidden" name="intent" value="reply" />
            <label htmlFor="reply-body" className={labelClass}>
              {t('ticket.reply.body')}
            </label>
            <textarea
              id="reply-body"
              name="body"
              rows={5}
              className={inputClass}
              defaultValue={valueFor('reply', 'body')}
              aria-invalid={errorsFor('reply', 'body') ? true : undefined}
              aria-describedby={errorsFor('reply', 'body') ? 'reply-body-error' : undefined}
            />
            <ErrorList id="reply-body-error" errors={errorsFor('reply', 'body')} />
            <label htmlFor="reply-status" className={labelClass}>
              {t('ticket.reply.status')}
            </label>
            <select
              id="reply-status"
              name="status"
              className={inputClass}
              defaultValue={valueFor('reply', 'status') ?? 'keep'}
            >
              <option value="keep">{t('ticket.reply.keep')}</option>
              <option value="waiting_on_customer">{t('ticket.reply.waiting_on_customer')}</option>
              <option value="resolved">{t('ticket.reply.resolved')}</option>
            </select>
            <button type="submit" className={buttonClass}>
              {t('ticket.reply.submit')}
            </button>
          </Form>

          <Form
            key={`note-${messages.length}`}
            method="post"
            className="space-y-2 rounded border-2 border-dashed border-amber-500 bg-amber-50 p-3"
          >
            <h3 className="font-semibold">{t('ticket.note.heading')}</h3>
            <FormAlert errors={formErrorsFor('note')} />
            <input type="hidden" name="intent" value="note" />
            <label htmlFor="note-body" className={labelClass}>
              {t('ticket.note.body')}
            </label>
            <textarea
              id="note-body"
              name="body"
              rows={3}
              className={inputClass}
              defaultValue={valueFor('note', 'body')}
              aria-invalid={errorsFor('note', 'body') ? true : undefined}
              aria-describedby={errorsFor('note', 'body') ? 'note-body-error' : undefined}
            />
            <ErrorList id="note-body-error" errors={errorsFor('note', 'body')} />
            <button type="submit" className={buttonClass}>
              {t('ticket.note.submit')}
            </button>
          </Form>
        </div>

        <aside className="space-y-4">
          <Form key={`assign-${version}`} method="post" className="space-y-2 rounded border p-3">
            <h3 className="font-semibold">{t('ticket.assign.heading')}</h3>
            <FormAlert errors={formErrorsFor('assign')} />
            <input type="hidden" name="intent" value="assign" />
            <input type="hidden" name="version" value={version} />
            <label htmlFor="assign-to" className={labelClass}>
              {t('ticket.assign.to')}
            </label>
            <select
              id="assign-to"
              name="assignee"
              className={inputClass}
              defaultValue={valueFor('assign', 'assignee') ?? ticket.assigneeId ?? ''}
              aria-invalid={errorsFor('assign', 'assignee') ? true : undefined}
              aria-describedby={errorsFor('assign', 'assignee') ? 'assign-error' : undefined}
            >
              <option value="">{t('ticket.assign.nobody')}</option>
              {staff.map((member) => (
                <option key={member.accountId} value={member.accountId}>
                  {member.displayName}
                </option>
              ))}
            </select>
            <ErrorList id="assign-error" errors={errorsFor('assign', 'assignee')} />
            <div className="flex gap-2">
              <button type="submit" className={buttonClass}>
                {t('ticket.assign.submit')}
              </button>
              <button type="submit" name="assignToMe" value="1" className={buttonClass}>
                {t('ticket.assign.toMe')}
              </button>
            </div>
          </Form>

          <Form key={`priority-${version}`} method="post" className="space-y-2 rounded border p-3">
            <h3 className="font-semibold">{t('ticket.setPriority.heading')}</h3>
            <FormAlert errors={formErrorsFor('priority')} />
            <input type="hidden" name="intent" value="priority" />
            <input type="hidden" name="version" value={version} />
            <label htmlFor="priority" className={labelClass}>
              {t('ticket.priority')}
            </label>
            <select
              id="priority"
              name="priority"
              className={inputClass}
              defaultValue={valueFor('priority', 'priority') ?? ticket.priority}
            >
              {ticketPriorities.map((priority) => (
                <option key={priority} value={priority}>
                  {t(`ticket.priorities.${priority}`)}
                </option>
              ))}
            </select>
            <button type="submit" className={buttonClass}>
              {t('ticket.setPriority.submit')}
            </button>
          </Form>
        </aside>
      </div>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
