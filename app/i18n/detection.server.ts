import { createCookie } from '@remix-run/node'
import { RemixI18Next } from 'remix-i18next/server'
import { fallbackLng, i18nConfig } from './config.ts'
import { detectableLanguages, serverResources } from './server-resources.server.ts'

/** Holds an explicit language choice; it wins over the browser's Accept-Language. */
export const localeCookie = createCookie('lng', {
  path: '/',
  httpOnly: true,
  sameSite: 'lax',
  secure: process.env.NODE_ENV === 'production',
  maxAge: 60 * 60 * 24 * 365,
})

// Only what the request itself says (cookie, then Accept-Language); the signed-in customer's
// own language is put first by getRequestLocale.
export const remixI18next = new RemixI18Next({
  detection: {
    supportedLanguages: detectableLanguages,
    fallbackLanguage: fallbackLng,
    cookie: localeCookie,
    // No `searchParams`: a `?lng=` link should not switch someone's language without a choice.
    order: ['cookie', 'header'],
  },
  i18next: { ...i18nConfig, supportedLngs: detectableLanguages, resources: serverResources },
})
