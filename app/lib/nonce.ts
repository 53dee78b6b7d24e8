import { createContext, useContext } from 'react'

// The per-request nonce of the Content-Security-Policy, handed from entry.server to the root's
// <Scripts> and <ScrollRestoration>. A context rather than root loader data: loader data is
// serialised into the page, and a nonce must never be readable by the page's own scripts.
// In the browser it stays undefined; those components suppress the hydration warning.
const NonceContext = createContext<string | undefined>(undefined)

export const NonceProvider = NonceContext.Provider

export function useNonce(): string | undefined {
  return useContext(NonceContext)
}
