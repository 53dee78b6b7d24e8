import { type Server } from 'node:http'

type ShutdownOptions = {
  /** How long in-flight requests get before their connections are cut. */
  timeoutMs: number
  /** Runs once the HTTP server has closed (release the database here). */
  onClosed: () => Promise<void>
  log: (message: string) => void
}

/**
 * On SIGTERM (orchestrators) or SIGINT (Ctrl-C): stop accepting, let in-flight requests finish,
 * then release resources and exit 0. A second signal exits at once, for the impatient.
 */
export function installGracefulShutdown(
  server: Server,
  { timeoutMs, onClosed, log }: ShutdownOptions,
): { isShuttingDown: () => boolean } {
  let shuttingDown = false

  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      log(`${signal} received again: exiting now`)
      process.exit(1)
    }
    shuttingDown = true
    log(`${signal} received: finishing in-flight requests (at most ${timeoutMs / 1000} s)`)

    const forceTimer = setTimeout(() => {
      log(`Requests still open after ${timeoutMs / 1000} s: closing their connections`)
      server.closeAllConnections()
    }, timeoutMs)
    forceTimer.unref()

    server.close(() => {
      clearTimeout(forceTimer)
      log('HTTP server closed')
      onClosed().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('Shutdown failed:', error)
          process.exit(1)
        },
      )
    })
    // Idle keep-alive connections would otherwise hold close() open until the timeout.
    server.closeIdleConnections()
  }

  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
  return { isShuttingDown: () => shuttingDown }
}
