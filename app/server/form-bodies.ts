import { type RequestHandler } from 'express'
import { errorPageHtml, languageRequest } from './error-page.ts'

// Every action reads an HTML form (`request.formData()`), which throws on any other body: a JSON
// or XML post, or a POST with no type at all, would end as a 500. Refused here instead, with a
// translated 415, before Remix reads anything.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i

export function isFormContentType(contentType: string | undefined): boolean {
  return FORM_TYPES.test(contentType ?? '')
}

export function formBodiesOnly(): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || isFormContentType(req.get('Content-Type'))) {
      next()
      return
    }
    // Read and dropped, so the client gets our answer rather than a reset connection.
    req.resume()
    errorPageHtml(languageRequest(req), {
      title: 'unsupportedBody.title',
      body: 'unsupportedBody.body',
    }).then((html) => {
      res
        .status(415)
        .set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
        .send(html)
    }, next)
  }
}
