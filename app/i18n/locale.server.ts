import { getOptionalUser } from '#app/auth/session.server.ts'
import { forgetPerRequest, oncePerRequest } from '#app/lib/request-scope.server.ts'
import { isSupportedLanguage } from './config.ts'
import { remixI18next } from './detection.server.ts'
import { PSEUDO_LOCALE } from './pseudo.ts'
import { pseudoLocaleEnabled } from './server-resources.server.ts'

/**
 * The language a response is written in: the signed-in customer's own choice first (it follows
 * them to any browser), then the switcher's cookie, then the browser's Accept-Language, then
 * English. Asked by the root loader, route loaders and actions, and the document render of one
 * request; the session lookup behind it is the one the guards already made.
 */
export function getRequestLocale(request: Request): Promise<string> {
  return oncePerRequest('locale', async () => {
    if (pseudoLocaleEnabled) {
      const detected = await remixI18next.getLocale(request)
      if (detected === PSEUDO_LOCALE) return detected
    }
    // Only a preference: when the session cannot be read (the database is down), the page is
    // still written in the browser's language, and the route itself reports the failure.
    const { user } = await getOptionalUser(request).catch(() => ({ user: null }))
    if (user?.language && isSupportedLanguage(user.language)) return user.language
    // Detection only ever answers a language it was given (or the pseudo-locale when enabled).
    return remixI18next.getLocale(request)
  })
}

/** After an action changed the customer's language, the rest of the request must not reuse it. */
export function forgetRequestLocale(): void {
  forgetPerRequest('locale')
}
