import { Form, Link } from '@remix-run/react'
import { type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { FormAlert, linkClass } from '#app/components/forms.tsx'
import { StatusBadge } from '#app/components/ui/status-badge.tsx'

// The lists of emails, phones and addresses on /profile. Each action is a small form of its own
// that posts an `intent` and the item's id to /profile, so it works without JavaScript.

export type ItemIntent =
  | 'email-primary'
  | 'email-remove'
  | 'email-resend'
  | 'phone-primary'
  | 'phone-remove'
  | 'address-default-shipping'
  | 'address-default-billing'
  | 'address-remove'

/** A refusal of one item's action, shown next to that item. */
export interface ItemError {
  intent: ItemIntent
  id: string
  error: string
}

const smallButtonClass =
  'rounded border border-slate-400 bg-white px-2 py-1 text-sm font-medium text-slate-900 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none'

function ItemAction({
  intent,
  id,
  label,
  describedBy,
}: {
  intent: ItemIntent
  id: string
  label: string
  describedBy: string
}) {
  return (
    <Form method="post" action="/profile">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <button type="submit" className={smallButtonClass} aria-describedby={describedBy}>
        {label}
      </button>
    </Form>
  )
}

function Item({
  id,
  children,
  actions,
  itemError,
}: {
  id: string
  children: ReactNode
  actions: ReactNode
  itemError: ItemError | null
}) {
  return (
    <li className="space-y-2 rounded border border-slate-200 bg-white p-3">
      <div id={`item-${id}`}>{children}</div>
      {itemError?.id === id ? <FormAlert errors={[itemError.error]} /> : null}
      <div className="flex flex-wrap gap-2">{actions}</div>
    </li>
  )
}

export interface EmailItem {
  id: string
  email: string
  isPrimary: boolean
  verifiedAt: Date | null
}

export function EmailList({
  emails,
  signInEmail,
  itemError,
}: {
  emails: EmailItem[]
  signInEmail: string | null
  itemError: ItemError | null
}) {
  const { t } = useTranslation('profile')
  return (
    <ul className="space-y-2">
      {emails.map((email) => {
        const isSignIn = email.email.toLowerCase() === signInEmail?.toLowerCase()
        const describedBy = `item-${email.id}`
        return (
          <Item
            key={email.id}
            id={email.id}
            itemError={itemError}
            actions={
              <>
                {!email.isPrimary && email.verifiedAt ? (
                  <ItemAction
                    intent="email-primary"
                    id={email.id}
                    label={t('emails.makePrimary')}
                    describedBy={describedBy}
                  />
                ) : null}
                {!email.verifiedAt ? (
                  <ItemAction
                    intent="email-resend"
                    id={email.id}
                    label={t('emails.resend')}
                    describedBy={describedBy}
                  />
                ) : null}
                {!email.isPrimary && !isSignIn ? (
                  <ItemAction
                    intent="email-remove"
                    id={email.id}
                    label={t('emails.remove')}
                    describedBy={describedBy}
                  />
                ) : null}
              </>
            }
          >
            <p className="font-medium break-all">{email.email}</p>
            <p className="flex flex-wrap gap-2">
              {email.isPrimary ? (
                <StatusBadge tone="neutral">{t('emails.primary')}</StatusBadge>
              ) : null}
              {isSignIn ? <StatusBadge tone="neutral">{t('emails.signIn')}</StatusBadge> : null}
              {email.verifiedAt ? (
                <StatusBadge tone="success">{t('emails.verified')}</StatusBadge>
              ) : (
                <StatusBadge tone="waiting">{t('emails.unverified')}</StatusBadge>
              )}
            </p>
          </Item>
        )
      })}
    </ul>
  )
}

export interface PhoneItem {
  id: string
  display: string
  kind: 'mobile' | 'home' | 'work'
  isPrimary: boolean
}

export function PhoneList({
  phones,
  itemError,
}: {
  phones: PhoneItem[]
  itemError: ItemError | null
}) {
  const { t } = useTranslation('profile')
  return (
    <ul className="space-y-2">
      {phones.map((phone) => {
        const describedBy = `item-${phone.id}`
        return (
          <Item
            key={phone.id}
            id={phone.id}
            itemError={itemError}
            actions={
              <>
                <Link
                  to={`/profile/phones/${phone.id}`}
                  className={smallButtonClass}
                  aria-describedby={describedBy}
                >
                  {t('phones.edit')}
                </Link>
                {phone.isPrimary ? null : (
                  <ItemAction
                    intent="phone-primary"
                    id={phone.id}
                    label={t('phones.makePrimary')}
                    describedBy={describedBy}
                  />
                )}
                <ItemAction
                  intent="phone-remove"
                  id={phone.id}
                  label={t('phones.remove')}
                  describedBy={describedBy}
                />
              </>
            }
          >
            <p className="font-medium">{phone.display}</p>
            <p className="flex flex-wrap gap-2">
              <StatusBadge tone="neutral">{t(`phones.kinds.${phone.kind}`)}</StatusBadge>
              {phone.isPrimary ? (
                <StatusBadge tone="neutral">{t('phones.primary')}</StatusBadge>
              ) : null}
            </p>
          </Item>
        )
      })}
    </ul>
  )
}

export interface AddressItem {
  id: string
  label: string | null
  lines: string[]
  isDefaultShipping: boolean
  isDefaultBilling: boolean
}

export function AddressList({
  addresses,
  itemError,
}: {
  addresses: AddressItem[]
  itemError: ItemError | null
}) {
  const { t } = useTranslation('profile')
  return (
    <ul className="grid gap-2 sm:grid-cols-2">
      {addresses.map((address) => {
        const describedBy = `item-${address.id}`
        return (
          <Item
            key={address.id}
            id={address.id}
            itemError={itemError}
            actions={
              <>
                <Link
                  to={`/profile/addresses/${address.id}`}
                  className={smallButtonClass}
                  aria-describedby={describedBy}
                >
                  {t('addresses.edit')}
                </Link>
                {address.isDefaultShipping ? null : (
                  <ItemAction
                    intent="address-default-shipping"
                    id={address.id}
                    label={t('addresses.makeDefaultShipping')}
                    describedBy={describedBy}
                  />
                )}
                {address.isDefaultBilling ? null : (
                  <ItemAction
                    intent="address-default-billing"
                    id={address.id}
                    label={t('addresses.makeDefaultBilling')}
                    describedBy={describedBy}
                  />
                )}
                <ItemAction
                  intent="address-remove"
                  id={address.id}
                  label={t('addresses.remove')}
                  describedBy={describedBy}
                />
              </>
            }
          >
            {address.label ? <p className="font-medium">{address.label}</p> : null}
            <address className="not-italic">
              {address.lines.map((line, index) => (
                <span key={index} className="block">
                  {line}
                </span>
              ))}
            </address>
            <p className="mt-1 flex flex-wrap gap-2">
              {address.isDefaultShipping ? (
                <StatusBadge tone="neutral">{t('addresses.defaultShipping')}</StatusBadge>
              ) : null}
              {address.isDefaultBilling ? (
                <StatusBadge tone="neutral">{t('addresses.defaultBilling')}</StatusBadge>
              ) : null}
            </p>
          </Item>
        )
      })}
    </ul>
  )
}

export function AddLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <p>
      <Link to={to} className={linkClass}>
        {children}
      </Link>
    </p>
  )
}
