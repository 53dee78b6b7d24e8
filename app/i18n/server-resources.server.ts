import { supportedLngs } from './config.ts'
import { PSEUDO_LOCALE, pseudoLocalize } from './pseudo.ts'
import { resources } from './resources.ts'

// The pseudo-locale exists only on a server started with PSEUDO_LOCALE=1 (the e2e run that
// hunts untranslated text); a production server never answers in it.
export const pseudoLocaleEnabled = process.env.PSEUDO_LOCALE === '1'

// Typed as plain objects: other languages lag English while keys are added, and i18next falls
// back to English for any key a language does not have yet.
export const serverResources: Record<string, Record<string, object>> = pseudoLocaleEnabled
  ? { ...resources, [PSEUDO_LOCALE]: pseudoLocalize(resources.en) }
  : resources

export const detectableLanguages: string[] = pseudoLocaleEnabled
  ? [...supportedLngs, PSEUDO_LOCALE]
  : [...supportedLngs]
