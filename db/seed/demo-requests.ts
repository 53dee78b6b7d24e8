import type { Actor } from '../history.ts'
import type { ItemVisibility } from '../item-visibility.ts'
import type { JsonValue } from '../schema.ts'
import { type DemoContext, DemoClock } from './demo-context.ts'
import type { DemoOrder } from './demo-orders.ts'
import { ANNA_BERG, LUCAS_MEYER } from './demo-people.ts'
import type { RequestKind, RequestStatus } from './values.ts'

type By = 'customer' | 'agent' | 'supervisor'

interface RequestStep {
  /** The new status; the same as the current one for a note without a status change. */
  to: RequestStatus
  by: By
  afterHours: number
  note?: string
  internal?: true
}

export interface RequestScript {
  customer: string
  kind: RequestKind
  subject: string
  details: { [key: string]: JsonValue }
  order?: string
  daysAgo: number
  hour: number
  steps: RequestStep[]
  /** Made for a company: the organisation, who sees it there, and the colleagues named. */
  organisation?: { id: string; visibility: ItemVisibility; sharedWith?: string[] }
}

const CLOSED: RequestStatus[] = ['rejected', 'completed', 'cancelled']

// Together these cover every kind and every status, in the customer's own language.
const SCRIPTS: RequestScript[] = [
  {
    customer: ANNA_BERG,
    kind: 'return',
    subject: 'Return: headphones, the left ear cuts out',
    details: { reason: 'defective', lines: [{ sku: 'HDP-2040', quantity: 1 }], outcome: 'refund' },
    order: 'anna-headphones',
    daysAgo: 6,
    hour: 10,
    steps: [
      {
        to: 'in_review',
        by: 'agent',
        afterHours: 20,
        note: 'Thanks, we have your request and are checking it with our warehouse.',
      },
      {
        to: 'in_review',
        by: 'agent',
        afterHours: 21,
        internal: true,
        note: 'Serial number is in the batch with the known ear-cup fault: approve once the supervisor agrees.',
      },
    ],
  },
  {
    customer: ANNA_BERG,
    kind: 'document',
    subject: 'Copy of the invoice for my blanket order',
    details: { document: 'invoice_copy' },
    order: 'anna-blanket',
    daysAgo: 100,
    hour: 13,
    steps: [
      { to: 'in_review', by: 'agent', afterHours: 2 },
      {
        to: 'completed',
        by: 'agent',
        afterHours: 3,
        note: 'We have emailed you a copy of the invoice.',
      },
    ],
  },
  {
    customer: ANNA_BERG,
    kind: 'data_correction',
    subject: 'Put my company name on future invoices',
    details: { field: 'billing_address', requested: 'Add the company name "Berg Design AB"' },
    daysAgo: 3,
    hour: 9,
    steps: [
      { to: 'in_review', by: 'agent', afterHours: 4 },
      {
        to: 'waiting_for_customer',
        by: 'agent',
        afterHours: 5,
        note: 'Could you send us the company’s VAT number, so we can print it on the invoice too?',
      },
    ],
  },
  {
    customer: LUCAS_MEYER,
    kind: 'repair',
    subject: 'Wasserkocher schaltet nicht mehr ab',
    details: {
      sku: 'KET-1001',
      fault: 'Schaltet beim Kochen nicht automatisch ab',
      warranty: true,
    },
    order: 'lucas-kettle',
    daysAgo: 10,
    hour: 8,
    steps: [
      { to: 'in_review', by: 'agent', afterHours: 3 },
      {
        to: 'approved',
        by: 'supervisor',
        afterHours: 26,
        note: 'Reparatur genehmigt. Das Versandetikett schicken wir Ihnen per E-Mail.',
      },
    ],
  },
  {
    customer: LUCAS_MEYER,
    kind: 'return',
    subject: 'Rücksendung: Handtücher in falscher Farbe',
    details: {
      reason: 'wrong_item',
      lines: [{ sku: 'TWL-1200', quantity: 2 }],
      outcome: 'exchange',
    },
    order: 'lucas-towels',
    daysAgo: 1,
    hour: 15,
    steps: [],
  },
  {
    customer: 'sofia-garcia',
    kind: 'return',
    subject: 'Devolución: manta de lana',
    details: {
      reason: 'changed_mind',
      lines: [{ sku: 'BLK-1500', quantity: 1 }],
      outcome: 'refund',
    },
    order: 'sofia-blanket',
    daysAgo: 65,
    hour: 11,
    steps: [
      { to: 'in_review', by: 'agent', afterHours: 20 },
      {
        to: 'approved',
        by: 'supervisor',
        afterHours: 44,
        note: 'Devolución aprobada. Le hemos enviado la etiqueta de envío por correo electrónico.',
      },
      {
        to: 'completed',
        by: 'agent',
        afterHours: 150,
        note: 'Reembolso realizado a su método de pago original.',
      },
    ],
  },
  {
    customer: 'liam-obrien',
    kind: 'return',
    subject: 'Return two umbrellas',
    details: { reason: 'not_needed', lines: [{ sku: 'UMB-0900', quantity: 2 }], outcome: 'refund' },
    order: 'liam-umbrella',
    daysAgo: 20,
    hour: 17,
    steps: [
      { to: 'in_review', by: 'agent', afterHours: 5 },
      {
        to: 'rejected',
        by: 'supervisor',
        afterHours: 30,
        note: 'Sorry, the 30-day return window for this order has passed, so we cannot take these back.',
      },
    ],
  },
  {
    customer: 'zoe-dangelo',
    kind: 'repair',
    subject: 'Headphones stopped charging',
    details: {
      sku: 'HDP-2040',
      fault: 'Does not charge after coffee was spilled on it',
      warranty: true,
    },
    order: 'zoe-headphones',
    daysAgo: 45,
    hour: 14,
    steps: [
      { to: 'in_review', by: 'agent', afterHours: 6 },
      {
        to: 'in_review',
        by: 'agent',
        afterHours: 7,
        internal: true,
        note: 'Photos show liquid damage on the charging port.',
      },
      {
        to: 'rejected',
        by: 'supervisor',
        afterHours: 28,
        note: 'Liquid damage is not covered by the warranty. We can offer a paid repair instead.',
      },
    ],
  },
  {
    customer: 'emma-wilson',
    kind: 'repair',
    subject: 'Speaker crackles at high volume',
    details: { sku: 'SPK-0300', fault: 'Crackling above 70% volume', warranty: true },
    order: 'emma-speaker',
    daysAgo: 5,
    hour: 16,
    steps: [{ to: 'in_review', by: 'agent', afterHours: 18 }],
  },
  {
    customer: 'jurgen-grossmann',
    kind: 'data_correction',
    subject: 'Mein Nachname wird falsch geschrieben (ß statt ss)',
    details: { field: 'familyName', current: 'Grossmann', requested: 'Großmann' },
    daysAgo: 35,
    hour: 9,
    steps: [
      { to: 'in_review', by: 'agent', afterHours: 2 },
      {
        to: 'completed',
        by: 'agent',
        afterHours: 5,
        note: 'Korrigiert: Ihr Nachname lautet jetzt Großmann.',
      },
    ],
  },
  {
    customer: 'maria-jose-ibanez',
    kind: 'data_correction',
    subject: 'Corregir el número interior de mi dirección',
    details: { field: 'address', requested: 'Interior 4B' },
    daysAgo: 4,
    hour: 15,
    steps: [{ to: 'in_review', by: 'agent', afterHours: 3 }],
  },
  {
    customer: 'noah-fischer',
    kind: 'account_closure',
    subject: 'Bitte mein Kundenkonto schließen',
    details: { reason: 'Ich nutze das Konto nicht mehr.' },
    daysAgo: 2,
    hour: 20,
    steps: [],
  },
  {
    customer: 'oskar-lindqvist',
    kind: 'account_closure',
    subject: 'Close my account',
    details: { reason: 'Moving abroad' },
    daysAgo: 50,
    hour: 10,
    steps: [
      {
        to: 'cancelled',
        by: 'customer',
        afterHours: 30,
        note: 'Changed my mind, I will keep the account.',
      },
    ],
  },
  {
    customer: 'hiroshi-tanaka',
    kind: 'document',
    subject: 'Certificate of origin for customs',
    details: { document: 'certificate_of_origin' },
    order: 'hiroshi-pan',
    daysAgo: 2,
    hour: 1,
    steps: [],
  },
  {
    customer: 'chloe-martin-dubois',
    kind: 'document',
    subject: 'VAT invoice for my company',
    details: { document: 'vat_invoice' },
    daysAgo: 80,
    hour: 12,
    steps: [
      { to: 'cancelled', by: 'customer', afterHours: 1, note: 'Found it in my email, sorry!' },
    ],
  },
]

