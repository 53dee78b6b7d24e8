import type { Actor } from '../history.ts'
import type { ItemVisibility } from '../item-visibility.ts'
import { type DemoContext, DemoClock } from './demo-context.ts'
import type { DemoOrder } from './demo-orders.ts'
import { ANNA_BERG, LUCAS_MEYER } from './demo-people.ts'
import type { TicketCategory, TicketPriority, TicketStatus } from './values.ts'

type Author = 'customer' | 'agent' | 'supervisor' | 'system'

export interface TicketScript {
  customer: string
  subject: string
  category: TicketCategory
  priority: TicketPriority
  /** The priority the ticket was opened with, when triage changed it. */
  openedAs?: TicketPriority
  order?: string
  daysAgo: number
  hour: number
  assignee?: 'agent' | 'supervisor'
  /**
   * `author` names the colleague (a demo customer key) who wrote a customer message on an
   * organisation's ticket; without it the message is the opener's.
   */
  messages: { from: Author; afterHours: number; body: string; internal?: true; author?: string }[]
  changes: { to: TicketStatus; by: Author; afterHours: number }[]
  rating?: { stars: number; comment?: string; afterHours: number }
  /** Opened for a company: the organisation, who sees it there, and the colleagues named. */
  organisation?: { id: string; visibility: ItemVisibility; sharedWith?: string[] }
}

/** Triage (assignment, priority) happens this long after a ticket comes in. */
const TRIAGE_AFTER_HOURS = 0.5

