import { RemixBrowser } from '@remix-run/react'
import i18next from 'i18next'
import { startTransition, StrictMode } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { fallbackLng, i18nConfig, isSupportedLanguage } from '#app/i18n/config.ts'
import { PSEUDO_LOCALE, pseudoLocalize } from '#app/i18n/pseudo.ts'
import { namespaces, resources } from '#app/i18n/resources.ts'

async function hydrate() {
  // The server detected the language and wrote it to <html lang>; reading it back keeps the
  // first client render identical to the server's, so hydration does not mismatch.
  const htmlLang = document.documentElement.lang
  // Only a server with the pseudo-locale enabled renders a page in it; the browser builds the
  // same strings from English instead of shipping a fourth set.
  const pseudo = htmlLang === PSEUDO_LOCALE
  await i18next.use(initReactI18next).init({
    ...i18nConfig,
    supportedLngs: pseudo ? [PSEUDO_LOCALE] : i18nConfig.supportedLngs,
    resources: pseudo ? { [PSEUDO_LOCALE]: pseudoLocalize(resources.en) } : resources,
    ns: namespaces,
    lng: pseudo || isSupportedLanguage(htmlLang) ? htmlLang : fallbackLng,
  })

  startTransition(() => {
    hydrateRoot(
      document,
      <I18nextProvider i18n={i18next}>
        <StrictMode>
          <RemixBrowser />
        </StrictMode>
      </I18nextProvider>,
    )
  })
}

void hydrate()
