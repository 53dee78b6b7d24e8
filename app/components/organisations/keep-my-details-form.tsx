import { Form } from '@remix-run/react'
import { type ReactNode } from 'react'
import { buttonClass } from '#app/components/forms.tsx'
import { ORGANISATION_DETAIL_FIELDS, type OrganisationDetailField } from './schemas.ts'

/**
 * After a stale save of an organisation's details: the form that saves the person's values
 * again over the version now stored (their fields where they typed one, the stored ones
 * elsewhere). Owners and staff answer the same conflict, so both pages use this.
 */
export function KeepMyDetailsForm({
  conflict,
  children,
}: {
  conflict: {
    current: Record<OrganisationDetailField, string | null> & { version: number }
    mine: Partial<Record<OrganisationDetailField, string | null>>
  }
  /** The button's label. */
  children: ReactNode
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="details" />
      <input type="hidden" name="version" value={conflict.current.version} />
      {ORGANISATION_DETAIL_FIELDS.map((field) => (
        <input
          key={field}
          type="hidden"
          name={field}
          value={(field in conflict.mine ? conflict.mine[field] : conflict.current[field]) ?? ''}
        />
      ))}
      <button type="submit" className={buttonClass}>
        {children}
      </button>
    </Form>
  )
}
