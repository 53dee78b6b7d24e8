import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely'
import pg from 'pg'
import { tallyQuery } from './query-count.ts'
import type { DB } from './schema.ts'
import { typeParsers } from './type-parsers.ts'

export type Database = Kysely<DB>

export type DatabaseTarget =
  | { engine: 'postgres'; url: string; poolSize?: number }
  | { engine: 'pglite'; dataDir: string | null; loadDataDir?: Blob }

export interface OpenDatabase {
  db: Database
  engine: DatabaseTarget['engine']
  /** The embedded engine itself, for dumping a data folder (tests); null on the server. */
  pglite: PGlite | null
  close(): Promise<void>
}

/** Where the process's database lives: DATABASE_URL, else an embedded PGlite folder. */
export function targetFromEnv(
  env: Record<string, string | undefined> = process.env,
): DatabaseTarget {
  if (env.DATABASE_URL) return { engine: 'postgres', url: env.DATABASE_URL }
  const dataDir = path.resolve(env.DATA_DIR ?? 'data')
  return { engine: 'pglite', dataDir: path.join(dataDir, 'pglite') }
}

export function describeTarget(target: DatabaseTarget): string {
  if (target.engine === 'pglite') return `embedded PGlite (${target.dataDir ?? 'in memory'})`
  const url = new URL(target.url)
  return `PostgreSQL ${url.host}${url.pathname}`
}

export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  if (target.engine === 'postgres') return openPostgres(target.url, target.poolSize)
  return openPglite(target.dataDir, target.loadDataDir)
}

const CONNECT_TIMEOUT_MS = 5_000

// SQLSTATE classes and codes that mean "the server cannot be reached or is going away", not "this
// statement is wrong": 08 connection exception, 57P01-57P03 admin/crash shutdown and not yet
// accepting connections, 53300 too many connections.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300'])
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
])
// node-postgres reports a lost or closed connection, and a pool wait that timed out, by message
// only (no code).
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'Client has encountered a connection error',
]

/**
 * Whether an error means the database could not be reached (down, restarting, unreachable),
 * so the request may simply be tried again shortly, rather than a bug or bad data. Follows
 * `cause` and an AggregateError's errors (a host name resolving to several addresses).
 */
export function isDatabaseUnavailableError(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown }
  if (typeof code === 'string') {
    if (code.startsWith('08') && code.length === 5) return true
    if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) {
    return true
  }
  if (
    error instanceof AggregateError &&
    error.errors.some((e) => isDatabaseUnavailableError(e, depth + 1))
  ) {
    return true
  }
  return cause !== undefined && isDatabaseUnavailableError(cause, depth + 1)
}

function openPostgres(url: string, poolSize = 10): OpenDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // While the database is down or every client is busy, a request waits at most this long for
    // a connection and then fails (a 503 page), instead of queueing without end.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Finds a connection whose peer vanished without closing it (a failed-over host, a dropped
    // network path), so the pool replaces it rather than a request hanging on it.
    keepAlive: true,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        typeParsers[oid] ??
        pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  })
  // An idle client's connection dropping (a database restart) emits 'error' on the pool;
  // unhandled, that would crash the process instead of letting the pool reconnect.
  pool.on('error', (error) => {
    console.warn(
      JSON.stringify({ level: 'warn', msg: 'database pool error', error: error.message }),
    )
  })
  // The pool listens for errors only on idle clients. A checked-out client whose connection
  // drops between two statements (a restart while a transaction awaits a password hash or a
  // file) would emit an unhandled 'error' and end the process. Its next statement fails instead
  // (a 503 for the request), and the pool discards it on release as no longer queryable.
  pool.on('connect', (client) => {
    client.on('error', () => {})
  })
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: tallyQuery })
  return { db, engine: 'postgres', pglite: null, close: () => db.destroy() }
}

async function openPglite(dataDir: string | null, loadDataDir?: Blob): Promise<OpenDatabase> {
  let releaseLock = () => {}
  if (dataDir) {
    // PGlite does not create parents, and two instances on one folder silently lose writes.
    mkdirSync(path.dirname(dataDir), { recursive: true })
    releaseLock = lockDataDir(dataDir)
  }
  try {
    const pglite = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(loadDataDir ? { loadDataDir } : {}),
      extensions: { pg_trgm },
      parsers: typeParsers,
    })
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }), log: tallyQuery })
    return {
      db,
      engine: 'pglite',
      pglite,
      close: async () => {
        await db.destroy()
        releaseLock()
      },
    }
  } catch (error) {
    releaseLock()
    throw error
  }
}

export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid}. ` +
        'Stop that process, or set DATA_DIR to another folder.',
    )
    this.name = 'DataDirLockedError'
  }
}

/** An exclusive lock file beside the folder; a lock left by a dead process is taken over. */
function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx')
      writeFileSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      const release = () => {
        if (released) return
        released = true
        rmSync(lockPath, { force: true })
        process.off('exit', release)
      }
      process.on('exit', release)
      return release
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number(readFileSync(lockPath, 'utf8'))
      if (holder && (holder === process.pid || isAlive(holder))) {
        throw new DataDirLockedError(dataDir, holder)
      }
      rmSync(lockPath, { force: true })
    }
  }
  throw new Error(`Could not lock ${dataDir}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

// The Express server (run by tsx) and the Remix server build each import this module, so the
// process can hold two copies of it. The instance lives on globalThis so both share one
// database, which also keeps it across Vite's hot reloads in development.
const globalKey = Symbol.for('cmr-portal.database')
type GlobalWithDatabase = typeof globalThis & { [globalKey]?: Promise<OpenDatabase> }

function processDatabase(): Promise<OpenDatabase> {
  const holder = globalThis as GlobalWithDatabase
  holder[globalKey] ??= openDatabase(targetFromEnv()).catch((error: unknown) => {
    delete holder[globalKey]
    throw error
  })
  return holder[globalKey]
}

/** The process-wide database of the running app. */
export async function getDatabase(): Promise<Database> {
  return (await processDatabase()).db
}

export async function getDatabaseEngine(): Promise<DatabaseTarget['engine']> {
  return (await processDatabase()).engine
}

export async function closeDatabase(): Promise<void> {
  const holder = globalThis as GlobalWithDatabase
  const open = holder[globalKey]
  if (!open) return
  delete holder[globalKey]
  await (await open).close()
}

/** Makes `open` the process's database: for tests that call loaders and actions directly. */
export function setProcessDatabase(open: OpenDatabase | null): void {
  const holder = globalThis as GlobalWithDatabase
  if (open) holder[globalKey] = Promise.resolve(open)
  else delete holder[globalKey]
}
