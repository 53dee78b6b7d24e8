import { type RequestHandler } from 'express'
import { errorPageHtml, languageRequest } from './error-page.ts'

// Requests that only read. Everything else changes something and must come from our own pages.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * RFC 8058 one-click unsubscribe: mail providers POST it from their servers, with no Origin and
 * no cookie. It needs no CSRF guard: the signed token in its URL is its whole authority, and it
 * can only withdraw consent for the customer that token names.
 */
export const ONE_CLICK_UNSUBSCRIBE_PATH = '/unsubscribe/one-click'

export type CsrfHeaders = {
  method: string
  path: string
  secFetchSite: string | undefined
  origin: string | undefined
}

/**
 * Whether a request may reach the app. Browsers set `Sec-Fetch-Site` and scripts cannot forge
 * it, so it decides when present: `same-origin`, or `none` (the person typed or bookmarked the
 * address). A sibling subdomain (`same-site`) is refused too: it shares our cookies and could
 * otherwise post with them. Older browsers without it send `Origin` on every POST, which must
 * then be our own origin. A request with neither is refused: every browser we support sends one
 * of them, so only a script outside a browser would, and it should not act with a cookie.
 */
export function isAllowedRequest(request: CsrfHeaders, appOrigin: string): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return true
  if (request.method.toUpperCase() === 'POST' && request.path === ONE_CLICK_UNSUBSCRIBE_PATH) {
    return true
  }
  if (request.secFetchSite !== undefined) {
    return request.secFetchSite === 'same-origin' || request.secFetchSite === 'none'
  }
  if (request.origin !== undefined) return request.origin === appOrigin
  return false
}

export type CsrfGuardOptions = {
  /** The app's own origin, `new URL(getEnv().appUrl).origin`. */
  appOrigin: string
}

/**
 * Refuses a state-changing request from another site before Remix sees it, with a translated
 * 403 page. Remix 2.17's own check lets requests without `Origin` through, skips `?_data=`
 * requests and answers a mismatch with a 500, so it cannot be the guard.
 */
export function csrfGuard({ appOrigin }: CsrfGuardOptions): RequestHandler {
  return (req, res, next) => {
    const allowed = isAllowedRequest(
      {
        method: req.method,
        path: req.path,
        secFetchSite: req.get('Sec-Fetch-Site'),
        origin: req.get('Origin'),
      },
      appOrigin,
    )
    if (allowed) {
      next()
      return
    }
    errorPageHtml(languageRequest(req), {
      title: 'errors.csrf.title',
      body: 'errors.csrf.body',
    }).then((html) => {
      res
        .status(403)
        .set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
        .send(html)
    }, next)
  }
}
