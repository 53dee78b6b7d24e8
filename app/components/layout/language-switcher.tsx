import { Form, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { supportedLngs } from '#app/i18n/config.ts'

// Each language is named in itself, so someone who cannot read the current page still finds theirs.
function nativeName(code: string): string {
  return new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code
}

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation()
  const location = useLocation()
  return (
    <Form method="post" action="/language" className="flex items-center gap-2">
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <label htmlFor="language-switcher">{t('language.label')}</label>
      <select
        id="language-switcher"
        name="language"
        defaultValue={i18n.language}
        key={i18n.language}
        className="rounded border border-slate-300 bg-white px-2 py-1 text-slate-900"
      >
        {supportedLngs.map((code) => (
          <option key={code} value={code} lang={code}>
            {nativeName(code)}
          </option>
        ))}
      </select>
      <button
        type="submit"
        className="rounded border border-slate-300 px-2 py-1 text-slate-900 hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
      >
        {t('language.change')}
      </button>
    </Form>
  )
}