// Together these cover every status and every priority, in the customer's own language.
const SCRIPTS: TicketScript[] = [
  {
    customer: ANNA_BERG,
    subject: 'Tracking has not moved for three days',
    category: 'delivery',
    priority: 'normal',
    order: 'anna-backpack',
    daysAgo: 2,
    hour: 8,
    assignee: 'agent',
    messages: [
      {
        from: 'customer',
        afterHours: 0,
        body: 'Hi! My backpack was shipped a few days ago, but the tracking has said "in transit" at the same terminal since then. Can you check what is going on?',
      },
      {
        from: 'agent',
        afterHours: 3,
        internal: true,
        body: 'PostNord: last scan at the Årsta terminal, nothing since. Opened an investigation with them (case 88123).',
      },
      {
        from: 'agent',
        afterHours: 3.5,
        body: 'Hi Anna, thank you for telling us. We have asked PostNord to look for the parcel. Could you check whether a neighbour took it in, and confirm that your home address is the right one for this delivery?',
      },
    ],
    changes: [{ to: 'waiting_on_customer', by: 'agent', afterHours: 3.5 }],
  },
  {
    customer: ANNA_BERG,
    subject: 'Kettle lid broke on first use',
    category: 'product',
    priority: 'high',
    openedAs: 'normal',
    order: 'anna-kettle',
    daysAgo: 1,
    hour: 16,
    assignee: 'agent',
    messages: [
      {
        from: 'customer',
        afterHours: 0,
        body: 'The hinge of the kettle lid snapped the first time I opened it. There is a sharp edge now, so I do not dare to use it.',
      },
      {
        from: 'supervisor',
        afterHours: TRIAGE_AFTER_HOURS,
        internal: true,
        body: 'Sharp edge = safety issue, raised to high. Check whether other KET-1001 lids were reported this month.',
      },
    ],
    changes: [],
  },
  {
    customer: ANNA_BERG,
    subject: 'Wrong VAT number on my invoice',
    category: 'billing',
    priority: 'low',
    daysAgo: 45,
    hour: 10,
    assignee: 'agent',
    messages: [
      {
        from: 'customer',
        afterHours: 0,
        body: 'The invoice for my last order shows an old VAT number of yours. Could you send a corrected one?',
      },
      {
        from: 'agent',
        afterHours: 20,
        body: 'Hi Anna, you are right, sorry about that. A corrected invoice is on its way to your email.',
      },
    ],
    changes: [{ to: 'resolved', by: 'agent', afterHours: 20 }],
    rating: { stars: 5, comment: 'Quick and friendly, thank you!', afterHours: 30 },
  },
  {
    customer: LUCAS_MEYER,
    subject: 'Paket beschädigt angekommen',
    category: 'delivery',
    priority: 'urgent',
    order: 'lucas-towels',
    daysAgo: 1,
    hour: 7,
    assignee: 'agent',
    messages: [
      {
        from: 'customer',
        afterHours: 0,
        body: 'Das Paket kam völlig durchnässt an, zwei der Handtücher sind verfärbt.',
      },
      {
        from: 'agent',
        afterHours: 0.75,
        body: 'Das tut uns leid! Wir schicken Ihnen heute noch Ersatz. Die beschädigten Handtücher müssen Sie nicht zurückschicken.',
      },
      {
        from: 'agent',
        afterHours: 1,
        internal: true,
        body: 'Replacement to be created by a supervisor (no charge). Damage reported to DHL.',
      },
    ],
    changes: [],
  },
  {
    customer: LUCAS_MEYER,
    subject: 'Rechnung als PDF',
    category: 'billing',
    priority: 'low',
    daysAgo: 90,
    hour: 12,
    assignee: 'agent',
    messages: [
      { from: 'customer', afterHours: 0, body: 'Können Sie mir die Rechnung als PDF schicken?' },
      {
        from: 'agent',
        afterHours: 30,
        body: 'Gerne, die Rechnung finden Sie ab sofort auch als PDF auf der Seite Ihrer Bestellung.',
      },
      {
        from: 'system',
        afterHours: 30 + 7 * 24,
        body: 'This ticket was closed automatically seven days after it was resolved.',
      },
    ],
    changes: [
      { to: 'resolved', by: 'agent', afterHours: 30 },
      { to: 'closed', by: 'system', afterHours: 30 + 7 * 24 },
    ],
    rating: { stars: 4, comment: 'Hat etwas gedauert, aber gut.', afterHours: 40 },
  },
  {
    customer: 'siobhan-oconnor',
    subject: 'Can I change the delivery address of a shipped order?',
    category: 'order',
    priority: 'normal',
    daysAgo: 150,
    hour: 9,
    assignee: 'agent',
    messages: [
      {
        from: 'customer',
        afterHours: 0,
        body: 'I will be away next week. Can the parcel go to my work address instead?',
      },
      {
        from: 'agent',
        afterHours: 2,
        body: 'Hi Siobhán, once a parcel has left us An Post can redirect it: use the link in your tracking email. We have added a note for the driver as well.',
      },
      { from: 'customer', afterHours: 4, body: 'Perfect, thanks a million.' },
    ],
    changes: [
      { to: 'resolved', by: 'agent', afterHours: 2 },
      { to: 'closed', by: 'customer', afterHours: 4 },
    ],
  },
  {
    customer: 'jose-nunez',
    subject: 'No puedo iniciar sesión en la app',
    category: 'account',
    priority: 'high',
    daysAgo: 18,
    hour: 19,
    assignee: 'agent',
    messages: [
      {
        from: 'customer',
        afterHours: 0,
        body: 'Desde ayer la app me dice que mi contraseña no es válida, pero es la de siempre.',
      },
      {
        from: 'agent',
        afterHours: 1.5,
        body: 'Hola, José Ángel. Por seguridad cerramos las sesiones antiguas ayer. Use «¿Olvidó su contraseña?» y podrá entrar de nuevo.',
      },
      { from: 'customer', afterHours: 3, body: 'Ya funciona, ¡gracias!' },
    ],
    changes: [{ to: 'resolved', by: 'agent', afterHours: 3.25 }],
  },
  {
    customer: 'maria-jose-ibanez',
    subject: 'Cobro duplicado en mi tarjeta',
    category: 'billing',
    priority: 'urgent',
    daysAgo: 27,
    hour: 16,
    assignee: 'supervisor',
    messages: [
      {
        from: 'customer',
        afterHours: 0,
        body: 'Me han cobrado dos veces el mismo pedido. Necesito que me devuelvan el segundo cargo.',
      },
      {
        from: 'supervisor',
        afterHours: 0.75,
        internal: true,
        body: 'Payment provider confirms the second charge is an authorisation only; it is released within 5 days.',
      },
      {
        from: 'supervisor',
        afterHours: 0.9,
        body: 'Hola, Majo. El segundo cargo es solo una retención de su banco y desaparecerá en un máximo de cinco días. No se le cobrará.',
      },
    ],
    changes: [{ to: 'resolved', by: 'supervisor', afterHours: 0.9 }],
    rating: {
      stars: 3,
      comment: 'La respuesta fue rápida, pero tuve que esperar a que desapareciera el cargo.',
      afterHours: 5 * 24,
    },
  },
  {
    customer: 'zoe-dangelo',
    subject: 'Do you ship to Canada?',
    category: 'other',
    priority: 'low',
    daysAgo: 4,
    hour: 22,
    assignee: 'agent',
    messages: [
      {
        from: 'customer',
        afterHours: 0,
        body: 'My sister lives in Canada. Can I order a gift and have it shipped there?',
      },
      {
        from: 'agent',
        afterHours: 11,
        body: 'Hi Zoë, we ship to most Canadian provinces. Which province is it, so I can check delivery times and duties for you?',
      },
    ],
    changes: [{ to: 'waiting_on_customer', by: 'agent', afterHours: 11 }],
  },
  {
    customer: 'margarete-kohler',
    subject: 'Katalog per Post',
    category: 'other',
    priority: 'low',
    daysAgo: 3,
    hour: 10,
    messages: [
      {
        from: 'customer',
        afterHours: 0,
        body: 'Ich habe keinen Computer zu Hause. Können Sie mir den neuen Katalog per Post schicken?',
      },
    ],
    changes: [],
  },
  {
    customer: 'hiroshi-tanaka',
    subject: 'Customs fee asked on delivery',
    category: 'delivery',
    priority: 'high',
    order: 'hiroshi-pan',
    daysAgo: 1,
    hour: 2,
    assignee: 'agent',
    messages: [
      {
        from: 'customer',
        afterHours: 0,
        body: 'The driver wants a customs fee before handing over my parcel. I thought duties were included?',
      },
      {
        from: 'agent',
        afterHours: 1,
        body: 'Hello Mr Tanaka, duties should have been prepaid. Could you send us a photo of the fee notice, so we can settle it with Japan Post?',
      },
    ],
    changes: [{ to: 'waiting_on_customer', by: 'agent', afterHours: 1 }],
  },
  {
    customer: 'emma-wilson',
    subject: 'Speaker pairing keeps dropping',
    category: 'product',
    priority: 'normal',
    daysAgo: 12,
    hour: 18,
    assignee: 'agent',
    messages: [
      {
        from: 'customer',
        afterHours: 0,
        body: 'My new speaker disconnects from my phone every few minutes.',
      },
      {
        from: 'agent',
        afterHours: 5,
        body: 'Hi Emma, a firmware update fixes this: hold the power and volume-up buttons for five seconds while it is charging.',
      },
    ],
    changes: [
      { to: 'resolved', by: 'agent', afterHours: 5 },
      { to: 'closed', by: 'system', afterHours: 5 + 7 * 24 },
    ],
  },
  {
    customer: 'liam-obrien',
    subject: 'Charged for shipping above the free-shipping limit',
    category: 'billing',
    priority: 'normal',
    openedAs: 'low',
    daysAgo: 8,
    hour: 13,
    assignee: 'supervisor',
    messages: [
      {
        from: 'customer',
        afterHours: 0,
        body: 'My order was over the free-shipping amount but I still paid for delivery.',
      },
      {
        from: 'supervisor',
        afterHours: 6,
        body: 'Hi Liam, the shipping charge has been refunded; you will see it on your statement in a few days.',
      },
    ],
    changes: [{ to: 'resolved', by: 'supervisor', afterHours: 6 }],
  },
]

