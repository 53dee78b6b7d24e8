import { type IncomingMessage } from 'node:http'
import { type Readable, Transform } from 'node:stream'
import {
  type Request as ExpressRequest,
  type RequestHandler,
  type Response as ExpressResponse,
} from 'express'
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '#app/components/tickets/schemas.ts'
import { errorPageHtml, languageRequest } from './error-page.ts'

/**
 * Any body but a file upload. The largest form we take is a staff reply of 20,000 characters,
 * sent url-encoded: a character outside Latin-1 (Cyrillic, Greek, CJK) is up to 3 UTF-8 bytes,
 * each sent as `%XX`, so 9 bytes a character, 180,000 bytes in all, plus the form's other
 * fields. 256 KiB leaves room for that and refuses anything far beyond it.
 */
export const FORM_BODY_LIMIT_BYTES = 256 * 1024

/**
 * A multipart form (the ticket forms, the only ones that carry files): the attachments allowed
 * at their largest, plus 1 MiB for the text fields (a 20,000 character message is at most
 * 60,000 bytes there, sent raw) and the parts' headers. A file over the per-file limit within
 * this total still reaches the form, which names the file at its field.
 */
export const MULTIPART_BODY_LIMIT_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 1024 * 1024

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function bodyLimitFor(contentType: string | undefined): number {
  return /^\s*multipart\/form-data\b/i.test(contentType ?? '')
    ? MULTIPART_BODY_LIMIT_BYTES
    : FORM_BODY_LIMIT_BYTES
}

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`Request body over ${limitBytes} bytes`)
    this.name = 'BodyTooLargeError'
  }
}

/**
 * Whether an error is a body cut off by the limit (its reader's error, maybe wrapped): the
 * request was already answered 413, so it is no error of ours. By name, as the Remix server
 * build holds its own copy of this class.
 */
export function isBodyTooLargeError(error: unknown): boolean {
  for (let current = error, depth = 0; depth < 5; depth++) {
    if (!(current instanceof Error)) return false
    if (current.name === 'BodyTooLargeError') return true
    current = current.cause
  }
  return false
}

// The counted stream that stands in for a request's body when the request did not say its
// length; `requestBody` hands it to whoever reads the body (our Remix handler).
const meteredBodies = new WeakMap<IncomingMessage, Readable>()

// Requests answered (or about to be answered: the page is rendered asynchronously) with 413.
const refused = new WeakSet<IncomingMessage>()

/** Whether the body limit answers this request, so the app's own answer must be dropped. */
export function bodyWasRefused(req: IncomingMessage): boolean {
  return refused.has(req)
}

/** The body to read: the counted stream when the request is being metered, else the request. */
export function requestBody(req: IncomingMessage): Readable {
  return meteredBodies.get(req) ?? req
}

/**
 * Refuses a body over the limit with a translated 413 page before the app reads it. A declared
 * `Content-Length` over the limit is refused at once (Node never passes more bytes than it
 * declares). A body without one (chunked) is counted as it passes, never held whole: when it
 * goes over, its reader gets an error instead of the rest, the 413 is sent, and whatever answer
 * the app then makes is dropped (`bodyWasRefused`).
 */
export function bodyLimit(): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method)) {
      next()
      return
    }
    const limit = bodyLimitFor(req.get('Content-Type'))
    const declared = req.get('Content-Length')
    if (declared !== undefined) {
      if (Number(declared) > limit) refuse(req, res, limit, next)
      else next()
      return
    }
    let seen = 0
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length
        if (seen <= limit) {
          callback(null, chunk)
          return
        }
        req.unpipe(meter)
        callback(new BodyTooLargeError(limit))
        refuse(req, res, limit, next)
      },
    })
    // Its reader gets the error too; this listener only keeps an unread one from being thrown.
    meter.on('error', () => {})
    req.pipe(meter)
    meteredBodies.set(req, meter)
    next()
  }
}

function refuse(
  req: ExpressRequest,
  res: ExpressResponse,
  limit: number,
  next: (error: unknown) => void,
): void {
  refused.add(req)
  // The rest of the body is read and thrown away, so the client gets to read our answer instead
  // of a reset connection; the connection is closed after it, so a client that keeps sending is
  // cut off.
  req.resume()
  errorPageHtml(languageRequest(req), {
    title: 'bodyTooLarge.title',
    body: 'bodyTooLarge.body',
    values: {
      maxFiles: MAX_ATTACHMENTS,
      maxFileMegabytes: MAX_ATTACHMENT_BYTES / (1024 * 1024),
    },
  }).then((html) => {
    if (res.headersSent) return
    console.warn(
      JSON.stringify({ level: 'warn', msg: 'request body too large', path: req.path, limit }),
    )
    res
      .status(413)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'close',
      })
      .send(html)
  }, next)
}
