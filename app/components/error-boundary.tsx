import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

type ErrorKind = 'forbidden' | 'notFound' | 'server'

function kindOf(status: number): ErrorKind {
  if (status === 401 || status === 403) return 'forbidden'
  if (status === 404) return 'notFound'
  return 'server'
}

/**
 * The one error screen for every route: a translated, friendly message by status. Details only
 * in development; in production Remix already strips server error messages, and we show none.
 */
export function GeneralErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const kind = kindOf(status)

  return (
    <div className="max-w-prose space-y-4">
      <p className="text-sm text-slate-600">{t('errors.status', { status })}</p>
      <h1 className="text-2xl font-semibold">{t(`errors.${kind}.title`)}</h1>
      <p>{t(`errors.${kind}.body`)}</p>
      <p>
        <Link to="/" className="text-blue-700 underline hover:text-blue-900">
          {t('errors.backHome')}
        </Link>
      </p>
      {import.meta.env.DEV && error instanceof Error ? (
        <pre className="overflow-auto rounded bg-slate-100 p-4 text-xs">{error.stack}</pre>
      ) : null}
    </div>
  )
}
