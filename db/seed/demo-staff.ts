import type { DemoContext } from './demo-context.ts'
import type { DemoLanguage } from './demo-people.ts'
import { DEMO_STAFF_LOGINS } from './demo-logins.ts'
import { STAFF_ROLES, type TopicCode } from './values.ts'

/** One account per staff role, created before any customer so they can act on every record. */
export function buildStaff(ctx: DemoContext, passwordHash: string): void {
  const createdAt = ctx.clock.daysAgo(1400)
  for (const role of STAFF_ROLES) {
    const id = ctx.id()
    ctx.staff[role] = id
    ctx.rows.accounts.push({
      id,
      kind: 'staff',
      email: DEMO_STAFF_LOGINS[role].email,
      password_hash: passwordHash,
      email_verified_at: createdAt,
      created_at: createdAt,
    })
    ctx.rows.staff_members.push({
      account_id: id,
      display_name: DEMO_STAFF_LOGINS[role].displayName,
      role,
      created_at: createdAt,
    })
  }
}

const HOURS = 60

/** What we promise customers: first response and resolution, in minutes. */
export function buildServiceTargets(ctx: DemoContext): void {
  const updatedAt = ctx.clock.daysAgo(400)
  const targets = [
    ['ticket_priority', 'urgent', 1 * HOURS, 8 * HOURS],
    ['ticket_priority', 'high', 4 * HOURS, 24 * HOURS],
    ['ticket_priority', 'normal', 8 * HOURS, 48 * HOURS],
    ['ticket_priority', 'low', 24 * HOURS, 120 * HOURS],
    ['request_kind', 'return', 24 * HOURS, 7 * 24 * HOURS],
    ['request_kind', 'repair', 24 * HOURS, 14 * 24 * HOURS],
    ['request_kind', 'document', 8 * HOURS, 48 * HOURS],
    ['request_kind', 'data_correction', 8 * HOURS, 72 * HOURS],
    // The legal limit for acting on an erasure request is one month.
    ['request_kind', 'account_closure', 24 * HOURS, 30 * 24 * HOURS],
  ] as const
  for (const [kind, value, firstResponse, resolution] of targets) {
    ctx.rows.service_targets.push({
      subject_kind: kind,
      subject_value: value,
      first_response_minutes: firstResponse,
      resolution_minutes: resolution,
      updated_at: updatedAt,
      updated_by: ctx.staff.admin,
    })
  }
}

const WORDINGS: Record<TopicCode, Record<DemoLanguage, string>> = {
  service: {
    en: 'We may contact you about requests, tickets and your account, which you started yourself.',
    de: 'Wir dürfen Sie zu Ihren Anfragen, Tickets und Ihrem Konto kontaktieren, die Sie selbst begonnen haben.',
    es: 'Podemos contactarle sobre las solicitudes, incidencias y la cuenta que usted mismo inició.',
  },
  order_updates: {
    en: 'Send me updates about my orders: payment, dispatch, delivery and returns.',
    de: 'Schicken Sie mir Neuigkeiten zu meinen Bestellungen: Zahlung, Versand, Zustellung und Rücksendungen.',
    es: 'Envíenme novedades sobre mis pedidos: pago, envío, entrega y devoluciones.',
  },
  newsletter: {
    en: 'Send me the newsletter, at most once a week; I can unsubscribe at any time.',
    de: 'Schicken Sie mir den Newsletter, höchstens einmal pro Woche; ich kann ihn jederzeit abbestellen.',
    es: 'Envíenme el boletín, como mucho una vez por semana; puedo darme de baja en cualquier momento.',
  },
  offers: {
    en: 'Tell me about offers and discounts chosen for me; I can withdraw this at any time.',
    de: 'Informieren Sie mich über Angebote und Rabatte für mich; ich kann das jederzeit widerrufen.',
    es: 'Infórmenme de ofertas y descuentos elegidos para mí; puedo retirarlo en cualquier momento.',
  },
  surveys: {
    en: 'Ask me now and then for my opinion in short surveys; answering is always optional.',
    de: 'Fragen Sie mich ab und zu in kurzen Umfragen nach meiner Meinung; die Teilnahme ist freiwillig.',
    es: 'Pregúntenme de vez en cuando mi opinión en encuestas breves; responder es siempre opcional.',
  },
  events: {
    en: 'Invite me to events, store openings and workshops near me.',
    de: 'Laden Sie mich zu Veranstaltungen, Ladeneröffnungen und Workshops in meiner Nähe ein.',
    es: 'Invítenme a eventos, inauguraciones de tiendas y talleres cerca de mí.',
  },
}

/** Version 1 of every wording in every demo language; returns `topic:language` → wording id. */
export function buildConsentWordings(ctx: DemoContext): Map<string, string> {
  const createdAt = ctx.clock.daysAgo(1300)
  const ids = new Map<string, string>()
  for (const [topic, byLanguage] of Object.entries(WORDINGS) as [
    TopicCode,
    Record<DemoLanguage, string>,
  ][]) {
    for (const [language, body] of Object.entries(byLanguage) as [DemoLanguage, string][]) {
      const id = ctx.id()
      ids.set(`${topic}:${language}`, id)
      ctx.rows.consent_wordings.push({
        id,
        topic,
        language,
        version: 1,
        body,
        created_at: createdAt,
        created_by: ctx.staff.admin,
      })
    }
  }
  return ids
}

/** A few canned replies agents can insert on a ticket, written by the supervisor. */
export function buildCannedReplies(ctx: DemoContext): void {
  const createdAt = ctx.clock.daysAgo(200)
  const replies = [
    [
      'Thanks, we are on it',
      'Hello {{customerName}},\n\nthank you for getting in touch about ticket {{ticketNumber}}. ' +
        'We are looking into it and will write again as soon as we know more.\n\n' +
        'Kind regards,\n{{agentName}}',
    ],
    [
      'Return label sent',
      'Hello {{customerName}},\n\nwe have emailed you a prepaid return label. Please pack the ' +
        'item securely and hand it in at any parcel shop within 14 days.\n\n' +
        'Kind regards,\n{{agentName}}',
    ],
    [
      'Resolved: please tell us if not',
      'Hello {{customerName}},\n\nwe believe ticket {{ticketNumber}} is resolved now. If anything ' +
        'is still not right, just reply to this ticket and it reopens.\n\n' +
        'Kind regards,\n{{agentName}}',
    ],
  ] as const
  for (const [title, body] of replies) {
    ctx.rows.canned_replies.push({
      id: ctx.id(),
      title,
      language: 'en',
      body,
      created_by: ctx.staff.supervisor,
      updated_by: ctx.staff.supervisor,
      created_at: createdAt,
      updated_at: createdAt,
    })
  }
}
