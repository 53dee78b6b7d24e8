import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireStaff } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { MergedNotice } from '#app/components/staff/merge-notice.tsx'
import { linkClass } from '#app/components/forms.tsx'
import {
  Customer360Consent,
  Customer360Deliveries,
  Customer360History,
  Customer360Lists,
  Customer360Organisations,
  Customer360Profile,
  Customer360Waiting,
} from '#app/components/staff/customer-360.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { notFound } from '#app/lib/http.server.ts'
import { getConsentState, listConsentLedger } from '#db/consent.ts'
import { getMergedInto } from '#db/customer-merge.ts'
import { getCustomerProfile } from '#db/customers.ts'
import { getDatabase } from '#db/database.ts'
import { listCustomerHistory } from '#db/history.ts'
import { isUuid } from '#db/ids.ts'
import { listCustomerDeliveries } from '#db/notifications.ts'
import { listCustomerOrders } from '#db/orders.ts'
import { recordRecordView } from '#db/record-access.ts'
import { listCustomerOrganisations } from '#db/staff-organisations.ts'
import {
  listCustomerRequests,
  listOpenRequests,
  REQUEST_STATUSES_WAITING_ON_US,
} from '#db/requests.ts'
import { listCustomerTickets, listOpenTickets } from '#db/tickets.ts'

// The same first pages the customer's own list pages show, so staff and customer see one record.
const LIST_PAGE_SIZE = 20
const HISTORY_PAGE_SIZE = 25
const LEDGER_PAGE_SIZE = 20
const DELIVERIES_PAGE_SIZE = 20

// "The ball is with us": the customer waits for our move, not we for theirs.
const TICKET_STATUSES_WAITING_ON_US = ['open'] as const

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'agent')
  const customerId = params.customerId ?? ''
  if (!isUuid(customerId)) throw notFound()
  const db = await getDatabase()

  // Everything at once: a fixed number of statements whatever the record holds.
  const [
    profile,
    consent,
    ledger,
    orders,
    requests,
    tickets,
    openRequests,
    openTickets,
    deliveries,
    history,
    organisations,
    t,
    tCommon,
  ] = await Promise.all([
    getCustomerProfile(db, customerId),
    getConsentState(db, customerId),
    listConsentLedger(db, customerId, { limit: LEDGER_PAGE_SIZE }),
    listCustomerOrders(db, customerId, { limit: LIST_PAGE_SIZE }),
    listCustomerRequests(db, customerId, { limit: LIST_PAGE_SIZE }),
    listCustomerTickets(db, customerId, { limit: LIST_PAGE_SIZE }),
    listOpenRequests(db, customerId),
    listOpenTickets(db, customerId),
    listCustomerDeliveries(db, customerId, { limit: DELIVERIES_PAGE_SIZE }),
    listCustomerHistory(db, customerId, { limit: HISTORY_PAGE_SIZE }),
    listCustomerOrganisations(db, customerId),
    getFixedT(request, 'staff'),
    getFixedT(request, 'common'),
  ])
  // Only a record that exists is logged as viewed: an unknown id leaves no trace in anyone's log.
  if (!profile) throw notFound()
  // A merged record still opens (old links lead here), pointing at the record that survived.
  const mergedInto = profile.status === 'merged' ? await getMergedInto(db, customerId) : null
  await recordRecordView(db, { customerId, staffAccountId: user.id, page: 'customer_360' })

  const name = profile.preferredName ?? profile.givenName
  return data(
    {
      title: tCommon('app.pageTitle', {
        page: t('customer360.pageTitle', { name: `${name} ${profile.familyName}` }),
      }),
      profile,
      mergedInto,
      waiting: {
        requests: openRequests.filter((item) =>
          (REQUEST_STATUSES_WAITING_ON_US as readonly string[]).includes(item.status),
        ),
        tickets: openTickets.filter((item) =>
          (TICKET_STATUSES_WAITING_ON_US as readonly string[]).includes(item.status),
        ),
      },
      consent,
      ledger: ledger.items,
      orders: orders.items,
      requests: requests.items,
      tickets: tickets.items,
      deliveries: deliveries.items,
      history: history.items,
      organisations,
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function Customer360Route() {
  const loaded = useLoaderData<typeof loader>()
  const { t } = useTranslation('staff')
  const { profile } = loaded
  return (
    <div className="space-y-8">
      <header className="space-y-1">
        <h1 className="text-3xl font-semibold">
          {t('customer360.heading', {
            name: `${profile.preferredName ?? profile.givenName} ${profile.familyName}`,
          })}
        </h1>
        <p className="text-slate-700">
          {t('customer360.customerNumber', { number: profile.customerNumber })}
        </p>
        <p>
          <Link to={`/staff/customers/${profile.id}/as-customer`} className={linkClass}>
            {t('viewAsCustomer.link')}
          </Link>
        </p>
      </header>
      <MergedNotice survivor={loaded.mergedInto} />
      <Customer360Waiting requests={loaded.waiting.requests} tickets={loaded.waiting.tickets} />
      <Customer360Profile profile={profile} />
      <Customer360Organisations organisations={loaded.organisations} />
      <Customer360Lists
        orders={loaded.orders}
        requests={loaded.requests}
        tickets={loaded.tickets}
      />
      <Customer360Consent consent={loaded.consent} ledger={loaded.ledger} />
      <Customer360Deliveries deliveries={loaded.deliveries} />
      <Customer360History entries={loaded.history} />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
