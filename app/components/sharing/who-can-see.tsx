import { getFormProps, type SubmissionResult, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod'
import { Form, useNavigation } from '@remix-run/react'
import { type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import { buttonClass, FormAlert } from '#app/components/forms.tsx'
// Type-only: erased from the browser bundle.
import type { Colleague, ItemSharing } from '#db/item-shares.ts'
import { SharingFieldset, submittedSharing } from './sharing-fieldset.tsx'
import { SharingSchema } from './sharing-schema.ts'

// The detail page's "who can see this" panel: who sees the item now, and for the person who
// opened an organisation's item a form (intent=sharing) to change it. Others see no form: the
// action answers them 403.

export interface WhoCanSeeProps {
  sharing: ItemSharing
  /** The item's organisation; null for a personal item (only its owner sees it). */
  organisationName: string | null
  /** Who opened it; null when that is the viewer. */
  openerName: string | null
  /** The viewer opened it and it belongs to an organisation. */
  canChange: boolean
  /** The organisation's other current members (only needed when canChange). */
  colleagues?: readonly Colleague[]
  /** The last answer to intent=sharing, if that was the form sent. */
  lastResult?: SubmissionResult<string[]> | null
  /** Extra lines under the summary (orders: owners and billing contacts see them too). */
  children?: ReactNode
}

function Summary({
  sharing,
  organisationName,
  openerName,
}: Pick<WhoCanSeeProps, 'sharing' | 'organisationName' | 'openerName'>) {
  const { t } = useTranslation('sharing')
  if (organisationName === null) return <p>{t('panel.personal')}</p>
  const who = openerName === null ? 'you' : 'other'
  if (sharing.visibility === 'organisation') {
    return <p>{t('panel.organisation', { organisation: organisationName })}</p>
  }
  if (sharing.visibility === 'private') {
    return <p>{t(`panel.private.${who}`, { name: openerName ?? '' })}</p>
  }
  return (
    <>
      <p>{t(`panel.named.${who}`, { name: openerName ?? '' })}</p>
      <ul className="list-disc pl-6">
        {sharing.sharedWith.map((colleague) => (
          <li key={colleague.customerId}>{colleague.name}</li>
        ))}
      </ul>
    </>
  )
}

export function WhoCanSee({
  sharing,
  organisationName,
  openerName,
  canChange,
  colleagues = [],
  lastResult,
  children,
}: WhoCanSeeProps) {
  const { t } = useTranslation('sharing')
  return (
    <section
      aria-labelledby="who-can-see-title"
      className="space-y-3 rounded border border-slate-200 p-4"
    >
      <h2 id="who-can-see-title" className="text-xl font-semibold">
        {t('panel.title')}
      </h2>
      <Summary sharing={sharing} organisationName={organisationName} openerName={openerName} />
      {children}
      {organisationName !== null && !canChange && openerName !== null ? (
        <p className="text-sm text-slate-600">{t('panel.onlyOpener', { name: openerName })}</p>
      ) : null}
      {canChange && organisationName !== null ? (
        <SharingForm
          sharing={sharing}
          organisationName={organisationName}
          colleagues={colleagues}
          lastResult={lastResult ?? null}
        />
      ) : null}
    </section>
  )
}

function SharingForm({
  sharing,
  organisationName,
  colleagues,
  lastResult,
}: {
  sharing: ItemSharing
  organisationName: string
  colleagues: readonly Colleague[]
  lastResult: SubmissionResult<string[]> | null
}) {
  const { t } = useTranslation('sharing')
  const navigation = useNavigation()
  const [form, fields] = useForm({
    id: 'item-sharing',
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SharingSchema }),
    shouldValidate: 'onSubmit',
  })
  // A refused post without JavaScript renders the page again: keep what was chosen.
  const sent = lastResult?.status === 'error' ? submittedSharing(lastResult.initialValue) : {}
  return (
    <Form method="post" className="space-y-3" {...getFormProps(form)}>
      <ErrorSummary form={form} />
      <FormAlert id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="sharing" />
      <SharingFieldset
        formId={form.id}
        organisationName={organisationName}
        colleagues={colleagues}
        defaultVisibility={sent.visibility ?? sharing.visibility}
        defaultSharedWith={
          sent.sharedWith ?? sharing.sharedWith.map((colleague) => colleague.customerId)
        }
        errors={{ visibility: fields.visibility.errors, sharedWith: fields.sharedWith.errors }}
      />
      <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
        {t('panel.save')}
      </button>
    </Form>
  )
}

/** The small label on a list item: private, shared with N colleagues, or the organisation. */
export function VisibilityLabel({
  visibility,
  sharedCount,
  isOrganisationItem,
}: {
  visibility: ItemSharing['visibility']
  sharedCount?: number
  isOrganisationItem: boolean
}) {
  const { t } = useTranslation('sharing')
  if (!isOrganisationItem) return null
  return (
    <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
      {visibility === 'named'
        ? t('label.named', { count: sharedCount ?? 0 })
        : t(`label.${visibility}`)}
    </span>
  )
}
