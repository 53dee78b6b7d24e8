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
import { type CustomerUser, requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { linkClass } from '#app/components/forms.tsx'
import {
  KindChooser,
  NewRequestForm,
  ReturnOrderStep,
} from '#app/components/requests/new-request-form.tsx'
import {
  type CorrectableField,
  isCorrectableField,
  isOfferedKind,
  type NewRequest,
  NewRequestSchema,
  type OfferedKind,
} from '#app/components/requests/new-request-schema.ts'
import {
  namedColleagues,
  refineSharing,
  sharingFields,
} from '#app/components/sharing/sharing-schema.ts'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { forbidden, requireFound } from '#app/lib/http.server.ts'
import { useFormat } from '#app/lib/use-format.ts'
import { type Database, getDatabase } from '#db/database.ts'
import { NotFoundError } from '#db/errors.ts'
import { getSharingChoices, InvalidColleagueError, NotOpenerError } from '#db/item-shares.ts'
import { viewerOf } from '#db/item-visibility.ts'
import { findVisibleOrder, type VisibleOrderRef } from '#db/orders.ts'
import {
  createRequest,
  listOrderLinesForRequest,
  type OrderLineChoice,
  type RequestDetails,
} from '#db/requests.ts'
import type { JsonValue } from '#db/schema.ts'
import { dueAt, getServiceTargets, targetFor } from '#db/service-targets.ts'

// The query string pre-fills the form (links from an order page, or from "My details" for a
// field the customer cannot change alone). Anything unknown in it is ignored, never an error.
const NewRequestQuerySchema = z.object({
  kind: z
    .custom<OfferedKind>((value) => typeof value === 'string' && isOfferedKind(value))
    .optional()
    .catch(undefined),
  order: z
    .string()
    .trim()
    .max(20)
    .regex(/^[A-Za-z0-9-]+$/)
    .transform((value) => value.toUpperCase())
    .optional()
    .catch(undefined),
  field: z
    .custom<CorrectableField>((value) => typeof value === 'string' && isCorrectableField(value))
    .optional()
    .catch(undefined),
})

/** Acting for an organisation, the form also asks who may see the new request. */
const OrganisationRequestSchema = NewRequestSchema.and(z.object(sharingFields)).superRefine(
  refineSharing,
)

/**
 * Whether a request may be about the order where the person acts now: a personal order for a
 * personal request, the acting organisation's order for its request (visibleTo already hides
 * every other organisation's).
 */
function inSameContext(order: VisibleOrderRef, user: CustomerUser): boolean {
  return order.organisationId === (user.actingFor?.id ?? null)
}

/** Who may see the new request: asked only while acting for an organisation. */
async function sharingChoices(db: Database, user: CustomerUser) {
  if (!user.actingFor) return null
  const choices = requireFound(await getSharingChoices(db, user.actingFor.id, user.customerId))
  return { organisationName: user.actingFor.name, ...choices }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const viewer = viewerOf(user)
  const params = new URL(request.url).searchParams
  const query = NewRequestQuerySchema.parse({
    kind: params.get('kind') ?? undefined,
    order: params.get('order') ?? undefined,
    field: params.get('field') ?? undefined,
  })
  const kind = query.kind ?? null
  const db = await getDatabase()
  const orderNumber = kind === 'data_correction' ? null : (query.order ?? null)
  const [found, targets, sharing] = await Promise.all([
    orderNumber ? findVisibleOrder(db, viewer, orderNumber) : null,
    kind ? getServiceTargets(db) : null,
    kind ? sharingChoices(db, user) : null,
  ])
  // A personal order seen while acting for an organisation: the person switches first.
  const otherContext = found !== null && !inSameContext(found, user)
  const orderRef = found && !otherContext ? found : null
  if (kind === 'return' && orderRef && !orderRef.isOpener) throw forbidden(headers)
  let lines: OrderLineChoice[] = []
  if (kind === 'return' && orderRef) {
    lines = await listOrderLinesForRequest(db, viewer, orderRef.id)
  }
  const target = kind && targets ? targetFor(targets, 'request_kind', kind) : null

  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'requests'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', {
        page: kind ? t(`new.titleFor.${kind}`) : t('new.title'),
      }),
      kind,
      order: orderRef ? { orderNumber: orderRef.orderNumber, lines } : null,
      // Echoed only as typed, and the same for someone else's order as for none at all.
      orderNotFound: orderNumber && !found ? orderNumber : null,
      orderOtherContext: otherContext ? orderNumber : null,
      sharing,
      field: kind === 'data_correction' ? (query.field ?? null) : null,
      // A fresh key per page view: the same form sent twice makes one request.
      idempotencyKey: crypto.randomUUID(),
      aimAt: target ? dueAt(new Date(), target.resolution_minutes) : null,
    },
    { headers },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const formData = await request.formData()
  // Acting for themselves, a request is personal: any sharing fields posted are ignored.
  const submission = user.actingFor
    ? parseWithZod(formData, { schema: OrganisationRequestSchema })
    : parseWithZod(formData, { schema: NewRequestSchema })
  if (submission.status !== 'success') {
    return data(submission.reply(), { status: 400, headers })
  }
  const value = submission.value
  const refuse = (field: string, message: string) =>
    data(submission.reply({ fieldErrors: { [field]: [message] } }), { status: 400, headers })

  const db = await getDatabase()
  const viewer = viewerOf(user)
  const orderNumber = value.kind === 'data_correction' ? null : (value.orderNumber ?? null)
  const order = orderNumber ? await findVisibleOrder(db, viewer, orderNumber) : null
  // An order the viewer may not see reads exactly like a mistyped number.
  if (orderNumber && !order) return refuse('orderNumber', 'requests:errors.orderNotFound')
  if (order && !inSameContext(order, user)) {
    return refuse('orderNumber', 'requests:errors.orderOtherContext')
  }
  if (value.kind === 'return' && order && !order.isOpener) throw forbidden(headers)

  let returnedLines: OrderLineChoice[] = []
  if (value.kind === 'return' && order) {
    const orderLines = await listOrderLinesForRequest(db, viewer, order.id)
    const chosen = new Set(value.lines)
    returnedLines = orderLines.filter((line) => chosen.has(line.lineNumber))
    if (returnedLines.length !== chosen.size) {
      return refuse('lines', 'requests:errors.lineNotOnOrder')
    }
  }

  const t = await getFixedT(request, 'requests')
  // Parsed with OrganisationRequestSchema whenever the person acts for an organisation.
  const chosen = user.actingFor ? (value as z.infer<typeof OrganisationRequestSchema>) : null
  let created: Awaited<ReturnType<typeof createRequest>>
  try {
    created = await createRequest(db, {
      customerId: user.customerId,
      actingFor: viewer.actingFor,
      sharing: chosen
        ? { visibility: chosen.visibility, customerIds: namedColleagues(chosen) }
        : null,
      actor: { kind: 'customer', id: user.id },
      channel: 'portal',
      kind: value.kind,
      subject: (value.subject || defaultSubject(value, t)).slice(0, 200),
      details: detailsOf(value, returnedLines),
      orderId: order?.id ?? null,
      idempotencyKey: value.idempotencyKey,
    })
  } catch (error) {
    // Checked again inside the transaction, which wrote nothing.
    if (error instanceof InvalidColleagueError) return refuse('sharedWith', error.reason)
    if (error instanceof NotOpenerError) throw forbidden(headers)
    if (error instanceof NotFoundError)
      return refuse('orderNumber', 'requests:errors.orderNotFound')
    throw error
  }
  return redirect(`/requests/${encodeURIComponent(created.requestNumber)}?notice=created`, {
    headers,
  })
}

