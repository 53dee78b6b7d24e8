import {
  type ActionFunctionArgs,
  data,
  type HeadersFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import {
  Form,
  Link,
  type ShouldRevalidateFunction,
  useActionData,
  useLoaderData,
  useNavigation,
} from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { buttonClass, linkClass } from '#app/components/forms.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { confirmConsent, previewConsentConfirmation } from '#db/consent.ts'
import { getDatabase } from '#db/database.ts'

// The double opt-in link. No sign-in: the emailed one-time token is the authority. Opening the
// link only shows a button; the yes is recorded by the POST, so a mail scanner that fetches
// every link cannot confirm on the customer's behalf.

const TokenSchema = z.string().min(1).max(200)

export async function loader({ request }: LoaderFunctionArgs) {
  const token = TokenSchema.safeParse(new URL(request.url).searchParams.get('token'))
  const preview = token.success
    ? await previewConsentConfirmation(await getDatabase(), token.data)
    : ({ status: 'invalid' } as const)
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'preferences'),
    getFixedT(request, 'common'),
  ])
  const titles = {
    usable: t('confirm.title'),
    confirmed: t('confirm.doneTitle'),
    stale: t('confirm.staleTitle'),
    invalid: t('confirm.invalidTitle'),
  }
  return data(
    {
      title: tCommon('app.pageTitle', { page: titles[preview.status] }),
      preview,
      token: preview.status === 'usable' && token.success ? token.data : null,
    },
    { status: preview.status === 'invalid' ? 400 : 200 },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const token = TokenSchema.safeParse(new URL(request.url).searchParams.get('token'))
  if (!token.success) return data({ outcome: { status: 'invalid' as const } }, { status: 400 })
  const db = await getDatabase()
  const outcome = await confirmConsent(db, token.data)
  if (outcome.status === 'stale') return data({ outcome }, { status: 409 })
  // A second press (or a reload that posts again) finds the token used and confirms nothing
  // more; the preview says whether the yes stands.
  const result =
    outcome.status === 'confirmed' ? outcome : await previewConsentConfirmation(db, token.data)
  if (result.status !== 'confirmed') {
    return data({ outcome: { status: 'invalid' as const } }, { status: 400 })
  }
  const { channel, topic } = result
  // Explicit: a status given by the action wins over the loaders' on a document POST.
  return data({ outcome: { status: 'confirmed' as const, channel, topic } }, { status: 200 })
}

// After the POST, the action's answer is the page: reloading the loader would only repeat it.
export const shouldRevalidate: ShouldRevalidateFunction = ({
  formMethod,
  defaultShouldRevalidate,
}) => (formMethod === 'POST' ? false : defaultShouldRevalidate)

// The address holds a working one-time link: no browser or proxy cache may keep this page.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function ConsentConfirmRoute() {
  const { preview, token } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('preferences')
  const state = actionData?.outcome ?? preview

  if (state.status === 'invalid' || state.status === 'stale') {
    const invalid = state.status === 'invalid'
    return (
      <section className="mx-auto max-w-prose space-y-4">
        <h1 className="text-3xl font-semibold">
          {invalid ? t('confirm.invalidTitle') : t('confirm.staleTitle')}
        </h1>
        <p role={actionData ? 'alert' : undefined}>
          {invalid ? t('confirm.invalid') : t('confirm.stale')}
        </p>
        <PreferencesLink />
      </section>
    )
  }

  const wording = {
    topic: t(`topics.${state.topic}.inSentence`),
    channel: t(`channelIn.${state.channel}`),
  }
  if (state.status === 'confirmed') {
    return (
      <section className="mx-auto max-w-prose space-y-4">
        <h1 className="text-3xl font-semibold">{t('confirm.doneTitle')}</h1>
        <p role="status">{t('confirm.done', wording)}</p>
        <PreferencesLink />
      </section>
    )
  }

  return (
    <section className="mx-auto max-w-prose space-y-4">
      <h1 className="text-3xl font-semibold">{t('confirm.title')}</h1>
      <p>{t('confirm.question', wording)}</p>
      <Form
        method="post"
        action={`/consent/confirm?${new URLSearchParams({ token: token ?? '' })}`}
      >
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t('confirm.button')}
        </button>
      </Form>
    </section>
  )
}

function PreferencesLink() {
  const { t } = useTranslation('preferences')
  return (
    <p>
      <Link to="/preferences" className={linkClass}>
        {t('confirm.preferencesLink')}
      </Link>
    </p>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
