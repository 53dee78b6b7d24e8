import { randomBytes } from 'node:crypto'
import { type RequestHandler, type Response } from 'express'

const ONE_YEAR_IN_SECONDS = 365 * 24 * 60 * 60
// 128 bits, the size the CSP specification recommends as the least for a nonce.
const NONCE_BYTES = 16

export type SecurityHeadersOptions = {
  /**
   * `npm run dev`: Vite injects the styles of its error overlay and hot-reloaded CSS as inline
   * <style> and talks to its HMR socket, so styles and connections are looser there. Scripts keep
   * the nonce in both modes, so a script the policy blocks shows up while developing.
   */
  development?: boolean
}

/** The policy of a page whose inline scripts carry `nonce`. */
export function contentSecurityPolicy(
  nonce: string,
  { development = false }: SecurityHeadersOptions = {},
): string {
  return [
    `default-src 'self'`,
    // No 'unsafe-inline': Remix's inline scripts (context, route modules, streamed data, scroll
    // restoration) each carry the nonce; every other script is a file of ours.
    `script-src 'self' 'nonce-${nonce}'`,
    // In production Tailwind is one linked stylesheet and no component sets a style attribute,
    // so inline styles are refused too.
    development ? `style-src 'self' 'unsafe-inline'` : `style-src 'self'`,
    // `data:` for the empty favicon in root.tsx.
    `img-src 'self' data:`,
    development ? `connect-src 'self' ws: wss:` : `connect-src 'self'`,
    `frame-ancestors 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `object-src 'none'`,
  ].join('; ')
}

/**
 * Headers every response gets, pages and assets alike, and the request's fresh CSP nonce in
 * `res.locals` for the page render (see `cspNonceOf`). The policy goes on every response, not
 * only pages: one on a JSON or CSS answer costs nothing, and no HTML can slip out without one.
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): RequestHandler {
  return (req, res, next) => {
    const nonce = randomBytes(NONCE_BYTES).toString('base64')
    res.locals.cspNonce = nonce
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(nonce, options))
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin')
    // No page of ours is meant to be framed; this stops clickjacking of the sign-in and forms.
    // `frame-ancestors 'none'` says the same to browsers that read the policy.
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
    // Browsers ignore HSTS over plain HTTP, and sending it from a local http:// server would
    // only confuse; `req.secure` is true for TLS here, or behind a proxy once `trust proxy` is set.
    if (req.secure) {
      res.setHeader(
        'Strict-Transport-Security',
        `max-age=${ONE_YEAR_IN_SECONDS}; includeSubDomains`,
      )
    }
    next()
  }
}

/** The nonce `securityHeaders` made for this response; server.ts passes it to Remix. */
export function cspNonceOf(res: Response): string | undefined {
  const nonce: unknown = res.locals.cspNonce
  return typeof nonce === 'string' ? nonce : undefined
}
