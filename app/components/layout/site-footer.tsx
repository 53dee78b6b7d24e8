import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { type PublicUser } from '#app/lib/user.ts'
import { LanguageSwitcher } from './language-switcher.tsx'

export function SiteFooter({ user }: { user: PublicUser | null }) {
  const { t } = useTranslation()
  return (
    <footer className="border-t border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-2 px-4 py-4 text-sm text-slate-600">
        <p>{t('footer.tagline')}</p>
        <LanguageSwitcher />
        {user ? null : (
          <Link to="/staff/login" className="underline hover:text-slate-900">
            {t('footer.staffSignIn')}
          </Link>
        )}
      </div>
    </footer>
  )
}
