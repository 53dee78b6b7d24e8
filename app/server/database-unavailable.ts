import { type ErrorRequestHandler } from 'express'
import { isDatabaseUnavailableError } from '#db/database.ts'
import { errorPageHtml, languageRequest } from './error-page.ts'

// While the database is down (a restart, a failover), requests answer 503 with a translated
// "try again shortly" page and Retry-After, never a 500 with a stack trace. Remix turns an error
// thrown by a loader or action into a 500 and sanitizes it before our code sees the answer, so
// the app's handleError (entry.server), which sees the raw error, marks the request here, and our
// Remix handler (remix-handler.ts) swaps the answer of a marked request for a 503.

export { isDatabaseUnavailableError }

/** Seconds a client is asked to wait: a restart takes a few. */
export const RETRY_AFTER_SECONDS = 5

// On globalThis: server.ts and the Remix server build (which runs handleError) each load their
// own copy of this module.
const markedKey = Symbol.for('cmr-portal.database-unavailable-requests')
const marked = ((globalThis as Record<symbol, unknown>)[markedKey] ??=
  new WeakSet<Request>()) as WeakSet<Request>

/** Called from handleError: this request failed because the database could not be reached. */
export function markDatabaseUnavailable(request: Request): void {
  marked.add(request)
}

export function wasDatabaseUnavailable(request: Request): boolean {
  return marked.has(request)
}

const pageText = { title: 'unavailable.title', body: 'unavailable.body' } as const

function unavailableHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Cache-Control': 'no-store',
    'Retry-After': String(RETRY_AFTER_SECONDS),
  }
}

/**
 * The 503 in place of Remix's answer. A page (or a resource) gets the translated page. A
 * client-side navigation's data request (`.data`) keeps Remix's body, which the browser's router
 * decodes and shows in the route's error boundary, with the status changed to 503.
 */
export async function databaseUnavailableResponse(
  request: Request,
  remixResponse: Response,
): Promise<Response> {
  if (new URL(request.url).pathname.endsWith('.data')) {
    const headers = new Headers(remixResponse.headers)
    for (const [name, value] of Object.entries(unavailableHeaders(''))) {
      if (name !== 'Content-Type') headers.set(name, value)
    }
    return new Response(remixResponse.body, { status: 503, headers })
  }
  await remixResponse.body?.cancel()
  const html = await errorPageHtml(request, pageText)
  return new Response(request.method === 'HEAD' ? null : html, {
    status: 503,
    headers: unavailableHeaders('text/html; charset=utf-8'),
  })
}

/**
 * For a database error that reaches Express itself (outside Remix's own handling): the same
 * 503 page. Any other error goes on to Express's handler.
 */
export function databaseUnavailableHandler(): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (!isDatabaseUnavailableError(error) || res.headersSent) {
      next(error)
      return
    }
    errorPageHtml(languageRequest(req), pageText).then((html) => {
      res.status(503).set(unavailableHeaders('text/html; charset=utf-8')).send(html)
    }, next)
  }
}
