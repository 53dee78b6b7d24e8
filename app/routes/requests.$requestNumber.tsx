import { type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { linkClass, Notice } from '#app/components/forms.tsx'
import { ItemOwnershipNote } from '#app/components/orders/item-ownership.tsx'
import {
  AnswerRequestForm,
  CancelRequestForm,
  type RequestActionResult,
  RequestActionSchema,
} from '#app/components/requests/request-actions.tsx'
import { RequestDetailsList } from '#app/components/requests/request-details.tsx'
import { RequestStatusBadge } from '#app/components/requests/request-status.tsx'
import { namedColleagues, SharingSchema } from '#app/components/sharing/sharing-schema.ts'
import { WhoCanSee } from '#app/components/sharing/who-can-see.tsx'
import { Timeline, type TimelineEntry } from '#app/components/ui/timeline.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { forbidden, orNotFound, requireFound } from '#app/lib/http.server.ts'
import { useFormat } from '#app/lib/use-format.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError } from '#db/errors.ts'
import {
  changeSharing,
  getItemSharing,
  InvalidColleagueError,
  type ItemSharing,
  listShareableColleagues,
  NotOpenerError,
} from '#db/item-shares.ts'
import { viewerOf } from '#db/item-visibility.ts'
import {
  answerRequest,
  cancelRequest,
  findVisibleRequest,
  getCustomerRequest,
  type RequestStatus,
  type RequestTimelineEvent,
} from '#db/requests.ts'

const NoticeSchema = z
  .enum(['created', 'cancelled', 'answered', 'sharing'])
  .optional()
  .catch(undefined)

/** The answer to any of the page's forms: cancel, answer, or who can see it (intent=sharing). */
type DetailActionResult =
  RequestActionResult | { intent: 'sharing'; result: SubmissionResult<string[]> }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  // What the viewer may see in the context they act in; anything else is the same 404 as an
  // unknown number.
  const db = await getDatabase()
  const found = requireFound(
    await getCustomerRequest(db, viewerOf(user), params.requestNumber ?? ''),
  )
  // Who sees it: read only for an organisation's request (a personal one is the person's alone),
  // and the colleagues one may name only for the person who started it.
  const personal: ItemSharing = { visibility: 'private', sharedWith: [] }
  const organisationId = found.organisationId
  const [sharing, colleagues] = organisationId
    ? await Promise.all([
        getItemSharing(db, 'request', found.id),
        found.isOpener ? listShareableColleagues(db, organisationId, user.customerId) : [],
      ])
    : [personal, []]
  const notice = NoticeSchema.parse(new URL(request.url).searchParams.get('notice') ?? undefined)
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'requests'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', {
        page: `${found.subject} · ${t('detail.number', { requestNumber: found.requestNumber })}`,
      }),
      request: found,
      notice: notice ?? null,
      whoCanSee: {
        sharing,
        // An organisation's request is visible only while acting for that organisation.
        organisationName: organisationId ? (user.actingFor?.name ?? null) : null,
        colleagues,
      },
    },
    { headers },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const requestNumber = params.requestNumber ?? ''
  const db = await getDatabase()
  const formData = await request.formData()
  if (formData.get('intent') === 'sharing') {
    return changeRequestSharing(db, user, requestNumber, formData, headers)
  }
  const submission = parseWithZod(formData, { schema: RequestActionSchema })
  const intent = submission.payload.intent === 'answer' ? 'answer' : 'cancel'

  if (submission.status !== 'success') {
    // A request the viewer may not see answers 404 whatever was sent, exactly like an unknown
    // one; one a colleague started, 403.
    const found = requireFound(await findVisibleRequest(db, viewerOf(user), requestNumber))
    if (!found.isOpener) throw forbidden(headers)
    const answer: RequestActionResult = { intent, result: submission.reply() }
    return data(answer, { status: 400, headers })
  }

  const change = {
    customerId: user.customerId,
    actingFor: viewerOf(user).actingFor,
    requestNumber,
    actor: { kind: 'customer' as const, id: user.id },
    channel: 'portal' as const,
  }
  const value = submission.value
  try {
    await orNotFound(() =>
      value.intent === 'answer'
        ? answerRequest(db, { ...change, answer: value.answer })
        : cancelRequest(db, change),
    )
  } catch (error) {
    // Checked in the same locked read as the change, so nothing was written.
    if (error instanceof NotOpenerError) throw forbidden(headers)
    if (!(error instanceof InvalidStateError)) throw error
    const answer: RequestActionResult = {
      intent: value.intent,
      result: submission.reply({ formErrors: [error.reason] }),
    }
    return data(answer, { status: 409, headers })
  }
  const notice = value.intent === 'answer' ? 'answered' : 'cancelled'
  return redirect(`/requests/${encodeURIComponent(requestNumber)}?notice=${notice}`, { headers })
}

