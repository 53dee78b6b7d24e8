import { AsyncLocalStorage } from 'node:async_hooks'

// Values computed once per HTTP request and shared by every loader, guard and action that runs
// for it. Remix gives each loader its own copy of the Request, so the Request object itself
// cannot be the key; our Express server enters a scope per request instead.

type Scope = Map<string, unknown>

// On globalThis: server.ts and the Remix server build each load their own copy of this module.
const storageKey = Symbol.for('cmr-portal.request-scope')
const scopes = ((globalThis as Record<symbol, unknown>)[storageKey] ??=
  new AsyncLocalStorage<Scope>()) as AsyncLocalStorage<Scope>

export function runInRequestScope<T>(work: () => T): T {
  return scopes.run(new Map(), work)
}

/**
 * The value stored under `key` for the current request, computing it on first use. Outside a
 * request scope (tests calling loaders directly) it is computed every time.
 */
export function oncePerRequest<T>(key: string, compute: () => T): T {
  const scope = scopes.getStore()
  if (!scope) return compute()
  if (!scope.has(key)) scope.set(key, compute())
  return scope.get(key) as T
}

/** Drops values whose key starts with `prefix`, after an action changed what they were based on. */
export function forgetPerRequest(prefix: string): void {
  const scope = scopes.getStore()
  if (!scope) return
  for (const key of [...scope.keys()]) if (key.startsWith(prefix)) scope.delete(key)
}
