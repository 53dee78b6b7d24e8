import { Form, useNavigation } from '@remix-run/react'
import { type ReactNode } from 'react'
import { buttonClass, FormAlert } from '#app/components/forms.tsx'

/**
 * A page behind a link we emailed. Opening the link only shows it; the change happens when the
 * button is pressed, so a mail scanner that fetches links cannot use them up.
 */
export function TokenConfirmPage({
  title,
  body,
  token,
  submitLabel,
  errors,
}: {
  title: string
  body: ReactNode
  token: string
  submitLabel: string
  errors?: string[]
}) {
  const navigation = useNavigation()
  return (
    <section className="mx-auto max-w-md space-y-4">
      <h1 className="text-3xl font-semibold">{title}</h1>
      <FormAlert errors={errors} />
      <div className="space-y-2">{body}</div>
      <Form method="post">
        <input type="hidden" name="token" value={token} />
        <button type="submit" className={buttonClass} disabled={navigation.state === 'submitting'}>
          {submitLabel}
        </button>
      </Form>
    </section>
  )
}

export function TokenResultPage({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="mx-auto max-w-md space-y-4">
      <h1 className="text-3xl font-semibold">{title}</h1>
      {children}
    </section>
  )
}
