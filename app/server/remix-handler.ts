import {
  type AppLoadContext,
  createReadableStreamFromReadable,
  createRequestHandler,
  type ServerBuild,
  writeReadableStreamToWritable,
} from '@remix-run/node'
import {
  type Request as ExpressRequest,
  type RequestHandler,
  type Response as ExpressResponse,
} from 'express'
import { bodyWasRefused, requestBody } from './body-limit.ts'
import { databaseUnavailableResponse, wasDatabaseUnavailable } from './database-unavailable.ts'

// Our own version of @remix-run/express's handler (the same request and response mapping), for
// two things it cannot do: read the body through the body limit's counter rather than straight
// from the socket, and answer 503 instead of Remix's 500 when the database was unreachable.

export type RemixHandlerOptions = {
  build: ServerBuild | (() => Promise<ServerBuild>)
  mode?: string
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext
}

export function remixHandler({
  build,
  mode = process.env.NODE_ENV,
  getLoadContext,
}: RemixHandlerOptions): RequestHandler {
  const handleRequest = createRequestHandler(build, mode)
  return async (req, res, next) => {
    try {
      const request = fetchRequest(req, res)
      let response = await handleRequest(request, getLoadContext(req, res))
      // The body limit already answered 413: the app's answer to a cut-off body is dropped.
      if (bodyWasRefused(req) || res.headersSent) {
        await response.body?.cancel()
        return
      }
      if (response.status >= 500 && wasDatabaseUnavailable(request)) {
        response = await databaseUnavailableResponse(request, response)
      }
      await sendResponse(res, response)
    } catch (error) {
      next(error)
    }
  }
}

function fetchRequest(req: ExpressRequest, res: ExpressResponse): Request {
  // req.hostname honours `trust proxy` but drops the port, which comes from the same header.
  const forwardedPort = Number.parseInt(req.get('X-Forwarded-Host')?.split(':')[1] ?? '', 10)
  const hostPort = Number.parseInt(req.get('Host')?.split(':')[1] ?? '', 10)
  const port = Number.isSafeInteger(forwardedPort)
    ? forwardedPort
    : Number.isSafeInteger(hostPort)
      ? hostPort
      : null
  const url = new URL(
    `${req.protocol}://${req.hostname}${port ? `:${port}` : ''}${req.originalUrl}`,
  )

  const headers = new Headers()
  for (const [name, values] of Object.entries(req.headers)) {
    if (values === undefined) continue
    for (const value of Array.isArray(values) ? values : [values]) headers.append(name, value)
  }

  // Loaders and actions stop when the client goes away before the answer was sent.
  const controller = new AbortController()
  let finished = false
  res.on('finish', () => (finished = true))
  res.on('close', () => {
    if (!finished) controller.abort()
  })

  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(url, {
    method: req.method,
    headers,
    signal: controller.signal,
    ...(hasBody
      ? { body: createReadableStreamFromReadable(requestBody(req)), duplex: 'half' as const }
      : {}),
  })
}

async function sendResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText
  res.status(response.status)
  for (const [name, value] of response.headers.entries()) res.append(name, value)
  if (response.headers.get('Content-Type')?.match(/text\/event-stream/i)) res.flushHeaders()
  if (response.body) await writeReadableStreamToWritable(response.body, res)
  else res.end()
}
