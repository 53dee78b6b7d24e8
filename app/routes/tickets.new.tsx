import {
  getFormProps,
  getInputProps,
  getSelectProps,
  getTextareaProps,
  useForm,
} from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { type z } from 'zod'
import { type CustomerUser, requireCustomer } from '#app/auth/guards.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
  linkClass,
} from '#app/components/forms.tsx'
import { SharingFieldset, submittedSharing } from '#app/components/sharing/sharing-fieldset.tsx'
import {
  namedColleagues,
  refineSharing,
  sharingFields,
} from '#app/components/sharing/sharing-schema.ts'
import { AttachmentField } from '#app/components/tickets/attachment-field.tsx'
import {
  readTicketForm,
  withStoredAttachments,
} from '#app/components/tickets/attachments.server.ts'
import {
  ATTACHMENTS_FIELD,
  NewTicketSchema,
  TICKET_CATEGORIES,
} from '#app/components/tickets/schemas.ts'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { requireFound } from '#app/lib/http.server.ts'
import { type Database, getDatabase } from '#db/database.ts'
import { InvalidStateError } from '#db/errors.ts'
import { getSharingChoices, InvalidColleagueError } from '#db/item-shares.ts'
import { type Viewer, viewerOf } from '#db/item-visibility.ts'
import { findVisibleOrder } from '#db/orders.ts'
import { findTicketRequestLink, openTicket } from '#db/tickets.ts'

/** Acting for an organisation, the form asks who may see the new ticket as well. */
const OrganisationTicketSchema = NewTicketSchema.extend(sharingFields).superRefine(refineSharing)

/**
 * The order and request a new ticket is about, given by number in the link or the form. One
 * the viewer may not see where they act answers the same 404 as an unknown one, in the loader
 * and the action.
 */
async function resolveLinks(
  db: Database,
  viewer: Viewer,
  orderNumber: string | null | undefined,
  requestNumber: string | null | undefined,
) {
  const order = orderNumber ? requireFound(await findVisibleOrder(db, viewer, orderNumber)) : null
  const linkedRequest = requestNumber
    ? requireFound(await findTicketRequestLink(db, viewer, requestNumber))
    : null
  return { order, request: linkedRequest }
}

