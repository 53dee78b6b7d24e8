import { NavLink } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { type PublicUser } from '#app/lib/user.ts'

function navLinkClass({ isActive }: { isActive: boolean }) {
  return [
    'rounded px-2 py-1 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none',
    isActive ? 'font-semibold text-slate-900' : 'text-slate-700',
  ].join(' ')
}

const customerLinks = [
  { to: '/', label: 'nav.overview', end: true },
  { to: '/orders', label: 'nav.orders', end: false },
  { to: '/requests', label: 'nav.requests', end: false },
  { to: '/tickets', label: 'nav.tickets', end: false },
  { to: '/profile', label: 'nav.profile', end: false },
  { to: '/preferences', label: 'nav.preferences', end: false },
  { to: '/history', label: 'nav.history', end: false },
  { to: '/messages', label: 'nav.messages', end: false },
  { to: '/account', label: 'nav.account', end: false },
] as const

const staffLinks = [
  { to: '/staff', label: 'nav.staffWorkspace', end: true },
  { to: '/staff/tickets', label: 'nav.staffTickets', end: false },
  { to: '/staff/targets', label: 'nav.staffTargets', end: false },
] as const

export function MainNav({ user }: { user: PublicUser | null }) {
  const { t } = useTranslation()
  return (
    <nav aria-label={t('nav.label')}>
      <ul className="flex flex-wrap items-center gap-2">
        {user?.kind === 'customer'
          ? customerLinks.map(({ to, label, end }) => (
              <li key={to}>
                <NavLink to={to} end={end} className={navLinkClass}>
                  {t(label)}
                </NavLink>
              </li>
            ))
          : null}
        {user?.kind === 'staff'
          ? staffLinks.map(({ to, label, end }) => (
              <li key={to}>
                <NavLink to={to} end={end} className={navLinkClass}>
                  {t(label)}
                </NavLink>
              </li>
            ))
          : null}
        {user ? null : (
          <li>
            <NavLink to="/login" className={navLinkClass}>
              {t('nav.signIn')}
            </NavLink>
          </li>
        )}
      </ul>
    </nav>
  )
}
