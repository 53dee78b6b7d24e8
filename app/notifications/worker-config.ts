import { DEFAULT_INTERVAL_MS } from './worker.server.ts'

/** RUN_WORKER=false: this web server leaves the outbox to separate `npm run worker` processes. */
export function workerEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.RUN_WORKER?.toLowerCase() !== 'false'
}

/** WORKER_INTERVAL_MS: the pause between passes once the outbox is drained. */
export function workerIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.WORKER_INTERVAL_MS)
  return Number.isInteger(value) && value >= 100 ? value : DEFAULT_INTERVAL_MS
}
