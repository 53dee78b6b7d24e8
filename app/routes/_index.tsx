import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { type PublicUser, useOptionalUser } from '#app/lib/user.ts'

// No loader: the root loader already knows who is signed in, and this page shows nothing more.

export default function Index() {
  const user = useOptionalUser()
  if (!user) return <SignedOutWelcome />
  if (user.kind === 'staff') return <StaffWelcome user={user} />
  return <CustomerWelcome user={user} />
}

function SignedOutWelcome() {
  const { t } = useTranslation()
  return (
    <section className="max-w-prose space-y-4">
      <h1 className="text-3xl font-semibold">{t('home.welcomeTitle')}</h1>
      <p>{t('home.welcomeIntro')}</p>
      <ul className="list-disc space-y-1 pl-6">
        <li>{t('home.welcomeFeatures.account')}</li>
        <li>{t('home.welcomeFeatures.requests')}</li>
        <li>{t('home.welcomeFeatures.contact')}</li>
      </ul>
      <p>
        <Link
          to="/login"
          className="inline-block rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:ring-offset-2 focus-visible:outline-none"
        >
          {t('home.signInCta')}
        </Link>
      </p>
    </section>
  )
}

function CustomerWelcome({ user }: { user: PublicUser }) {
  const { t } = useTranslation()
  return (
    <section className="space-y-2">
      <h1 className="text-3xl font-semibold">
        {t('home.customerGreeting', { name: user.displayName })}
      </h1>
      {user.customerNumber ? (
        <p className="text-slate-700">
          {t('home.customerNumber', { number: user.customerNumber })}
        </p>
      ) : null}
    </section>
  )
}

function StaffWelcome({ user }: { user: PublicUser }) {
  const { t } = useTranslation()
  return (
    <section className="space-y-4">
      <h1 className="text-3xl font-semibold">
        {t('home.staffGreeting', { name: user.displayName })}
      </h1>
      <p>
        <Link to="/staff" className="text-blue-700 underline hover:text-blue-900">
          {t('home.staffCta')}
        </Link>
      </p>
    </section>
  )
}
