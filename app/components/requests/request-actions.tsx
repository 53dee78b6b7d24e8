import { getFormProps, getTextareaProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { Form, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { multiLine } from '#app/lib/text-fields.ts'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
} from '#app/components/forms.tsx'

// The customer's two moves on a request page, dispatched on a hidden `intent` field.

export const CancelSchema = z.object({ intent: z.literal('cancel') })

export const AnswerSchema = z.object({
  intent: z.literal('answer'),
  answer: multiLine(
    z
      .string({ required_error: 'requests:errors.answerRequired' })
      .trim()
      .min(1, 'requests:errors.answerRequired')
      // request_events.note holds up to 5000 characters.
      .max(5000, 'validation.tooLong'),
  ),
})

export const RequestActionSchema = z.discriminatedUnion('intent', [CancelSchema, AnswerSchema])

export type RequestIntent = z.infer<typeof RequestActionSchema>['intent']

/** An action's answer, tagged with its intent so only the form that was sent shows it. */
export interface RequestActionResult {
  intent: RequestIntent
  result: SubmissionResult<string[]>
}

const secondaryButtonClass =
  'rounded border border-red-700 px-4 py-2 font-medium text-red-800 hover:bg-red-50 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:ring-offset-2 focus-visible:outline-none'

export function CancelRequestForm({ actionResult }: { actionResult: RequestActionResult | null }) {
  const { t } = useTranslation('requests')
  const navigation = useNavigation()
  const [form] = useForm({
    id: 'cancel-request',
    lastResult: actionResult?.intent === 'cancel' ? actionResult.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CancelSchema }),
  })
  return (
    <section aria-labelledby="cancel-request-title" className="space-y-3">
      <h2 id="cancel-request-title" className="text-xl font-semibold">
        {t('cancel.title')}
      </h2>
      <p id="cancel-request-body" className="text-slate-700">
        {t('cancel.body')}
      </p>
      <Form method="post" className="space-y-3" {...getFormProps(form)}>
        <ErrorSummary form={form} />
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="cancel" />
        <button
          type="submit"
          className={secondaryButtonClass}
          aria-describedby="cancel-request-body"
          disabled={navigation.state === 'submitting'}
        >
          {t('cancel.submit')}
        </button>
      </Form>
    </section>
  )
}

export function AnswerRequestForm({ actionResult }: { actionResult: RequestActionResult | null }) {
  const { t } = useTranslation('requests')
  const navigation = useNavigation()
  const [form, fields] = useForm({
    id: 'answer-request',
    lastResult: actionResult?.intent === 'answer' ? actionResult.result : undefined,
    constraint: getZodConstraint(AnswerSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AnswerSchema }),
    shouldValidate: 'onSubmit',
    shouldRevalidate: 'onInput',
  })
  const hintId = `${fields.answer.id}-hint`
  return (
    <section
      aria-labelledby="answer-request-title"
      className="space-y-3 rounded border border-amber-400 bg-amber-50 p-4"
    >
      <h2 id="answer-request-title" className="text-xl font-semibold">
        {t('answer.title')}
      </h2>
      <Form method="post" className="space-y-3" {...getFormProps(form)}>
        <ErrorSummary form={form} />
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="answer" />
        <div className="space-y-1">
          <label htmlFor={fields.answer.id} className={labelClass}>
            {t('answer.label')}
          </label>
          <textarea
            {...getTextareaProps(fields.answer, { ariaDescribedBy: hintId })}
            rows={5}
            className={`${inputClass} bg-white`}
          />
          <p id={hintId} className="text-sm text-slate-700">
            {t('answer.hint')}
          </p>
          <ErrorList id={fields.answer.errorId} errors={fields.answer.errors} />
        </div>
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t('answer.submit')}
        </button>
      </Form>
    </section>
  )
}
