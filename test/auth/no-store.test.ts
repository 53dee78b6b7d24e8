import { createRequestHandler, type ServerBuild, type ServerEntryModule } from '@remix-run/node'
import { beforeAll, describe, expect, test } from 'vitest'
import * as entry from '#app/entry.server.tsx'
import { runInRequestScope } from '#app/lib/request-scope.server.ts'
import * as root from '#app/root.tsx'
import * as home from '#app/routes/_index.tsx'
import * as orders from '#app/routes/orders._index.tsx'
import * as profile from '#app/routes/profile._index.tsx'
import * as resetPassword from '#app/routes/reset-password.tsx'
import * as staffHome from '#app/routes/staff._index.tsx'
import * as staffTickets from '#app/routes/staff.tickets._index.tsx'
import { useTestDatabase } from '#test/support/database.ts'
import { createStaffAccount, sessionCookieFor, signedInCustomer } from '#test/support/fixtures.ts'

// Pages of a signed-in person hold personal data: no browser or proxy may store them, and the
// back button after signing out must not show them again (ASVS 8.2.1). Remix decides a
// response's headers from the matched routes' `headers` exports, and for a client-side
// navigation only the loaders asked for run (`?_routes=`), often without root's. So the
// requests go through Remix's own request handler here, not through one loader, over a few
// customer and staff pages, as a full page and as the data of a client-side navigation.

const database = useTestDatabase()

type RouteModule = ServerBuild['routes'][string]['module']

function route(
  id: string,
  module: RouteModule,
  options: { path?: string; index?: boolean; parentId?: string } = {},
) {
  return {
    id,
    parentId: options.parentId,
    path: options.path,
    index: options.index,
    caseSensitive: undefined,
    module,
  }
}

/**
 * The routes under test as the Remix build lists them. Documents are rendered by a stand-in
 * entry (no React, no asset manifest needed); data requests use the app's own entry hooks.
 */
const build: ServerBuild = {
  mode: 'production',
  entry: {
    module: {
      ...(entry as ServerEntryModule),
      default: (_request, status, headers) => new Response('<!doctype html>', { status, headers }),
    },
  },
  routes: {
    root: route('root', root as RouteModule, { path: '' }),
    'routes/_index': route('routes/_index', home as RouteModule, {
      index: true,
      parentId: 'root',
    }),
    'routes/orders._index': route('routes/orders._index', orders as RouteModule, {
      path: 'orders',
      index: true,
      parentId: 'root',
    }),
    'routes/profile._index': route('routes/profile._index', profile as RouteModule, {
      path: 'profile',
      index: true,
      parentId: 'root',
    }),
    'routes/reset-password': route('routes/reset-password', resetPassword as RouteModule, {
      path: 'reset-password',
      parentId: 'root',
    }),
    'routes/staff._index': route('routes/staff._index', staffHome as RouteModule, {
      path: 'staff',
      index: true,
      parentId: 'root',
    }),
    'routes/staff.tickets._index': route(
      'routes/staff.tickets._index',
      staffTickets as RouteModule,
      { path: 'staff/tickets', index: true, parentId: 'root' },
    ),
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

const handle = createRequestHandler(build, 'production')

async function fetchPage(path: string, cookie: string | null): Promise<Response> {
  const headers = new Headers()
  if (cookie) headers.set('Cookie', cookie)
  return runInRequestScope(() => handle(new Request(`http://localhost${path}`, { headers }), {}))
}

let customerCookie = ''
let staffCookie = ''

beforeAll(async () => {
  customerCookie = (await signedInCustomer(database.db)).cookie
  staffCookie = await sessionCookieFor((await createStaffAccount(database.db)).accountId)
})

const customerPages = [
  ['/', 'routes/_index'],
  ['/orders', 'routes/orders._index'],
  ['/profile', 'routes/profile._index'],
] as const
const staffPages = [
  ['/staff', 'routes/staff._index'],
  ['/staff/tickets', 'routes/staff.tickets._index'],
] as const

/** The three ways a browser gets a page: the document, its data, and only the leaf's data. */
function variants(path: string, routeId: string): [string, string][] {
  const dataPath = path === '/' ? '/_root.data' : `${path}.data`
  return [
    ['document', path],
    ['data of every route', dataPath],
    ['data of the page only (client navigation)', `${dataPath}?_routes=${routeId}`],
  ]
}

describe('signed-in pages are never stored', () => {
  test.each(
    [
      ...customerPages.map(([path, id]) => ['customer', path, id] as const),
      ...staffPages.map(([path, id]) => ['staff', path, id] as const),
    ].flatMap(([who, path, id]) =>
      variants(path, id).map(([how, url]) => [who, url, how] as const),
    ),
  )('%s %s (%s): Cache-Control no-store', async (who, url) => {
    const response = await fetchPage(url, who === 'staff' ? staffCookie : customerCookie)
    expect(response.status).toBe(200)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
  })

  test('a page with its own headers keeps no-store for a signed-in reader', async () => {
    const response = await fetchPage('/reset-password?token=unknown', customerCookie)
    expect(response.status).toBe(200)
    expect(response.headers.get('Cache-Control')).toBe('no-store')
  })

  test('the same public page signed out is not marked, so the check above means something', async () => {
    const response = await fetchPage('/_root.data', null)
    expect(response.status).toBe(200)
    expect(response.headers.get('Cache-Control')).toBeNull()
  })
})
