import { closeDatabase, describeTarget, getDatabase, targetFromEnv } from '#db/database.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { startWorker } from './worker.server.ts'
import { workerIntervalMs } from './worker-config.ts'

// `npm run worker`: delivers the notification outbox in a process of its own, for deployments
// that run the web server with RUN_WORKER=false. Any number may run against one PostgreSQL
// database. The embedded database (no DATABASE_URL) belongs to one process at a time, so there
// the worker inside `npm start` is the one to use.

function log(message: string) {
  console.log(`[worker] ${message}`)
}

const db = await getDatabase()
await migrateToLatest(db)
const worker = startWorker(db, { intervalMs: workerIntervalMs(), log })
log(`delivering notifications from ${describeTarget(targetFromEnv())}`)

let stopping = false
const stop = (signal: NodeJS.Signals) => {
  if (stopping) process.exit(1)
  stopping = true
  log(`${signal} received: finishing the messages under way`)
  worker
    .stop()
    .then(closeDatabase)
    .then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[worker] Shutdown failed:', error)
        process.exit(1)
      },
    )
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
