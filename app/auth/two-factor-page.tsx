import { getFormProps, getInputProps, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
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
import { CodeField } from './two-factor-schemas.ts'
// Type-only: erased from the browser bundle.
import type { twoFactorAction, twoFactorLoader } from './two-factor-sign-in.server.ts'

const CodeFormSchema = z.object({ intent: z.string(), code: CodeField })

/** One code form (sign-in, enrolment, recovery codes, turning off). */
export function CodeForm({
  intent,
  label,
  hint,
  submitLabel,
  lastResult,
}: {
  intent: string
  label: string
  hint?: string
  submitLabel: string
  lastResult: unknown
}) {
  const navigation = useNavigation()
  const [form, fields] = useForm({
    id: `code-${intent}`,
    // The reply of another form on the same page must not show its errors here.
    lastResult: replyFor(lastResult, intent),
    constraint: getZodConstraint(CodeFormSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CodeFormSchema }),
    shouldValidate: 'onSubmit',
  })
  const hintId = `${fields.code.id}-hint`
  return (
    <Form method="post" className="space-y-4" {...getFormProps(form)}>
      <ErrorSummary form={form} />
      <FormAlertWithRetry id={form.errorId} errors={form.errors} lastResult={lastResult} />
      <input type="hidden" name="intent" value={intent} />
      <div className="space-y-1">
        <label htmlFor={fields.code.id} className={labelClass}>
          {label}
        </label>
        <input
          {...getInputProps(fields.code, { type: 'text', value: false })}
          autoComplete="one-time-code"
          spellCheck={false}
          autoCapitalize="none"
          aria-describedby={hint ? `${fields.code.errorId} ${hintId}` : fields.code.errorId}
          className={inputClass}
        />
        {hint ? (
          <p id={hintId} className="text-sm text-slate-600">
            {hint}
          </p>
        ) : null}
        <ErrorList id={fields.code.errorId} errors={fields.code.errors} />
      </div>
      <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
        {submitLabel}
      </button>
    </Form>
  )
}

/** A form reply belongs to the form whose intent it carries. */
function replyFor(lastResult: unknown, intent: string): SubmissionResult<string[]> | undefined {
  if (typeof lastResult !== 'object' || lastResult === null) return undefined
  const reply = lastResult as { initialValue?: Record<string, unknown> | null; status?: string }
  if (!('status' in reply)) return undefined
  if (reply.initialValue?.intent !== intent && reply.initialValue) return undefined
  return reply as SubmissionResult<string[]>
}

/** The QR code and the key as text, for an authenticator app. */
export function AuthenticatorSetup({ qrSvg, secret }: { qrSvg: string; secret: string }) {
  const { t } = useTranslation('security')
  return (
    <div className="space-y-3">
      <p>{t('enrol.scan')}</p>
      <img
        src={`data:image/svg+xml;base64,${btoa(qrSvg)}`}
        alt={t('enrol.qrAlt')}
        width={200}
        height={200}
        className="rounded border border-slate-300 bg-white"
      />
      <p>{t('enrol.manual')}</p>
      <p>
        <code
          data-testid="totp-secret"
          className="rounded bg-slate-100 px-2 py-1 font-mono text-lg"
        >
          {secret}
        </code>
      </p>
      <p>{t('enrol.confirm')}</p>
    </div>
  )
}

/** Recovery codes, shown once. */
export function RecoveryCodeList({ codes }: { codes: string[] }) {
  const { t } = useTranslation('security')
  return (
    <div className="space-y-3">
      <h2 className="text-2xl font-semibold">{t('recovery.title')}</h2>
      <p>{t('recovery.intro')}</p>
      <ul
        aria-label={t('recovery.listLabel')}
        data-testid="recovery-codes"
        className="grid grid-cols-2 gap-2 font-mono text-lg"
      >
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
    </div>
  )
}

function ContinueForm() {
  const { t } = useTranslation('security')
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="continue" />
      <button type="submit" className={buttonClass}>
        {t('recovery.saved')}
      </button>
    </Form>
  )
}

/** The page behind /login/two-factor and /staff/login/two-factor. */
export function TwoFactorPage() {
  const page = useLoaderData<typeof twoFactorLoader>()
  const actionData = useActionData<typeof twoFactorAction>()
  const { t } = useTranslation('security')
  const signInPath = page.kind === 'staff' ? '/staff/login' : '/login'
  const recoveryCodes =
    actionData && 'recoveryCodes' in actionData ? actionData.recoveryCodes : null

  return (
    <section className="mx-auto max-w-md space-y-6">
      {recoveryCodes ? (
        <>
          <RecoveryCodeList codes={recoveryCodes} />
          <ContinueForm />
        </>
      ) : page.mode === 'enrolled' ? (
        <>
          <h1 className="text-3xl font-semibold">{t('enrol.title')}</h1>
          <p>{t('enrolled.intro')}</p>
          <ContinueForm />
        </>
      ) : page.mode === 'enrol' ? (
        <>
          <header className="space-y-2">
            <h1 className="text-3xl font-semibold">{t('enrol.title')}</h1>
            <p className="text-slate-700">{t('enrol.intro')}</p>
          </header>
          <AuthenticatorSetup qrSvg={page.qrSvg} secret={page.secret} />
          <CodeForm
            intent="enrol"
            label={t('challenge.code')}
            submitLabel={t('enrol.submit')}
            lastResult={actionData}
          />
        </>
      ) : (
        <>
          <header className="space-y-2">
            <h1 className="text-3xl font-semibold">{t('challenge.title')}</h1>
            <p className="text-slate-700">{t('challenge.intro')}</p>
          </header>
          <CodeForm
            intent="verify"
            label={t('challenge.code')}
            hint={t('challenge.codeHint')}
            submitLabel={t('challenge.submit')}
            lastResult={actionData}
          />
        </>
      )}
      <p>
        <Link to={signInPath} className={linkClass}>
          {t('challenge.startAgain')}
        </Link>
      </p>
    </section>
  )
}

