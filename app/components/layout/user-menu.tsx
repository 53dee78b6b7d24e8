import { useTranslation } from 'react-i18next'
import { type PublicUser } from '#app/lib/user.ts'

export function UserMenu({ user }: { user: PublicUser }) {
  const { t } = useTranslation()
  return (
    <div className="flex items-center gap-3 text-sm">
      <span className="text-slate-700">{t('nav.signedInAs', { name: user.displayName })}</span>
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
