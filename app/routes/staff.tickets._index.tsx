import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requireStaff } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import {
  TicketQueueFilters,
  TicketQueueTable,
  type QueueRow,
} from '#app/components/staff/ticket-queue.tsx'
import { KeysetPager } from '#app/components/ui/keyset-pager.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { getDatabase } from '#db/database.ts'
import {
  countTicketQueue,
  listTicketQueue,
  queueAssigneeFilters,
  queueSorts,
  queueStatusFilters,
  ticketPriorities,
} from '#db/staff-tickets.ts'

// A bad or missing filter value falls back to its default instead of failing the page: the
// queue is reached by hand-edited and bookmarked URLs.
const filtersSchema = z.object({
  status: z.enum(queueStatusFilters).catch('active'),
  priority: z.enum(ticketPriorities).nullable().catch(null),
  assignee: z.enum(queueAssigneeFilters).catch('anyone'),
  sort: z.enum(queueSorts).catch('age'),
  // A cursor that does not decode means the first page (db/keyset.ts), never an error.
  after: z.string().max(200).nullable().catch(null),
})

const MINUTE = 60_000

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'agent')
  const params = new URL(request.url).searchParams
  const filters = filtersSchema.parse({
    status: params.get('status') ?? undefined,
    priority: params.get('priority') || null,
    assignee: params.get('assignee') ?? undefined,
    sort: params.get('sort') ?? undefined,
    after: params.get('after'),
  })
  const db = await getDatabase()
  const now = new Date()
  const options = { ...filters, staffAccountId: user.id }
  const [page, counts] = await Promise.all([
    listTicketQueue(db, options, now),
    countTicketQueue(db, options),
  ])
  const rows: QueueRow[] = page.items.map((item) => ({
    ticketNumber: item.ticketNumber,
    subject: item.subject,
    status: item.status,
    priority: item.priority,
    customerName: item.customerName,
    customerNumber: item.customerNumber,
    assigneeName: item.assigneeName,
    ageMinutes: Math.floor((now.getTime() - item.createdAt.getTime()) / MINUTE),
    dueInMinutes: item.dueAt ? Math.floor((item.dueAt.getTime() - now.getTime()) / MINUTE) : null,
    dueKind: item.dueKind,
    breached: item.breached,
  }))
  const [common, staff] = await Promise.all([
    getFixedT(request, 'common'),
    getFixedT(request, 'staff'),
  ])
  return data(
    {
      title: common('app.pageTitle', { page: staff('queue.title') }),
      filters: {
        status: filters.status,
        priority: filters.priority,
        assignee: filters.assignee,
        sort: filters.sort,
      },
      counts,
      rows,
      nextCursor: page.nextCursor,
      isLaterPage: filters.after !== null,
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function StaffTicketQueue() {
  const { filters, counts, rows, nextCursor, isLaterPage } = useLoaderData<typeof loader>()
  const { t } = useTranslation('staff')
  return (
    <section className="space-y-4">
      <h1 className="text-3xl font-semibold">{t('queue.title')}</h1>
      <TicketQueueFilters
        values={filters}
        counts={counts}
        statusFilters={queueStatusFilters}
        priorities={ticketPriorities}
        assignees={queueAssigneeFilters}
        sorts={queueSorts}
      />
      {rows.length === 0 ? (
        <p>{t(isLaterPage ? 'queue.emptyLaterPage' : 'queue.empty')}</p>
      ) : (
        <TicketQueueTable rows={rows} />
      )}
      <KeysetPager
        nextCursor={nextCursor}
        label={t('queue.pager.label')}
        olderLabel={t('queue.pager.next')}
        newestLabel={t('queue.pager.first')}
      />
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
