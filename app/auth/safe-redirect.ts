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
  return to
}
