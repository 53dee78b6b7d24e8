import { NewPasswordFields } from '#app/auth/new-password-fields.tsx'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { Form, Link, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
  linkClass,
} from '#app/components/forms.tsx'
import { TokenResultPage } from '#app/components/profile/token-page.tsx'
import { JoinNewSchema } from './schemas.ts'

type Invitation = { organisation: string; role: 'owner' | 'member' | 'billing'; email: string }

/** What the invitation page shows, from the link and who is signed in. */
export type JoinState =
  | { kind: 'invalid' }
  | ({ kind: 'blocked' | 'confirm' | 'wrongAccount' | 'signIn' | 'create' } & Invitation)

export function JoinView({
  state,
  token,
  refused,
  lastResult,
}: {
  state: JoinState
  token: string
  refused: string | null
  lastResult: SubmissionResult<string[]> | null
}) {
  const { t } = useTranslation('organisations')
  if (state.kind === 'invalid' || refused === 'organisations:errors.linkNotUsable') {
    return (
      <TokenResultPage title={t('join.invalidTitle')}>
        <p>{t('join.invalidBody')}</p>
        <p>
          <Link to="/" className={linkClass}>
            {t('join.toHome')}
          </Link>
        </p>
      </TokenResultPage>
    )
  }
  const { organisation, email } = state
  const role = t(`roles.${state.role}`)
  const signInLink = `/login?${new URLSearchParams({
    redirectTo: `/organisations/join?${new URLSearchParams({ token })}`,
  })}`

  return (
    <section className="mx-auto max-w-md space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('join.title', { organisation })}</h1>
        <p className="text-slate-700">{t('join.intro', { organisation, role })}</p>
      </header>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded border border-slate-200 bg-white p-4">
        <dt className="font-medium">{t('join.invitedAddress')}</dt>
        <dd>{email}</dd>
      </dl>
      <FormAlert errors={refused ? [refused] : null} />
      {state.kind === 'blocked' ? <p>{t('join.blockedBody')}</p> : null}
      {state.kind === 'confirm' ? <ConfirmForm token={token} organisation={organisation} /> : null}
      {state.kind === 'wrongAccount' ? (
        <div className="space-y-3">
          <h2 className="text-xl font-semibold">{t('join.wrongAccountTitle')}</h2>
          <p>{t('join.wrongAccountBody', { email })}</p>
          <form method="post" action="/logout">
            <button type="submit" className={buttonClass}>
              {t('join.signOut')}
            </button>
          </form>
        </div>
      ) : null}
      {state.kind === 'signIn' || refused === 'organisations:errors.accountExists' ? (
        <div className="space-y-3">
          <h2 className="text-xl font-semibold">{t('join.signInTitle')}</h2>
          <p>{t('join.signInBody', { email })}</p>
          <p>
            <Link to={signInLink} className={linkClass}>
              {t('join.signIn')}
            </Link>
          </p>
        </div>
      ) : null}
      {state.kind === 'create' && refused !== 'organisations:errors.accountExists' ? (
        <CreateForm token={token} lastResult={lastResult} />
      ) : null}
    </section>
  )
}

function ConfirmForm({ token, organisation }: { token: string; organisation: string }) {
  const { t } = useTranslation('organisations')
  const navigation = useNavigation()
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="join" />
      <input type="hidden" name="token" value={token} />
      <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
        {t('join.confirm', { organisation })}
      </button>
    </Form>
  )
}

function CreateForm({
  token,
  lastResult,
}: {
  token: string
  lastResult: SubmissionResult<string[]> | null
}) {
  const { t } = useTranslation('organisations')
  const navigation = useNavigation()
  const [form, fields] = useForm({
    id: 'organisation-join',
    lastResult,
    constraint: getZodConstraint(JoinNewSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: JoinNewSchema }),
    shouldRevalidate: 'onInput',
  })
  return (
    <Form method="post" className="space-y-4" {...getFormProps(form)}>
      <ErrorSummary form={form} omit={['intent', 'version', 'token']} />
      <p>{t('join.createIntro')}</p>
      <FormAlert id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="create" />
      <input type="hidden" name="token" value={token} />
      <div className="grid gap-4 sm:grid-cols-2">
        {(['givenName', 'familyName'] as const).map((name) => (
          <div key={name} className="space-y-1">
            <label htmlFor={fields[name].id} className={labelClass}>
              {t(`join.${name}`)}
            </label>
            <input
              {...getInputProps(fields[name], { type: 'text' })}
              autoComplete={name === 'givenName' ? 'given-name' : 'family-name'}
              className={inputClass}
            />
            <ErrorList id={fields[name].errorId} errors={fields[name].errors} />
          </div>
        ))}
      </div>
      <NewPasswordFields
        password={fields.password}
        confirm={fields.confirmPassword}
        texts={{
          password: t('join.password'),
          passwordHint: t('join.passwordHint'),
          confirm: t('join.confirmPassword'),
        }}
      />
      <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
        {t('join.create')}
      </button>
    </Form>
  )
}
