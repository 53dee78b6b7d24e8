import { type Request as ExpressRequest } from 'express'
import { type ParseKeys } from 'i18next'
import { remixI18next, renderI18nFor } from '#app/i18n/i18next.server.ts'

// The pages our Express layer answers by itself, outside Remix (a refused form, a body too large,
// the database down): translated, but needing nothing that could be what failed (no database,
// no app build, no session), and no scripts or styles, so they stay within the strict
// Content-Security-Policy.

type CommonKey = ParseKeys<'common'>

export type ErrorPageText = {
  title: CommonKey
  body: CommonKey
  /** Interpolation values for the body. */
  values?: Record<string, string | number>
}

/** Only what the language choice reads: the `lng` cookie, then the browser's languages. */
export function languageRequest(req: ExpressRequest): Request {
  const headers = new Headers()
  const cookie = req.get('Cookie')
  const acceptLanguage = req.get('Accept-Language')
  if (cookie) headers.set('Cookie', cookie)
  if (acceptLanguage) headers.set('Accept-Language', acceptLanguage)
  return new Request('http://localhost/', { headers })
}

/** The page in the reader's language, chosen as for every other page. */
export async function errorPageHtml(request: Request, text: ErrorPageText): Promise<string> {
  const locale = await remixI18next.getLocale(request)
  const i18n = await renderI18nFor(locale)
  const t = i18n.getFixedT(locale, 'common')
  const title = escapeHtml(t(text.title))
  return `<!doctype html>
<html lang="${escapeHtml(locale)}" dir="${i18n.dir(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
</head>
<body>
<main>
<h1>${title}</h1>
<p>${escapeHtml(t(text.body, text.values))}</p>
<p><a href="/">${escapeHtml(t('errors.backHome'))}</a></p>
</main>
</body>
</html>
`
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}
