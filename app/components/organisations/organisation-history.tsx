import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { linkClass } from '#app/components/forms.tsx'
import { useFormat } from '#app/lib/use-format.ts'

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

export interface OrganisationHistoryItem {
  id: number
  occurredAt: Date | string
  action: string
  actorKind: 'customer' | 'staff' | 'integration' | 'system'
  actorName: string | null
  subjectName: string | null
  before: unknown
  after: unknown
}

const FIELDS = ['name', 'legal_name', 'registration_number'] as const
const ADDRESS_FIELDS = [
  'kind',
  'recipient',
  'line1',
  'line2',
  'postal_code',
  'city',
  'region',
  'country_code',
] as const
const ADDRESS_KINDS = ['registered', 'billing', 'shipping'] as const
const ROLES = ['owner', 'member', 'billing'] as const
const VISIBILITIES = ['private', 'organisation'] as const

function field(value: unknown, key: string): Json | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined
  return (value as Record<string, Json>)[key]
}

function text(value: unknown, key: string): string {
  const found = field(value, key)
  return typeof found === 'string' ? found : ''
}

/** One row in words: what happened, and for a details change each field before and after. */
function useDescribe() {
  const { t } = useTranslation('organisations')
  const role = (value: string) =>
    (ROLES as readonly string[]).includes(value)
      ? t(`roles.${value as (typeof ROLES)[number]}`)
      : value
  const visibility = (value: string) =>
    (VISIBILITIES as readonly string[]).includes(value)
      ? t(`visibility.${value as (typeof VISIBILITIES)[number]}`)
      : value
  const addressKind = (value: string) =>
    (ADDRESS_KINDS as readonly string[]).includes(value)
      ? t(`addressKinds.${value as (typeof ADDRESS_KINDS)[number]}`)
      : value
  const addressValue = (value: unknown, key: (typeof ADDRESS_FIELDS)[number]) =>
    key === 'kind' ? addressKind(text(value, key)) : text(value, key)
  return (item: OrganisationHistoryItem): { title: string; changes: string[] } => {
    const name = item.subjectName ?? t('history.actorUnknown')
    switch (item.action) {
      case 'organisation_created':
        return { title: t('history.actions.organisation_created'), changes: [] }
      case 'details_changed':
        return {
          title: t('history.actions.details_changed'),
          changes: FIELDS.filter((key) => field(item.after, key) !== undefined).map((key) =>
            t('history.change', {
              field: t(`history.fields.${key}`),
              before: text(item.before, key) || t('history.emptyValue'),
              after: text(item.after, key) || t('history.emptyValue'),
            }),
          ),
        }
      case 'member_invited':
        return {
          title: t('history.actions.member_invited', {
            email: text(item.after, 'email'),
            role: role(text(item.after, 'role')),
          }),
          changes: [],
        }
      case 'invitation_revoked':
        return {
          title: t('history.actions.invitation_revoked', { email: text(item.before, 'email') }),
          changes: [],
        }
      case 'member_joined':
        return {
          title: t('history.actions.member_joined', { name, role: role(text(item.after, 'role')) }),
          changes: [],
        }
      case 'member_removed':
        return { title: t('history.actions.member_removed', { name }), changes: [] }
      case 'member_left':
        return { title: t('history.actions.member_left', { name }), changes: [] }
      case 'role_changed':
        return {
          title: t('history.actions.role_changed', {
            name,
            before: role(text(item.before, 'role')),
            after: role(text(item.after, 'role')),
          }),
          changes: [],
        }
      case 'default_visibility_changed':
        return {
          title: t('history.actions.default_visibility_changed', {
            before: visibility(text(item.before, 'default_visibility')),
            after: visibility(text(item.after, 'default_visibility')),
          }),
          changes: [],
        }
      case 'address_added':
        return {
          title: t('history.actions.address_added', {
            kind: addressKind(text(item.after, 'kind')),
          }),
          changes: [],
        }
      case 'address_changed':
        return {
          title: t('history.actions.address_changed'),
          changes: ADDRESS_FIELDS.filter((key) => field(item.after, key) !== undefined).map((key) =>
            t('history.change', {
              field: t(`history.fields.${key}`),
              before: addressValue(item.before, key) || t('history.emptyValue'),
              after: addressValue(item.after, key) || t('history.emptyValue'),
            }),
          ),
        }
      case 'address_removed':
        return {
          title: t('history.actions.address_removed', {
            kind: addressKind(text(item.before, 'kind')),
          }),
          changes: [],
        }
      default:
        return { title: t('history.actions.other'), changes: [] }
    }
  }
}

export function OrganisationHistoryView({
  page,
}: {
  page: {
    organisation: { id: string; name: string }
    items: OrganisationHistoryItem[]
    nextCursor: string | null
  }
}) {
  const { t } = useTranslation('organisations')
  const format = useFormat()
  const describe = useDescribe()
  const actor = (item: OrganisationHistoryItem) => {
    if (item.actorKind === 'staff') {
      return t('history.actorStaff', { name: item.actorName ?? '' })
    }
    if (item.actorKind === 'customer') return item.actorName ?? t('history.actorUnknown')
    return t('history.actorSystem')
  }
  return (
    <div className="max-w-3xl space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold">
          {t('history.title', { name: page.organisation.name })}
        </h1>
        <p className="text-slate-700">{t('history.intro')}</p>
        <p>
          <Link to={`/organisations/${page.organisation.id}`} className={linkClass}>
            {t('history.back')}
          </Link>
        </p>
      </header>
      {page.items.length === 0 ? (
        <p>{t('history.empty')}</p>
      ) : (
        <ol className="divide-y divide-slate-200 rounded border border-slate-200 bg-white">
          {page.items.map((item) => {
            const { title, changes } = describe(item)
            return (
              <li key={item.id} className="space-y-1 p-3">
                <p className="font-medium">{title}</p>
                {changes.length > 0 ? (
                  <ul className="list-disc pl-5 text-sm">
                    {changes.map((change) => (
                      <li key={change}>{change}</li>
                    ))}
                  </ul>
                ) : null}
                <p className="text-sm text-slate-700">
                  <time dateTime={new Date(item.occurredAt).toISOString()}>
                    {format.dateTime(item.occurredAt)}
                  </time>{' '}
                  · {t('history.by', { actor: actor(item) })}
                </p>
              </li>
            )
          })}
        </ol>
      )}
      {page.nextCursor ? (
        <p>
          <Link
            to={`/organisations/${page.organisation.id}/history?${new URLSearchParams({ after: page.nextCursor })}`}
            className={linkClass}
          >
            {t('history.older')}
          </Link>
        </p>
      ) : null}
    </div>
  )
}
