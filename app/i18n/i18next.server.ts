import {
  createInstance,
  type FlatNamespace,
  type i18n as I18n,
  type Namespace,
  type TFunction,
} from 'i18next'
import { initReactI18next } from 'react-i18next'
import { fallbackLng, i18nConfig } from './config.ts'
import { localeCookie, remixI18next } from './detection.server.ts'
import { getRequestLocale } from './locale.server.ts'
import { namespaces } from './resources.ts'
import { detectableLanguages, serverResources } from './server-resources.server.ts'

export { getRequestLocale, localeCookie, remixI18next }

// One i18next instance per language, initialised once and shared by every request in that
// language: its language never changes after init, so concurrent requests cannot disturb each
// other. (remix-i18next's own getFixedT creates and initialises a new instance on every call,
// which is why nothing here uses it.)
const instances = new Map<string, Promise<I18n>>()

function languageOf(locale: string): string {
  return detectableLanguages.includes(locale) ? locale : fallbackLng
}

function instanceFor(language: string): Promise<I18n> {
  let instance = instances.get(language)
  if (!instance) {
    const created = createInstance()
    instance = created
      .use(initReactI18next)
      .init({
        ...i18nConfig,
        supportedLngs: detectableLanguages,
        resources: serverResources,
        ns: namespaces,
        lng: language,
      })
      .then(() => created)
    instances.set(language, instance)
  }
  return instance
}

/** A `t` in a given language (a customer's for their mail), English for one we do not offer. */
export async function getFixedTFor<const N extends Namespace>(
  locale: string,
  ns: N,
): Promise<TFunction<N>> {
  const language = languageOf(locale)
  return (await instanceFor(language)).getFixedT(language, ns)
}

/** A `t` for loaders and actions (page titles, flash messages), in the reader's language. */
export async function getFixedT<N extends FlatNamespace>(request: Request, ns: N) {
  return getFixedTFor(await getRequestLocale(request), ns)
}

/** The instance a page in this language is rendered with (shared; see above). */
export function renderI18nFor(locale: string): Promise<I18n> {
  return instanceFor(languageOf(locale))
}
