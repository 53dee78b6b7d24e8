import { getFormProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { Form, useNavigation } from '@remix-run/react'
import { NewPasswordFields } from '#app/auth/new-password-fields.tsx'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import { buttonClass, FormAlert } from '#app/components/forms.tsx'
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

  return (
    <Form method="post" className="space-y-4" {...getFormProps(form)}>
      <ErrorSummary form={form} omit={['token']} />
      <FormAlert id={form.errorId} errors={form.errors} />
      <input type="hidden" name={fields.token.name} value={token} />
      <NewPasswordFields
        password={fields.password}
        confirm={fields.confirmPassword}
        texts={texts}
      />
      <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
        {texts.submit}
      </button>
    </Form>
  )
}
