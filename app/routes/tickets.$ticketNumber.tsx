import {
  getCollectionProps,
  getFormProps,
  getTextareaProps,
  type SubmissionResult,
  useForm,
} from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
  linkClass,
} from '#app/components/forms.tsx'
import { namedColleagues, SharingSchema } from '#app/components/sharing/sharing-schema.ts'
import { WhoCanSee } from '#app/components/sharing/who-can-see.tsx'
import { AttachmentField } from '#app/components/tickets/attachment-field.tsx'
import {
  readTicketForm,
  withStoredAttachments,
} from '#app/components/tickets/attachments.server.ts'
import { MessageThread } from '#app/components/tickets/message-thread.tsx'
import {
  ATTACHMENTS_FIELD,
  CloseSchema,
  openerOnlyIntents,
  RateSchema,
  ReopenSchema,
  ReplySchema,
  ticketIntents,
  type TicketIntent,
} from '#app/components/tickets/schemas.ts'
import { TicketNextStep, TicketStatusBadge } from '#app/components/tickets/ticket-status.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { forbidden, orNotFound, requireFound } from '#app/lib/http.server.ts'
import { useFormat } from '#app/lib/use-format.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError } from '#db/errors.ts'
import {
  changeSharing,
  InvalidColleagueError,
  listShareableColleagues,
  NotOpenerError,
} from '#db/item-shares.ts'
import { viewerOf } from '#db/item-visibility.ts'
import {
  closeTicket,
  findCustomerTicket,
  getVisibleTicketThread,
  rateTicket,
  reopenTicket,
  replyToTicket,
  type TicketStatus,
} from '#db/tickets.ts'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const db = await getDatabase()
  // Anyone who may see the ticket where they act reads it; anyone else gets the same 404 as for
  // an unknown number.
  const thread = requireFound(
    await getVisibleTicketThread(db, viewerOf(user), params.ticketNumber ?? ''),
  )
  const { organisation, isOpener } = thread.ticket
  const [t, tCommon, colleagues] = await Promise.all([
    getFixedT(request, 'tickets'),
    getFixedT(request, 'common'),
    // Only the opener of an organisation's ticket changes who sees it.
    organisation && isOpener
      ? listShareableColleagues(db, organisation.id, user.customerId)
      : Promise.resolve([]),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', {
        page: t('meta.thread', {
          number: thread.ticket.ticketNumber,
          subject: thread.ticket.subject,
        }),
      }),
      thread,
      colleagues,
      // Decided here, once: the server's clock, the same for the render and the hydration.
      overdue: thread.dueAt !== null && thread.dueAt.getTime() < Date.now(),
      // New for every render: a second post of the same reply form adds no second message.
      idempotencyKey: crypto.randomUUID(),
    },
    { headers },
  )
}

const IntentSchema = z.object({ intent: z.enum(ticketIntents) })

