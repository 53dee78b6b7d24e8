import { PassThrough } from 'node:stream'
import {
  type AppLoadContext,
  createReadableStreamFromReadable,
  type EntryContext,
  type HandleDataRequestFunction,
  type HandleErrorFunction,
} from '@remix-run/node'
import { isRouteErrorResponse, RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { hasSessionCookie } from '#app/auth/session.server.ts'
import { getRequestLocale, renderI18nFor } from '#app/i18n/i18next.server.ts'
import { NonceProvider } from '#app/lib/nonce.ts'
import { isBodyTooLargeError } from '#app/server/body-limit.ts'
import {
  isDatabaseUnavailableError,
  markDatabaseUnavailable,
} from '#app/server/database-unavailable.ts'

// Single Fetch rejects streamed loader data still pending after this long; the render is aborted
// a second later so a slow promise cannot hold a connection open.
export const streamTimeout = 5_000

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // Crawlers and no-JS clients need the complete document; browsers get the shell early.
  const readyEvent = isbot(request.headers.get('user-agent')) ? 'onAllReady' : 'onShellReady'
  const locale = await getRequestLocale(request)
  const i18n = await renderI18nFor(locale)
  // Made per request by server.ts, which also sends it in the Content-Security-Policy. Every
  // inline script of the page needs it: React's streaming ones, Remix's, and root's <Scripts>.
  const nonce = loadContext.cspNonce

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <I18nextProvider i18n={i18n}>
          <RemixServer context={remixContext} url={request.url} nonce={nonce} />
        </I18nextProvider>
      </NonceProvider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true
          const body = new PassThrough()
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          )
          pipe(body)
        },
        onShellError(error: unknown) {
          reject(error)
        },
        onError(error: unknown) {
          responseStatusCode = 500
          // Errors before the shell reject the promise above and are logged by Remix;
          // logging them here too would print each one twice.
          if (shellRendered) console.error(error)
        },
      },
    )
    setTimeout(abort, streamTimeout + 1_000)
  })
}

// Root's loader marks a signed-in person's pages no-store, but the data of a client-side
// navigation usually comes without root's loader (`?_routes=`), and with it without that header.
// Every data answer to a browser holding a session cookie is marked here instead.
export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
  if (hasSessionCookie(request)) response.headers.set('Cache-Control', 'no-store')
  return response
}

export const handleError: HandleErrorFunction = (error, { request }) => {
  // The visitor left (navigated away, closed the tab); nothing went wrong on our side.
  if (request.signal.aborted) return
  // Unknown URLs get the friendly 404 page. Scanners probe thousands of them, and a stack trace
  // for each would bury the errors that matter.
  if (isRouteErrorResponse(error) && error.status === 404) return
  // Remix wraps errors thrown inside it (a 405, a bad request) in an ErrorResponse; log the cause.
  const cause = isRouteErrorResponse(error) && 'error' in error ? error.error : undefined
  const failure = cause ?? error
  // A body over the limit, cut off while the action read it: already answered 413 and logged.
  if (isBodyTooLargeError(failure)) return
  // The database is down or restarting: our Remix handler answers 503 "try again shortly"
  // instead of a 500. One line, not a stack per request, while it lasts.
  if (isDatabaseUnavailableError(failure)) {
    markDatabaseUnavailable(request)
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'database unavailable',
        path: new URL(request.url).pathname,
        error: failure instanceof Error ? failure.message : String(failure),
      }),
    )
    return
  }
  console.error(failure)
}
