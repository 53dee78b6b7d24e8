import { randomUUID } from 'node:crypto'
import type { RequestHandler } from 'express'
import { withQueryCount } from '#db/query-count.ts'

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/

export interface RequestLogLine {
  level: 'info'
  msg: 'request'
  id: string
  method: string
  path: string
  status: number
  ms: number
  queries: number
}

/**
 * One JSON line per request: id, method, path, status, duration and the number of SQL queries
 * it ran. Only the path is logged, never the query string (reset and unsubscribe links carry
 * tokens there), and no bodies, cookies or personal data.
 */
export function requestLog(
  write: (line: RequestLogLine) => void = (line) => console.log(JSON.stringify(line)),
): RequestHandler {
  return (req, res, next) => {
    if (req.path.startsWith('/assets/')) return next()
    const started = performance.now()
    const incoming = req.get('X-Request-Id')
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID()
    res.setHeader('X-Request-Id', id)
    const counted = withQueryCount(() => next())
    res.on('finish', () => {
      write({
        level: 'info',
        msg: 'request',
        id,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        queries: counted.queries(),
      })
    })
  }
}
