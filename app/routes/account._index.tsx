import { getFormProps, getInputProps, getTextareaProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { verifyAgainstDummy, verifyPassword } from '#app/auth/password.server.ts'
import { GeneralErrorBoundary } from '#app/components/error-boundary.tsx'
import { ErrorSummary } from '#app/components/error-summary.tsx'
import {
  buttonClass,
  ErrorList,
  FormAlert,
  inputClass,
  labelClass,
  linkClass,
  Notice,
} from '#app/components/forms.tsx'
import { RequestStatusBadge } from '#app/components/requests/request-status.tsx'
import { getFixedT } from '#app/i18n/i18next.server.ts'
import { requireFound } from '#app/lib/http.server.ts'
import { multiLine } from '#app/lib/text-fields.ts'
import { useFormat } from '#app/lib/use-format.ts'
import { getOpenAccountClosure, requestAccountClosure } from '#db/account-closure.ts'
import { listSolelyOwnedOrganisations } from '#db/organisations.ts'
import { findSignInAccount } from '#db/customer-contacts.ts'
import { getDatabase } from '#db/database.ts'
import { getLastDataExport } from '#db/data-export.ts'

// "Your data and account": the download of everything we hold (GDPR articles 15 and 20) and the
// request to close the account. Nothing here takes an id: both act on the signed-in customer.

const CloseAccountSchema = z.object({
  currentPassword: z
    .string({ required_error: 'account:errors.passwordRequired' })
    .max(1000, 'validation.tooLong'),
  reason: multiLine(z.string().trim().max(2000, 'validation.tooLong')).optional(),
})

// The password never travels back to the browser in an error response.
const hideFields = ['currentPassword']

const NOTICES = ['closureRequested', 'closureExists'] as const
const NoticeSchema = z.enum(NOTICES).optional().catch(undefined)

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const db = await getDatabase()
  const [closure, lastExportAt, t, tCommon] = await Promise.all([
    getOpenAccountClosure(db, user.customerId),
    getLastDataExport(db, user.customerId),
    getFixedT(request, 'account'),
    getFixedT(request, 'common'),
  ])
  const notice = NoticeSchema.parse(new URL(request.url).searchParams.get('notice') ?? undefined)
  return data(
    {
      title: tCommon('app.pageTitle', { page: t('title') }),
      closure,
      lastExportAt,
      // A notice about a closure request only makes sense while there is one to show.
      notice: closure ? (notice ?? null) : null,
    },
    { headers },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireCustomer(request)
  const submission = parseWithZod(await request.formData(), { schema: CloseAccountSchema })
  if (submission.status !== 'success') {
    return data(submission.reply({ hideFields }), { status: 400, headers })
  }
  const db = await getDatabase()
  const account = requireFound(await findSignInAccount(db, user.customerId))
  const passwordOk = account.passwordHash
    ? await verifyPassword(account.passwordHash, submission.value.currentPassword)
    : await verifyAgainstDummy(submission.value.currentPassword)
  if (!passwordOk) {
    return data(
      submission.reply({
        fieldErrors: { currentPassword: ['account:errors.passwordWrong'] },
        hideFields,
      }),
      { status: 400, headers },
    )
  }

  // Said now, not when staff come to close it: the person can hand ownership over first.
  if ((await listSolelyOwnedOrganisations(db, user.customerId)).length > 0) {
    return data(
      submission.reply({ formErrors: ['organisations:errors.closureLastOwner'], hideFields }),
      { status: 400, headers },
    )
  }

  const t = await getFixedT(request, 'account')
  const result = await requestAccountClosure(db, {
    customerId: user.customerId,
    accountId: user.id,
    subject: t('closure.subject'),
    reason: submission.value.reason || null,
  })
  const notice = result.status === 'created' ? 'closureRequested' : 'closureExists'
  return redirect(`/account?notice=${notice}#close-account`, { headers })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function AccountRoute() {
  const { closure, lastExportAt, notice } = useLoaderData<typeof loader>()
  const { t } = useTranslation('account')
  const { t: tSecurity } = useTranslation('security')
  const format = useFormat()

  return (
    <div className="max-w-3xl space-y-10">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{t('title')}</h1>
        <p className="text-slate-700">{t('intro')}</p>
      </header>

      <section aria-labelledby="download-data" className="space-y-3">
        <h2 id="download-data" className="text-2xl font-semibold">
          {t('export.title')}
        </h2>
        <p>{t('export.body')}</p>
        <p className="text-slate-700">{t('export.format')}</p>
        <p className="text-slate-700">{t('export.excluded')}</p>
        {lastExportAt ? (
          <p className="text-slate-700">
            {t('export.lastDownloaded', { date: format.dateTime(lastExportAt) })}
          </p>
        ) : null}
        <p>
          {/* A file, not a page: the browser downloads it instead of navigating. */}
          <a href="/account/export" download className={`inline-block ${buttonClass}`}>
            {t('export.download')}
          </a>
        </p>
      </section>

      <section aria-labelledby="change-password" className="space-y-3">
        <h2 id="change-password" className="text-2xl font-semibold">
          {t('password.title')}
        </h2>
        <p>{t('password.linkIntro')}</p>
        <p>
          <Link to="/account/password" className={linkClass}>
            {t('password.link')}
          </Link>
        </p>
      </section>

      <section aria-labelledby="sign-in-security" className="space-y-3">
        <h2 id="sign-in-security" className="text-2xl font-semibold">
          {tSecurity('settings.title')}
        </h2>
        <p>
          <Link to="/account/security" className={linkClass}>
            {tSecurity('settings.accountLink')}
          </Link>
        </p>
      </section>

      <section aria-labelledby="close-account" className="space-y-4">
        <h2 id="close-account" className="text-2xl font-semibold">
          {t('closure.title')}
        </h2>
        {notice && closure ? (
          <Notice>
            {notice === 'closureRequested'
              ? t('notice.closureRequested', { requestNumber: closure.requestNumber })
              : t('notice.closureExists')}
          </Notice>
        ) : null}
        {closure ? <OpenClosure closure={closure} /> : <CloseAccount />}
      </section>
    </div>
  )
}

type Closure = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>['closure']>

function OpenClosure({ closure }: { closure: Closure }) {
  const { t } = useTranslation('account')
  const format = useFormat()
  const href = `/requests/${encodeURIComponent(closure.requestNumber)}`
  return (
    <div className="space-y-3 rounded border border-slate-300 bg-white p-4">
      <h3 className="text-xl font-semibold">{t('closure.open.title')}</h3>
      <p>
        {t('closure.open.number', {
          requestNumber: closure.requestNumber,
          date: format.date(closure.createdAt),
        })}{' '}
        <RequestStatusBadge status={closure.status} />
      </p>
      {closure.status === 'submitted' ||
      closure.status === 'in_review' ||
      closure.status === 'waiting_for_customer' ||
      closure.status === 'approved' ? (
        <p>{t(`closure.next.${closure.status}`)}</p>
      ) : null}
      {closure.dueAt ? <p>{t('closure.open.aim', { date: format.date(closure.dueAt) })}</p> : null}
      <p>
        <Link to={href} className={linkClass}>
          {closure.status === 'submitted' ? t('closure.open.linkCancel') : t('closure.open.link')}
        </Link>
      </p>
    </div>
  )
}

function CloseAccount() {
  const lastResult = useActionData<typeof action>()
  const navigation = useNavigation()
  const { t } = useTranslation('account')
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(CloseAccountSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CloseAccountSchema }),
    shouldRevalidate: 'onInput',
  })
  // After a refused try the browser still shows the typed password: each try starts empty.
  const passwordRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (lastResult && passwordRef.current) passwordRef.current.value = ''
  }, [lastResult])
  const passwordHintId = `${fields.currentPassword.id}-hint`
  const reasonHintId = `${fields.reason.id}-hint`
  const steps = ['request', 'anonymised', 'marketing', 'sessions', 'orders', 'history'] as const

  return (
    <div className="space-y-4">
      <h3 className="text-xl font-semibold">{t('closure.whatHappens')}</h3>
      <ul className="list-disc space-y-1 pl-5">
        {steps.map((step) => (
          <li key={step}>{t(`closure.steps.${step}`)}</li>
        ))}
      </ul>
      <p className="text-slate-700">{t('closure.downloadFirst')}</p>

      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <ErrorSummary form={form} />
        <FormAlert id={form.errorId} errors={form.errors} />
        <div className="space-y-1">
          <label htmlFor={fields.currentPassword.id} className={labelClass}>
            {t('closure.currentPassword')}
          </label>
          <input
            {...getInputProps(fields.currentPassword, { type: 'password', value: false })}
            ref={passwordRef}
            aria-describedby={
              fields.currentPassword.errors?.length
                ? `${fields.currentPassword.errorId} ${passwordHintId}`
                : passwordHintId
            }
            autoComplete="current-password"
            className={inputClass}
          />
          <p id={passwordHintId} className="text-sm text-slate-600">
            {t('closure.currentPasswordHint')}
          </p>
          <ErrorList id={fields.currentPassword.errorId} errors={fields.currentPassword.errors} />
        </div>
        <div className="space-y-1">
          <label htmlFor={fields.reason.id} className={labelClass}>
            {t('closure.reason')}
          </label>
          <textarea
            {...getTextareaProps(fields.reason)}
            aria-describedby={
              fields.reason.errors?.length
                ? `${fields.reason.errorId} ${reasonHintId}`
                : reasonHintId
            }
            rows={3}
            className={inputClass}
          />
          <p id={reasonHintId} className="text-sm text-slate-600">
            {t('closure.reasonHint')}
          </p>
          <ErrorList id={fields.reason.errorId} errors={fields.reason.errors} />
        </div>
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t('closure.submit')}
        </button>
      </Form>
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