type RequestsT = Awaited<ReturnType<typeof getFixedT<'requests'>>>

function defaultSubject(value: NewRequest, t: RequestsT): string {
  switch (value.kind) {
    case 'return':
      return t('subjects.return', { orderNumber: value.orderNumber })
    case 'repair':
      return t('subjects.repair', { product: value.product })
    case 'document':
      return t('subjects.document', { document: t(`new.documents.${value.document}`) })
    case 'data_correction':
      return t('subjects.data_correction', { field: t(`new.fields.${value.field}`) })
  }
}

/** What each kind keeps in `requests.details`, in snake_case like the rest of our JSON. */
function detailsOf(value: NewRequest, returnedLines: OrderLineChoice[]): RequestDetails {
  switch (value.kind) {
    case 'return':
      return compact({
        lines: returnedLines.map((line) => ({
          line_number: line.lineNumber,
          sku: line.sku,
          description: line.description,
          quantity: line.quantity,
        })),
        reason: value.reason,
        outcome: value.outcome,
        comment: value.comment,
      })
    case 'repair':
      return compact({ product: value.product, fault: value.fault })
    case 'document':
      return compact({ document: value.document, period: value.period, notes: value.notes })
    case 'data_correction':
      return compact({
        field: value.field,
        requested: value.requested,
        explanation: value.explanation,
      })
  }
}

function compact(values: { [key: string]: JsonValue | undefined }): RequestDetails {
  const details: RequestDetails = {}
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) details[key] = value
  }
  return details
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function NewRequestRoute() {
  const { kind, order, orderNotFound, orderOtherContext, field, idempotencyKey, aimAt, sharing } =
    useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const { t } = useTranslation('requests')
  const format = useFormat()

  const keep = new URLSearchParams()
  if (order) keep.set('order', order.orderNumber)
  if (field) keep.set('field', field)
  const changeKindHref = `/requests/new${keep.size ? `?${keep}` : ''}`

  return (
    <section className="max-w-2xl space-y-6">
      <header className="space-y-2">
        <p>
          <Link to="/requests" className={linkClass}>
            {t('detail.back')}
          </Link>
        </p>
        <h1 className="text-3xl font-semibold">
          {kind ? t(`new.titleFor.${kind}`) : t('new.title')}
        </h1>
        {kind ? (
          <>
            <p className="text-slate-700">{t(`kindIntro.${kind}`)}</p>
            {aimAt ? (
              <p className="text-slate-700">{t('new.aim', { date: format.date(aimAt) })}</p>
            ) : null}
            <p>
              <Link to={changeKindHref} className={linkClass}>
                {t('new.changeKind')}
              </Link>
            </p>
          </>
        ) : null}
      </header>

      {orderNotFound ? (
        <p role="status" className="rounded border border-amber-400 bg-amber-50 p-3 text-amber-900">
          {t('new.orderNotFound', { orderNumber: orderNotFound })}
        </p>
      ) : null}
      {orderOtherContext ? (
        <p role="status" className="rounded border border-amber-400 bg-amber-50 p-3 text-amber-900">
          {t('new.orderOtherContext', { orderNumber: orderOtherContext })}
        </p>
      ) : null}
      {kind && sharing ? (
        <p>{t('new.forOrganisation', { organisation: sharing.organisationName })}</p>
      ) : null}

      {!kind ? (
        <KindChooser selected={null} orderNumber={order?.orderNumber ?? null} field={field} />
      ) : kind === 'return' && !order ? (
        <ReturnOrderStep orderNumber={orderNotFound} />
      ) : (
        <NewRequestForm
          kind={kind}
          idempotencyKey={idempotencyKey}
          order={order}
          field={field}
          lastResult={lastResult}
          sharing={sharing}
        />
      )}
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
