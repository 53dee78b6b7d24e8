// Prints how many SQL statements each customer page runs per request, measured on the demo data
// in an in-memory database: `npx tsx test/bench/page-queries.ts`. Each page is run as our server
// runs a request (one request scope): the session is validated once (the root loader's share)
// and then the page's loader. The figures are counted, not estimated.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { openDatabase, setProcessDatabase } from '#db/database.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { countQueries } from '#db/query-count.ts'
import { seedDemo } from '#db/seed/demo.ts'
import { sessionCookieFor } from '#test/support/fixtures.ts'

type Loader = (args: LoaderFunctionArgs) => Promise<unknown>

const open = await openDatabase({ engine: 'pglite', dataDir: null })
setProcessDatabase(open)
await migrateToLatest(open.db)
await seedDemo(open.db)

const anna = await open.db
  .selectFrom('accounts')
  .select(['id', 'customer_id'])
  .where('email', '=', 'anna.berg@example.com')
  .executeTakeFirstOrThrow()
const cookie = await sessionCookieFor(anna.id)
const one = async <T>(query: Promise<T | undefined>, what: string): Promise<T> => {
  const row = await query
  if (!row) throw new Error(`The demo data has no ${what} for Anna`)
  return row
}
const order = await one(
  open.db
    .selectFrom('orders')
    .select('order_number')
    .where('customer_id', '=', anna.customer_id!)
    .executeTakeFirst(),
  'order',
)
const request = await one(
  open.db
    .selectFrom('requests')
    .select('request_number')
    .where('customer_id', '=', anna.customer_id!)
    .executeTakeFirst(),
  'request',
)
const ticket = await one(
  open.db
    .selectFrom('tickets')
    .select('ticket_number')
    .where('customer_id', '=', anna.customer_id!)
    .executeTakeFirst(),
  'ticket',
)

const pages: [string, string, Record<string, string>][] = [
  ['/', '_index', {}],
  ['/orders', 'orders._index', {}],
  [`/orders/${order.order_number}`, 'orders.$orderNumber', { orderNumber: order.order_number }],
  ['/requests', 'requests._index', {}],
  ['/requests/new?kind=return', 'requests.new', {}],
  [
    `/requests/${request.request_number}`,
    'requests.$requestNumber',
    { requestNumber: request.request_number },
  ],
  ['/tickets', 'tickets._index', {}],
  ['/tickets/new', 'tickets.new', {}],
  [
    `/tickets/${ticket.ticket_number}`,
    'tickets.$ticketNumber',
    { ticketNumber: ticket.ticket_number },
  ],
  ['/profile', 'profile._index', {}],
  ['/history', 'history', {}],
  ['/preferences', 'preferences', {}],
]

console.log('page'.padEnd(34), 'SQL statements per request')
for (const [path, file, params] of pages) {
  const module = (await import(`../../app/routes/${file}.tsx`)) as { loader: Loader }
  const request = () => new Request(`http://localhost${path}`, { headers: { Cookie: cookie } })
  const { queries } = await countQueries(() =>
    runInRequestScope(async () => {
      await getOptionalUser(request())
      await module.loader({ request: request(), params, context: {} })
    }),
  )
  console.log(path.replace(/[A-Z]\d{6}/, ':n').padEnd(34), queries)
}
await open.close()
