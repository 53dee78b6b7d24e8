import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { linkClass } from '#app/components/forms.tsx'
import { EmptyState } from '#app/components/ui/empty-state.tsx'
import { KeysetPager } from '#app/components/ui/keyset-pager.tsx'
import { StatusBadge, type StatusTone } from '#app/components/ui/status-badge.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { useFormat } from '#app/lib/use-format.ts'
import { getDatabase } from '#db/database.ts'
import { type CustomerDelivery, listCustomerDeliveries } from '#db/notifications.ts'

// "Messages we sent you": every message the notification worker sent the customer, and every
// one it decided not to send, with the reason. The page takes no ids, only a keyset cursor
// (a cursor that does not decode shows the first page).

const PAGE_SIZE = 25

/** The refusals the page explains; anything else reads as a plain "not sent". */
const REFUSALS = [
  'not_allowed',
  'no_contact_details',
  'channel_not_automated',
  'customer_closed',
] as const
type Refusal = (typeof REFUSALS)[number] | 'fallback'

function refusalOf(reason: string | null): Refusal {
  return REFUSALS.find((known) => known === reason) ?? 'fallback'
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const url = new URL(request.url)
  const [page, t, tCommon] = await Promise.all([
    listCustomerDeliveries(await getDatabase(), user.customerId, {
      after: url.searchParams.get('after'),
      limit: PAGE_SIZE,
    }),
    getFixedT(request, 'messages'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('title') }),
      messages: page.items.map(({ reason, ...item }) => ({
        ...item,
        refusal: item.outcome === 'refused' ? refusalOf(reason) : null,
      })),
      nextCursor: page.nextCursor,
      olderPage: url.searchParams.has('after'),
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function MessagesRoute() {
  const { messages, nextCursor, olderPage } = useLoaderData<typeof loader>()
  const { t } = useTranslation('messages')

  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('title')}</h1>
        <p className="max-w-prose text-slate-700">{t('intro')}</p>
        <p>
          <Link to="/preferences" className={linkClass}>
            {t('preferencesLink')}
          </Link>
        </p>
      </header>

      {messages.length > 0 ? (
        <ol aria-label={t('listLabel')} className="space-y-3">
          {messages.map((message) => (
            <MessageItem key={message.id} message={message} />
          ))}
        </ol>
      ) : (
        <EmptyState title={olderPage ? t('empty.olderTitle') : t('empty.title')}>
          {olderPage ? null : t('empty.body')}
        </EmptyState>
      )}

      <KeysetPager
        nextCursor={nextCursor}
        label={t('pager.label')}
        olderLabel={t('pager.older')}
        newestLabel={t('pager.newest')}
      />
    </div>
  )
}

type MessageView = Omit<CustomerDelivery, 'reason' | 'createdAt'> & {
  createdAt: Date | string
  refusal: Refusal | null
}

const entityPath = { order: '/orders/', request: '/requests/', ticket: '/tickets/' } as const

function MessageItem({ message }: { message: MessageView }) {
  const { t } = useTranslation(['messages', 'preferences'])
  const { dateTime } = useFormat()
  const createdAt = new Date(message.createdAt)
  const topic = t(`preferences:topics.${message.topic}.name`)
  const outcome: { tone: StatusTone; label: string } =
    message.outcome === 'sent'
      ? { tone: 'success', label: t('messages:outcome.sent') }
      : message.outcome === 'failed'
        ? { tone: 'problem', label: t('messages:outcome.failed') }
        : { tone: 'neutral', label: t(`messages:outcome.refused.${message.refusal ?? 'fallback'}`) }

  return (
    <li className="rounded border border-slate-200 bg-white p-3">
      <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-[8rem_1fr]">
        <dt className="text-sm text-slate-600">{t('messages:columns.why')}</dt>
        <dd>
          <span className="font-medium">{message.subject ?? topic}</span>
          {message.subject ? <span className="text-slate-600"> · {topic}</span> : null}
          {message.link ? (
            <>
              {' · '}
              <Link
                to={`${entityPath[message.link.entityType]}${message.link.number}`}
                className={linkClass}
              >
                {t(`messages:open.${message.link.entityType}`, { number: message.link.number })}
              </Link>
            </>
          ) : null}
        </dd>
        <dt className="text-sm text-slate-600">{t('messages:columns.when')}</dt>
        <dd>
          <time dateTime={createdAt.toISOString()}>{dateTime(createdAt)}</time>
        </dd>
        <dt className="text-sm text-slate-600">{t('messages:columns.channel')}</dt>
        <dd>{t(`messages:channels.${message.channel ?? 'none'}`)}</dd>
        <dt className="text-sm text-slate-600">{t('messages:columns.outcome')}</dt>
        <dd>
          <StatusBadge tone={outcome.tone}>{outcome.label}</StatusBadge>
        </dd>
      </dl>
    </li>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
