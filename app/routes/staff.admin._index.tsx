import { getFormProps, getInputProps, getSelectProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { requireStaff } from '#app/auth/guards.server.ts'
import { staffRoles } from '#app/auth/roles.ts'
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
import {
  fallbackLng,
  isSupportedLanguage,
  type SupportedLanguage,
  supportedLngs,
} from '#app/i18n/config.ts'
import { getFixedT, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { singleLine } from '#app/lib/text-fields.ts'
import { mailStaffInvitation } from '#app/mail/staff-invitation.server.ts'
import { getDatabase } from '#db/database.ts'
import { InvalidStateError } from '#db/errors.ts'
import { inviteStaff, listStaff } from '#db/staff-admin.ts'

// Admins see every staff member and invite new ones. An invitation creates the account without
// a password; the person sets one from the mailed link (/staff/claim).

const InviteSchema = z.object({
  email: z
    .string({ required_error: 'admin:errors.emailRequired' })
    .trim()
    .max(254, 'admin:errors.emailInvalid')
    .email('admin:errors.emailInvalid'),
  displayName: singleLine(
    z
      .string({ required_error: 'admin:errors.nameRequired' })
      .trim()
      .min(1, 'admin:errors.nameRequired')
      .max(200, 'admin:errors.nameTooLong'),
  ),
  role: z.enum(staffRoles, { errorMap: () => ({ message: 'admin:errors.roleInvalid' }) }),
  // Absent (a form from before the choice existed): the admin's own language.
  language: z
    .enum(supportedLngs, { errorMap: () => ({ message: 'admin:errors.languageInvalid' }) })
    .optional(),
})

// Each language is named in itself, as in the language switcher.
function nativeName(code: string): string {
  return new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { headers } = await requireStaff(request, 'admin')
  const staff = await listStaff(await getDatabase())
  const [common, admin, locale] = await Promise.all([
    getFixedT(request, 'common'),
    getFixedT(request, 'admin'),
    getRequestLocale(request),
  ])
  // The invitation mail is written in the admin's own language unless they choose another.
  const mailLanguage: SupportedLanguage = isSupportedLanguage(locale) ? locale : fallbackLng
  return data(
    { title: common('app.pageTitle', { page: admin('staff.title') }), staff, mailLanguage },
    { headers },
  )
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, headers } = await requireStaff(request, 'admin')
  const submission = parseWithZod(await request.formData(), { schema: InviteSchema })
  if (submission.status !== 'success') {
    return data(submission.reply(), { status: 400, headers })
  }
  try {
    const { language, ...invite } = submission.value
    const invitation = await inviteStaff(await getDatabase(), { ...invite, actorId: user.id })
    await mailStaffInvitation(
      invitation,
      user.displayName,
      language ?? (await getRequestLocale(request)),
    )
  } catch (error) {
    if (error instanceof InvalidStateError) {
      return data(submission.reply({ fieldErrors: { email: [error.reason] } }), {
        status: 400,
        headers,
      })
    }
    throw error
  }
  return redirect('/staff/admin?saved=invited', { headers })
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function StaffAdminRoute() {
  const { staff, mailLanguage } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [searchParams] = useSearchParams()
  const { t } = useTranslation('admin')
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(InviteSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InviteSchema }),
    shouldRevalidate: 'onInput',
    defaultValue: { role: 'agent', language: mailLanguage },
  })

  return (
    <main className="mx-auto max-w-4xl space-y-6 p-4">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold">{t('staff.title')}</h1>
        <p>{t('staff.intro')}</p>
        <p>
          <Link to="/staff/admin/wordings" className={linkClass}>
            {t('wordings.title')}
          </Link>
        </p>
      </header>
      {searchParams.get('saved') === 'invited' && !lastResult ? (
        <Notice>{t('staff.invite.done')}</Notice>
      ) : null}

      <table className="w-full">
        <caption className="text-left font-semibold">{t('staff.listCaption')}</caption>
        <thead>
          <tr>
            <th scope="col" className="px-2 text-left">
              {t('staff.name')}
            </th>
            <th scope="col" className="px-2 text-left">
              {t('staff.email')}
            </th>
            <th scope="col" className="px-2 text-left">
              {t('staff.role')}
            </th>
            <th scope="col" className="px-2 text-left">
              {t('staff.state')}
            </th>
          </tr>
        </thead>
        <tbody>
          {staff.map((member) => (
            <tr key={member.accountId} className="border-t border-slate-200">
              <th scope="row" className="px-2 py-1 text-left font-normal">
                <Link to={`/staff/admin/staff/${member.accountId}`} className={linkClass}>
                  {member.displayName}
                </Link>
              </th>
              <td className="px-2 py-1">{member.email}</td>
              <td className="px-2 py-1">{t(`roles.${member.role}`)}</td>
              <td className="px-2 py-1">{t(`states.${member.state}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <section aria-labelledby="invite-heading" className="space-y-3">
        <h2 id="invite-heading" className="text-xl font-semibold">
          {t('staff.invite.title')}
        </h2>
        <p>{t('staff.invite.intro')}</p>
        <Form method="post" className="max-w-md space-y-4" {...getFormProps(form)}>
          <ErrorSummary form={form} />
          <FormAlert id={form.errorId} errors={form.errors} />
          <div className="space-y-1">
            <label htmlFor={fields.email.id} className={labelClass}>
              {t('staff.invite.email')}
            </label>
            <input
              {...getInputProps(fields.email, { type: 'email' })}
              autoComplete="off"
              className={inputClass}
            />
            <ErrorList id={fields.email.errorId} errors={fields.email.errors} />
          </div>
          <div className="space-y-1">
            <label htmlFor={fields.displayName.id} className={labelClass}>
              {t('staff.invite.displayName')}
            </label>
            <input
              {...getInputProps(fields.displayName, { type: 'text' })}
              autoComplete="off"
              className={inputClass}
            />
            <ErrorList id={fields.displayName.errorId} errors={fields.displayName.errors} />
          </div>
          <div className="space-y-1">
            <label htmlFor={fields.role.id} className={labelClass}>
              {t('staff.invite.role')}
            </label>
            <select {...getSelectProps(fields.role)} className={inputClass}>
              {staffRoles.map((role) => (
                <option key={role} value={role}>
                  {t(`roles.${role}`)}
                </option>
              ))}
            </select>
            <ErrorList id={fields.role.errorId} errors={fields.role.errors} />
          </div>
          <div className="space-y-1">
            <label htmlFor={fields.language.id} className={labelClass}>
              {t('staff.invite.language')}
            </label>
            <select {...getSelectProps(fields.language)} className={inputClass}>
              {supportedLngs.map((code) => (
                <option key={code} value={code} lang={code}>
                  {nativeName(code)}
                </option>
              ))}
            </select>
            <ErrorList id={fields.language.errorId} errors={fields.language.errors} />
          </div>
          <button type="submit" className={buttonClass}>
            {t('staff.invite.submit')}
          </button>
        </Form>
      </section>
    </main>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
