import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import { FormAlert } from '#app/components/forms.tsx'
import {
  errorsById,
  feedbackOf,
  SelectInput,
  smallButtonClass,
  type WorkspaceFeedback,
} from '#app/components/staff/ticket-forms.tsx'

/** One order or request of the customer's, as the link form offers it. */
export interface LinkChoice {
  /** `order:<id>` or `request:<id>`, as the action reads it. */
  value: string
  kind: 'order' | 'request'
  number: string
  description: string
}

/**
 * What the ticket is about: the order and request it is linked to, and a form to link it to
 * another of the customer's (only theirs are offered, and only theirs are accepted).
 */
export function TicketLinkForm({
  orderNumber,
  requestNumber,
  choices,
  version,
  feedback,
}: {
  orderNumber: string | null
  requestNumber: string | null
  choices: LinkChoice[]
  version: number
  feedback: WorkspaceFeedback | null | undefined
}) {
  const { t } = useTranslation('workspace')
  const form = feedbackOf(feedback, 'link')
  return (
    <Form key={`link-${version}`} method="post" className="space-y-2 rounded border p-3">
      <h3 className="font-semibold">{t('link.heading')}</h3>
      <p className="text-sm">
        {t('link.order')}: {orderNumber ?? t('link.nothing')}
        <br />
        {t('link.request')}: {requestNumber ?? t('link.nothing')}
      </p>
      <ErrorSummary errors={errorsById(form, { target: 'ws-link-target' })} />
      <FormAlert errors={form.formErrors} />
      {choices.length === 0 ? (
        <p className="text-sm text-slate-700">{t('link.noChoices')}</p>
      ) : (
        <>
          <input type="hidden" name="intent" value="link" />
          <input type="hidden" name="version" value={version} />
          <SelectInput
            id="ws-link-target"
            name="target"
            label={t('link.to')}
            defaultValue={choices[0]?.value ?? ''}
            feedback={form}
          >
            {(['order', 'request'] as const).map((kind) => {
              const group = choices.filter((choice) => choice.kind === kind)
              return group.length === 0 ? null : (
                <optgroup key={kind} label={t(`link.${kind}s`)}>
                  {group.map((choice) => (
                    <option key={choice.value} value={choice.value}>
                      {choice.number} · {choice.description}
                    </option>
                  ))}
                </optgroup>
              )
            })}
          </SelectInput>
          <button type="submit" className={smallButtonClass}>
            {t('link.submit')}
          </button>
        </>
      )}
    </Form>
  )
}