/** The person who started an organisation's request changes who sees it. */
async function changeRequestSharing(
  db: Awaited<ReturnType<typeof getDatabase>>,
  user: Awaited<ReturnType<typeof requireCustomer>>['user'],
  requestNumber: string,
  formData: FormData,
  headers: Headers,
) {
  const viewer = viewerOf(user)
  const found = requireFound(await findVisibleRequest(db, viewer, requestNumber))
  if (!found.isOpener) throw forbidden(headers)
  const submission = parseWithZod(formData, { schema: SharingSchema })
  const reply = (result: SubmissionResult<string[]>, status: number) => {
    const answer: DetailActionResult = { intent: 'sharing', result }
    return data(answer, { status, headers })
  }
  if (submission.status !== 'success') return reply(submission.reply(), 400)
  try {
    await orNotFound(() =>
      changeSharing(db, {
        kind: 'request',
        itemId: found.id,
        viewer,
        visibility: submission.value.visibility,
        customerIds: namedColleagues(submission.value),
        actor: { kind: 'customer', id: user.id },
        channel: 'portal',
      }),
    )
  } catch (error) {
    if (error instanceof NotOpenerError) throw forbidden(headers)
    if (error instanceof InvalidColleagueError) {
      return reply(submission.reply({ fieldErrors: { sharedWith: [error.reason] } }), 400)
    }
    if (error instanceof InvalidStateError) {
      return reply(submission.reply({ formErrors: [error.reason] }), 409)
    }
    throw error
  }
  return redirect(`/requests/${encodeURIComponent(requestNumber)}?notice=sharing`, { headers })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function RequestRoute() {
  const { request, notice, whoCanSee } = useLoaderData<typeof loader>()
  const lastAnswer: DetailActionResult | null = useActionData<typeof action>() ?? null
  const actionResult = lastAnswer?.intent === 'sharing' ? null : lastAnswer
  const sharingResult = lastAnswer?.intent === 'sharing' ? lastAnswer.result : null
  const { t } = useTranslation('requests')
  const format = useFormat()

  return (
    <article className="max-w-3xl space-y-8">
      <header className="space-y-2">
        <p>
          <Link to="/requests" className={linkClass}>
            {t('detail.back')}
          </Link>
        </p>
        <p className="text-sm text-slate-600">
          {t(`kinds.${request.kind}`)} ·{' '}
          {t('detail.number', { requestNumber: request.requestNumber })}
        </p>
        <h1 className="text-3xl font-semibold">{request.subject}</h1>
        <ItemOwnershipNote kind="request" ownership={request} />
      </header>

      {notice ? (
        <Notice>
          {notice === 'created'
            ? t('notice.created', { requestNumber: request.requestNumber })
            : t(`notice.${notice}`)}
        </Notice>
      ) : null}

      <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium">{t('detail.status')}</dt>
        <dd>
          <RequestStatusBadge status={request.status} />
        </dd>
        <dt className="font-medium">{t('detail.kind')}</dt>
        <dd>{t(`kinds.${request.kind}`)}</dd>
        <dt className="font-medium">{t('detail.started')}</dt>
        <dd>
          <time dateTime={request.createdAt.toISOString()}>
            {format.dateTime(request.createdAt)}
          </time>
        </dd>
        {request.order ? (
          <>
            <dt className="font-medium">{t('detail.order')}</dt>
            <dd>
              <Link
                to={`/orders/${encodeURIComponent(request.order.orderNumber)}`}
                className={linkClass}
              >
                {t('detail.orderLink', { orderNumber: request.order.orderNumber })}
              </Link>
            </dd>
          </>
        ) : null}
      </dl>

      <section aria-labelledby="request-next" className="space-y-2">
        <h2 id="request-next" className="text-xl font-semibold">
          {t('detail.whatNext')}
        </h2>
        <p>{t(`next.${request.status}`)}</p>
        {request.dueAt ? (
          <p>
            <time dateTime={request.dueAt.toISOString()}>
              {t('detail.aimFinish', { date: format.date(request.dueAt) })}
            </time>
          </p>
        ) : null}
      </section>

      {request.isOpener && request.status === 'waiting_for_customer' ? (
        <AnswerRequestForm actionResult={actionResult} />
      ) : null}
      {!request.isOpener && request.openerName && isOpenerMove(request.status) ? (
        <p className="rounded border border-slate-200 bg-slate-50 p-3 text-slate-700">
          {t('detail.onlyOpener', { name: request.openerName })}
        </p>
      ) : null}

      <WhoCanSee
        sharing={whoCanSee.sharing}
        organisationName={whoCanSee.organisationName}
        openerName={request.openerName}
        canChange={request.isOpener && whoCanSee.organisationName !== null}
        colleagues={whoCanSee.colleagues}
        lastResult={sharingResult}
      />

      <section aria-labelledby="request-details" className="space-y-2">
        <h2 id="request-details" className="text-xl font-semibold">
          {t('detail.details')}
        </h2>
        <RequestDetailsList details={request.details} />
      </section>

      <section aria-labelledby="request-timeline" className="space-y-3">
        <h2 id="request-timeline" className="text-xl font-semibold">
          {t('detail.timeline')}
        </h2>
        <RequestTimeline events={request.events} />
      </section>

      {request.isOpener && request.status === 'submitted' ? (
        <CancelRequestForm actionResult={actionResult} />
      ) : null}
    </article>
  )
}

/** Statuses in which the person who started the request has something to do (cancel, answer). */
function isOpenerMove(status: RequestStatus): boolean {
  return status === 'submitted' || status === 'waiting_for_customer'
}

function RequestTimeline({ events }: { events: RequestTimelineEvent[] }) {
  const { t } = useTranslation('requests')
  const format = useFormat()
  const titleOf = (event: RequestTimelineEvent) => {
    if (event.fromStatus === null) return t('detail.event.created')
    if (event.actorKind === 'customer' && event.fromStatus === 'waiting_for_customer') {
      return t('detail.event.answered')
    }
    if (event.fromStatus === event.toStatus) return t('detail.event.note')
    return t('detail.event.changed', { status: t(`status.${event.toStatus}`) })
  }
  const entries: TimelineEntry[] = events.map((event) => ({
    key: String(event.id),
    at: event.occurredAt.toISOString(),
    when: format.dateTime(event.occurredAt),
    title: titleOf(event),
    body: (
      <>
        {event.note ? <p className="whitespace-pre-line">{event.note}</p> : null}
        <p className="text-sm text-slate-600">{t(`detail.by.${event.actorKind}`)}</p>
      </>
    ),
  }))
  return <Timeline label={t('detail.timeline')} entries={entries} />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