type ActionAnswer = { intent: TicketIntent | null; result: SubmissionResult<string[]> }

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const db = await getDatabase()
  const ticketNumber = params.ticketNumber ?? ''
  const viewer = viewerOf(user)
  // Before the body is read: a ticket the viewer may not see stores no file and changes nothing.
  const found = requireFound(await findCustomerTicket(db, viewer, ticketNumber))

  const { formData, files, fileErrors } = await readTicketForm(request)
  const key = { viewer, ticketNumber }
  const context = { actor: { kind: 'customer', id: user.id }, channel: 'portal' } as const
  const answer = (body: ActionAnswer, status: number) => data(body, { status, headers })
  const backToTicket = () => redirect(`/tickets/${encodeURIComponent(ticketNumber)}`, { headers })

  const chosen = IntentSchema.safeParse({ intent: formData.get('intent') })
  if (!chosen.success) {
    // Nothing of the form applies; only the reason is sent back.
    const submission = parseWithZod(formData, { schema: z.object({}) })
    return answer(
      { intent: null, result: submission.reply({ formErrors: ['tickets:errors.unknownAction'] }) },
      400,
    )
  }
  const intent = chosen.data.intent
  // Closing, reopening, rating and who sees it: the opener's alone.
  if (openerOnlyIntents.includes(intent) && !found.isOpener) throw forbidden(headers)

  /** Runs a change; a refused transition answers 409 with the reason next to its form. */
  async function attempt(
    submission: { reply: (options?: { formErrors?: string[] }) => SubmissionResult<string[]> },
    change: () => Promise<unknown>,
  ) {
    try {
      await orNotFound(change)
      return backToTicket()
    } catch (error) {
      // The opener check above ran before the lock; this one is the one that counts.
      if (error instanceof NotOpenerError) throw forbidden(headers)
      if (!(error instanceof InvalidStateError)) throw error
      return answer({ intent, result: submission.reply({ formErrors: [error.reason] }) }, 409)
    }
  }

  switch (intent) {
    case 'reply': {
      const submission = parseWithZod(formData, { schema: ReplySchema })
      if (submission.status !== 'success' || fileErrors.length > 0) {
        return answer(
          {
            intent,
            result: submission.reply(
              fileErrors.length > 0 ? { fieldErrors: { [ATTACHMENTS_FIELD]: fileErrors } } : {},
            ),
          },
          400,
        )
      }
      const { message, idempotencyKey } = submission.value
      return attempt(submission, () =>
        withStoredAttachments(files, (attachments) =>
          replyToTicket(db, { ...key, ...context, body: message, idempotencyKey, attachments }),
        ),
      )
    }
    case 'close': {
      const submission = parseWithZod(formData, { schema: CloseSchema })
      return attempt(submission, () => closeTicket(db, { ...key, ...context }))
    }
    case 'reopen': {
      const submission = parseWithZod(formData, { schema: ReopenSchema })
      return attempt(submission, () => reopenTicket(db, { ...key, ...context }))
    }
    case 'rate': {
      const submission = parseWithZod(formData, { schema: RateSchema })
      if (submission.status !== 'success') {
        return answer({ intent, result: submission.reply() }, 400)
      }
      const { rating, comment } = submission.value
      return attempt(submission, () =>
        rateTicket(db, { ...key, ...context, rating, comment: comment ?? null }),
      )
    }
    case 'sharing': {
      const submission = parseWithZod(formData, { schema: SharingSchema })
      if (submission.status !== 'success') {
        return answer({ intent, result: submission.reply() }, 400)
      }
      try {
        return await attempt(submission, () =>
          changeSharing(db, {
            kind: 'ticket',
            itemId: found.id,
            viewer,
            visibility: submission.value.visibility,
            customerIds: namedColleagues(submission.value),
            ...context,
          }),
        )
      } catch (error) {
        if (!(error instanceof InvalidColleagueError)) throw error
        return answer(
          { intent, result: submission.reply({ fieldErrors: { sharedWith: [error.reason] } }) },
          400,
        )
      }
    }
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

/** The action's answer, only for the form that was sent. */
function useResultFor(intent: TicketIntent) {
  const actionData = useActionData<typeof action>()
  return actionData && actionData.intent === intent ? actionData.result : undefined
}

export default function TicketRoute() {
  const { thread, colleagues, overdue, idempotencyKey } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const { t } = useTranslation('tickets')
  const format = useFormat()
  const { ticket } = thread
  const settled = ticket.status === 'resolved' || ticket.status === 'closed'
  const sharingResult = useResultFor('sharing')
  const unknownIntentErrors = actionData && actionData.intent === null ? actionData.result : null

  return (
    <article className="mx-auto max-w-3xl space-y-8">
      <header className="space-y-3">
        <p>
          <Link to="/tickets" className={linkClass}>
            {t('thread.back')}
          </Link>
        </p>
        <h1 className="text-3xl font-semibold break-words">{ticket.subject}</h1>
        <p className="text-sm text-slate-600">
          {t('thread.ticketNumber', { number: ticket.ticketNumber })} ·{' '}
          {t('thread.category', { category: t(`categories.${ticket.category}`) })}
          {ticket.openerName ? (
            <>
              {' · '}
              {t('thread.openedBy', { name: ticket.openerName })}
            </>
          ) : null}
          {ticket.orderNumber ? (
            <>
              {' · '}
              <Link to={`/orders/${ticket.orderNumber}`} className={linkClass}>
                {t('thread.order', { number: ticket.orderNumber })}
              </Link>
            </>
          ) : null}
          {ticket.requestNumber ? (
            <>
              {' · '}
              <Link to={`/requests/${ticket.requestNumber}`} className={linkClass}>
                {t('thread.request', { number: ticket.requestNumber })}
              </Link>
            </>
          ) : null}
        </p>
        <div className="flex flex-wrap items-center gap-2">
          <TicketStatusBadge status={ticket.status} />
          <span className="text-sm text-slate-600">
            <time dateTime={ticket.statusChangedAt.toISOString()}>
              {t('thread.since', { when: format.dateTime(ticket.statusChangedAt) })}
            </time>
          </span>
        </div>
        <TicketNextStep
          status={ticket.status}
          dueAt={thread.dueAt}
          dueKind={thread.dueKind}
          overdue={overdue}
        />
        {unknownIntentErrors ? (
          <FormAlert errors={unknownIntentErrors.error?.[''] ?? null} />
        ) : null}
      </header>

      <section className="space-y-3">
        <h2 className="text-xl font-semibold">{t('thread.conversation')}</h2>
        <MessageThread ticketNumber={ticket.ticketNumber} messages={thread.messages} />
      </section>

      {ticket.status === 'closed' ? (
        <p className="text-slate-700">
          {ticket.isOpener
            ? t('reply.closedHint')
            : t('reply.closedHintColleague', { name: ticket.openerName ?? '' })}
        </p>
      ) : (
        // Keyed by the form's key: after a sent reply the page has a new key and an empty form.
        <ReplyForm key={idempotencyKey} idempotencyKey={idempotencyKey} status={ticket.status} />
      )}

      <WhoCanSee
        sharing={{ visibility: ticket.visibility, sharedWith: ticket.sharedWith }}
        organisationName={ticket.organisation?.name ?? null}
        openerName={ticket.openerName}
        canChange={ticket.isOpener && ticket.organisation !== null}
        colleagues={colleagues}
        lastResult={sharingResult ?? null}
      />

      {settled && ticket.isOpener ? (
        ticket.rating === null ? (
          <RateForm />
        ) : (
          <section className="space-y-1">
            <h2 className="text-xl font-semibold">{t('rate.title')}</h2>
            <p>{t('rate.thanks', { rating: ticket.rating })}</p>
            {ticket.ratingComment ? (
              <p className="break-words whitespace-pre-wrap text-slate-700">
                {t('rate.yourComment', { comment: ticket.ratingComment })}
              </p>
            ) : null}
          </section>
        )
      ) : null}

      <div className="flex flex-wrap gap-8">
        {settled && ticket.isOpener ? (
          <StatusForm intent="reopen" title={t('reopen.title')} submit={t('reopen.submit')} />
        ) : null}
        {ticket.status !== 'closed' && ticket.isOpener ? (
          <StatusForm
            intent="close"
            title={t('close.title')}
            intro={t('close.intro')}
            submit={t('close.submit')}
          />
        ) : null}
      </div>
    </article>
  )
}

function ReplyForm({ idempotencyKey, status }: { idempotencyKey: string; status: TicketStatus }) {
  const lastResult = useResultFor('reply')
  const navigation = useNavigation()
  const { t } = useTranslation('tickets')
  const [form, fields] = useForm({
    id: 'reply',
    lastResult,
    constraint: getZodConstraint(ReplySchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ReplySchema }),
    shouldValidate: 'onSubmit',
    shouldRevalidate: 'onInput',
  })
  const formErrors = [...(form.errors ?? []), ...(fields.idempotencyKey.errors ?? [])]
  return (
    <section className="space-y-3">
      <h2 className="text-xl font-semibold">{t('reply.title')}</h2>
      <Form
        method="post"
        encType="multipart/form-data"
        className="space-y-4"
        {...getFormProps(form)}
      >
        <ErrorSummary form={form} omit={['idempotencyKey']} />
        <FormAlert id={form.errorId} errors={formErrors} />
        <input type="hidden" name="intent" value="reply" />
        <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
        {status === 'resolved' ? <p className="text-slate-700">{t('reply.reopens')}</p> : null}
        <div className="space-y-1">
          <label htmlFor={fields.message.id} className={labelClass}>
            {t('reply.message')}
          </label>
          <textarea {...getTextareaProps(fields.message)} rows={6} className={inputClass} />
          <ErrorList id={fields.message.errorId} errors={fields.message.errors} />
        </div>
        <AttachmentField field={fields[ATTACHMENTS_FIELD]} />
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t('reply.submit')}
        </button>
      </Form>
    </section>
  )
}

