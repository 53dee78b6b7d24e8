import { ErrorSummary } from '#app/components/error-summary.tsx'
import { KeepMyDetailsForm } from './keep-my-details-form.tsx'
import { OrganisationAddressForm, type OrganisationAddressData } from './address-form.tsx'
import {
  getFormProps,
  getInputProps,
  getSelectProps,
  type SubmissionResult,
  useForm,
} from '@conform-to/react'
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
  Notice,
  useErrorText,
} from '#app/components/forms.tsx'
import { supportedLngs } from '#app/i18n/config.ts'
import { useFormat } from '#app/lib/use-format.ts'
import {
  DefaultVisibilitySchema,
  InviteSchema,
  ORGANISATION_DETAIL_FIELDS,
  type OrganisationDetailField,
  OrganisationDetailsSchema,
  ROLES,
  VISIBILITIES,
} from './schemas.ts'

export const ORGANISATION_NOTICES = [
  'detailsSaved',
  'visibilitySaved',
  'invited',
  'revoked',
  'roleChanged',
  'removed',
  'joined',
  'addressAdded',
  'addressSaved',
  'addressRemoved',
] as const
export type OrganisationNotice = (typeof ORGANISATION_NOTICES)[number]

type Role = (typeof ROLES)[number]
type Visibility = (typeof VISIBILITIES)[number]

interface Details {
  name: string
  legalName: string | null
  registrationNumber: string | null
  version: number
}

export interface OrganisationPageData {
  organisation: Details & {
    id: string
    customerNumber: string
    defaultVisibility: Visibility
    addresses: OrganisationAddressData[]
    members: { customerId: string; name: string; role: Role; joinedAt: Date | string }[]
    invitations: {
      id: string
      email: string
      role: Role
      createdAt: Date | string
      expiresAt: Date | string
    }[]
  }
  role: Role
  isOwner: boolean
  me: string
  locale: string
  /** The country choices of the owners' address forms (empty for everyone else). */
  countries: { code: string; name: string }[]
  notice?: OrganisationNotice | null
}

export type OrganisationActionData =
  | { kind: 'details' | 'visibility' | 'invite'; result: SubmissionResult<string[]> }
  | {
      kind: 'conflict'
      conflict: {
        mine: Partial<Record<OrganisationDetailField, string | null>>
        current: Details
        fields: OrganisationDetailField[]
      }
    }
  | { kind: 'address-add'; result: SubmissionResult<string[]> }
  | { kind: 'address-edit'; addressId: string | null; result: SubmissionResult<string[]> }
  | {
      kind: 'address-conflict'
      addressId: string
      mine: Partial<Omit<OrganisationAddressData, 'id'>>
      current: OrganisationAddressData
    }
  | { kind: 'member' | 'leave'; error: string }
  | { kind: 'invalid' }

const secondaryButtonClass =
  'rounded border border-slate-400 bg-white px-3 py-1 font-medium text-slate-900 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none'

