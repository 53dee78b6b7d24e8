/**
 * Proves the portal rides out a PostgreSQL restart: requests in the window answer 503 (never
 * 500), the server reconnects by itself, and no write that was answered as successful is lost.
 *
 * Usage (a production build must exist; this builds nothing):
 *
 *   npm run build
 *   npx tsx test/reliability/pg-restart.ts
 *
 * It creates a fresh database on the local PostgreSQL server, starts the production server on
 * it (demo data seeded) as a child process on a free port, signs in as a demo customer, and runs
 * concurrent load for LOAD_SECONDS (default 20): reads, and writes whose success can be checked
 * (new tickets and replies, each with a unique marker). After RESTART_AFTER_SECONDS (default 5)
 * it STOPS THE LOCAL POSTGRESQL SERVER for DOWN_SECONDS (default 3) and starts it again, which
 * fails anything else using that server meanwhile (other test runs): run it on a machine of its
 * own, or when nothing else needs the server. Then it waits for /readyz and checks in the
 * database that every acknowledged write is there.
 *
 * Exits non-zero on any missing acknowledged write, any 500 (or other unexpected answer), a
 * request with no answer, a crashed server, or no recovery. Environment:
 *   PG_ADMIN_URL           default postgres://postgres@127.0.0.1:5432/postgres
 *   PG_CLUSTER             default: the only version in /etc/postgresql, cluster "main"
 *   LOAD_SECONDS, RESTART_AFTER_SECONDS, DOWN_SECONDS, CONCURRENCY (default 8)
 *   SKIP_RESTART=1         the same run without touching PostgreSQL (to check the set-up)
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const root = path.resolve(import.meta.dirname, '../..')
const adminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const loadSeconds = Number(process.env.LOAD_SECONDS ?? 20)
const restartAfterSeconds = Number(process.env.RESTART_AFTER_SECONDS ?? 5)
const downSeconds = Number(process.env.DOWN_SECONDS ?? 3)
const concurrency = Number(process.env.CONCURRENCY ?? 8)
const skipRestart = process.env.SKIP_RESTART === '1'
const requestTimeoutMs = 15_000
const customer = { email: 'anna.berg@example.com', password: 'portal-demo-2026' }

const runId = randomBytes(4).toString('hex')
const databaseName = `cmr_pg_restart_${runId}`
const started = performance.now()
const seconds = () => ((performance.now() - started) / 1000).toFixed(1)
const say = (text: string) => console.log(`[pg-restart ${seconds()}s] ${text}`)

async function execFileText(file: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(file, args)
  return stdout
}

async function adminQuery(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(query)
  } finally {
    await client.end()
  }
}

function databaseUrl(): string {
  const url = new URL(adminUrl)
  url.pathname = `/${databaseName}`
  return url.href
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

function cluster(): { version: string; name: string } {
  const [version, name = 'main'] = (process.env.PG_CLUSTER ?? '').split('/')
  if (version) return { version, name }
  const versions = readdirSync('/etc/postgresql')
  if (versions.length !== 1) throw new Error(`Set PG_CLUSTER: found ${versions.join(', ')}`)
  return { version: versions[0]!, name }
}

async function pgCtl(action: 'stop' | 'start'): Promise<void> {
  const { version, name } = cluster()
  await execFileText('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, action])
}

// ---------------------------------------------------------------------------------------------

type Outcome = { status: number | 'no answer'; ms: number; at: number }

const statuses = new Map<string, number>()
let requestsSent = 0
const outcomes: Outcome[] = []
const acknowledged: string[] = []
let unacknowledgedWrites = 0
let cookie = ''
let baseUrl = ''
let origin = ''

function count(status: number | 'no answer') {
  statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1)
}

async function send(pathname: string, init: RequestInit = {}): Promise<Response | null> {
  requestsSent++
  const begun = performance.now()
  try {
    const response = await fetch(`${baseUrl}${pathname}`, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(requestTimeoutMs),
      headers: { Cookie: cookie, Origin: origin, ...(init.headers ?? {}) },
    })
    // The whole answer is read, so a body cut off mid-way counts as no answer.
    await response.arrayBuffer()
    count(response.status)
    outcomes.push({ status: response.status, ms: performance.now() - begun, at: performance.now() })
    return response
  } catch {
    count('no answer')
    outcomes.push({ status: 'no answer', ms: performance.now() - begun, at: performance.now() })
    return null
  }
}

function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', body: new URLSearchParams(fields) }
}

function isSuccessRedirect(response: Response | null): boolean {
  if (!response || response.status < 300 || response.status >= 400) return false
  return /^\/tickets\/T\d+/.test(response.headers.get('Location') ?? '')
}

let writeSeq = 0

async function newTicket(): Promise<string | null> {
  const marker = `pgr-${runId}-t${++writeSeq}`
  const response = await send(
    '/tickets/new',
    form({
      category: 'other',
      subject: marker,
      message: `Load test ticket ${marker}`,
      idempotencyKey: randomUUID(),
    }),
  )
  if (!isSuccessRedirect(response)) {
    unacknowledgedWrites++
    return null
  }
  acknowledged.push(marker)
  return response!.headers.get('Location')
}

async function reply(ticketPath: string): Promise<void> {
  const marker = `pgr-${runId}-r${++writeSeq}`
  const response = await send(
    ticketPath,
    form({ intent: 'reply', message: marker, idempotencyKey: randomUUID() }),
  )
  if (isSuccessRedirect(response)) acknowledged.push(marker)
  else unacknowledgedWrites++
}

const reads = ['/', '/tickets', '/orders', '/profile', '/tickets.data', '/requests']

async function loadWorker(worker: number, until: number, ticketPath: string): Promise<void> {
  for (let i = 0; performance.now() < until; i++) {
    const pick = (worker + i) % 4
    if (pick === 0) await newTicket()
    else if (pick === 1) await reply(ticketPath)
    else await send(reads[(worker * 7 + i) % reads.length]!)
  }
}

async function waitForReady(timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2_000) })
      if (response.ok) return true
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return false
}

async function signIn(): Promise<void> {
  const response = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: origin },
    body: new URLSearchParams(customer),
  })
  const cookies = response.headers.getSetCookie().map((line) => line.split(';')[0]!)
  if (response.status < 300 || response.status >= 400 || cookies.length === 0) {
    throw new Error(`Sign-in failed: ${response.status}`)
  }
  cookie = cookies.join('; ')
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await exited
  clearTimeout(timer)
}

/** What the server said besides its request lines: warnings counted, anything else shown. */
function summarizeLog(logPath: string, showTail: boolean): void {
  if (!existsSync(logPath)) return
  const lines = readFileSync(logPath, 'utf8').split('\n').filter(Boolean)
  const counted = (msg: string) => lines.filter((line) => line.includes(`"msg":"${msg}"`)).length
  const other = lines.filter(
    (line) => !line.startsWith('{') && !/^\[(server|seed|worker|migrate)\]/.test(line),
  )
  console.log('')
  console.log('server log             ', logPath)
  console.log('  "database unavailable" warnings', counted('database unavailable'))
  console.log('  "database pool error" warnings ', counted('database pool error'))
  console.log('  other lines (errors, traces)   ', other.length)
  for (const line of other.slice(0, 15)) console.log(`    ${line}`)
  if (showTail) {
    console.log('  last lines:')
    for (const line of lines.slice(-30)) console.log(`    ${line}`)
  }
}

