import { type LoaderFunctionArgs } from '@remix-run/node'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { requireFound } from '#app/lib/http.server.ts'
import { getDatabase } from '#db/database.ts'
import { DATA_EXPORT_NOTES, type DataExportNoteKey, exportCustomerData } from '#db/data-export.ts'

// "Download my data": a file, never a page. Only ever the signed-in customer's own data, so the
// URL takes no id. Each download is written into the customer's history, in the transaction
// that reads the data.

/** The day in the customer's own time zone, as YYYY-MM-DD, for the file's name. */
function localDay(at: Date, timeZone: string): string {
  const format = (zone: string) =>
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(at)
  try {
    return format(timeZone)
  } catch {
    // An unknown zone in an old record names the file by the UTC day rather than failing.
    return format('UTC')
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const t = await getFixedT(request, 'account')
  const notes = Object.fromEntries(
    DATA_EXPORT_NOTES.map((topic) => [topic, t(`export.notes.${topic}`)]),
  ) as Record<DataExportNoteKey, string>
  const document = requireFound(
    await exportCustomerData(await getDatabase(), user.customerId, {
      notes,
      record: { actor: { kind: 'customer', id: user.id }, channel: 'portal' },
    }),
  )
  const day = localDay(document.generatedAt, user.timeZone)
  // Customer numbers are letters and digits ('C100001'); anything else never reaches the header.
  const number = document.customer.customerNumber.replace(/[^A-Za-z0-9-]/g, '')
  headers.set('Content-Type', 'application/json; charset=utf-8')
  headers.set('Content-Disposition', `attachment; filename="customer-data-${number}-${day}.json"`)
  headers.set('Cache-Control', 'no-store')
  headers.set('X-Content-Type-Options', 'nosniff')
  return new Response(`${JSON.stringify(document, null, 2)}\n`, { status: 200, headers })
}
