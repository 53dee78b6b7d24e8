import { parseWithZod } from '@conform-to/zod'
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
import {
  AddressEditSchema,
  detailsSchema,
  PROFILE_LANGUAGES,
  serverTimeZones,
} from '#app/components/profile/schemas.ts'
import { CannedReplyPicker } from '#app/components/staff/ticket-canned-reply.tsx'
import {
  type DetailsField,
  type RecordConflict,
  RecordConflictPanel,
} from '#app/components/staff/ticket-conflict.tsx'
import {
  type CustomerPanelData,
  TicketCustomerPanel,
} from '#app/components/staff/ticket-customer-panel.tsx'
import { type WorkspaceFeedback } from '#app/components/staff/ticket-forms.tsx'
import { type LinkChoice, TicketLinkForm } from '#app/components/staff/ticket-link-form.tsx'
import { statusTone, useDuration } from '#app/components/staff/ticket-queue.tsx'
import { TicketOrganisationLine } from '#app/components/staff/ticket-organisation.tsx'
import { TicketThread } from '#app/components/staff/ticket-thread.tsx'
import { StatusBadge } from '#app/components/ui/status-badge.tsx'
import { getFixedT, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { countryOptions } from '#app/lib/address-rules.ts'
import { notFound, orNotFound, requireFound } from '#app/lib/http.server.ts'
import { MAX_INTEGER, multiLine, TEXT_FIELD_ERRORS } from '#app/lib/text-fields.ts'
import {
  type CannedReply,
  fillCannedReply,
  getCannedReply,
  listCannedReplies,
} from '#db/canned-replies.ts'
import { getConsentState } from '#db/consent.ts'
import { type VersionedAddress } from '#db/customer-contacts.ts'
import { getCustomerProfile, type VersionedProfileDetails } from '#db/customers.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError, VersionConflictError } from '#db/errors.ts'
import { isUuid } from '#db/ids.ts'
import { listCustomerDeliveries } from '#db/notifications.ts'
import {
  isOrderStatus,
  listCustomerOrders,
  listOpenOrders,
  ORDER_TRANSITIONS,
  type OrderStatus,
} from '#db/orders.ts'
import { recordRecordView } from '#db/record-access.ts'
import { getTicketOrganisation } from '#db/staff-organisations.ts'
import {
  ALLOWED_TRANSITIONS,
  listCustomerRequests,
  listOpenRequests,
  type RequestStatus,
} from '#db/requests.ts'
import {
  assignTicket,
  getStaffTicketThread,
  setTicketPriority,
  ticketPriorities,
  type TicketWorkState,
} from '#db/staff-tickets.ts'
import {
  changeCustomerOrderStatus,
  changeCustomerRequestStatus,
  correctCustomerAddress,
  correctCustomerDetails,
  findTicketCustomer,
  getTicketLinkState,
  linkTicket,
  listRecordVersions,
  resendNotification,
  type StatusState,
  type TicketLinkState,
} from '#db/ticket-links.ts'
import { addStaffReply } from '#db/tickets.ts'

const MINUTE = 60_000
// Enough of the customer's recent orders and requests to link the ticket to the one it is about.
const LINK_CHOICES = 20
const DELIVERIES_SHOWN = 5
const FALLBACK_LANGUAGE = 'en'

/**
 * The saved replies offered for this customer: those in their language, then the English ones
 * that have no counterpart (same title) in it, so a reply missing in German falls back to English.
 */
function cannedRepliesFor(replies: CannedReply[], language: string): CannedReply[] {
  const own = replies.filter((reply) => reply.language === language)
  const titles = new Set(own.map((reply) => reply.title.toLowerCase()))
  const fallback =
    language === FALLBACK_LANGUAGE
      ? []
      : replies.filter(
          (reply) => reply.language === FALLBACK_LANGUAGE && !titles.has(reply.title.toLowerCase()),
        )
  return [...own, ...fallback]
}

function isStatusOf<S extends string>(map: Readonly<Record<S, readonly S[]>>) {
  return (value: string): value is S => Object.hasOwn(map, value)
}
const isRequestStatus = isStatusOf<RequestStatus>(ALLOWED_TRANSITIONS)

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'agent')
  const db = await getDatabase()
  const now = new Date()
  const thread = requireFound(await getStaffTicketThread(db, params.ticketNumber ?? '', now))
  const customerId = thread.ticket.customerId
  const cannedId = new URL(request.url).searchParams.get('canned')

  // Side by side: a fixed number of statements whatever the customer's record holds.
  const [
    profile,
    consent,
    openOrders,
    openRequests,
    recentOrders,
    recentRequests,
    deliveries,
    link,
    organisation,
    canned,
    chosen,
    locale,
    common,
    staff,
  ] = await Promise.all([
    getCustomerProfile(db, customerId),
    getConsentState(db, customerId),
    listOpenOrders(db, customerId),
    listOpenRequests(db, customerId),
    listCustomerOrders(db, customerId, { limit: LINK_CHOICES }),
    listCustomerRequests(db, customerId, { limit: LINK_CHOICES }),
    listCustomerDeliveries(db, customerId, { limit: DELIVERIES_SHOWN }),
    getTicketLinkState(db, thread.ticket.id),
    getTicketOrganisation(db, thread.ticket.id),
    listCannedReplies(db, {}),
    cannedId ? getCannedReply(db, cannedId) : null,
    getRequestLocale(request),
    getFixedT(request, 'common'),
    getFixedT(request, 'staff'),
  ])
  if (!profile || !link) throw notFound()
  const versions = await listRecordVersions(db, customerId, {
    orderIds: openOrders.map((order) => order.id),
    requestIds: openRequests.map((item) => item.id),
  })
  // The panel shows the customer's record: this is a view of it like the 360 page, and the
  // customer's "who looked at my record" lists it.
  await recordRecordView(db, { customerId, staffAccountId: user.id, page: 'ticket_workspace' })

  const customerName = `${profile.preferredName ?? profile.givenName} ${profile.familyName}`
  const agentName = thread.staff.find((member) => member.accountId === user.id)?.displayName ?? ''
  const panel: CustomerPanelData = {
    profile: {
      id: profile.id,
      customerNumber: profile.customerNumber,
      givenName: profile.givenName,
      familyName: profile.familyName,
      preferredName: profile.preferredName,
      legalName: profile.legalName,
      language: profile.language,
      timeZone: profile.timeZone,
      status: profile.status,
      version: profile.version,
      signInEmail: profile.signInEmail,
      emails: profile.emails,
      phones: profile.phones,
    },
    addresses: profile.addresses.filter(
      (address) => address.isDefaultShipping || address.isDefaultBilling,
    ),
    orders: openOrders.flatMap((order) => {
      const version = versions.orders[order.id]
      return version === undefined
        ? []
        : [
            {
              id: order.id,
              orderNumber: order.orderNumber,
              status: order.status,
              version,
              next: [...ORDER_TRANSITIONS[order.status]],
            },
          ]
    }),
    requests: openRequests.flatMap((item) => {
      const version = versions.requests[item.id]
      return version === undefined
        ? []
        : [
            {
              id: item.id,
              requestNumber: item.requestNumber,
              subject: item.subject,
              status: item.status,
              version,
              next: [...ALLOWED_TRANSITIONS[item.status]],
            },
          ]
    }),
    consent: [...new Set(consent.map((cell) => cell.topic))].map((topic) => {
      const cells = consent.filter((cell) => cell.topic === topic)
      return {
        topic,
        isMarketing: cells.some((cell) => cell.isMarketing),
        granted: cells.filter((cell) => cell.decision === 'granted').map((cell) => cell.channel),
      }
    }),
    deliveries: deliveries.items.map((delivery) => ({
      id: delivery.id,
      createdAt: delivery.createdAt,
      subject: delivery.subject,
      topic: delivery.topic,
      channel: delivery.channel,
      outcome: delivery.outcome,
      resendable: !consent.some((cell) => cell.topic === delivery.topic && cell.isMarketing),
    })),
    languages: PROFILE_LANGUAGES,
    timeZones: serverTimeZones(),
    countries: countryOptions(locale),
  }
  const linkChoices: LinkChoice[] = [
    ...recentOrders.items
      .filter((order) => order.id !== link.orderId)
      .map((order) => ({
        value: `order:${order.id}`,
        kind: 'order' as const,
        number: order.orderNumber,
        description: order.placedAt.toISOString().slice(0, 10),
      })),
    ...recentRequests.items
      .filter((item) => item.id !== link.requestId)
      .map((item) => ({
        value: `request:${item.id}`,
        kind: 'request' as const,
        number: item.requestNumber,
        description: item.subject,
      })),
  ]
  const offered = cannedRepliesFor(canned, profile.language)

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
      panel,
      organisation,
      link: {
        version: link.version,
        orderNumber: link.orderNumber,
        requestNumber: link.requestNumber,
        choices: linkChoices,
      },
      canned: {
        replies: offered.map(({ id, title, language }) => ({ id, title, language })),
        selected: chosen?.id ?? null,
        prefill: chosen
          ? fillCannedReply(chosen.body, {
              customerName,
              agentName,
              ticketNumber: thread.ticket.ticketNumber,
            })
          : null,
      },
    },
    { headers },
  )
}

