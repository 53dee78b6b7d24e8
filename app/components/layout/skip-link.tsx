import { useTranslation } from 'react-i18next'

export const MAIN_CONTENT_ID = 'main-content'

/** Lets keyboard and screen-reader users jump past the header on every page. */
export function SkipLink() {
  const { t } = useTranslation()
  return (
    <a
      href={`#${MAIN_CONTENT_ID}`}
      className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-4 focus:py-2 focus:text-slate-900 focus:shadow focus:ring-2 focus:ring-blue-600"
    >
      {t('app.skipToContent')}
    </a>
  )
}
