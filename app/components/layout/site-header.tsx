import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { type PublicUser } from '#app/lib/user.ts'
import { MainNav } from './main-nav.tsx'
import { OrganisationSwitcher } from './organisation-switcher.tsx'
import { UserMenu } from './user-menu.tsx'

export function SiteHeader({ user }: { user: PublicUser | null }) {
  const { t } = useTranslation()
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link to="/" className="text-lg font-semibold text-slate-900">
          {t('app.name')}
        </Link>
        <MainNav user={user} />
        {user ? (
          <div className="ml-auto flex flex-wrap items-center gap-x-4 gap-y-2">
            {user.kind === 'customer' ? <OrganisationSwitcher /> : null}
            <UserMenu user={user} />
          </div>
        ) : null}
      </div>
    </header>
  )
}
