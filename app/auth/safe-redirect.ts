/**
 * A `redirectTo` from a query string or form is attacker-controlled. Only a path on this site
 * passes: `//evil.example` and `/\evil.example` are read by browsers as other hosts.
 */
export function safeRedirect(
  to: FormDataEntryValue | string | null | undefined,
  fallback: string,
): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//')) return fallback
  if (to.includes('\\')) return fallback
  // Control characters (a newline, a tab) are stripped by URL parsers and can unmask a `//`.
  if (/\p{Cc}/u.test(to)) return fallback
  // A Location header carries bytes, not text: anything past ASCII (`/profil/é`) is sent
  // percent-encoded, as a browser would, instead of failing the answer with a 500. A lone
  // surrogate has no encoding at all.
  if (/\p{Cs}/u.test(to)) return fallback
  return to.replace(/[^\x21-\x7e]/gu, (char) => encodeURIComponent(char))
}
