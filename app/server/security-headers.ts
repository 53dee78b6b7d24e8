import { type RequestHandler } from 'express'

const ONE_YEAR_IN_SECONDS = 365 * 24 * 60 * 60

/**
 * Headers every response gets, pages and assets alike. A Content-Security-Policy with per-request
 * nonces comes later; it needs the nonce threaded into entry.server.
 */
export function securityHeaders(): RequestHandler {
  return (req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin')
    // No page of ours is meant to be framed; this stops clickjacking of the sign-in and forms.
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
