import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { inputClass, labelClass } from '#app/components/forms.tsx'
import { smallButtonClass } from '#app/components/staff/ticket-forms.tsx'

/**
 * Chooses a saved reply to start from: a plain GET form (`?canned=<id>`), so the server fills
 * the reply box with the customer's name, the agent's and the ticket number, with or without
 * JavaScript. The agent still reads and edits it before sending.
 */
export function CannedReplyPicker({
  replies,
  selected,
}: {
  replies: { id: string; title: string; language: string }[]
  selected: string | null
}) {
  const { t } = useTranslation('workspace')
  if (replies.length === 0) return null
  return (
    <Form method="get" className="flex flex-wrap items-end gap-2" aria-label={t('canned.heading')}>
      <div className="grow space-y-1">
        <label htmlFor="ws-canned" className={labelClass}>
          {t('canned.choose')}
        </label>
        <select id="ws-canned" name="canned" className={inputClass} defaultValue={selected ?? ''}>
          {replies.map((reply) => (
            <option key={reply.id} value={reply.id}>
              {reply.title} ({reply.language})
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className={smallButtonClass}>
        {t('canned.use')}
      </button>
    </Form>
  )
}
