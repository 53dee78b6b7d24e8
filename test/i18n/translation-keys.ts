import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

// Static reading of the source for which translation keys it asks for. A key counts as used
// when the code holds it as a string literal (with or without its namespace, or as the base of
// a plural family), when a template literal whose fixed parts spell it (`status.${status}`)
// could produce it, or when another translation nests it with $t(). Templates made mostly of
// expressions are ignored: they would match every key and hide real leftovers.

const root = path.resolve(import.meta.dirname, '../..')
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) {
      if (name !== 'locales') sourceFiles(full, out)
    } else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(full)
  }
  return out
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export function keyReferences(): { literals: Set<string>; templates: RegExp[] } {
  const literals = new Set<string>()
  const templates: RegExp[] = []
  for (const file of [
    ...sourceFiles(path.join(root, 'app')),
    ...sourceFiles(path.join(root, 'db')),
  ]) {
    const source = readFileSync(file, 'utf8')
    for (const match of source.matchAll(/'([^'\n\\]*)'|"([^"\n\\]*)"/g)) {
      literals.add(match[1] ?? match[2] ?? '')
    }
    for (const match of source.matchAll(/`([^`]*)`/g)) {
      const text = match[1] ?? ''
      if (!text.includes('${')) {
        literals.add(text)
        continue
      }
      const parts = text.split(/\$\{[^}]*\}/)
      const fixed = parts.join('').replace(/[^A-Za-z]/g, '')
      if (fixed.length >= 3 && parts.every((part) => /^[A-Za-z_.:-]*$/.test(part))) {
        templates.push(new RegExp(`^${parts.map(escapeRegExp).join('.+')}$`))
      }
    }
  }
  return { literals, templates }
}

export type Translations = Record<string, unknown>

export function flatKeys(tree: Translations, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree)) {
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of flatKeys(value as Translations, `${prefix}${key}.`)) out.set(k, v)
    } else out.set(`${prefix}${key}`, String(value))
  }
  return out
}

export function pluralBase(key: string): string {
  return key.replace(PLURAL_SUFFIX, '')
}

export function isPluralKey(key: string): boolean {
  return PLURAL_SUFFIX.test(key)
}

/** `{{name}}` variables (with any format after a comma) and `$t(...)` nestings, sorted. */
export function placeholders(value: string): string[] {
  const variables = [...value.matchAll(/\{\{\s*([^},\s]+)[^}]*\}\}/g)].map((m) => `{{${m[1]}}}`)
  const nestings = [...value.matchAll(/\$t\(([^),]+)/g)].map((m) => `$t(${m[1]})`)
  return [...variables, ...nestings].sort()
}

export function isKeyUsed(
  namespace: string,
  key: string,
  references: { literals: Set<string>; templates: RegExp[] },
  nestedText: string,
): boolean {
  const base = pluralBase(key)
  const candidates = [key, base, `${namespace}:${key}`, `${namespace}:${base}`]
  if (candidates.some((c) => references.literals.has(c))) return true
  if (candidates.some((c) => references.templates.some((re) => re.test(c)))) return true
  return [`$t(${namespace}:${base}`, `$t(${base}`].some((nest) => nestedText.includes(nest))
}

export function readLocale(language: string): Map<string, Translations> {
  const dir = path.join(root, 'app/locales', language)
  const out = new Map<string, Translations>()
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    out.set(
      file.replace(/\.json$/, ''),
      JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Translations,
    )
  }
  return out
}
