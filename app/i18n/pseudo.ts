// A pseudo-locale for testing, never offered to users: every translated string comes out
// accented, about a third longer and bracketed (`Sign in` → `⟦Śîĝñ îñ ·····⟧`). A page shown in
// it reveals text that bypassed i18next (it stays plain ASCII) and layouts that break when a
// language runs longer than English. Placeholders, nestings and markup stay intact.

export const PSEUDO_LOCALE = 'en-XA'

const PLAIN = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ']
const FANCY = [...'àƀçðéƒĝĥîĵķļɱñöþǫŕśţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ']
const ACCENTED = new Map(PLAIN.map((char, index) => [char, FANCY[index] ?? char]))

// {{variable}}, $t(nested.key) and <1>markup</1> must reach i18next and React unchanged.
const UNTOUCHED = /(\{\{[^}]*\}\}|\$t\([^)]*\)|<\/?[^>]*>)/

export function pseudoLocalizeText(text: string): string {
  const accented = text
    .split(UNTOUCHED)
    .map((part, index) =>
      index % 2 === 1 ? part : [...part].map((char) => ACCENTED.get(char) ?? char).join(''),
    )
    .join('')
  const padding = '·'.repeat(Math.max(1, Math.ceil(text.length * 0.35)))
  return `⟦${accented} ${padding}⟧`
}

type Tree = { [key: string]: string | Tree }

export function pseudoLocalize<T extends object>(tree: T): T {
  const out: Tree = {}
  for (const [key, value] of Object.entries(tree as Tree)) {
    out[key] = typeof value === 'string' ? pseudoLocalizeText(value) : pseudoLocalize(value)
  }
  return out as T
}