/** Requests with their status timelines, public notes to the customer and internal ones. */
export function buildRequests(ctx: DemoContext, orders: Map<string, DemoOrder>): void {
  for (const script of SCRIPTS) buildRequest(ctx, script, orders)
}

/** One request from its script (the organisations' requests are built the same way). */
export function buildRequest(
  ctx: DemoContext,
  script: RequestScript,
  orders: Map<string, DemoOrder>,
): void {
  const customer = ctx.customer(script.customer)
  const order = script.order ? orders.get(script.order) : undefined
  if (script.order && !order) throw new Error(`Unknown demo order ${script.order}`)
  const id = ctx.id()
  const createdAt = ctx.clock.daysAgo(script.daysAgo, script.hour)
  const actorOf = (by: By): Actor =>
    by === 'customer' ? { kind: 'customer', id: customer.accountId } : ctx.staffActor(by)

  let status: RequestStatus = 'submitted'
  let updatedAt = createdAt
  let closedAt: Date | null = null
  let version = 1
  const events: { from: RequestStatus | null; step: RequestStep }[] = [
    { from: null, step: { to: 'submitted', by: 'customer', afterHours: 0 } },
  ]
  for (const step of script.steps) {
    events.push({ from: status, step })
    if (step.internal) continue
    const at = DemoClock.plusHours(createdAt, step.afterHours)
    if (step.to !== status) version++
    status = step.to
    updatedAt = at
    if (CLOSED.includes(step.to)) closedAt = at
  }
  ctx.rows.requests.push({
    id,
    customer_id: customer.id,
    kind: script.kind,
    status,
    subject: script.subject,
    details: JSON.stringify(script.details),
    order_id: order?.id ?? null,
    created_at: createdAt,
    updated_at: updatedAt,
    closed_at: closedAt,
    version,
    organisation_id: script.organisation?.id ?? null,
    visibility: script.organisation?.visibility ?? 'private',
  })
  for (const colleague of script.organisation?.sharedWith ?? []) {
    ctx.rows.item_shares.push({
      item_kind: 'request',
      item_id: id,
      customer_id: ctx.customer(colleague).id,
      added_by: customer.accountId,
      added_at: createdAt,
    })
  }
  for (const { from, step } of events) {
    const actor = actorOf(step.by)
    ctx.rows.request_events.push({
      request_id: id,
      from_status: from,
      to_status: step.to,
      note: step.note ?? null,
      visibility: step.internal ? 'internal' : 'public',
      actor_kind: actor.kind,
      actor_id: actor.id ?? null,
      occurred_at: DemoClock.plusHours(createdAt, step.afterHours),
    })
  }
  ctx.history(
    {
      customerId: customer.id,
      entityType: 'request',
      entityId: id,
      action: 'created',
      actor: actorOf('customer'),
      channel: 'portal',
      after: { kind: script.kind, subject: script.subject },
    },
    createdAt,
  )
}