const bodyField = multiLine(
  z
    .string({ required_error: 'staff:ticket.errors.bodyRequired' })
    .trim()
    .min(1, 'staff:ticket.errors.bodyRequired')
    .max(20_000, 'staff:ticket.errors.bodyTooLong'),
)
const versionField = z.coerce
  .number()
  .int()
  .positive()
  .max(MAX_INTEGER, TEXT_FIELD_ERRORS.numberTooLarge)
const noteField = multiLine(z.string().trim().max(2_000, 'workspace:errors.noteTooLong'))
  .optional()
  .transform((value) => value || null)

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
  z.object({
    intent: z.literal('orderStatus'),
    orderId: z.string(),
    toStatus: z
      .string({ required_error: 'workspace:errors.statusRequired' })
      .refine(isOrderStatus, 'workspace:errors.statusRequired'),
    note: noteField,
    version: versionField,
  }),
  z.object({
    intent: z.literal('requestStatus'),
    requestId: z.string(),
    toStatus: z
      .string({ required_error: 'workspace:errors.statusRequired' })
      .refine(isRequestStatus, 'workspace:errors.statusRequired'),
    note: noteField,
    version: versionField,
  }),
  z.object({
    intent: z.literal('link'),
    target: z
      .string({ required_error: 'workspace:errors.linkRequired' })
      .regex(/^(order|request):/, 'workspace:errors.linkRequired'),
    version: versionField,
  }),
  z.object({ intent: z.literal('resend'), deliveryId: z.coerce.number().int().positive() }),
])