async function main(): Promise<number> {
  if (!existsSync(path.join(root, 'build/server/index.js'))) {
    console.error('No production build: run `npm run build` first.')
    return 2
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cmr-pg-restart-'))
  const logPath = path.join(os.tmpdir(), `cmr-pg-restart-${runId}.log`)
  const port = await freePort()
  baseUrl = `http://127.0.0.1:${port}`
  origin = baseUrl
  const problems: string[] = []
  let child: ChildProcess | null = null
  let serverCrashed = false
  let stopping = false
  // Whatever happens, the shared server is not left stopped.
  let postgresStopped = false

  await adminQuery(`create database ${databaseName}`)
  say(`database ${databaseName} created; server log: ${logPath}`)
  try {
    const log = createWriteStream(logPath)
    child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl(),
        SEED_DEMO: '1',
        SESSION_SECRET: randomBytes(32).toString('hex'),
        APP_URL: baseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        ALLOW_DEV_SECRETS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout!.pipe(log)
    child.stderr!.pipe(log)
    child.once('exit', (code, signal) => {
      if (!stopping) {
        serverCrashed = true
        say(`SERVER EXITED (code ${code}, signal ${signal})`)
      }
    })
    if (!(await waitForReady(90_000))) throw new Error('The server did not become ready')
    say(`server pid ${child.pid} ready on ${baseUrl}`)
    await signIn()
    const ticketPath = await newTicket()
    if (!ticketPath) throw new Error('Could not open the ticket the replies go to')
    say(`signed in as ${customer.email}; replies go to ${ticketPath}`)

    const loadStart = performance.now()
    const until = loadStart + loadSeconds * 1000
    const workers = Array.from({ length: concurrency }, (_, worker) =>
      loadWorker(worker, until, ticketPath),
    )

    await new Promise((resolve) => setTimeout(resolve, restartAfterSeconds * 1000))
    const restartBegun = performance.now()
    say(
      skipRestart
        ? 'not restarting PostgreSQL (SKIP_RESTART=1)'
        : `stopping PostgreSQL for ${downSeconds}s`,
    )
    if (!skipRestart) {
      postgresStopped = true
      await pgCtl('stop')
      await new Promise((resolve) => setTimeout(resolve, downSeconds * 1000))
      await pgCtl('start')
      postgresStopped = false
    }
    const restartDone = performance.now()
    say(
      `PostgreSQL started again (${((restartDone - restartBegun) / 1000).toFixed(1)}s after the stop began)`,
    )
    const readyAgain = await waitForReady(30_000)
    const readyAt = performance.now()

    await Promise.all(workers)
    say('load finished')
    if (!readyAgain || !(await waitForReady(30_000)))
      problems.push('no recovery: /readyz never answered 200')

    const firstSuccessAfterStart = outcomes.find(
      (o) => o.at > restartDone && typeof o.status === 'number' && o.status < 400,
    )
    const during = outcomes.filter((o) => o.at >= restartBegun && o.at <= readyAt)

    // What is in the database: every acknowledged marker must be there.
    const client = new pg.Client({ connectionString: databaseUrl() })
    await client.connect()
    const found = new Set<string>()
    try {
      const tickets = await client.query<{ marker: string }>(
        'select subject as marker from tickets where subject like $1',
        [`pgr-${runId}-%`],
      )
      const messages = await client.query<{ marker: string }>(
        'select body as marker from ticket_messages where body like $1',
        [`pgr-${runId}-%`],
      )
      for (const row of [...tickets.rows, ...messages.rows]) found.add(row.marker)
    } finally {
      await client.end()
    }
    const missing = acknowledged.filter((marker) => !found.has(marker))
    const inDoubt = [...found].filter((marker) => !acknowledged.includes(marker)).length

    const byStatus = [...statuses.entries()].sort(([a], [b]) => a.localeCompare(b))
    console.log('')
    console.log('requests sent          ', requestsSent)
    console.log('statuses               ', Object.fromEntries(byStatus))
    console.log('answered in the window ', during.length, '(from the stop to /readyz 200 again)')
    console.log(
      'slowest answer         ',
      `${Math.round(Math.max(...outcomes.map((o) => o.ms)))} ms`,
    )
    console.log('writes acknowledged    ', acknowledged.length)
    console.log('writes not acknowledged', unacknowledgedWrites)
    console.log('acknowledged found     ', acknowledged.length - missing.length)
    console.log('missing                ', missing.length, missing.slice(0, 10).join(' '))
    console.log('saved, answer lost     ', inDoubt, '(committed, but the answer was a 503)')
    console.log(
      'recovery               ',
      `/readyz 200 ${((readyAt - restartDone) / 1000).toFixed(1)}s after PostgreSQL started;`,
      firstSuccessAfterStart
        ? `first successful request ${((firstSuccessAfterStart.at - restartDone) / 1000).toFixed(1)}s after`
        : 'no successful request after it',
    )
    console.log('total run time         ', `${seconds()}s`)

    for (const [status, n] of byStatus) {
      const code = Number(status)
      const expected = code >= 200 && code < 400 ? true : code === 503
      if (!expected) problems.push(`${n} answer(s) with status ${status}`)
    }
    if (missing.length > 0) problems.push(`${missing.length} acknowledged write(s) missing`)
    if (!skipRestart && !statuses.has('503'))
      problems.push('no 503 at all: did the restart happen during the load?')
    if (!firstSuccessAfterStart) problems.push('no successful request after the restart')
    if (serverCrashed) problems.push('the server process exited')
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error))
  } finally {
    stopping = true
    if (postgresStopped) await pgCtl('start').catch(() => {})
    if (child) await stopServer(child)
    await adminQuery(`drop database if exists ${databaseName} with (force)`).catch(
      (error: unknown) => problems.push(`could not drop ${databaseName}: ${String(error)}`),
    )
    rmSync(dataDir, { recursive: true, force: true })
    summarizeLog(logPath, problems.length > 0)
  }

  if (problems.length > 0) {
    console.log(`\nFAILED:\n- ${problems.join('\n- ')}`)
    return 1
  }
  console.log('\nOK: no 500, no lost write, recovered by itself')
  return 0
}

process.exitCode = await main()
