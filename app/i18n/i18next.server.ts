import { createCookie } from '@remix-run/node'
import { createInstance, type FlatNamespace } from 'i18next'
import { initReactI18next } from 'react-i18next'
import { RemixI18Next } from 'remix-i18next/server'
import { fallbackLng, i18nConfig, supportedLngs } from './config.ts'
import { namespaces, resources } from './resources.ts'

/** Holds an explicit language choice; it wins over the browser's Accept-Language. */
export const localeCookie = createCookie('lng', {
  path: '/',
  httpOnly: true,
  sameSite: 'lax',
  secure: process.env.NODE_ENV === 'production',
  maxAge: 60 * 60 * 24 * 365,
})

export const remixI18next = new RemixI18Next({
  detection: {
    supportedLanguages: [...supportedLngs],
    fallbackLanguage: fallbackLng,
    cookie: localeCookie,
    // No `searchParams`: a `?lng=` link should not switch someone's language without a choice.
    order: ['cookie', 'header'],
  },
  i18next: { ...i18nConfig, resources },
})

/** A `t` for loaders and actions (page titles, flash messages, emails). */
export function getFixedT<N extends FlatNamespace>(request: Request, ns: N) {
  return remixI18next.getFixedT(request, ns)
}

/** A fresh instance per server render, so concurrent requests never share a language. */
export async function createRenderI18n(locale: string) {
  const instance = createInstance()
  await instance.use(initReactI18next).init({
    ...i18nConfig,
    resources,
    ns: namespaces,
    lng: locale,
  })
  return instance
}
