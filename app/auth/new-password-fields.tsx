import { type FieldMetadata, getInputProps } from '@conform-to/react'
import { ErrorList, inputClass, labelClass } from '#app/components/forms.tsx'

/**
 * A new password and its repetition, with the policy hint tied to the first: every form that
 * sets a password (reset, change, claim, invitation, joining an organisation) shows the same
 * pair, so browsers' password managers and screen readers meet it the same way everywhere.
 */
export function NewPasswordFields({
  password,
  confirm,
  texts,
}: {
  password: FieldMetadata<string>
  confirm: FieldMetadata<string>
  texts: { password: string; passwordHint: string; confirm: string }
}) {
  const hintId = `${password.id}-hint`
  return (
    <>
      <div className="space-y-1">
        <label htmlFor={password.id} className={labelClass}>
          {texts.password}
        </label>
        <p id={hintId} className="text-sm text-slate-600">
          {texts.passwordHint}
        </p>
        <input
          {...getInputProps(password, { type: 'password', value: false, ariaDescribedBy: hintId })}
          autoComplete="new-password"
          className={inputClass}
        />
        <ErrorList id={password.errorId} errors={password.errors} />
      </div>
      <div className="space-y-1">
        <label htmlFor={confirm.id} className={labelClass}>
          {texts.confirm}
        </label>
        <input
          {...getInputProps(confirm, { type: 'password', value: false })}
          autoComplete="new-password"
          className={inputClass}
        />
        <ErrorList id={confirm.errorId} errors={confirm.errors} />
      </div>
    </>
  )
}
