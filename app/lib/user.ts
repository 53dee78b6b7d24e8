import { useRouteLoaderData } from '@remix-run/react'
import { type loader as rootLoader } from '#app/root.tsx'

/** What the browser may know about the signed-in person: no ids, no session data. */
export type PublicUser = {
  kind: 'customer' | 'staff'
  displayName: string
  customerNumber: string | null
  staffRole: 'agent' | 'supervisor' | 'admin' | null
  /** IANA zone every time on the page is shown in. */
  timeZone: string
}

/** The signed-in person as the root loader saw them, or null when signed out. */
export function useOptionalUser(): PublicUser | null {
  return useRouteLoaderData<typeof rootLoader>('root')?.user ?? null
}
