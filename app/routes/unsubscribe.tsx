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
  useActionData,
  useLoaderData,
  useLocation,
  useNavigation,
} from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { verifyUnsubscribeLink } from '#app/consent/unsubscribe-token.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { buttonClass, linkClass } from '#app/components/forms.tsx'
import { getFixedT, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { getConsentDecision, withdrawByLink } from '#db/consent.ts'
import { getDatabase } from '#db/database.ts'
import { NotFoundError } from '#db/errors.ts'

// Unsubscribing without signing in: the signed link is the authority (see
// unsubscribe-token.server.ts). A forged or altered token is refused before any query runs. The
// page shows no personal data, so a forwarded link tells its reader nothing about the customer.
//
// Also takes the RFC 8058 one-click POST (body `List-Unsubscribe=One-Click`); mail providers are
// pointed at /unsubscribe/one-click, which answers it in plain text instead of with this page.

export async function loader({ request }: LoaderFunctionArgs) {
  const target = await verifyUnsubscribeLink(
    await getDatabase(),
    new URL(request.url).searchParams.get('token'),
  )
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'preferences'),
    getFixedT(request, 'common'),
  ])
  if (!target) {
    return data(
      {
        title: tCommon('app.pageTitle', { page: t('unsubscribe.invalidTitle') }),
        link: null,
      },
      { status: 400 },
    )
  }
  const decision = await getConsentDecision(
    await getDatabase(),
    target.customerId,
    target.channel,
    target.topic,
  )
  return data({
    title: tCommon('app.pageTitle', { page: t('unsubscribe.title') }),
    link: {
      channel: target.channel,
      topic: target.topic,
      subscribed: decision === 'granted' || decision === 'pending',
    },
  })
}

export async function action({ request }: ActionFunctionArgs) {
  const target = await verifyUnsubscribeLink(
    await getDatabase(),
    new URL(request.url).searchParams.get('token'),
  )
  if (!target) return data({ done: null }, { status: 400 })
  const form = await request.formData()
  const everything = form.get('intent') === 'all'
  try {
    await withdrawByLink(await getDatabase(), {
      ...target,
      everything,
      language: await getRequestLocale(request),
    })
  } catch (error) {
    // Signed by us for a customer we no longer know: a link that leads nowhere, not a failure.
    if (error instanceof NotFoundError) return data({ done: null }, { status: 400 })
    throw error
  }
  return data({ done: everything ? ('all' as const) : ('one' as const) })
}

// The address holds a working link: no browser or proxy cache may keep this page.
export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store' })

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function UnsubscribeRoute() {
  const { link } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const { search } = useLocation()
  const { t } = useTranslation('preferences')
  // Explicit, so both forms post back to the link with its token whatever Remix's default is.
  const formAction = `/unsubscribe${search}`

  if (!link || (actionData && !actionData.done)) {
    return (
      <section className="mx-auto max-w-prose space-y-4">
        <h1 className="text-3xl font-semibold">{t('unsubscribe.invalidTitle')}</h1>
        <p role="alert">{t('unsubscribe.invalid')}</p>
        <PreferencesHint />
      </section>
    )
  }

  const wording = {
    topic: t(`topics.${link.topic}.inSentence`),
    channel: t(`channelIn.${link.channel}`),
  }
  if (actionData?.done) {
    return (
      <section className="mx-auto max-w-prose space-y-4">
        <h1 className="text-3xl font-semibold">{t('unsubscribe.doneTitle')}</h1>
        <p role="status">
          {actionData.done === 'all' ? t('unsubscribe.doneAll') : t('unsubscribe.doneOne', wording)}
        </p>
        <PreferencesHint />
      </section>
    )
  }

  const busy = navigation.state === 'submitting'
  return (
    <section className="mx-auto max-w-prose space-y-6">
      <h1 className="text-3xl font-semibold">{t('unsubscribe.title')}</h1>
      {link.subscribed ? (
        <Form method="post" action={formAction} className="space-y-3">
          <p>{t('unsubscribe.what', wording)}</p>
          <button type="submit" name="intent" value="one" className={buttonClass} disabled={busy}>
            {t('unsubscribe.one')}
          </button>
        </Form>
      ) : (
        <p>{t('unsubscribe.notSubscribed', wording)}</p>
      )}
      <Form method="post" action={formAction} className="space-y-3 border-t border-slate-200 pt-6">
        <p id="unsubscribe-all-explanation">{t('unsubscribe.allExplanation')}</p>
        <button
          type="submit"
          name="intent"
          value="all"
          aria-describedby="unsubscribe-all-explanation"
          className={buttonClass}
          disabled={busy}
        >
          {t('unsubscribe.all')}
        </button>
      </Form>
      <PreferencesHint />
    </section>
  )
}

function PreferencesHint() {
  const { t } = useTranslation('preferences')
  return (
    <p className="text-slate-700">
      {t('unsubscribe.preferencesHint')}{' '}
      <Link to="/preferences" className={linkClass}>
        {t('unsubscribe.preferencesLink')}
      </Link>
    </p>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