export function OrganisationPageView({
  page,
  actionData,
}: {
  page: OrganisationPageData
  actionData?: OrganisationActionData
}) {
  const { t } = useTranslation('organisations')
  const { organisation, isOwner } = page
  const errorText = useErrorText()
  const result = (kind: 'details' | 'visibility' | 'invite') =>
    actionData && 'result' in actionData && actionData.kind === kind ? actionData.result : null

  return (
    <div className="max-w-3xl space-y-10">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">{organisation.name}</h1>
        {page.notice ? <Notice>{t(`notices.${page.notice}`)}</Notice> : null}
      </header>

      <section aria-labelledby="organisation-details" className="space-y-3">
        <h2 id="organisation-details" className="text-2xl font-semibold">
          {t('page.details')}
        </h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-1">
          <dt className="font-medium">{t('page.name')}</dt>
          <dd>{organisation.name}</dd>
          <dt className="font-medium">{t('page.legalName')}</dt>
          <dd>{organisation.legalName ?? t('page.notSet')}</dd>
          <dt className="font-medium">{t('page.registrationNumber')}</dt>
          <dd>{organisation.registrationNumber ?? t('page.notSet')}</dd>
          <dt className="font-medium">{t('page.customerNumber')}</dt>
          <dd>{organisation.customerNumber}</dd>
          <dt className="font-medium">{t('page.yourRole')}</dt>
          <dd>{t(`roles.${page.role}`)}</dd>
          <dt className="font-medium">{t('page.defaultVisibility')}</dt>
          <dd>{t(`visibility.${organisation.defaultVisibility}`)}</dd>
        </dl>
        {isOwner ? (
          <p>
            <Link to={`/organisations/${organisation.id}/history`} className={linkClass}>
              {t('page.history')}
            </Link>
          </p>
        ) : null}
      </section>

      <section aria-labelledby="organisation-addresses" className="space-y-3">
        <h2 id="organisation-addresses" className="text-2xl font-semibold">
          {t('page.addresses')}
        </h2>
        {organisation.addresses.length === 0 ? (
          <p>{isOwner ? t('page.noAddressesOwner') : t('page.noAddresses')}</p>
        ) : (
          <ul className="grid gap-4 sm:grid-cols-2">
            {organisation.addresses.map((address) => (
              <li key={address.id} className="rounded border border-slate-200 bg-white p-3">
                <p className="font-medium">{t(`addressKinds.${address.kind}`)}</p>
                <address className="not-italic">
                  {[
                    address.recipient,
                    address.line1,
                    address.line2,
                    [address.postalCode, address.city].filter(Boolean).join(' '),
                    address.region,
                    address.countryCode,
                  ]
                    .filter(Boolean)
                    .map((line, index) => (
                      <span key={index} className="block">
                        {line}
                      </span>
                    ))}
                </address>
                {isOwner ? (
                  <AddressOwnerControls
                    address={address}
                    countries={page.countries}
                    actionData={actionData}
                  />
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {isOwner ? (
          <details
            className="rounded border border-slate-200 bg-white p-3"
            open={actionData?.kind === 'address-add'}
          >
            <summary className="cursor-pointer font-medium">{t('page.addAddress')}</summary>
            <div className="mt-3">
              <OrganisationAddressForm
                countries={page.countries}
                lastResult={actionData?.kind === 'address-add' ? actionData.result : null}
              />
            </div>
          </details>
        ) : null}
      </section>

      <MembersSection page={page} error={memberError(actionData)} />

      {isOwner ? (
        <>
          <InvitationsSection page={page} />
          <InviteForm lastResult={result('invite')} locale={page.locale} />
          <section aria-labelledby="organisation-edit" className="space-y-3">
            <h2 id="organisation-edit" className="text-2xl font-semibold">
              {t('page.edit')}
            </h2>
            {actionData?.kind === 'conflict' ? (
              <DetailsConflict conflict={actionData.conflict} organisationId={organisation.id} />
            ) : (
              <DetailsForm details={organisation} lastResult={result('details')} />
            )}
          </section>
          <VisibilityForm
            current={organisation.defaultVisibility}
            lastResult={result('visibility')}
          />
        </>
      ) : null}

      <section aria-labelledby="organisation-leave" className="space-y-3">
        <h2 id="organisation-leave" className="text-2xl font-semibold">
          {t('page.leave')}
        </h2>
        <p>{t('page.leaveBody')}</p>
        {actionData?.kind === 'leave' ? <FormAlert errors={[actionData.error]} /> : null}
        <Form method="post">
          <input type="hidden" name="intent" value="leave" />
          <button type="submit" className={secondaryButtonClass}>
            {t('page.leaveButton', { name: organisation.name })}
          </button>
        </Form>
      </section>
      {actionData?.kind === 'invalid' ? (
        <FormAlert errors={[errorText('validation.invalidValue')]} />
      ) : null}
    </div>
  )
}

/** An owner's edit disclosure and remove button under one address. */
function AddressOwnerControls({
  address,
  countries,
  actionData,
}: {
  address: OrganisationAddressData
  countries: { code: string; name: string }[]
  actionData?: OrganisationActionData
}) {
  const { t } = useTranslation('organisations')
  const kindName = t(`addressKinds.${address.kind}`)
  const editResult =
    actionData?.kind === 'address-edit' && actionData.addressId === address.id
      ? actionData.result
      : null
  const conflict =
    actionData?.kind === 'address-conflict' && actionData.addressId === address.id
      ? actionData
      : null
  return (
    <div className="mt-3 space-y-3">
      <details open={Boolean(editResult ?? conflict)}>
        <summary className="cursor-pointer font-medium">
          {t('page.editAddress', { kind: kindName })}
        </summary>
        <div className="mt-3 space-y-3">
          {conflict ? <AddressConflict conflict={conflict} /> : null}
          <OrganisationAddressForm
            // After a conflict the form holds what this person typed, over the version now
            // stored, so saving keeps theirs and nothing they wrote is lost.
            address={
              conflict
                ? { ...address, ...conflict.mine, version: conflict.current.version }
                : address
            }
            countries={countries}
            lastResult={editResult}
          />
        </div>
      </details>
      <Form method="post">
        <input type="hidden" name="intent" value="address-remove" />
        <input type="hidden" name="addressId" value={address.id} />
        <button type="submit" className={secondaryButtonClass}>
          {t('page.removeAddress', { kind: kindName })}
        </button>
      </Form>
    </div>
  )
}

const ADDRESS_FIELDS = {
  kind: 'kind',
  recipient: 'recipient',
  line1: 'line1',
  line2: 'line2',
  postalCode: 'postal_code',
  city: 'city',
  region: 'region',
  countryCode: 'country_code',
} as const

/** A stale address save: the versions, and the stored values that differ from the typed ones. */
function AddressConflict({
  conflict,
}: {
  conflict: Extract<OrganisationActionData, { kind: 'address-conflict' }>
}) {
  const { t } = useTranslation('organisations')
  const differing = (Object.keys(ADDRESS_FIELDS) as (keyof typeof ADDRESS_FIELDS)[]).filter(
    (field) =>
      field in conflict.mine &&
      (conflict.mine[field] ?? null) !== (conflict.current[field] ?? null),
  )
  return (
    <div role="alert" className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3">
      <p>
        {t('page.addressConflict', {
          mine: conflict.mine.version ?? '',
          current: conflict.current.version,
        })}
      </p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-sm">
        {differing.map((field) => (
          <div key={field} className="contents">
            <dt className="font-medium">{t(`history.fields.${ADDRESS_FIELDS[field]}`)}</dt>
            <dd>{conflict.current[field] || t('history.emptyValue')}</dd>
          </div>
        ))}
      </dl>
    </div>
  )
}

function memberError(actionData?: OrganisationActionData): string | null {
  return actionData?.kind === 'member' ? actionData.error : null
}

function MembersSection({ page, error }: { page: OrganisationPageData; error: string | null }) {
  const { t } = useTranslation('organisations')
  const format = useFormat()
  return (
    <section aria-labelledby="organisation-members" className="space-y-3">
      <h2 id="organisation-members" className="text-2xl font-semibold">
        {t('page.members')}
      </h2>
      <FormAlert errors={error ? [error] : null} />
      <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white">
        {page.organisation.members.map((member) => {
          const name =
            member.customerId === page.me ? t('page.you', { name: member.name }) : member.name
          return (
            <li key={member.customerId} className="flex flex-wrap items-center gap-4 p-3">
              <div className="min-w-48 flex-1">
                <p className="font-medium">{name}</p>
                <p className="text-sm text-slate-700">
                  {t(`roles.${member.role}`)} ·{' '}
                  {t('page.joined', { date: format.date(member.joinedAt) })}
                </p>
              </div>
              {page.isOwner ? (
                <>
                  <Form method="post" className="flex items-center gap-2">
                    <input type="hidden" name="intent" value="role" />
                    <input type="hidden" name="customerId" value={member.customerId} />
                    <label htmlFor={`role-${member.customerId}`} className="sr-only">
                      {t('page.roleOf', { name: member.name })}
                    </label>
                    <select
                      id={`role-${member.customerId}`}
                      name="role"
                      defaultValue={member.role}
                      className="rounded border border-slate-300 bg-white px-2 py-1"
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {t(`roles.${role}`)}
                        </option>
                      ))}
                    </select>
                    <button type="submit" className={secondaryButtonClass}>
                      {t('page.changeRole')}
                    </button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="intent" value="remove" />
                    <input type="hidden" name="customerId" value={member.customerId} />
                    <button
                      type="submit"
                      className={secondaryButtonClass}
                      aria-label={t('page.removeName', { name: member.name })}
                    >
                      {t('page.remove')}
                    </button>
                  </Form>
                </>
              ) : null}
            </li>
          )
        })}
      </ul>
    </section>
  )
}

function InvitationsSection({ page }: { page: OrganisationPageData }) {
  const { t } = useTranslation('organisations')
  const format = useFormat()
  const { invitations } = page.organisation
  return (
    <section aria-labelledby="organisation-invitations" className="space-y-3">
      <h2 id="organisation-invitations" className="text-2xl font-semibold">
        {t('page.invitations')}
      </h2>
      {invitations.length === 0 ? (
        <p>{t('page.noInvitations')}</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded border border-slate-200 bg-white">
          {invitations.map((invitation) => (
            <li key={invitation.id} className="flex flex-wrap items-center gap-4 p-3">
              <div className="flex-1">
                <p className="font-medium">{invitation.email}</p>
                <p className="text-sm text-slate-700">
                  {t(`roles.${invitation.role}`)} ·{' '}
                  {t('page.expires', { date: format.dateTime(invitation.expiresAt) })}
                </p>
              </div>
              <Form method="post">
                <input type="hidden" name="intent" value="revoke" />
                <input type="hidden" name="invitationId" value={invitation.id} />
                <button
                  type="submit"
                  className={secondaryButtonClass}
                  aria-label={t('page.revokeFor', { email: invitation.email })}
                >
                  {t('page.revoke')}
                </button>
              </Form>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function useLanguageName() {
  const { i18n } = useTranslation()
  const names = new Intl.DisplayNames([i18n.language], { type: 'language' })
  return (code: string) => names.of(code) ?? code
}

function InviteForm({
  lastResult,
  locale,
}: {
  lastResult: SubmissionResult<string[]> | null
  locale: string
}) {
  const { t } = useTranslation('organisations')
  const navigation = useNavigation()
  const languageName = useLanguageName()
  const [form, fields] = useForm({
    id: 'organisation-invite',
    lastResult,
    constraint: getZodConstraint(InviteSchema),
    defaultValue: {
      role: 'member',
      language: (supportedLngs as readonly string[]).includes(locale) ? locale : 'en',
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: InviteSchema }),
    shouldRevalidate: 'onInput',
  })
  return (
    <section aria-labelledby="organisation-invite-title" className="space-y-3">
      <h2 id="organisation-invite-title" className="text-2xl font-semibold">
        {t('page.invite')}
      </h2>
      <p className="text-slate-700">{t('page.inviteIntro')}</p>
      <Form method="post" className="space-y-4" {...getFormProps(form)}>
        <ErrorSummary form={form} omit={['intent', 'version', 'token']} />
        <FormAlert id={form.errorId} errors={form.errors} />
        <input type="hidden" name="intent" value="invite" />
        <div className="space-y-1">
          <label htmlFor={fields.email.id} className={labelClass}>
            {t('page.email')}
          </label>
          <input
            {...getInputProps(fields.email, { type: 'email' })}
            autoComplete="off"
            className={inputClass}
          />
          <ErrorList id={fields.email.errorId} errors={fields.email.errors} />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-1">
            <label htmlFor={fields.role.id} className={labelClass}>
              {t('page.role')}
            </label>
            <select {...getSelectProps(fields.role)} className={inputClass}>
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {t(`roles.${role}`)}
                </option>
              ))}
            </select>
            <ErrorList id={fields.role.errorId} errors={fields.role.errors} />
          </div>
          <div className="space-y-1">
            <label htmlFor={fields.language.id} className={labelClass}>
              {t('page.language')}
            </label>
            <select {...getSelectProps(fields.language)} className={inputClass}>
              {supportedLngs.map((code) => (
                <option key={code} value={code}>
                  {languageName(code)}
                </option>
              ))}
            </select>
            <ErrorList id={fields.language.errorId} errors={fields.language.errors} />
          </div>
        </div>
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {t('page.sendInvitation')}
        </button>
      </Form>
    </section>
  )
}

function DetailsForm({
  details,
  lastResult,
}: {
  details: Details
  lastResult: SubmissionResult<string[]> | null
}) {
  const { t } = useTranslation('organisations')
  const navigation = useNavigation()
  const [form, fields] = useForm({
    // A new version is a new form: after a save, the fields and the hidden version start over.
    id: `organisation-details-${details.version}`,
    lastResult,
    constraint: getZodConstraint(OrganisationDetailsSchema),
    defaultValue: {
      name: details.name,
      legalName: details.legalName ?? '',
      registrationNumber: details.registrationNumber ?? '',
      version: details.version,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: OrganisationDetailsSchema }),
    shouldRevalidate: 'onInput',
  })
  const labels: Record<OrganisationDetailField, string> = {
    name: t('page.name'),
    legalName: t('page.legalName'),
    registrationNumber: t('page.registrationNumber'),
  }
  return (
    <Form method="post" className="space-y-4" {...getFormProps(form)}>
      <ErrorSummary form={form} omit={['intent', 'version', 'token']} />
      <FormAlert id={form.errorId} errors={form.errors} />
      <input type="hidden" name="intent" value="details" />
      <input {...getInputProps(fields.version, { type: 'hidden' })} />
      {ORGANISATION_DETAIL_FIELDS.map((name) => {
        const field = fields[name]
        return (
          <div key={name} className="space-y-1">
            <label htmlFor={field.id} className={labelClass}>
              {labels[name]}
            </label>
            <input {...getInputProps(field, { type: 'text' })} className={inputClass} />
            <ErrorList id={field.errorId} errors={field.errors} />
          </div>
        )
      })}
      <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
        {t('page.save')}
      </button>
    </Form>
  )
}

/** Someone saved after this form was loaded: both versions side by side, and the owner chooses. */
function DetailsConflict({
  conflict,
  organisationId,
}: {
  conflict: Extract<OrganisationActionData, { kind: 'conflict' }>['conflict']
  organisationId: string
}) {
  const { t } = useTranslation('organisations')
  const show = (value: string | null | undefined) => (value ? value : t('page.notSet'))
  const labels: Record<OrganisationDetailField, string> = {
    name: t('page.name'),
    legalName: t('page.legalName'),
    registrationNumber: t('page.registrationNumber'),
  }
  return (
    <div className="space-y-4">
      <div role="alert" className="rounded border border-amber-400 bg-amber-50 p-3 text-amber-950">
        <h3 className="font-semibold">{t('conflict.title')}</h3>
        <p>{t('conflict.body')}</p>
      </div>
      <table className="w-full border-collapse text-left">
        <caption className="sr-only">{t('conflict.caption')}</caption>
        <thead>
          <tr className="border-b border-slate-300">
            <th scope="col" className="py-2 pr-4">
              {t('conflict.field')}
            </th>
            <th scope="col" className="py-2 pr-4">
              {t('conflict.yours')}
            </th>
            <th scope="col" className="py-2">
              {t('conflict.saved')}
            </th>
          </tr>
        </thead>
        <tbody>
          {conflict.fields.map((field) => (
            <tr key={field} className="border-b border-slate-200">
              <th scope="row" className="py-2 pr-4 font-medium">
                {labels[field]}
              </th>
              <td className="py-2 pr-4">{show(conflict.mine[field])}</td>
              <td className="py-2">{show(conflict.current[field])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex flex-wrap items-center gap-4">
        <KeepMyDetailsForm conflict={conflict}>{t('conflict.keepMine')}</KeepMyDetailsForm>
        <Link to={`/organisations/${organisationId}`} className={secondaryButtonClass}>
          {t('conflict.useSaved')}
        </Link>
      </div>
    </div>
  )
}

function VisibilityForm({
  current,
  lastResult,
}: {
  current: Visibility
  lastResult: SubmissionResult<string[]> | null
}) {
  const { t } = useTranslation('organisations')
  const [form, fields] = useForm({
    id: `organisation-visibility-${current}`,
    lastResult,
    defaultValue: { visibility: current },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DefaultVisibilitySchema }),
  })
  return (
    <section aria-labelledby="organisation-visibility" className="space-y-3">
      <Form method="post" className="space-y-3" {...getFormProps(form)}>
        <ErrorSummary form={form} omit={['intent', 'version', 'token']} />
        <input type="hidden" name="intent" value="visibility" />
        <fieldset className="space-y-2" aria-describedby={`${fields.visibility.id}-hint`}>
          <legend id="organisation-visibility" className="text-2xl font-semibold">
            {t('page.defaultVisibility')}
          </legend>
          <p id={`${fields.visibility.id}-hint`} className="text-slate-700">
            {t('page.defaultVisibilityHint')}
          </p>
          {VISIBILITIES.map((value) => (
            <div key={value} className="flex items-center gap-2">
              <input
                type="radio"
                id={`visibility-${value}`}
                name={fields.visibility.name}
                value={value}
                defaultChecked={current === value}
              />
              <label htmlFor={`visibility-${value}`}>{t(`visibility.${value}`)}</label>
            </div>
          ))}
          <ErrorList id={fields.visibility.errorId} errors={fields.visibility.errors} />
        </fieldset>
        <button type="submit" className={secondaryButtonClass}>
          {t('page.saveVisibility')}
        </button>
      </Form>
    </section>
  )
}
