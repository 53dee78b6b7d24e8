import {
  data,
  type HeadersFunction,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import {
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useMatches,
  useRouteLoaderData,
} from '@remix-run/react'
import { type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { useChangeLanguage } from 'remix-i18next/react'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { AppShell } from '#app/components/layout/app-shell.tsx'
import { getFixedTFor, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { useNonce } from '#app/lib/nonce.ts'
import { type PublicUser } from '#app/lib/user.ts'
import { getDatabase } from '#db/database.ts'
import { listMemberships } from '#db/organisations.ts'
import tailwindHref from '#app/tailwind.css?url'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: tailwindHref },
  // No favicon yet; this stops every page view from also requesting /favicon.ico (a 404).
  { rel: 'icon', href: 'data:,' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const [{ user, headers: sessionHeaders }, locale] = await Promise.all([
    getOptionalUser(request),
    getRequestLocale(request),
  ])
  const t = await getFixedTFor(locale, 'common')

  // The session headers may refresh the session cookie; Remix passes their Set-Cookie on.
  const headers = new Headers(sessionHeaders)
  // Pages of a signed-in person hold personal data: no browser or proxy may store them, and the
  // back button after signing out must not show them again.
  if (user) headers.set('Cache-Control', 'no-store')

  const publicUser: PublicUser | null = user && {
    kind: user.kind,
    displayName: user.displayName,
    customerNumber: user.customerNumber,
    staffRole: user.staffRole,
    timeZone: user.timeZone,
  }
  // The header's organisation switcher: one query, for customers only.
  const memberships =
    user?.kind === 'customer' && user.customerId
      ? await listMemberships(await getDatabase(), user.customerId)
      : []
  const organisations =
    user && memberships.length > 0
      ? {
          actingFor: user.actingFor?.id ?? null,
          options: memberships.map((m) => ({ id: m.organisationId, name: m.name })),
        }
      : null
  return data({ locale, user: publicUser, organisations, title: t('app.name') }, { headers })
}

// Child routes without a `headers` export inherit these. A child that adds one must pass
// `parentHeaders.get('Cache-Control')` on, or signed-in pages become cacheable again.
export const headers: HeadersFunction = ({ loaderHeaders }) => {
  const headers = new Headers()
  const cacheControl = loaderHeaders.get('Cache-Control')
  if (cacheControl) headers.set('Cache-Control', cacheControl)
  return headers
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

// Renders around both the app and the ErrorBoundary, so it must not assume loader data:
// useRouteLoaderData is undefined when the root loader itself failed.
export function Layout({ children }: { children: ReactNode }) {
  const rootData = useRouteLoaderData<typeof loader>('root')
  const { t, i18n } = useTranslation()
  const locale = rootData?.locale ?? i18n.language
  useChangeLanguage(locale)
  // The Content-Security-Policy only runs inline scripts that carry this request's nonce.
  const nonce = useNonce()
  // Every route's meta titles the page from its loader data. An error page has none (a loader
  // threw, or no route matched and Remix ran no loader): it still needs a title.
  const leafData: unknown = useMatches().at(-1)?.data
  const pageHasTitle = typeof leafData === 'object' && leafData !== null && 'title' in leafData

  return (
    <html lang={locale} dir={i18n.dir(locale)} className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        {pageHasTitle ? null : <title>{t('app.name')}</title>}
        <Links />
      </head>
      <body className="h-full bg-slate-50 text-slate-900 antialiased">
        <AppShell user={rootData?.user ?? null}>{children}</AppShell>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
