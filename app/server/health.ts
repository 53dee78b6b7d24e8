import express, { type Router } from 'express'
import { type Database } from '#db/database.ts'
import { checkDatabaseReady } from '#db/migrate.ts'

type Readiness = { ok: boolean; reason?: string }

type HealthOptions = {
  isShuttingDown: () => boolean
  /** A database that hangs (rather than refuses) fails the probe after this long. */
  readyTimeoutMs?: number
}

/**
 * `/healthz`: the process is up (for restarts). `/readyz`: it can serve requests, i.e. the
 * database answers and is migrated (for load balancers). While shutting down, `/readyz` fails
 * first so traffic drains away before the process stops.
 */
export function healthRoutes(
  db: Database,
  { isShuttingDown, readyTimeoutMs = 5_000 }: HealthOptions,
): Router {
  const router = express.Router()

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' })
  })

  router.get('/readyz', async (_req, res) => {
    const readiness: Readiness = isShuttingDown()
      ? { ok: false, reason: 'shutting down' }
      : await checkWithTimeout(db, readyTimeoutMs)
    res.set('Cache-Control', 'no-store')
    if (readiness.ok) {
      res.json({ status: 'ok' })
    } else {
      res.status(503).json({ status: 'unavailable', reason: readiness.reason })
    }
  })

  return router
}

// A hanging database would otherwise hold the probe open until the orchestrator's own timeout,
// which reports nothing useful.
async function checkWithTimeout(db: Database, timeoutMs: number): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<Readiness>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, reason: `database check timed out after ${timeoutMs} ms` }),
      timeoutMs,
    )
  })
  try {
    return await Promise.race([
      checkDatabaseReady(db).catch((error: unknown): Readiness => ({
        ok: false,
        reason: error instanceof Error ? error.message : 'database check failed',
      })),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}
