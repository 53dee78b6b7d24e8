import { Link, useLocation, useRouteLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { type loader as rootLoader } from '#app/root.tsx'

const PERSONAL = 'personal'

/**
 * Where to go after switching: the same list, but not an item's page or an organisation's page,
 * which belong to what the person acted for before (they would answer 404 after the switch).
 */
function afterSwitch(pathname: string, search: string): string {
  const item = pathname.match(/^\/(orders|requests|tickets|organisations)\/./)
  if (item) return item[1] === 'organisations' ? '/' : `/${item[1]}`
  return `${pathname}${search}`
}

/**
 * For a customer in at least one organisation: what they act for now, and a plain form to
 * switch (a submit button without JavaScript; with it, choosing submits at once).
 */
export function OrganisationSwitcher() {
  const root = useRouteLoaderData<typeof rootLoader>('root')
  const { t } = useTranslation('organisations')
  const location = useLocation()
  const organisations = root?.organisations
  if (!organisations) return null
  const current = organisations.actingFor ?? PERSONAL

  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <form
        method="post"
        action="/organisations/switch"
        className="flex items-center gap-2"
        data-testid="organisation-switcher"
      >
        <input
          type="hidden"
          name="redirectTo"
          value={afterSwitch(location.pathname, location.search)}
        />
        <label htmlFor="organisation-switcher" className="text-slate-700">
          {t('switcher.label')}
        </label>
        <select
          id="organisation-switcher"
          name="organisationId"
          defaultValue={current}
          key={current}
          onChange={(event) => event.currentTarget.form?.requestSubmit()}
          className="rounded border border-slate-300 bg-white px-2 py-1 text-slate-900"
        >
          <option value={PERSONAL}>{t('switcher.myself')}</option>
          {organisations.options.map((organisation) => (
            <option key={organisation.id} value={organisation.id}>
              {organisation.name}
            </option>
          ))}
        </select>
        <button
          type="submit"
          className="rounded border border-slate-300 px-2 py-1 text-slate-900 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-blue-600 focus-visible:outline-none"
        >
          {t('switcher.submit')}
        </button>
      </form>
      {organisations.actingFor ? (
        <Link
          to={`/organisations/${organisations.actingFor}`}
          className="text-blue-700 underline hover:text-blue-900"
        >
          {t('switcher.organisationPage')}
        </Link>
      ) : null}
    </div>
  )
}
