import { RemixBrowser } from '@remix-run/react'
import i18next from 'i18next'
import { startTransition, StrictMode } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { fallbackLng, i18nConfig, isSupportedLanguage } from '#app/i18n/config.ts'
import { namespaces, resources } from '#app/i18n/resources.ts'

async function hydrate() {
  // The server detected the language and wrote it to <html lang>; reading it back keeps the
  // first client render identical to the server's, so hydration does not mismatch.
  const htmlLang = document.documentElement.lang
  await i18next.use(initReactI18next).init({
    ...i18nConfig,
    resources,
    ns: namespaces,
    lng: isSupportedLanguage(htmlLang) ? htmlLang : fallbackLng,
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
