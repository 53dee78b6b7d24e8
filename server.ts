import http from 'node:http'
import { type AddressInfo } from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { type ServerBuild } from '@remix-run/node'
import express from 'express'
import { getEnv } from '#app/lib/env.server.ts'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import { bodyLimit } from '#app/server/body-limit.ts'
import { csrfGuard } from '#app/server/csrf.ts'
import { formBodiesOnly } from '#app/server/form-bodies.ts'
import { databaseUnavailableHandler } from '#app/server/database-unavailable.ts'
import { healthRoutes } from '#app/server/health.ts'
import { remixHandler } from '#app/server/remix-handler.ts'
import { requestLog } from '#app/server/request-log.ts'
import { cspNonceOf, securityHeaders } from '#app/server/security-headers.ts'
import { installGracefulShutdown } from '#app/server/shutdown.ts'
import { prepareDatabase } from '#app/server/startup.ts'
import { flushPendingMail } from '#app/mail/mailer.server.ts'
import { workerEnabled, workerIntervalMs } from '#app/notifications/worker-config.ts'
import { startWorker } from '#app/notifications/worker.server.ts'
import { closeDatabase } from '#db/database.ts'

const isProduction = process.env.NODE_ENV === 'production'
const host = process.env.HOST ?? '0.0.0.0'
const buildDir = path.join(import.meta.dirname, 'build')
const SHUTDOWN_TIMEOUT_MS = 10_000

function log(message: string) {
  console.log(`[server] ${message}`)
}

async function main() {
  // Validated here, not on the first request: a production server with the development session
  // secret or without APP_URL refuses to start instead of failing each page later.
  const { PORT: port, appUrl, TRUST_PROXY: trustProxy } = getEnv()
  const db = await prepareDatabase()
  // The notification worker shares this process's database (the only way with the embedded
  // one); RUN_WORKER=false leaves it to separate `npm run worker` processes.
  const worker = workerEnabled()
    ? startWorker(db, { intervalMs: workerIntervalMs(), log: (message) => log(message) })
    : null

  const app = express()
  const server = http.createServer(app)
  // Hot reload rides on our own HTTP server instead of Vite's default port 24678, so two
  // checkouts can run `npm run dev` side by side.
  const viteDevServer = isProduction
    ? undefined
    : await import('vite').then((vite) =>
        vite.createServer({ server: { middlewareMode: true, hmr: { server } } }),
      )

  const shutdown = installGracefulShutdown(server, {
    timeoutMs: SHUTDOWN_TIMEOUT_MS,
    log,
    onClosed: async () => {
      // A reset link is mailed after its answer was sent; let it leave before the database goes.
      await flushPendingMail()
      // Finishes the message under way, so the database is not closed under it.
      await worker?.stop()
      await viteDevServer?.close()
      await closeDatabase()
      log('Database closed')
    },
  })

  app.disable('x-powered-by')
  // req.ip and req.secure then come from the proxies' X-Forwarded-* headers, hop by hop.
  if (trustProxy > 0) app.set('trust proxy', trustProxy)
  app.use(securityHeaders({ development: !isProduction }))
  app.use(requestLog())
  app.use((_req, _res, next) => runInRequestScope(next))
  // Answered here, before Remix and the static files, so probes stay cheap and work even when
  // the app build is broken.
  app.use(healthRoutes(db, { isShuttingDown: shutdown.isShuttingDown }))
  // Before Remix and anything else that acts on a POST; reads are never checked.
  app.use(csrfGuard({ appOrigin: new URL(appUrl).origin }))
  // Before anything reads a body: a body that is no HTML form is refused with 415, an oversized
  // one with 413, neither parsed.
  app.use(formBodiesOnly())
  app.use(bodyLimit())

  if (viteDevServer) {
    app.use(viteDevServer.middlewares)
  } else {
    // Vite fingerprints everything in assets/, so a file there never changes under its name.
    app.use(
      '/assets',
      express.static(path.join(buildDir, 'client/assets'), { immutable: true, maxAge: '1y' }),
    )
    app.use(express.static(path.join(buildDir, 'client'), { maxAge: '1h' }))
  }

  app.all(
    '*',
    remixHandler({
      build: viteDevServer
        ? () => viteDevServer.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>
        : await loadProductionBuild(),
      getLoadContext: (req, res) => ({ cspNonce: cspNonceOf(res), clientIp: req.ip ?? null }),
    }),
  )
  // A database error that escapes Remix's own handling still gets the 503 page, not a 500.
  app.use(databaseUnavailableHandler())

  server.on('error', (error) => {
    console.error('[server] Could not listen:', error.message)
    void Promise.resolve(worker?.stop())
      .then(closeDatabase)
      .finally(() => process.exit(1))
  })
  server.listen(port, host, () => {
    log(`Customer portal ready at ${publicUrl(server.address())}`)
  })
}

async function loadProductionBuild(): Promise<ServerBuild> {
  const entry = path.join(buildDir, 'server/index.js')
  try {
    return (await import(pathToFileURL(entry).href)) as ServerBuild
  } catch (error) {
    throw new Error(`No server build at ${entry}. Run \`npm run build\` first.`, { cause: error })
  }
}

// Listening on all interfaces (the default) is reachable as localhost, which is what a person
// at this machine should open.
function publicUrl(address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string') return String(address)
  if (['0.0.0.0', '::', '127.0.0.1', '::1'].includes(address.address)) {
    return `http://localhost:${address.port}`
  }
  const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${hostname}:${address.port}`
}

main().catch(async (error: unknown) => {
  console.error('[server] Could not start:', error)
  await closeDatabase().catch(() => {})
  process.exit(1)
})
