import { type Request as ExpressRequest, type RequestHandler } from 'express'
import { createRenderI18n, remixI18next } from '#app/i18n/i18next.server.ts'

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
    refusalPage(req, appOrigin).then((html) => {
      res
        .status(403)
        .set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
        .send(html)
    }, next)
  }
}

/** The refusal in the reader's language, chosen as for pages: the `lng` cookie, then the browser. */
async function refusalPage(req: ExpressRequest, appOrigin: string): Promise<string> {
  const headers = new Headers()
  const cookie = req.get('Cookie')
  const acceptLanguage = req.get('Accept-Language')
  if (cookie) headers.set('Cookie', cookie)
  if (acceptLanguage) headers.set('Accept-Language', acceptLanguage)
  const locale = await remixI18next.getLocale(new Request(new URL('/', appOrigin), { headers }))
  const i18n = await createRenderI18n(locale)
  const t = i18n.getFixedT(locale, 'common')
  const title = escapeHtml(t('errors.csrf.title'))
  // No scripts and no styles: the page stays within the strict Content-Security-Policy.
  return `<!doctype html>
<html lang="${escapeHtml(locale)}" dir="${i18n.dir(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
</head>
<body>
<main>
<h1>${title}</h1>
<p>${escapeHtml(t('errors.csrf.body'))}</p>
<p><a href="/">${escapeHtml(t('errors.backHome'))}</a></p>
</main>
</body>
</html>
`
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}