/** Tickets with their conversations, internal notes and event trails. */
export function buildTickets(ctx: DemoContext, orders: Map<string, DemoOrder>): void {
  for (const script of SCRIPTS) buildTicket(ctx, script, orders)
}

/** One ticket from its script (the organisations' tickets are built the same way). */
export function buildTicket(
  ctx: DemoContext,
  script: TicketScript,
  orders: Map<string, DemoOrder>,
): void {
  const customer = ctx.customer(script.customer)
  const order = script.order ? orders.get(script.order) : undefined
  if (script.order && !order) throw new Error(`Unknown demo order ${script.order}`)
  const id = ctx.id()
  const createdAt = ctx.clock.daysAgo(script.daysAgo, script.hour)
  const at = (hours: number) => DemoClock.plusHours(createdAt, hours)
  const actorOf = (by: Author): Actor =>
    by === 'customer'
      ? { kind: 'customer', id: customer.accountId }
      : by === 'system'
        ? { kind: 'system' }
        : ctx.staffActor(by)
  const times: Date[] = [createdAt]
  const event = (
    kind: 'created' | 'status_changed' | 'priority_changed' | 'assigned' | 'linked' | 'rated',
    by: Author,
    hours: number,
    from: string | null,
    to: string | null,
  ) => {
    const actor = actorOf(by)
    times.push(at(hours))
    ctx.rows.ticket_events.push({
      ticket_id: id,
      kind,
      from_value: from,
      to_value: to,
      actor_kind: actor.kind,
      actor_id: actor.id ?? null,
      occurred_at: at(hours),
    })
  }

  event('created', 'customer', 0, null, 'open')
  if (order) event('linked', 'customer', 0, null, order.id)
  let version = 1
  if (script.assignee) {
    event('assigned', 'supervisor', TRIAGE_AFTER_HOURS, null, ctx.staff[script.assignee])
    version++
  }
  if (script.openedAs) {
    event('priority_changed', 'supervisor', TRIAGE_AFTER_HOURS, script.openedAs, script.priority)
    version++
  }
  let status: TicketStatus = 'open'
  let resolvedAt: Date | null = null
  let closedAt: Date | null = null
  for (const change of script.changes) {
    event('status_changed', change.by, change.afterHours, status, change.to)
    version++
    status = change.to
    if (change.to === 'resolved') resolvedAt = at(change.afterHours)
    if (change.to === 'closed') closedAt = at(change.afterHours)
  }
  if (script.rating) {
    event('rated', 'customer', script.rating.afterHours, null, String(script.rating.stars))
    version++
  }

  for (const message of script.messages) {
    const author = message.author
      ? { kind: 'customer' as const, id: ctx.customer(message.author).accountId }
      : actorOf(message.from)
    times.push(at(message.afterHours))
    ctx.rows.ticket_messages.push({
      id: ctx.id(),
      ticket_id: id,
      author_kind:
        author.kind === 'customer' ? 'customer' : author.kind === 'staff' ? 'staff' : 'system',
      author_account_id: author.id ?? null,
      visibility: message.internal ? 'internal' : 'public',
      body: message.body,
      created_at: at(message.afterHours),
    })
  }
  const staffReplies = script.messages.filter(
    (message) => (message.from === 'agent' || message.from === 'supervisor') && !message.internal,
  )
  const customerMessages = script.messages.filter((message) => message.from === 'customer')
  const lastCustomerMessage = customerMessages[customerMessages.length - 1]
  const firstReply = staffReplies[0]
  const settled = status === 'resolved' || status === 'closed'

  ctx.rows.tickets.push({
    id,
    customer_id: customer.id,
    subject: script.subject,
    category: script.category,
    status,
    priority: script.priority,
    assignee_id: script.assignee ? ctx.staff[script.assignee] : null,
    order_id: order?.id ?? null,
    created_at: createdAt,
    updated_at: new Date(Math.max(...times.map((time) => time.getTime()))),
    last_customer_message_at: lastCustomerMessage ? at(lastCustomerMessage.afterHours) : null,
    first_response_at: firstReply ? at(firstReply.afterHours) : null,
    resolved_at: resolvedAt,
    closed_at: closedAt,
    resolved_in_one_interaction: settled ? staffReplies.length === 1 : null,
    rating: script.rating?.stars ?? null,
    rating_comment: script.rating?.comment ?? null,
    version,
    organisation_id: script.organisation?.id ?? null,
    visibility: script.organisation?.visibility ?? 'private',
  })
  for (const colleague of script.organisation?.sharedWith ?? []) {
    ctx.rows.item_shares.push({
      item_kind: 'ticket',
      item_id: id,
      customer_id: ctx.customer(colleague).id,
      added_by: customer.accountId,
      added_at: createdAt,
    })
  }
  ctx.history(
    {
      customerId: customer.id,
      entityType: 'ticket',
      entityId: id,
      action: 'opened',
      actor: actorOf('customer'),
      channel: 'portal',
      after: { subject: script.subject, category: script.category },
    },
    createdAt,
  )
}