// The details and address corrections use the portal's own schemas, so staff cannot save what
// the customer could not (a postal code that does not fit the country, an unknown time zone).
const timeZones = new Set(serverTimeZones())
const detailsFormSchema = detailsSchema((zone) => timeZones.has(zone))
const addressFormSchema = AddressEditSchema.and(z.object({ addressId: z.string() }))

const intents = [
  'reply',
  'note',
  'assign',
  'priority',
  'details',
  'address',
  'orderStatus',
  'requestStatus',
  'link',
  'resend',
] as const
type Intent = (typeof intents)[number]

interface ActionResult extends WorkspaceFeedback {
  intent: Intent | null
  conflict: {
    current: TicketWorkState
    changes: Partial<TicketWorkState>
    expectedVersion: number
  } | null
  recordConflict: RecordConflict | null
}

function answer(status: number, result: Partial<ActionResult>, headers: Headers) {
  return data<ActionResult>(
    {
      intent: null,
      subject: null,
      fieldErrors: {},
      formErrors: [],
      values: {},
      conflict: null,
      recordConflict: null,
      ...result,
    },
    { status, headers },
  )
}

function fieldErrorsOf(errors: Record<string, string[] | null | undefined> | null | undefined) {
  const fieldErrors: Record<string, string[]> = {}
  const formErrors: string[] = []
  for (const [key, list] of Object.entries(errors ?? {})) {
    if (!list?.length) continue
    if (key === '') formErrors.push(...list)
    else fieldErrors[key] = list
  }
  return { fieldErrors, formErrors }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'agent')
  const db = await getDatabase()
  const ticketNumber = params.ticketNumber ?? ''
  const { ticketId, customerId } = requireFound(await findTicketCustomer(db, ticketNumber))
  const form = await request.formData()
  const values: Record<string, string> = {}
  for (const [key, value] of form) if (typeof value === 'string') values[key] = value
  const intent = intents.find((value) => value === values.intent) ?? null
  const subject = values.addressId ?? values.orderId ?? values.requestId ?? null
  const refused = (status: number, result: Partial<ActionResult>) =>
    answer(status, { intent, subject, values, ...result }, headers)
  const done = (what: Intent | 'unchanged') =>
    redirect(`/staff/tickets/${ticketNumber}?saved=${what}`, { headers })
  const staffAccountId = user.id

  try {
    // The two corrections of the customer's record, with the portal's schemas.
    if (intent === 'details') {
      const submission = parseWithZod(form, { schema: detailsFormSchema })
      if (submission.status !== 'success') {
        return refused(400, fieldErrorsOf(submission.error))
      }
      const {
        version,
        legalName,
        intent: _intent,
        legalNameEditable: _l,
        ...rest
      } = submission.value
      const changed = await orNotFound(() =>
        correctCustomerDetails(db, {
          customerId,
          expectedVersion: version,
          changes: { ...rest, legalName },
          staffAccountId,
        }),
      )
      return done(changed ? 'details' : 'unchanged')
    }
    if (intent === 'address') {
      const submission = parseWithZod(form, { schema: addressFormSchema })
      if (submission.status !== 'success') {
        return refused(400, fieldErrorsOf(submission.error))
      }
      const {
        version,
        addressId,
        defaultShipping: _s,
        defaultBilling: _b,
        ...changes
      } = submission.value
      const changed = await orNotFound(() =>
        correctCustomerAddress(db, {
          customerId,
          addressId,
          expectedVersion: version,
          changes,
          staffAccountId,
        }),
      )
      return done(changed ? 'address' : 'unchanged')
    }

    const parsed = actionSchema.safeParse(values)
    if (!parsed.success) {
      const flat = parsed.error.flatten()
      return refused(400, {
        fieldErrors: Object.fromEntries(
          Object.entries(flat.fieldErrors).map(([key, errors]) => [key, errors ?? []]),
        ),
        formErrors: flat.formErrors.length ? ['staff:ticket.errors.invalid'] : [],
      })
    }
    const input = parsed.data
    switch (input.intent) {
      case 'reply':
        await orNotFound(() =>
          addStaffReply(db, {
            ticketId,
            staffAccountId,
            body: input.body,
            visibility: 'public',
            toStatus: input.status === 'keep' ? null : input.status,
          }),
        )
        return done('reply')
      case 'note':
        await orNotFound(() =>
          addStaffReply(db, { ticketId, staffAccountId, body: input.body, visibility: 'internal' }),
        )
        return done('note')
      case 'assign': {
        const assigneeId = input.assignToMe ? user.id : input.assignee || null
        if (assigneeId !== null && !isUuid(assigneeId)) {
          return refused(400, {
            fieldErrors: { assignee: ['staff:ticket.errors.unknownAssignee'] },
          })
        }
        const changed = await orNotFound(() =>
          assignTicket(db, {
            ticketNumber,
            staffAccountId,
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
            staffAccountId,
            expectedVersion: input.version,
            priority: input.priority,
          }),
        )
        return done(changed ? 'priority' : 'unchanged')
      }
      case 'orderStatus':
        await orNotFound(() =>
          changeCustomerOrderStatus(db, {
            customerId,
            orderId: input.orderId,
            expectedVersion: input.version,
            toStatus: input.toStatus,
            note: input.note,
            staffAccountId,
          }),
        )
        return done('orderStatus')
      case 'requestStatus':
        await orNotFound(() =>
          changeCustomerRequestStatus(db, {
            customerId,
            requestId: input.requestId,
            expectedVersion: input.version,
            toStatus: input.toStatus,
            note: input.note,
            staffAccountId,
          }),
        )
        return done('requestStatus')
      case 'link': {
        const [kind, id = ''] = input.target.split(':') as ['order' | 'request', string?]
        const changed = await orNotFound(() =>
          linkTicket(db, {
            ticketId,
            staffAccountId,
            expectedVersion: input.version,
            target: { kind, id },
          }),
        )
        return done(changed ? 'link' : 'unchanged')
      }
      case 'resend':
        await orNotFound(() =>
          resendNotification(db, { customerId, deliveryId: input.deliveryId, staffAccountId }),
        )
        return done('resend')
    }
  } catch (error) {
    if (error instanceof VersionConflictError) {
      return refused(409, conflictAnswer(intent, values, error))
    }
    if (error instanceof InvalidStateError) {
      const status = error.reason === 'staff:ticket.errors.unknownAssignee' ? 400 : 409
      return refused(status, { formErrors: [error.reason] })
    }
    throw error
  }
}

