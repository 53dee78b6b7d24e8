import { parsePhoneNumberFromString } from 'libphonenumber-js'
import { z } from 'zod'
import { isRequestStatus } from '#app/components/requests/request-status.tsx'
import { serverTimeZones } from '#app/components/profile/schemas.ts'
import { PROFILE_NOTICES } from '#app/components/profile/notices.ts'
import { TICKET_STATUSES } from '#app/components/tickets/schemas.ts'
import { addressLines, countryName } from '#app/lib/address-rules.ts'
import { requireFound } from '#app/lib/http.server.ts'
import {
  currentWordings,
  getConsentState,
  listConsentLedger,
  listWordingLanguages,
} from '#db/consent.ts'
import { completenessOf, type CustomerProfile, getCustomerProfile } from '#db/customers.ts'
import { getCustomerDashboard } from '#db/dashboard.ts'
import type { Database } from '#db/database.ts'
import { isHistoryArea, listCustomerHistory } from '#db/history.ts'
import type { Viewer } from '#db/item-visibility.ts'
import { isOrderStatus, listVisibleOrders, type OrderStatus } from '#db/orders.ts'
import { getPreferences } from '#db/preferences.ts'
import { listRecordViews } from '#db/record-access.ts'
import { listVisibleRequests, type RequestStatus } from '#db/requests.ts'
import { isBreached, listVisibleTickets } from '#db/tickets.ts'

// What each of the customer's portal pages shows, as one function per page. The customer's own
// loaders and the staff "view as customer" page both call these, so staff see exactly the data
// the customer sees: there is no second set of queries that could drift. The functions take the
// customer's id (never a session): the caller has already decided who may see it.

export const ORDERS_PAGE_SIZE = 20
export const REQUESTS_PAGE_SIZE = 20
export const TICKETS_PAGE_SIZE = 20
export const HISTORY_PAGE_SIZE = 25
export const RECORD_VIEWS_SHOWN = 20
export const LEDGER_PAGE_SIZE = 20

/**
 * Orders, requests and the dashboard show what a viewer may see in the context they act in
 * (db/item-visibility.ts). A bare customer id stands for the person acting for themselves: their
 * personal items only.
 */
function viewerFrom(who: Viewer | string): Viewer {
  return typeof who === 'string' ? { customerId: who, actingFor: null } : who
}

export async function dashboardPageData(db: Database, who: Viewer | string) {
  return { dashboard: await getCustomerDashboard(db, viewerFrom(who)) }
}

// A filter is a link anyone can edit: an unknown status ("all" included) means no filter, and a
// cursor that does not decode means the first page. Neither is an error.
const OrdersQuerySchema = z.object({
  status: z
    .custom<OrderStatus>((value) => typeof value === 'string' && isOrderStatus(value))
    .optional()
    .catch(undefined),
  after: z.string().optional().catch(undefined),
})

export async function ordersPageData(db: Database, who: Viewer | string, params: URLSearchParams) {
  const query = OrdersQuerySchema.parse({
    status: params.get('status') ?? undefined,
    after: params.get('after') ?? undefined,
  })
  const page = await listVisibleOrders(db, viewerFrom(who), {
    status: query.status,
    after: query.after,
    limit: ORDERS_PAGE_SIZE,
  })
  return {
    orders: page.items,
    nextCursor: page.nextCursor,
    status: query.status ?? null,
    isOlderPage: query.after !== undefined,
  }
}

const RequestsQuerySchema = z.object({
  status: z
    .custom<RequestStatus>((value) => typeof value === 'string' && isRequestStatus(value))
    .optional()
    .catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
})

export async function requestsPageData(
  db: Database,
  who: Viewer | string,
  params: URLSearchParams,
) {
  const query = RequestsQuerySchema.parse({
    status: params.get('status') ?? undefined,
    after: params.get('after') ?? undefined,
  })
  const page = await listVisibleRequests(db, viewerFrom(who), {
    status: query.status,
    after: query.after,
    limit: REQUESTS_PAGE_SIZE,
  })
  return { requests: page.items, nextCursor: page.nextCursor, status: query.status ?? null }
}

const TicketsQuerySchema = z.object({
  status: z.enum(TICKET_STATUSES).optional().catch(undefined),
  after: z.string().optional().catch(undefined),
})

