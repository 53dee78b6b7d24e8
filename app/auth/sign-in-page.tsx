import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
// Type-only imports: erased from the browser bundle, which must not pull in server modules.
import type { AccountKind } from '#db/accounts.ts'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  inputClass,
  labelClass,
  linkClass,
  Notice,
} from '#app/components/forms.tsx'
import { FormAlertWithRetry } from './rate-limit-alert.tsx'
import { SignInSchema } from './schemas.ts'
import type { signInAction, signInLoader } from './sign-in.server.ts'

/** The page behind both /login and /staff/login. */
export function SignInPage({ kind }: { kind: AccountKind }) {
  const { redirectTo, resetDone } = useLoaderData<typeof signInLoader>()
  const lastResult = useActionData<typeof signInAction>()
  const navigation = useNavigation()
  const { t } = useTranslation('auth')
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(SignInSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignInSchema }),
    shouldValidate: 'onSubmit',
    // Not 'onBlur' (on any form): after a refused submit, the click on the button blurred the
    // field, the error above it vanished, the button moved up and the click missed it.
    shouldRevalidate: 'onInput',
  })
  // The server never sends the password back, but after a submission without a page load the
  // browser still shows what was typed: clear it, so each try starts from an empty field.
  const passwordRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (lastResult && passwordRef.current) passwordRef.current.value = ''
  }, [lastResult])

  return (
    <section className="mx-auto max-w-md space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">
          {kind === 'staff' ? t('signIn.staffTitle') : t('signIn.title')}
        </h1>
        <p className="text-slate-700">
          {kind === 'staff' ? t('signIn.staffIntro') : t('signIn.intro')}
        </p>
      </header>

      {resetDone ? <Notice>{t('signIn.resetDone')}</Notice> : null}

      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <ErrorSummary form={form} />
        <FormAlertWithRetry id={form.errorId} errors={form.errors} lastResult={lastResult} />
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}

        <div className="space-y-1">
          <label htmlFor={fields.email.id} className={labelClass}>
            {t('signIn.email')}
          </label>
          <input
            {...getInputProps(fields.email, { type: 'email' })}
            autoComplete="username"
            className={inputClass}
          />
          <ErrorList id={fields.email.errorId} errors={fields.email.errors} />
        </div>

        <div className="space-y-1">
          <label htmlFor={fields.password.id} className={labelClass}>
            {t('signIn.password')}
          </label>
          <input
            {...getInputProps(fields.password, { type: 'password', value: false })}
            ref={passwordRef}
            autoComplete="current-password"
            className={inputClass}
          />
          <ErrorList id={fields.password.errorId} errors={fields.password.errors} />
        </div>

        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t('signIn.submit')}
        </button>
      </Form>

      <p className="flex flex-wrap justify-between gap-2">
        <Link to="/forgot-password" className={linkClass}>
          {t('signIn.forgotPassword')}
        </Link>
        {kind === 'staff' ? (
          <Link to="/login" className={linkClass}>
            {t('signIn.toCustomerSignIn')}
          </Link>
        ) : (
          <Link to="/login/magic-link" className={linkClass}>
            {t('signIn.magicLink')}
          </Link>
        )}
      </p>
      {kind === 'customer' ? (
        <p>
          <Link to="/signup" className={linkClass}>
            {t('signIn.createAccount')}
          </Link>
        </p>
      ) : null}
    </section>
  )
}
