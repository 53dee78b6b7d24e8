import { type ReactNode } from 'react'
import { type PublicUser } from '#app/lib/user.ts'
import { SiteFooter } from './site-footer.tsx'
import { SiteHeader } from './site-header.tsx'
import { MAIN_CONTENT_ID, SkipLink } from './skip-link.tsx'

export function AppShell({ user, children }: { user: PublicUser | null; children: ReactNode }) {
  return (
    <div className="flex min-h-full flex-col">
      <SkipLink />
      <SiteHeader user={user} />
      {/* tabIndex -1 so the skip link moves focus here, not just the scroll position. */}
      <main
        id={MAIN_CONTENT_ID}
        tabIndex={-1}
        className="mx-auto w-full max-w-5xl flex-1 px-4 py-8 focus:outline-none"
      >
        {children}
      </main>
      <SiteFooter user={user} />
    </div>
  )
}
