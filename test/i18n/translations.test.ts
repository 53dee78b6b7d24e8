import { describe, expect, test } from 'vitest'
import { supportedLngs } from '#app/i18n/config.ts'
import { resources } from '#app/i18n/resources.ts'
import {
  flatKeys,
  isKeyUsed,
  isPluralKey,
  keyReferences,
  placeholders,
  pluralBase,
  readLocale,
} from './translation-keys.ts'

// Fails on a key missing in any language, a key English has that no code asks for, and an
// interpolation variable that differs between languages (a translated `{{count}}` shows raw).

const english = readLocale('en')
const otherLanguages = supportedLngs.filter((language) => language !== 'en')

/** What a language must hold for each key of English: plural families follow its own rules. */
function expectedKeys(language: string, englishKeys: Iterable<string>): string[] {
  const categories = new Intl.PluralRules(language).resolvedOptions().pluralCategories
  const expected = new Set<string>()
  for (const key of englishKeys) {
    if (!isPluralKey(key)) expected.add(key)
    else for (const category of categories) expected.add(`${pluralBase(key)}_${category}`)
  }
  return [...expected].sort()
}

test('every language registered in resources.ts has exactly its JSON files', () => {
  for (const language of supportedLngs) {
    expect(Object.keys(resources[language]).sort()).toEqual([...readLocale(language).keys()])
  }
})

describe.each(otherLanguages.map((language) => [language]))('%s', (language) => {
  const translated = readLocale(language)

  test('has every namespace English has', () => {
    expect([...translated.keys()]).toEqual([...english.keys()])
  })

  test.each([...english.keys()].map((namespace) => [namespace]))(
    '%s: the same keys as English, with its own plural forms, none empty',
    (namespace) => {
      const keys = flatKeys(translated.get(namespace) ?? {})
      expect([...keys.keys()].sort()).toEqual(
        expectedKeys(language, flatKeys(english.get(namespace) ?? {}).keys()),
      )
      const empty = [...keys].filter(([, value]) => value.trim() === '').map(([key]) => key)
      expect(empty).toEqual([])
    },
  )

  test.each([...english.keys()].map((namespace) => [namespace]))(
    '%s: the same interpolation variables as English',
    (namespace) => {
      const englishValues = flatKeys(english.get(namespace) ?? {})
      const mismatches: string[] = []
      for (const [key, value] of flatKeys(translated.get(namespace) ?? {})) {
        const source = englishValues.get(key) ?? englishValues.get(`${pluralBase(key)}_other`)
        if (source === undefined) continue
        // A singular form may say "one" instead of showing {{count}}; the others may not.
        const want = placeholders(source).filter(
          (p) => !(key.endsWith('_one') && p === '{{count}}'),
        )
        const got = placeholders(value).filter((p) => !(key.endsWith('_one') && p === '{{count}}'))
        if (JSON.stringify(want) !== JSON.stringify(got)) {
          mismatches.push(`${key}: ${want.join(' ')} ≠ ${got.join(' ')}`)
        }
      }
      expect(mismatches).toEqual([])
    },
  )
})

test('every English key is used by the code', () => {
  const references = keyReferences()
  const nestedText = [...english.values()].map((tree) => JSON.stringify(tree)).join('\n')
  const unused: string[] = []
  for (const [namespace, tree] of english) {
    for (const key of flatKeys(tree).keys()) {
      if (!isKeyUsed(namespace, key, references, nestedText)) unused.push(`${namespace}:${key}`)
    }
  }
  expect(unused).toEqual([])
})
