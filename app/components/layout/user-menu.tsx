import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { type PublicUser } from '#app/lib/user.ts'

export function UserMenu({ user }: { user: PublicUser }) {
  const { t } = useTranslation()
  const { t: tAccount } = useTranslation('account')
  const { t: tSecurity } = useTranslation('security')
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <span className="text-slate-700">{t('nav.signedInAs', { name: user.displayName })}</span>
      {/* Customers reach it from /account; staff have no account page, so it is here for them. */}
      {user.kind === 'staff' ? (
        <>
          <Link to="/staff/password" className="text-blue-700 underline hover:text-blue-900">
            {tAccount('password.link')}
          </Link>
          <Link to="/staff/security" className="text-blue-700 underline hover:text-blue-900">
            {tSecurity('settings.title')}
          </Link>
        </>
      ) : null}
      {/* A plain form, not Remix's <Form>: signing out must work before or without JavaScript. */}
      <form method="post" action="/logout">
        <button
          type="submit"
          className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none"
        >
          {t('nav.signOut')}
        </button>
      </form>
    </div>
  )
}
