import { type LoaderFunctionArgs } from '@remix-run/node'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { notFound, requireFound } from '#app/lib/http.server.ts'
import { readAttachment } from '#app/storage/attachments.server.ts'
import { getDatabase } from '#db/database.ts'
import { viewerOf } from '#db/item-visibility.ts'
import { getCustomerAttachment } from '#db/tickets.ts'

// A download, never a page: the browser saves the file instead of rendering it, and is told not
// to second-guess its type, so an uploaded file can never run as HTML or script on our origin.

/** RFC 5987: the name in UTF-8, with the characters the header syntax reserves escaped too. */
function contentDisposition(fileName: string): string {
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  // The plain `filename` is a fallback for old clients: ASCII only, no quotes or backslashes.
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`
}

const safeContentTypes = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/plain; charset=utf-8',
])

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const attachment = requireFound(
    await getCustomerAttachment(
      await getDatabase(),
      // Whoever may see the ticket where they act may download its files; anyone else gets 404.
      viewerOf(user),
      params.ticketNumber ?? '',
      params.attachmentId ?? '',
    ),
  )
  let bytes: Uint8Array<ArrayBuffer>
  try {
    bytes = await readAttachment(attachment.storageKey)
  } catch (error) {
    // The row is there but the bytes are not (a restore without the uploads folder): for the
    // customer that is a file we cannot find, not a broken page.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound()
    throw error
  }
  headers.set(
    'Content-Type',
    safeContentTypes.has(attachment.contentType)
      ? attachment.contentType
      : 'application/octet-stream',
  )
  headers.set('Content-Length', String(bytes.byteLength))
  headers.set('Content-Disposition', contentDisposition(attachment.fileName))
  headers.set('X-Content-Type-Options', 'nosniff')
  headers.set('Cache-Control', 'private, no-store')
  return new Response(bytes, { status: 200, headers })
}
