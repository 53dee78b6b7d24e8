import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { buttonClass, inputClass, labelClass } from '#app/components/forms.tsx'

/** A GET form, so a search is a link and works without JavaScript. */
export function SearchForm({ q }: { q: string }) {
  const { t } = useTranslation('staff')
  return (
    <Form method="get" role="search" className="flex flex-wrap items-end gap-3">
      <div className="min-w-64 flex-1 space-y-1">
        <label htmlFor="staff-search-q" className={labelClass}>
          {t('search.label')}
        </label>
        <input
          id="staff-search-q"
          name="q"
          type="search"
          defaultValue={q}
          maxLength={200}
          autoComplete="off"
          aria-describedby="staff-search-hint"
          className={inputClass}
        />
        <p id="staff-search-hint" className="text-sm text-slate-600">
          {t('search.hint')}
        </p>
      </div>
      <button type="submit" className={buttonClass}>
        {t('search.submit')}
      </button>
    </Form>
  )
}