/** Both sides of a refused save, shaped for the panel that lets the agent apply theirs again. */
function conflictAnswer(
  intent: Intent | null,
  values: Record<string, string>,
  error: VersionConflictError<unknown>,
): Partial<ActionResult> {
  const expectedVersion = error.expectedVersion
  switch (intent) {
    case 'details': {
      const { changes, current } = error as VersionConflictError<VersionedProfileDetails>
      return {
        recordConflict: {
          kind: 'details',
          current,
          mine: changes as Partial<Record<DetailsField, string | null>>,
          expectedVersion,
        },
      }
    }
    case 'address': {
      const { changes, current } = error as VersionConflictError<VersionedAddress>
      return {
        recordConflict: {
          kind: 'address',
          addressId: values.addressId ?? '',
          current,
          mine: {
            label: changes.label ?? null,
            recipient: changes.recipient ?? '',
            line1: changes.line1 ?? '',
            line2: changes.line2 ?? null,
            city: changes.city ?? '',
            region: changes.region ?? null,
            postalCode: changes.postalCode ?? null,
            countryCode: changes.countryCode ?? '',
          },
          expectedVersion,
        },
      }
    }
    case 'orderStatus': {
      const { current } = error as VersionConflictError<StatusState<OrderStatus>>
      const toStatus = values.toStatus as OrderStatus
      return {
        recordConflict: {
          kind: 'orderStatus',
          orderId: values.orderId ?? '',
          number: values.number ?? '',
          current,
          mine: { toStatus, note: values.note || null },
          stillAllowed: ORDER_TRANSITIONS[current.status].includes(toStatus),
          expectedVersion,
        },
      }
    }
    case 'requestStatus': {
      const { current } = error as VersionConflictError<StatusState<RequestStatus>>
      const toStatus = values.toStatus as RequestStatus
      return {
        recordConflict: {
          kind: 'requestStatus',
          requestId: values.requestId ?? '',
          number: values.number ?? '',
          current,
          mine: { toStatus, note: values.note || null },
          stillAllowed: ALLOWED_TRANSITIONS[current.status].includes(toStatus),
          expectedVersion,
        },
      }
    }
    case 'link': {
      const { current, changes } = error as VersionConflictError<TicketLinkState>
      return {
        recordConflict: {
          kind: 'link',
          current,
          mine: {
            target: values.target ?? '',
            number: changes.orderNumber ?? changes.requestNumber ?? '',
          },
          expectedVersion,
        },
      }
    }
    default: {
      const conflict = error as VersionConflictError<TicketWorkState>
      return {
        conflict: {
          current: conflict.current,
          changes: conflict.changes,
          expectedVersion,
        },
      }
    }
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
const workspaceSaved = [
  'details',
  'address',
  'orderStatus',
  'requestStatus',
  'link',
  'resend',
] as const

function isSaved(value: string | null): value is keyof typeof savedKeys {
  return value !== null && Object.hasOwn(savedKeys, value)
}

function isWorkspaceSaved(value: string | null): value is (typeof workspaceSaved)[number] {
  return (workspaceSaved as readonly (string | null)[]).includes(value)
}

export default function StaffTicketView() {
  const {
    ticket,
    messages,
    staff,
    dueKind,
    dueInMinutes,
    breached,
    panel,
    organisation,
    link,
    canned,
  } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('staff')
  const { t: tWorkspace } = useTranslation('workspace')
  const duration = useDuration()
  const saved = searchParams.get('saved')
  const errorsFor = (intent: Intent, field: string) =>
    actionData?.intent === intent ? actionData.fieldErrors[field] : undefined
  const valueFor = (intent: Intent, field: string) =>
    actionData?.intent === intent ? actionData.values[field] : undefined
  const formErrorsFor = (intent: Intent) =>
    actionData?.intent === intent ? actionData.formErrors : undefined
  const conflict = actionData?.conflict ?? null
  const recordConflict = actionData?.recordConflict ?? null
  // After a refused save the page may not have been reloaded: the next try must carry the
  // version the agent has now been shown.
  const version = conflict?.current.version ?? ticket.version
  const nameOf = (id: string | null | undefined) =>
    id
      ? (staff.find((member) => member.accountId === id)?.displayName ?? id)
      : t('ticket.unassigned')

  // Keyed forms start empty again once what they sent is on the page (a new message, a new
  // version), while a refused post keeps what was typed; a chosen canned reply starts the
  // reply box over with its text.
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
        <TicketOrganisationLine data={organisation} />
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
      {isWorkspaceSaved(saved) ? <Notice>{tWorkspace(`saved.${saved}`)}</Notice> : null}
      {recordConflict ? (
        <RecordConflictPanel conflict={recordConflict} ticketNumber={ticket.ticketNumber} />
      ) : null}
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

          <div className="space-y-2 rounded border p-3">
            <h3 className="font-semibold">{t('ticket.reply.heading')}</h3>
            <CannedReplyPicker replies={canned.replies} selected={canned.selected} />
            <Form
              key={`reply-${messages.length}-${canned.selected ?? ''}`}
              method="post"
              className="space-y-2"
            >
              <ErrorSummary
                errors={{ 'reply-body': errorsFor('reply', 'body') }}
                formErrorId="reply-form-error"
              />
              <FormAlert id="reply-form-error" errors={formErrorsFor('reply')} />
              <input type="hidden" name="intent" value="reply" />
              <label htmlFor="reply-body" className={labelClass}>
                {t('ticket.reply.body')}
              </label>
              <textarea
                id="reply-body"
                name="body"
                rows={5}
                className={inputClass}
                defaultValue={valueFor('reply', 'body') ?? canned.prefill ?? undefined}
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
          </div>

          <Form
            key={`note-${messages.length}`}
            method="post"
            className="space-y-2 rounded border-2 border-dashed border-amber-500 bg-amber-50 p-3"
          >
            <h3 className="font-semibold">{t('ticket.note.heading')}</h3>
            <ErrorSummary
              errors={{ 'note-body': errorsFor('note', 'body') }}
              formErrorId="note-form-error"
            />
            <FormAlert id="note-form-error" errors={formErrorsFor('note')} />
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
          <TicketCustomerPanel data={panel} feedback={actionData} />

          <TicketLinkForm
            orderNumber={link.orderNumber}
            requestNumber={link.requestNumber}
            choices={link.choices}
            version={recordConflict?.kind === 'link' ? recordConflict.current.version : version}
            feedback={actionData}
          />

          <Form key={`assign-${version}`} method="post" className="space-y-2 rounded border p-3">
            <h3 className="font-semibold">{t('ticket.assign.heading')}</h3>
            <ErrorSummary
              errors={{ 'assign-to': errorsFor('assign', 'assignee') }}
              formErrorId="assign-form-error"
            />
            <FormAlert id="assign-form-error" errors={formErrorsFor('assign')} />
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
            <ErrorSummary
              errors={{ priority: errorsFor('priority', 'priority') }}
              formErrorId="priority-form-error"
            />
            <FormAlert id="priority-form-error" errors={formErrorsFor('priority')} />
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
