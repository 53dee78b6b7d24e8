import http from 'node:http'
import { type AddressInfo } from 'node:net'
import {
  type ActionFunctionArgs,
  redirect,
  type ServerBuild,
  type ServerEntryModule,
} from '@remix-run/node'
import express from 'express'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import * as entry from '#app/entry.server.tsx'
import { type OpenDatabase, openDatabase } from '#db/database.ts'
import { consoleError } from '#test/setup/fail-on-console-error.ts'
import { type FakePostgres, startFakePostgres } from '#test/reliability/fake-postgres.ts'
import { bodyLimit, FORM_BODY_LIMIT_BYTES } from './body-limit.ts'
import { databaseUnavailableHandler, RETRY_AFTER_SECONDS } from './database-unavailable.ts'
import { remixHandler } from './remix-handler.ts'

// Our Remix handler behind the body limit, as server.ts mounts them, with the app's own entry
// (its handleError decides what counts as "database down"), over a stand-in PostgreSQL that can
// be stopped and started: pages answer 503 with the translated page while it is down, never
// 500, and answer normally again once it is back, on the same process and pool.

let fake: FakePostgres
let database: OpenDatabase
let baseUrl = ''
let port = 0
let close: () => Promise<void> = async () => {}
// What the stand-in action saved: a refused body must never get here.
let saved: string[] = []

type RouteModule = ServerBuild['routes'][string]['module']

async function selectOne(): Promise<number> {
  const result = await sql<{ one: number }>`select 1 as one`.execute(database.db)
  return result.rows[0]!.one
}

const pageModule = {
  loader: async () => ({ one: await selectOne() }),
  action: async ({ request }: ActionFunctionArgs) => {
    const form = await request.formData()
    await selectOne()
    saved.push(String(form.get('message')).slice(0, 20))
    return redirect('/page')
  },
  default: () => null,
}

const brokenModule = {
  loader: () => {
    throw new Error('a bug, not the database')
  },
  default: () => null,
}

function route(id: string, module: object, path: string, parentId?: string) {
  return {
    id,
    parentId,
    path,
    index: undefined,
    caseSensitive: undefined,
    module: module as RouteModule,
  }
}

const build: ServerBuild = {
  mode: 'production',
  entry: {
    module: {
      ...(entry as ServerEntryModule),
      // A stand-in for React's render: the test is about the status and what replaces it.
      default: (_request, status, headers) =>
        new Response('<!doctype html><p>rendered by remix</p>', { status, headers }),
    },
  },
  routes: {
    root: route('root', { default: () => null }, ''),
    'routes/page': route('routes/page', pageModule, 'page', 'root'),
    'routes/broken': route('routes/broken', brokenModule, 'broken', 'root'),
  },
  assets: {
    entry: { module: '/entry.client.js', imports: [] },
    routes: {},
    url: '/manifest.js',
    version: 'test',
  },
  publicPath: '/',
  assetsBuildDirectory: 'build/client',
  future: { v3_singleFetch: true } as ServerBuild['future'],
  isSpaMode: false,
}

beforeAll(async () => {
  fake = await startFakePostgres()
  database = await openDatabase({ engine: 'postgres', url: fake.url, poolSize: 2 })
  const app = express()
  app.use(bodyLimit())
  app.all('*', remixHandler({ build, mode: 'production', getLoadContext: () => ({}) }))
  app.use(databaseUnavailableHandler())
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  port = (server.address() as AddressInfo).port
  baseUrl = `http://127.0.0.1:${port}`
  close = () => new Promise((resolve) => server.close(() => resolve()))
})

afterAll(async () => {
  await close()
  await database.close()
  await fake.close()
})

let warnings: string[] = []

beforeEach(async () => {
  saved = []
  warnings = []
  vi.spyOn(console, 'warn').mockImplementation((line: unknown) => {
    warnings.push(String(line))
  })
  await fake.start('up')
})

function post(path: string, body: URLSearchParams) {
  return fetch(`${baseUrl}${path}`, { method: 'POST', body, redirect: 'manual' })
}

