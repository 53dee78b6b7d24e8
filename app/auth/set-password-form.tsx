import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { Form, useNavigation } from '@remix-run/react'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
} from '#app/components/forms.tsx'
import { tokenPasswordSchema } from './schemas.ts'

const schema = tokenPasswordSchema('auth:errors.linkInvalid')

/**
 * Choosing a password from an emailed link that opens an account (claiming a customer record, a
 * staff invitation): the token travels in a hidden field, the texts are the page's own.
 */
export function SetPasswordForm({
  token,
  lastResult,
  texts,
}: {
  token: string
  lastResult: SubmissionResult<string[]> | undefined
  texts: { password: string; passwordHint: string; confirm: string; submit: string }
}) {
  const navigation = useNavigation()
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(schema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldRevalidate: 'onInput',
  })
  const hintId = `${fields.password.id}-hint`

  return (
    <Form method="post" className="space-y-4" {...getFormProps(form)}>
      <ErrorSummary form={form} omit={['token']} />
      <FormAlert id={form.errorId} errors={form.errors} />
      <input type="hidden" name={fields.token.name} value={token} />
      <div className="space-y-1">
        <label htmlFor={fields.password.id} className={labelClass}>
          {texts.password}
        </label>
        <p id={hintId} className="text-sm text-slate-600">
          {texts.passwordHint}
        </p>
        <input
          {...getInputProps(fields.password, {
            type: 'password',
            value: false,
            ariaDescribedBy: hintId,
          })}
          autoComplete="new-password"
          className={inputClass}
        />
        <ErrorList id={fields.password.errorId} errors={fields.password.errors} />
      </div>
      <div className="space-y-1">
        <label htmlFor={fields.confirmPassword.id} className={labelClass}>
          {texts.confirm}
        </label>
        <input
          {...getInputProps(fields.confirmPassword, { type: 'password', value: false })}
          autoComplete="new-password"
          className={inputClass}
        />
        <ErrorList id={fields.confirmPassword.errorId} errors={fields.confirmPassword.errors} />
      </div>
      <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
        {texts.submit}
      </button>
    </Form>
  )
}
