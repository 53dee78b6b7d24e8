import { useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Notice } from '#app/components/forms.tsx'

// Shown once on the start page after a new account is ready: the sign-up link was confirmed
// (`/?welcome=verified`) or an invitation was claimed (`/?welcome=claimed`).
const WELCOMES = ['verified', 'claimed'] as const

export function WelcomeNotice() {
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('auth')
  const welcome = WELCOMES.find((value) => value === searchParams.get('welcome'))
  if (!welcome) return null
  return <Notice>{welcome === 'verified' ? t('welcome.verified') : t('welcome.claimed')}</Notice>
}
