import { NavLink } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { type StaffRole, userHasRole } from '#app/auth/roles.ts'
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

// Each link shows only to the roles its page admits (the page's guard decides; this only hides).
const staffLinks: { to: string; label: StaffNavLabel; end: boolean; minimumRole: StaffRole }[] = [
  { to: '/staff', label: 'nav.staffWorkspace', end: true, minimumRole: 'agent' },
  { to: '/staff/tickets', label: 'nav.staffTickets', end: false, minimumRole: 'agent' },
  { to: '/staff/metrics', label: 'nav.staffMetrics', end: false, minimumRole: 'supervisor' },
  { to: '/staff/duplicates', label: 'nav.staffDuplicates', end: false, minimumRole: 'supervisor' },
  {
    to: '/staff/canned-replies',
    label: 'nav.staffCannedReplies',
    end: false,
    minimumRole: 'supervisor',
  },
  { to: '/staff/targets', label: 'nav.staffTargets', end: false, minimumRole: 'agent' },
  { to: '/staff/admin', label: 'nav.staffAdmin', end: false, minimumRole: 'admin' },
]
type StaffNavLabel =
  | 'nav.staffWorkspace'
  | 'nav.staffTickets'
  | 'nav.staffMetrics'
  | 'nav.staffDuplicates'
  | 'nav.staffCannedReplies'
  | 'nav.staffTargets'
  | 'nav.staffAdmin'

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
          ? staffLinks
              .filter(({ minimumRole }) => userHasRole(user, minimumRole))
              .map(({ to, label, end }) => (
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