async function expectUnavailablePage(response: Response) {
  expect(response.status).toBe(503)
  expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS))
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
  const html = await response.text()
  expect(html).toContain('<title>The portal is briefly unavailable</title>')
  expect(html).toContain('Please try again shortly.')
  expect(html).not.toContain('rendered by remix')
  expect(html).not.toMatch(/ECONNREFUSED|at .*\.ts:\d+|Error:/)
}

describe('while the database is down', () => {
  beforeEach(() => fake.shutdown())

  test('a page answers 503 with the translated page and Retry-After, not 500', async () => {
    await expectUnavailablePage(await fetch(`${baseUrl}/page`))
    // Logged as one warning line naming the path, not as an error with a stack.
    expect(warnings.some((line) => line.includes('"msg":"database unavailable"'))).toBe(true)
    expect(warnings.some((line) => line.includes('"path":"/page"'))).toBe(true)
  })

  test('a reader of a language we do not have gets the English page', async () => {
    const response = await fetch(`${baseUrl}/page`, { headers: { 'Accept-Language': 'fi' } })
    await expectUnavailablePage(response)
  })

  test('the data of a client-side navigation answers 503 too, still decodable by the router', async () => {
    const response = await fetch(`${baseUrl}/page.data`)
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS))
    expect(response.headers.get('x-remix-response')).toBe('yes')
    expect(response.headers.get('content-type')).toMatch(/^text\/x-script/)
    const body = await response.text()
    expect(body).toContain('Unexpected Server Error')
    expect(body).not.toContain('ECONNREFUSED')
  })

  test('a form post answers 503, as a page and as a data request, and saves nothing', async () => {
    await expectUnavailablePage(await post('/page', new URLSearchParams({ message: 'hello' })))
    const data = await post('/page.data', new URLSearchParams({ message: 'hello' }))
    expect(data.status).toBe(503)
    expect(saved).toEqual([])
  })
})

test('a bug is still a 500 and logged as an error, even while the database is down', async () => {
  consoleError.mockImplementation(() => {})
  await fake.shutdown()
  const response = await fetch(`${baseUrl}/broken`)
  expect(response.status).toBe(500)
  expect(await response.text()).toContain('rendered by remix')
  expect(consoleError).toHaveBeenCalledOnce()
})

test('when the database is back, the same process answers normally again', async () => {
  expect((await fetch(`${baseUrl}/page`)).status).toBe(200)
  await fake.shutdown()
  expect((await fetch(`${baseUrl}/page`)).status).toBe(503)
  await fake.start('starting')
  expect((await fetch(`${baseUrl}/page`)).status).toBe(503)
  await fake.start('up')
  expect((await fetch(`${baseUrl}/page`)).status).toBe(200)
  const posted = await post('/page', new URLSearchParams({ message: 'after the restart' }))
  expect(posted.status).toBe(302)
  expect(saved).toEqual(['after the restart'])
})

describe('the body limit in front of Remix', () => {
  test('a form over the limit is refused with 413 and the action never runs', async () => {
    const response = await post('/page', new URLSearchParams({ message: 'x'.repeat(300_000) }))
    expect(response.status).toBe(413)
    expect(await response.text()).toContain('This form is too large to send')
    expect(saved).toEqual([])
  })

  test('a chunked body streaming past the limit gets 413, and the cut-off form is not saved', async () => {
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/page',
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        },
        (answer) => {
          let body = ''
          answer.setEncoding('utf8')
          answer.on('data', (text: string) => (body += text))
          answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body }))
        },
      )
      request.on('error', reject)
      request.write('message=')
      for (let i = 0; i < 8; i++) request.write('y'.repeat(64 * 1024))
      request.end()
    })
    expect(response.status).toBe(413)
    expect(response.body).toContain('This form is too large to send')
    expect(saved).toEqual([])
  })

  test('a form just under the limit reaches the action', async () => {
    const message = 'z'.repeat(FORM_BODY_LIMIT_BYTES - 100)
    const response = await post('/page', new URLSearchParams({ message }))
    expect(response.status).toBe(302)
    expect(saved).toEqual(['z'.repeat(20)])
  })
})
