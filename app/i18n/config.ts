import { type InitOptions } from 'i18next'

// Adding a language: put its JSON files in app/locales/<lng>/, import them in resources.ts,
// and add the code here. Nothing else needs to change.
export const supportedLngs = ['en', 'de', 'es'] as const
export type SupportedLanguage = (typeof supportedLngs)[number]

export const fallbackLng: SupportedLanguage = 'en'
export const defaultNS = 'common'

export function isSupportedLanguage(value: string): value is SupportedLanguage {
  return (supportedLngs as readonly string[]).includes(value)
}

/** Shared by the server render, server-side `t` in loaders, and the browser. */
export const i18nConfig = {
  supportedLngs: [...supportedLngs],
  fallbackLng,
  defaultNS,
  // React already escapes what it renders; escaping again would show `&amp;` to users.
  interpolation: { escapeValue: false },
} satisfies InitOptions