function RateForm() {
  const lastResult = useResultFor('rate')
  const { t } = useTranslation('tickets')
  const [form, fields] = useForm({
    id: 'rate',
    lastResult,
    constraint: getZodConstraint(RateSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RateSchema }),
    shouldValidate: 'onSubmit',
    shouldRevalidate: 'onInput',
  })
  return (
    <section className="space-y-3">
      <h2 className="text-xl font-semibold">{t('rate.title')}</h2>
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <ErrorSummary form={form} />
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="rate" />
        <fieldset
          className="space-y-2"
          aria-describedby={fields.rating.errors ? fields.rating.errorId : undefined}
        >
          <legend className={labelClass}>{t('rate.legend')}</legend>
          <div className="flex flex-wrap gap-4">
            {getCollectionProps(fields.rating, {
              type: 'radio',
              options: ['1', '2', '3', '4', '5'],
            }).map(({ key, ...props }) => (
              <label key={key} className="flex items-center gap-1">
                <input {...props} />
                {t('rate.star', { count: Number(props.value) })}
              </label>
            ))}
          </div>
          <ErrorList id={fields.rating.errorId} errors={fields.rating.errors} />
        </fieldset>
        <div className="space-y-1">
          <label htmlFor={fields.comment.id} className={labelClass}>
            {t('rate.comment')}
          </label>
          <textarea {...getTextareaProps(fields.comment)} rows={3} className={inputClass} />
          <ErrorList id={fields.comment.errorId} errors={fields.comment.errors} />
        </div>
        <button type="submit" className={buttonClass}>
          {t('rate.submit')}
        </button>
      </Form>
    </section>
  )
}

/** Close or reopen: one button, and the reason beside it when the change is refused. */
function StatusForm({
  intent,
  title,
  intro,
  submit,
}: {
  intent: 'close' | 'reopen'
  title: string
  intro?: string
  submit: string
}) {
  const lastResult = useResultFor(intent)
  const [form] = useForm({ id: intent, lastResult })
  return (
    <section className="space-y-2">
      <h2 className="text-xl font-semibold">{title}</h2>
      {intro ? <p className="text-slate-700">{intro}</p> : null}
      <Form method="post" className="space-y-2" {...getFormProps(form)}>
        <ErrorSummary form={form} />
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value={intent} />
        <button
          type="submit"
          className="rounded border border-slate-400 bg-white px-4 py-2 font-medium hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none"
        >
          {submit}
        </button>
      </Form>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