/** The loader data of /account/security and /staff/security (see two-factor-settings.server.ts). */
export interface SecurityPageData {
  kind: 'customer' | 'staff'
  enabled: boolean
  unusedCodes: number
  setup: { qrSvg: string; secret: string } | null
  recoveryCodes: string[] | null
  notice: 'enabled' | 'disabled' | 'regenerated' | null
}

/** The page behind /account/security and /staff/security. */
export function SecuritySettings({
  page,
  lastResult,
}: {
  page: SecurityPageData
  lastResult: unknown
}) {
  const { t } = useTranslation('security')
  const back = page.kind === 'staff' ? '/staff' : '/account'
  return (
    <section className="max-w-2xl space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">
          {page.kind === 'staff' ? t('settings.staffTitle') : t('settings.title')}
        </h1>
        <p className="text-slate-700">{t('settings.intro')}</p>
      </header>

      {page.notice ? <Notice>{t(`notices.${page.notice}`)}</Notice> : null}
      {page.recoveryCodes ? <RecoveryCodeList codes={page.recoveryCodes} /> : null}

      {page.enabled ? (
        <>
          <div className="space-y-1">
            <p className="font-medium">{t('settings.statusOn')}</p>
            <p>{t('settings.unusedCodes', { count: page.unusedCodes })}</p>
          </div>
          <section aria-labelledby="regenerate" className="space-y-3">
            <h2 id="regenerate" className="text-2xl font-semibold">
              {t('settings.regenerateTitle')}
            </h2>
            <p>{t('settings.regenerateIntro')}</p>
            <CodeForm
              intent="regenerate"
              label={t('settings.code')}
              submitLabel={t('settings.regenerateSubmit')}
              lastResult={lastResult}
            />
          </section>
          {page.kind === 'customer' ? (
            <DisableForm lastResult={lastResult} />
          ) : (
            <p>{t('settings.staffRequired')}</p>
          )}
        </>
      ) : page.setup ? (
        <section aria-labelledby="set-up" className="space-y-4">
          <h2 id="set-up" className="text-2xl font-semibold">
            {t('enrol.title')}
          </h2>
          <AuthenticatorSetup qrSvg={page.setup.qrSvg} secret={page.setup.secret} />
          <CodeForm
            intent="enable"
            label={t('challenge.code')}
            submitLabel={t('enrol.submit')}
            lastResult={lastResult}
          />
        </section>
      ) : (
        <div className="space-y-3">
          <p className="font-medium">{t('settings.statusOff')}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="start" />
            <button type="submit" className={buttonClass}>
              {t('settings.start')}
            </button>
          </Form>
        </div>
      )}

      <p>
        <Link to={back} className={linkClass}>
          {page.kind === 'staff' ? t('settings.staffBack') : t('settings.back')}
        </Link>
      </p>
    </section>
  )
}

const DisableFormSchema = z.object({
  intent: z.literal('disable'),
  password: z.string().optional(),
  code: z.string().optional(),
})

function DisableForm({ lastResult }: { lastResult: unknown }) {
  const { t } = useTranslation('security')
  const navigation = useNavigation()
  const [form, fields] = useForm({
    id: 'disable',
    lastResult: replyFor(lastResult, 'disable'),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DisableFormSchema }),
    shouldValidate: 'onSubmit',
  })
  return (
    <section aria-labelledby="disable" className="space-y-3">
      <h2 id="disable" className="text-2xl font-semibold">
        {t('settings.disableTitle')}
      </h2>
      <p>{t('settings.disableIntro')}</p>
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <ErrorSummary form={form} />
        <FormAlertWithRetry id={form.errorId} errors={form.errors} lastResult={lastResult} />
        <input type="hidden" name="intent" value="disable" />
        <div className="space-y-1">
          <label htmlFor={fields.password.id} className={labelClass}>
            {t('settings.password')}
          </label>
          <input
            {...getInputProps(fields.password, { type: 'password', value: false })}
            autoComplete="current-password"
            className={inputClass}
          />
          <ErrorList id={fields.password.errorId} errors={fields.password.errors} />
        </div>
        <div className="space-y-1">
          <label htmlFor={fields.code.id} className={labelClass}>
            {t('settings.code')}
          </label>
          <input
            {...getInputProps(fields.code, { type: 'text', value: false })}
            autoComplete="one-time-code"
            className={inputClass}
          />
          <ErrorList id={fields.code.errorId} errors={fields.code.errors} />
        </div>
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t('settings.disableSubmit')}
        </button>
      </Form>
    </section>
  )
}
