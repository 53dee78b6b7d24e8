import {
  type FieldMetadata,
  getCollectionProps,
  getFormProps,
  getInputProps,
  getSelectProps,
  getTextareaProps,
  type SubmissionResult,
  useForm,
} from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { Form, Link, useNavigation } from '@remix-run/react'
import { type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { type z } from 'zod'
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
// Type-only: erased from the browser bundle.
import type { Colleague } from '#db/item-shares.ts'
import type { ItemVisibility } from '#db/item-visibility.ts'
import type { OrderLineChoice } from '#db/requests.ts'
import {
  CORRECTABLE_FIELDS,
  type CorrectableField,
  DataCorrectionFields,
  DOCUMENT_TYPES,
  DocumentFields,
  type OfferedKind,
  OFFERED_KINDS,
  RepairFields,
  RETURN_OUTCOMES,
  RETURN_REASONS,
  ReturnFields,
} from './new-request-schema.ts'

const hintClass = 'text-sm text-slate-600'
const fieldClass = 'space-y-1'

/** Step one: which kind of request. A GET form, so it works without JavaScript. */
export function KindChooser({
  selected,
  orderNumber,
  field,
}: {
  selected: OfferedKind | null
  orderNumber: string | null
  field: CorrectableField | null
}) {
  const { t } = useTranslation('requests')
  return (
    <Form method="get" className="space-y-4">
      <fieldset className="space-y-3">
        <legend className="text-xl font-semibold">{t('new.chooseKind')}</legend>
        {OFFERED_KINDS.map((kind) => (
          <div key={kind} className="flex items-start gap-3">
            <input
              type="radio"
              id={`kind-${kind}`}
              name="kind"
              value={kind}
              defaultChecked={kind === selected}
              required
              aria-describedby={`kind-${kind}-intro`}
              className="mt-1.5"
            />
            <div>
              <label htmlFor={`kind-${kind}`} className={labelClass}>
                {t(`kinds.${kind}`)}
              </label>
              <p id={`kind-${kind}-intro`} className={hintClass}>
                {t(`kindIntro.${kind}`)}
              </p>
            </div>
          </div>
        ))}
      </fieldset>
      {orderNumber ? <input type="hidden" name="order" value={orderNumber} /> : null}
      {field ? <input type="hidden" name="field" value={field} /> : null}
      <button type="submit" className={buttonClass}>
        {t('new.continue')}
      </button>
    </Form>
  )
}

/** A return starts from an order: asked for first, so its items can be offered to tick. */
export function ReturnOrderStep({ orderNumber }: { orderNumber: string | null }) {
  const { t } = useTranslation('requests')
  return (
    <Form method="get" className="space-y-4">
      <input type="hidden" name="kind" value="return" />
      <div className={fieldClass}>
        <label htmlFor="return-order" className={labelClass}>
          {t('new.orderNumber')}
        </label>
        <input
          id="return-order"
          name="order"
          defaultValue={orderNumber ?? ''}
          required
          maxLength={20}
          aria-describedby="return-order-hint"
          className={inputClass}
        />
        <p id="return-order-hint" className={hintClass}>
          {t('new.orderNumberHint')}{' '}
          <Link to="/orders" className={linkClass}>
            {t('new.yourOrders')}
          </Link>
        </p>
      </div>
      <button type="submit" className={buttonClass}>
        {t('new.continue')}
      </button>
    </Form>
  )
}

/** Who may see the new request: offered only while acting for an organisation. */
export interface NewRequestSharing {
  organisationName: string
  colleagues: Colleague[]
  defaultVisibility: ItemVisibility
}

export interface NewRequestFormProps {
  kind: OfferedKind
  idempotencyKey: string
  order: { orderNumber: string; lines: OrderLineChoice[] } | null
  field: CorrectableField | null
  lastResult: SubmissionResult<string[]> | undefined
  sharing?: NewRequestSharing | null
}

export function NewRequestForm(props: NewRequestFormProps) {
  switch (props.kind) {
    case 'return':
      return props.order ? <ReturnForm {...props} order={props.order} /> : null
    case 'repair':
      return <RepairForm {...props} />
    case 'document':
      return <DocumentForm {...props} />
    case 'data_correction':
      return <DataCorrectionForm {...props} />
  }
}

/** The frame every kind shares: hidden kind and key, form errors, title, submit. */
function RequestFormFrame({
  kind,
  idempotencyKey,
  formProps,
  errorId,
  errors,
  summary,
  subject,
  sharing,
  children,
}: {
  kind: OfferedKind
  idempotencyKey: string
  formProps: ReturnType<typeof getFormProps>
  errorId: string
  /** The form's own errors and those of its hidden fields, which have no place of their own. */
  errors: (string[] | undefined)[]
  /** The form's error summary (app/components/error-summary.tsx), first in the form. */
  summary: ReactNode
  subject: FieldMetadata<string | undefined>
  /** The sharing fieldset, when acting for an organisation. */
  sharing?: ReactNode
  children: ReactNode
}) {
  const { t } = useTranslation('requests')
  const navigation = useNavigation()
  return (
    <Form method="post" className="space-y-5" {...formProps}>
      {summary}
      <FormAlert id={errorId} errors={errors.flatMap((list) => list ?? [])} />
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      {children}
      <div className={fieldClass}>
        <label htmlFor={subject.id} className={labelClass}>
          {t('new.subject')}
        </label>
        <input
          {...getInputProps(subject, { type: 'text', ariaDescribedBy: `${subject.id}-hint` })}
          className={inputClass}
        />
        <p id={`${subject.id}-hint`} className={hintClass}>
          {t('new.subjectHint')}
        </p>
        <ErrorList id={subject.errorId} errors={subject.errors} />
      </div>
      {sharing}
      <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
        {t('new.submit')}
      </button>
    </Form>
  )
}

/**
 * The "who can see it" choice inside a request form (the sharing helper's fieldset). Its fields
 * are checked on the server; a refused post shows their errors and keeps what was chosen.
 */
function RequestSharing({
  sharing,
  form,
  lastResult,
}: {
  sharing: NewRequestSharing | null | undefined
  form: { id: string; allErrors: Record<string, string[]> }
  lastResult: SubmissionResult<string[]> | undefined
}) {
  if (!sharing) return null
  const sent = lastResult?.status === 'error' ? submittedSharing(lastResult.initialValue) : {}
  return (
    <SharingFieldset
      formId={form.id}
      organisationName={sharing.organisationName}
      colleagues={sharing.colleagues}
      defaultVisibility={sent.visibility ?? sharing.defaultVisibility}
      defaultSharedWith={sent.sharedWith}
      errors={{ visibility: form.allErrors.visibility, sharedWith: form.allErrors.sharedWith }}
    />
  )
}

function formOptions<Schema extends z.ZodTypeAny>(
  schema: Schema,
  lastResult: SubmissionResult<string[]> | undefined,
) {
  return {
    id: 'new-request',
    lastResult,
    constraint: getZodConstraint(schema),
    onValidate: ({ formData }: { formData: FormData }) => parseWithZod(formData, { schema }),
    shouldValidate: 'onSubmit' as const,
    // On input, not on blur: a check on leaving one field re-renders the form while the click
    // on the next (a radio button) is under way, and that click was lost.
    shouldRevalidate: 'onInput' as const,
  }
}

function ReturnForm({
  idempotencyKey,
  order,
  lastResult,
  sharing,
}: NewRequestFormProps & { order: NonNullable<NewRequestFormProps['order']> }) {
  const { t } = useTranslation('requests')
  const [form, fields] = useForm({
    ...formOptions(ReturnFields, lastResult),
    defaultValue: { orderNumber: order.orderNumber },
  })
  const lineOptions = order.lines.map((line) => String(line.lineNumber))
  const lineInputs = getCollectionProps(fields.lines, { type: 'checkbox', options: lineOptions })
  const outcomeInputs = getCollectionProps(fields.outcome, {
    type: 'radio',
    options: [...RETURN_OUTCOMES],
  })

  return (
    <RequestFormFrame
      kind="return"
      idempotencyKey={idempotencyKey}
      formProps={getFormProps(form)}
      errorId={form.errorId}
      errors={[form.errors, fields.kind.errors, fields.idempotencyKey.errors]}
      summary={<ErrorSummary form={form} omit={['kind', 'idempotencyKey']} />}
      subject={fields.subject}
      sharing={<RequestSharing sharing={sharing} form={form} lastResult={lastResult} />}
    >
      <div className={fieldClass}>
        <p className={labelClass}>{t('new.orderNumber')}</p>
        <p>
          <Link to={`/orders/${encodeURIComponent(order.orderNumber)}`} className={linkClass}>
            {order.orderNumber}
          </Link>
        </p>
        <input type="hidden" name={fields.orderNumber.name} value={order.orderNumber} />
        <ErrorList id={fields.orderNumber.errorId} errors={fields.orderNumber.errors} />
      </div>

      <fieldset
        className={fieldClass}
        aria-describedby={fields.lines.errors ? fields.lines.errorId : undefined}
        aria-invalid={fields.lines.errors ? true : undefined}
      >
        <legend className={labelClass}>{t('new.lines')}</legend>
        {lineInputs.map(({ key, ...props }, index) => {
          const line = order.lines[index]
          if (!line) return null
          return (
            <div key={key ?? props.value} className="flex items-center gap-2">
              <input {...props} />
              <label htmlFor={props.id}>
                {t('new.line', {
                  description: line.description,
                  sku: line.sku,
                  quantity: line.quantity,
                })}
              </label>
            </div>
          )
        })}
        <ErrorList id={fields.lines.errorId} errors={fields.lines.errors} />
      </fieldset>

      <div className={fieldClass}>
        <label htmlFor={fields.reason.id} className={labelClass}>
          {t('new.reason')}
        </label>
        <select {...getSelectProps(fields.reason)} className={inputClass}>
          <option value="">{t('new.choose')}</option>
          {RETURN_REASONS.map((reason) => (
            <option key={reason} value={reason}>
              {t(`new.reasons.${reason}`)}
            </option>
          ))}
        </select>
        <ErrorList id={fields.reason.errorId} errors={fields.reason.errors} />
      </div>

      <fieldset
        className={fieldClass}
        aria-describedby={fields.outcome.errors ? fields.outcome.errorId : undefined}
        aria-invalid={fields.outcome.errors ? true : undefined}
      >
        <legend className={labelClass}>{t('new.outcome')}</legend>
        {outcomeInputs.map(({ key, ...props }) => (
          <div key={key ?? props.value} className="flex items-center gap-2">
            <input {...props} />
            <label htmlFor={props.id}>
              {t(`new.outcomes.${props.value as (typeof RETURN_OUTCOMES)[number]}`)}
            </label>
          </div>
        ))}
        <ErrorList id={fields.outcome.errorId} errors={fields.outcome.errors} />
      </fieldset>

      <TextArea field={fields.comment} label={t('new.comment')} />
    </RequestFormFrame>
  )
}

function OrderNumberField({ field }: { field: FieldMetadata<string | undefined> }) {
  const { t } = useTranslation('requests')
  return (
    <div className={fieldClass}>
      <label htmlFor={field.id} className={labelClass}>
        {t('new.orderNumberOptional')}
      </label>
      <input
        {...getInputProps(field, { type: 'text', ariaDescribedBy: `${field.id}-hint` })}
        className={inputClass}
      />
      <p id={`${field.id}-hint`} className={hintClass}>
        {t('new.orderNumberHint')}
      </p>
      <ErrorList id={field.errorId} errors={field.errors} />
    </div>
  )
}

function TextField({
  field,
  label,
  hint,
}: {
  field: FieldMetadata<string | undefined>
  label: string
  hint?: string
}) {
  const hintId = hint ? `${field.id}-hint` : undefined
  return (
    <div className={fieldClass}>
      <label htmlFor={field.id} className={labelClass}>
        {label}
      </label>
      <input
        {...getInputProps(field, { type: 'text', ariaDescribedBy: hintId })}
        className={inputClass}
      />
      {hint ? (
        <p id={hintId} className={hintClass}>
          {hint}
        </p>
      ) : null}
      <ErrorList id={field.errorId} errors={field.errors} />
    </div>
  )
}

function TextArea({
  field,
  label,
  hint,
}: {
  field: FieldMetadata<string | undefined>
  label: string
  hint?: string
}) {
  const hintId = hint ? `${field.id}-hint` : undefined
  return (
    <div className={fieldClass}>
      <label htmlFor={field.id} className={labelClass}>
        {label}
      </label>
      <textarea
        {...getTextareaProps(field, { ariaDescribedBy: hintId })}
        rows={4}
        className={inputClass}
      />
      {hint ? (
        <p id={hintId} className={hintClass}>
          {hint}
        </p>
      ) : null}
      <ErrorList id={field.errorId} errors={field.errors} />
    </div>
  )
}

function RepairForm({ idempotencyKey, order, lastResult, sharing }: NewRequestFormProps) {
  const { t } = useTranslation('requests')
  const [form, fields] = useForm({
    ...formOptions(RepairFields, lastResult),
    defaultValue: { orderNumber: order?.orderNumber },
  })
  return (
    <RequestFormFrame
      kind="repair"
      idempotencyKey={idempotencyKey}
      formProps={getFormProps(form)}
      errorId={form.errorId}
      errors={[form.errors, fields.kind.errors, fields.idempotencyKey.errors]}
      summary={<ErrorSummary form={form} omit={['kind', 'idempotencyKey']} />}
      subject={fields.subject}
      sharing={<RequestSharing sharing={sharing} form={form} lastResult={lastResult} />}
    >
      <TextField field={fields.product} label={t('new.product')} hint={t('new.productHint')} />
      <TextArea field={fields.fault} label={t('new.fault')} />
      <OrderNumberField field={fields.orderNumber} />
    </RequestFormFrame>
  )
}

function DocumentForm({ idempotencyKey, order, lastResult, sharing }: NewRequestFormProps) {
  const { t } = useTranslation('requests')
  const [form, fields] = useForm({
    ...formOptions(DocumentFields, lastResult),
    defaultValue: { orderNumber: order?.orderNumber },
  })
  return (
    <RequestFormFrame
      kind="document"
      idempotencyKey={idempotencyKey}
      formProps={getFormProps(form)}
      errorId={form.errorId}
      errors={[form.errors, fields.kind.errors, fields.idempotencyKey.errors]}
      summary={<ErrorSummary form={form} omit={['kind', 'idempotencyKey']} />}
      subject={fields.subject}
      sharing={<RequestSharing sharing={sharing} form={form} lastResult={lastResult} />}
    >
      <div className={fieldClass}>
        <label htmlFor={fields.document.id} className={labelClass}>
          {t('new.document')}
        </label>
        <select {...getSelectProps(fields.document)} className={inputClass}>
          <option value="">{t('new.choose')}</option>
          {DOCUMENT_TYPES.map((document) => (
            <option key={document} value={document}>
              {t(`new.documents.${document}`)}
            </option>
          ))}
        </select>
        <ErrorList id={fields.document.errorId} errors={fields.document.errors} />
      </div>
      <TextField field={fields.period} label={t('new.period')} />
      <TextArea field={fields.notes} label={t('new.notes')} />
      <OrderNumberField field={fields.orderNumber} />
    </RequestFormFrame>
  )
}

function DataCorrectionForm({ idempotencyKey, field, lastResult, sharing }: NewRequestFormProps) {
  const { t } = useTranslation('requests')
  const [form, fields] = useForm({
    ...formOptions(DataCorrectionFields, lastResult),
    defaultValue: { field: field ?? undefined },
  })
  return (
    <RequestFormFrame
      kind="data_correction"
      idempotencyKey={idempotencyKey}
      formProps={getFormProps(form)}
      errorId={form.errorId}
      errors={[form.errors, fields.kind.errors, fields.idempotencyKey.errors]}
      summary={<ErrorSummary form={form} omit={['kind', 'idempotencyKey']} />}
      subject={fields.subject}
      sharing={<RequestSharing sharing={sharing} form={form} lastResult={lastResult} />}
    >
      <div className={fieldClass}>
        <label htmlFor={fields.field.id} className={labelClass}>
          {t('new.field')}
        </label>
        <select {...getSelectProps(fields.field)} className={inputClass}>
          <option value="">{t('new.choose')}</option>
          {CORRECTABLE_FIELDS.map((option) => (
            <option key={option} value={option}>
              {t(`new.fields.${option}`)}
            </option>
          ))}
        </select>
        <ErrorList id={fields.field.errorId} errors={fields.field.errors} />
      </div>
      <TextField field={fields.requested} label={t('new.requested')} />
      <TextArea
        field={fields.explanation}
        label={t('new.explanation')}
        hint={t('new.explanationHint')}
      />
    </RequestFormFrame>
  )
}
