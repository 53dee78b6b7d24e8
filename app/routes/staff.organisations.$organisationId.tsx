import { parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireStaff } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { Notice } from '#app/components/forms.tsx'
import { OrganisationDetailsSchema } from '#app/components/organisations/schemas.ts'
import {
  type OrganisationDetailsConflict,
  OrganisationDetailsSection,
  OrganisationHistorySection,
  OrganisationItemsSections,
  OrganisationPeopleSection,
} from '#app/components/staff/organisation-360.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { notFound, orNotFound } from '#app/lib/http.server.ts'
import { getDatabase } from '#db/database.ts'
import { VersionConflictError } from '#db/errors.ts'
import { isUuid } from '#db/ids.ts'
import {
  getOrganisationOverview,
  listOrganisationHistory,
  type VersionedOrganisationDetails,
} from '#db/organisations.ts'
import { correctOrganisationDetails, listOrganisationItems } from '#db/staff-organisations.ts'

// An organisation's record for staff (any role): the same record its owners see, plus every
// order, request and ticket that belongs to it whatever its visibility, and its history with
// who did what. Staff correct the details here; the change goes to the organisation's history
// with the staff member as actor. There is no organisation equivalent of the customers' "who
// looked at my record" log, so opening this page is not logged.

const ITEMS_SHOWN = 50
const HISTORY_PAGE_SIZE = 25

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { headers } = await requireStaff(request, 'agent')
  const organisationId = params.organisationId ?? ''
  if (!isUuid(organisationId)) throw notFound()
  const db = await getDatabase()
  const historyAfter = new URL(request.url).searchParams.get('historyAfter')
  const [organisation, items, history, t, tCommon] = await Promise.all([
    getOrganisationOverview(db, organisationId),
    listOrganisationItems(db, organisationId, { limit: ITEMS_SHOWN }),
    listOrganisationHistory(db, organisationId, {
      after: historyAfter,
      limit: HISTORY_PAGE_SIZE,
    }),
    getFixedT(request, 'staff'),
    getFixedT(request, 'common'),
  ])
  if (!organisation) throw notFound()
  return data(
    {
      title: tCommon('app.pageTitle', {
        page: t('organisationRecord.pageTitle', { name: organisation.name }),
      }),
      organisation: {
        id: organisation.id,
        customerNumber: organisation.customerNumber,
        name: organisation.name,
        legalName: organisation.legalName,
        registrationNumber: organisation.registrationNumber,
        defaultVisibility: organisation.defaultVisibility,
        version: organisation.version,
      },
      addresses: organisation.addresses,
      members: organisation.members,
      items,
      history: history.items,
      historyNext: history.nextCursor,
    },
    { headers },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'agent')
  const organisationId = params.organisationId ?? ''
  if (!isUuid(organisationId)) throw notFound()
  const db = await getDatabase()
  const form = await request.formData()
  const submission = parseWithZod(form, { schema: OrganisationDetailsSchema })
  if (submission.status !== 'success') {
    return data({ result: submission.reply(), conflict: null }, { status: 400, headers })
  }
  const { version, name, legalName, registrationNumber } = submission.value
  const changes = { name, legalName, registrationNumber }
  try {
    const changed = await orNotFound(() =>
      correctOrganisationDetails(db, {
        organisationId,
        expectedVersion: version,
        changes,
        staffAccountId: user.id,
      }),
    )
    return redirect(
      `/staff/organisations/${organisationId}?saved=${changed ? 'details' : 'unchanged'}`,
      { headers },
    )
  } catch (error) {
    if (error instanceof VersionConflictError) {
      const { current } = error as VersionConflictError<VersionedOrganisationDetails>
      const conflict: OrganisationDetailsConflict = {
        current,
        mine: changes,
        expectedVersion: version,
      }
      return data({ result: null, conflict }, { status: 409, headers })
    }
    throw error
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function StaffOrganisationRoute() {
  const loaded = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('staff')
  const { organisation } = loaded
  const saved = searchParams.get('saved')
  return (
    <div className="space-y-8">
      <header className="space-y-1">
        <h1 className="text-3xl font-semibold">
          {t('organisationRecord.heading', { name: organisation.name })}
        </h1>
        <p className="text-slate-700">
          {t('organisationRecord.customerNumber', { number: organisation.customerNumber })}
        </p>
        <p className="text-slate-700">
          {t(`organisationRecord.defaultVisibility.${organisation.defaultVisibility}`)}
        </p>
      </header>
      {saved === 'details' ? <Notice>{t('organisationRecord.correct.saved')}</Notice> : null}
      {saved === 'unchanged' ? <Notice>{t('organisationRecord.correct.unchanged')}</Notice> : null}
      <OrganisationDetailsSection
        organisation={organisation}
        addresses={loaded.addresses}
        lastResult={actionData?.result ?? null}
        conflict={actionData?.conflict ?? null}
      />
      <OrganisationPeopleSection members={loaded.members} />
      <OrganisationItemsSections
        orders={loaded.items.orders}
        requests={loaded.items.requests}
        tickets={loaded.items.tickets}
        limit={ITEMS_SHOWN}
      />
      <OrganisationHistorySection
        organisationId={organisation.id}
        entries={loaded.history}
        nextCursor={loaded.historyNext}
      />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