export async function ticketsPageData(
  db: Database,
  who: Viewer | string,
  params: URLSearchParams,
  now: number = Date.now(),
) {
  const query = TicketsQuerySchema.parse({
    status: params.get('status') ?? undefined,
    after: params.get('after') ?? undefined,
  })
  const page = await listVisibleTickets(db, viewerFrom(who), {
    status: query.status ?? null,
    after: query.after ?? null,
    limit: TICKETS_PAGE_SIZE,
  })
  return {
    tickets: page.items.map((ticket) => ({
      ...ticket,
      // Decided here, once: the server's clock, the same for the render and the hydration.
      // Never while waiting on the customer: the clock is paused then (db/tickets.ts).
      overdue: isBreached(ticket, new Date(now)),
    })),
    nextCursor: page.nextCursor,
    status: query.status ?? null,
    isOlderPage: query.after !== undefined,
  }
}

function withStored(zones: string[], stored: string): string[] {
  return zones.includes(stored) ? zones : [stored, ...zones]
}

/** The time zones the details form offers: this server's list, plus the stored one if missing. */
export function selectableTimeZones(stored: string): string[] {
  return withStored(serverTimeZones(), stored)
}

/** The profile page; `profile` may be passed when the caller already read it. */
export async function profilePageData(
  db: Database,
  customerId: string,
  options: { locale: string; params: URLSearchParams; profile?: CustomerProfile },
) {
  const profile = options.profile ?? requireFound(await getCustomerProfile(db, customerId))
  const { locale } = options
  const notice = options.params.get('notice')
  return {
    customerNumber: profile.customerNumber,
    details: {
      givenName: profile.givenName,
      familyName: profile.familyName,
      preferredName: profile.preferredName,
      legalName: profile.legalName,
      language: profile.language,
      timeZone: profile.timeZone,
      version: profile.version,
    },
    legalNameEditable: !profile.hasOrders,
    signInEmail: profile.signInEmail,
    pendingSignInEmail: profile.pendingSignInEmail,
    emails: profile.emails,
    phones: profile.phones.map((phone) => ({
      id: phone.id,
      kind: phone.kind,
      isPrimary: phone.isPrimary,
      display: parsePhoneNumberFromString(phone.e164)?.formatInternational() ?? phone.e164,
    })),
    addresses: profile.addresses.map((address) => ({
      id: address.id,
      label: address.label,
      lines: addressLines(address, countryName(address.countryCode, locale), address.countryCode),
      isDefaultShipping: address.isDefaultShipping,
      isDefaultBilling: address.isDefaultBilling,
    })),
    completeness: completenessOf(profile),
    // The stored zone stays selectable even if this server's list names it differently.
    timeZones: selectableTimeZones(profile.timeZone),
    notice: PROFILE_NOTICES.find((known) => known === notice) ?? null,
  }
}

export async function preferencesPageData(
  db: Database,
  customer: { customerId: string; language: string | null; timeZone: string },
  options: { locale: string; params: URLSearchParams },
) {
  const { params } = options
  const [cells, wordings, preferences, ledger, languages] = await Promise.all([
    getConsentState(db, customer.customerId),
    currentWordings(db, options.locale),
    getPreferences(db, customer.customerId),
    listConsentLedger(db, customer.customerId, {
      limit: LEDGER_PAGE_SIZE,
      after: params.get('after'),
    }),
    listWordingLanguages(db),
  ])
  const mail = params.get('mail')
  return {
    cells,
    wordings,
    preferences: requireFound(preferences),
    ledger,
    languages,
    accountLanguage: customer.language,
    timeZone: customer.timeZone,
    saved: params.get('saved') === '1',
    confirmationMail: mail === 'sent' || mail === 'failed' ? mail : null,
  }
}

/**
 * `actingOrganisationId`: the organisation the customer acts for (null: themselves), so rows
 * about another organisation's items stay out; staff viewing as the customer pass nothing.
 */
export async function historyPageData(
  db: Database,
  customerId: string,
  params: URLSearchParams,
  actingOrganisationId?: string | null,
) {
  // Unknown areas are ignored rather than refused: a filter link never breaks the page.
  const areas = [...new Set(params.getAll('area').filter(isHistoryArea))]
  const [page, recordViews] = await Promise.all([
    listCustomerHistory(db, customerId, {
      areas,
      actingOrganisationId,
      after: params.get('after'),
      limit: HISTORY_PAGE_SIZE,
    }),
    listRecordViews(db, customerId, { limit: RECORD_VIEWS_SHOWN }),
  ])
  return {
    areas,
    entries: page.items,
    nextCursor: page.nextCursor,
    olderPage: params.has('after'),
    recordViews,
  }
}