/** Who may see the new ticket: asked only while acting for an organisation. */
async function sharingChoices(db: Database, user: CustomerUser) {
  if (!user.actingFor) return null
  const choices = requireFound(await getSharingChoices(db, user.actingFor.id, user.customerId))
  return { organisationName: user.actingFor.name, ...choices }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const params = new URL(request.url).searchParams
  const db = await getDatabase()
  const [links, sharing] = await Promise.all([
    resolveLinks(db, viewerOf(user), params.get('order'), params.get('request')),
    sharingChoices(db, user),
  ])
  const [t, tCommon] = await Promise.all([
    getFixedT(request, 'tickets'),
    getFixedT(request, 'common'),
  ])
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('meta.new') }),
      orderNumber: links.order?.orderNumber ?? null,
      requestNumber: links.request?.requestNumber ?? null,
      sharing,
      // New for every render: a second post of this same form opens no second ticket.
      idempotencyKey: crypto.randomUUID(),
    },
    { headers },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const { formData, files, fileErrors } = await readTicketForm(request)
  // Acting for themselves, a ticket is personal: any sharing fields posted are ignored.
  const submission = user.actingFor
    ? parseWithZod(formData, { schema: OrganisationTicketSchema })
    : parseWithZod(formData, { schema: NewTicketSchema })
  if (submission.status !== 'success' || fileErrors.length > 0) {
    return data(
      submission.reply(
        fileErrors.length > 0 ? { fieldErrors: { [ATTACHMENTS_FIELD]: fileErrors } } : {},
      ),
      { status: 400, headers },
    )
  }
  const { value } = submission
  const db = await getDatabase()
  const viewer = viewerOf(user)
  const links = await resolveLinks(db, viewer, value.order, value.request)
  // Parsed above with OrganisationTicketSchema whenever the person acts for an organisation.
  const chosen = user.actingFor ? (value as z.infer<typeof OrganisationTicketSchema>) : null
  const organisation =
    user.actingFor && chosen
      ? {
          id: user.actingFor.id,
          role: user.actingFor.role,
          visibility: chosen.visibility,
          sharedWith: namedColleagues(chosen),
        }
      : null
  try {
    const opened = await withStoredAttachments(files, (attachments) =>
      openTicket(db, {
        customerId: user.customerId,
        organisation,
        actor: { kind: 'customer', id: user.id },
        channel: 'portal',
        category: value.category,
        subject: value.subject,
        body: value.message,
        orderId: links.order?.id ?? null,
        requestId: links.request?.id ?? null,
        idempotencyKey: value.idempotencyKey,
        attachments,
      }),
    )
    // A redirect, so reloading the ticket's page does not post the form again.
    return redirect(`/tickets/${opened.ticketNumber}`, { headers })
  } catch (error) {
    if (error instanceof InvalidColleagueError) {
      return data(submission.reply({ fieldErrors: { sharedWith: [error.reason] } }), {
        status: 400,
        headers,
      })
    }
    if (!(error instanceof InvalidStateError)) throw error
    return data(submission.reply({ formErrors: [error.reason] }), { status: 409, headers })
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function NewTicketRoute() {
  const { orderNumber, requestNumber, sharing, idempotencyKey } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('tickets')
  const schema = sharing ? OrganisationTicketSchema : NewTicketSchema
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(NewTicketSchema),
    defaultValue: { category: orderNumber ? 'order' : undefined },
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: 'onSubmit',
    shouldRevalidate: 'onInput',
  })
  const formErrors = [...(form.errors ?? []), ...(fields.idempotencyKey.errors ?? [])]
  // A refused post without JavaScript renders the form again: keep who was chosen.
  const sent = lastResult?.status === 'error' ? submittedSharing(lastResult.initialValue) : {}

  return (
    <section className="mx-auto max-w-2xl space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('new.title')}</h1>
        <p className="text-slate-700">{t('new.intro')}</p>
        {sharing ? (
          <p>{t('new.forOrganisation', { organisation: sharing.organisationName })}</p>
        ) : null}
        {orderNumber ? <p>{t('new.aboutOrder', { number: orderNumber })}</p> : null}
        {requestNumber ? <p>{t('new.aboutRequest', { number: requestNumber })}</p> : null}
      </header>

      <Form
        method="post"
        encType="multipart/form-data"
        className="space-y-4"
        {...getFormProps(form)}
      >
        <ErrorSummary form={form} omit={['idempotencyKey']} />
        <FormAlert id={form.errorId} errors={formErrors} />
        <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
        {orderNumber ? <input type="hidden" name="order" value={orderNumber} /> : null}
        {requestNumber ? <input type="hidden" name="request" value={requestNumber} /> : null}

        <div className="space-y-1">
          <label htmlFor={fields.category.id} className={labelClass}>
            {t('new.category')}
          </label>
          <select {...getSelectProps(fields.category)} className={inputClass}>
            <option value="">{t('new.chooseCategory')}</option>
            {TICKET_CATEGORIES.map((category) => (
              <option key={category} value={category}>
                {t(`categories.${category}`)}
              </option>
            ))}
          </select>
          <ErrorList id={fields.category.errorId} errors={fields.category.errors} />
        </div>

        <div className="space-y-1">
          <label htmlFor={fields.subject.id} className={labelClass}>
            {t('new.subject')}
          </label>
          <p id={`${fields.subject.id}-hint`} className="text-sm text-slate-600">
            {t('new.subjectHint')}
          </p>
          <input
            {...getInputProps(fields.subject, { type: 'text' })}
            aria-describedby={
              fields.subject.errors
                ? `${fields.subject.id}-hint ${fields.subject.errorId}`
                : `${fields.subject.id}-hint`
            }
            className={inputClass}
          />
          <ErrorList id={fields.subject.errorId} errors={fields.subject.errors} />
        </div>

        <div className="space-y-1">
          <label htmlFor={fields.message.id} className={labelClass}>
            {t('new.message')}
          </label>
          <textarea {...getTextareaProps(fields.message)} rows={8} className={inputClass} />
          <ErrorList id={fields.message.errorId} errors={fields.message.errors} />
        </div>

        <AttachmentField field={fields[ATTACHMENTS_FIELD]} />

        {sharing ? (
          <SharingFieldset
            formId={form.id}
            organisationName={sharing.organisationName}
            colleagues={sharing.colleagues}
            defaultVisibility={sent.visibility ?? sharing.defaultVisibility}
            defaultSharedWith={sent.sharedWith ?? []}
            errors={{
              visibility: form.allErrors.visibility ?? null,
              sharedWith: form.allErrors.sharedWith ?? null,
            }}
          />
        ) : null}

        <div className="flex flex-wrap items-center gap-4">
          <button
            type="submit"
            className={buttonClass}
            disabled={navigation.state === 'submitting'}
          >
            {t('new.submit')}
          </button>
          <Link to="/tickets" className={linkClass}>
            {t('new.cancel')}
          </Link>
        </div>
      </Form>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
