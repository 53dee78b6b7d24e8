import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requireStaff } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { MergePairList } from '#app/components/staff/merge-pairs.tsx'
import { EmptyState } from '#app/components/ui/empty-state.tsx'
import { KeysetPager } from '#app/components/ui/keyset-pager.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { listDuplicateCandidates } from '#db/customer-duplicates.ts'
import { getDatabase } from '#db/database.ts'

const PAGE_SIZE = 25

// A list is a link anyone can edit: a bad cursor means the first page, never an error.
const QuerySchema = z.object({ after: z.string().max(200).optional().catch(undefined) })

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireStaff(request, 'supervisor')
  const query = QuerySchema.parse({
    after: new URL(request.url).searchParams.get('after') ?? undefined,
  })
  const page = await listDuplicateCandidates(await getDatabase(), {
    after: query.after,
    limit: PAGE_SIZE,
  })
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'merge'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('list.title') }),
      pairs: page.items,
      nextCursor: page.nextCursor,
    },
    { headers },
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function StaffDuplicatesRoute() {
  const { pairs, nextCursor } = useLoaderData<typeof loader>()
  const { t } = useTranslation('merge')
  return (
    <section className="space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('list.title')}</h1>
        <p className="text-slate-700">{t('list.intro')}</p>
      </header>
      {pairs.length === 0 ? (
        <EmptyState title={t(nextCursor ? 'list.noneHere' : 'list.none')}>
          {nextCursor ? t('list.lookFurther') : null}
        </EmptyState>
      ) : (
        <MergePairList pairs={pairs} />
      )}
      <KeysetPager
        nextCursor={nextCursor}
        label={t('list.pages')}
        olderLabel={t('list.more')}
        newestLabel={t('list.first')}
      />
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
