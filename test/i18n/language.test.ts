import { describe, expect, test } from 'vitest'
import { getRequestLocale, localeCookie } from '#app/i18n/i18next.server.ts'
import { loader as rootLoader } from '#app/root.tsx'
import { action as languageAction } from '#app/routes/language.tsx'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
  thrownResponse,
} from '#test/support/fixtures.ts'

const database = useTestDatabase()

async function languageCookie(language: string): Promise<string> {
  return (await localeCookie.serialize(language)).split(';')[0] ?? ''
}

function requestWith(headers: Record<string, string>): Request {
  return new Request('http://localhost/', { headers })
}

describe('which language a page is written in', () => {
  test('without a signed-in customer: the cookie, else Accept-Language, else English', async () => {
    const de = await languageCookie('de')
    expect(await getRequestLocale(requestWith({}))).toBe('en')
    expect(await getRequestLocale(requestWith({ 'Accept-Language': 'es-ES,es;q=0.9' }))).toBe('es')
    expect(await getRequestLocale(requestWith({ 'Accept-Language': 'fr-FR,fr;q=0.9' }))).toBe('en')
    expect(
      await getRequestLocale(requestWith({ Cookie: de, 'Accept-Language': 'es-ES,es;q=0.9' })),
    ).toBe('de')
  })

  test('a signed-in customer’s own language wins over the cookie and the browser', async () => {
    const customer = await signedInCustomer(database.db)
    await database.db
      .updateTable('customers')
      .set({ language: 'es' })
      .where('id', '=', customer.customerId)
      .execute()
    const cookie = `${customer.cookie}; ${await languageCookie('de')}`
    expect(await getRequestLocale(requestWith({ Cookie: cookie, 'Accept-Language': 'de' }))).toBe(
      'es',
    )
    const root = await rootLoader(routeArgs(getRequest('/', { cookie })))
    expect(root.data.locale).toBe('es')
  })

  test('staff have no language of their own: their cookie decides', async () => {
    const staff = await createStaffAccount(database.db, { role: 'agent' })
    const cookie = `${await sessionCookieFor(staff.accountId)}; ${await languageCookie('de')}`
    expect(await getRequestLocale(requestWith({ Cookie: cookie, 'Accept-Language': 'es' }))).toBe(
      'de',
    )
  })
})

describe('the language switcher', () => {
  test('signed out, it sets the cookie and goes back to the page it was on', async () => {
    const response = await languageAction(
      routeArgs(formRequest('/language', { language: 'de', redirectTo: '/login?x=1' })),
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/login?x=1')
    const setCookie = response.headers.get('Set-Cookie') ?? ''
    expect(await localeCookie.parse(setCookie.split(';')[0] ?? '')).toBe('de')
  })

  test('it never sends anyone to another site', async () => {
    const response = await languageAction(
      routeArgs(formRequest('/language', { language: 'es', redirectTo: '//evil.example/x' })),
    )
    expect(response.headers.get('Location')).toBe('/')
  })

  test('a language we do not offer is refused and nothing changes', async () => {
    const customer = await signedInCustomer(database.db)
    const before = await databaseFingerprint(database.db)
    const response = await thrownResponse(() =>
      languageAction(
        routeArgs(formRequest('/language', { language: 'xx' }, { cookie: customer.cookie })),
      ),
    )
    expect(response.status).toBe(400)
    expect(response.headers.get('Set-Cookie')).toBeNull()
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('a signed-in customer’s choice is saved on their record, with history', async () => {
    const customer = await signedInCustomer(database.db)
    const response = await languageAction(
      routeArgs(
        formRequest('/language', { language: 'de', redirectTo: '/' }, { cookie: customer.cookie }),
      ),
    )
    expect(response.status).toBe(302)
    const row = await database.db
      .selectFrom('customers')
      .select(['language', 'version'])
      .where('id', '=', customer.customerId)
      .executeTakeFirstOrThrow()
    expect(row.language).toBe('de')
    const history = await database.db
      .selectFrom('record_history')
      .select(['action', 'actor_kind', 'actor_id', 'channel', 'before', 'after'])
      .where('customer_id', '=', customer.customerId)
      .where('action', '=', 'details_changed')
      .execute()
    expect(history).toEqual([
      {
        action: 'details_changed',
        actor_kind: 'customer',
        actor_id: customer.accountId,
        channel: 'portal',
        before: { language: 'en' },
        after: { language: 'de' },
      },
    ])
    // Choosing the language it already has writes nothing more.
    await languageAction(
      routeArgs(formRequest('/language', { language: 'de' }, { cookie: customer.cookie })),
    )
    const count = await database.db
      .selectFrom('record_history')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('customer_id', '=', customer.customerId)
      .where('action', '=', 'details_changed')
      .executeTakeFirstOrThrow()
    expect(Number(count.n)).toBe(1)
  })
})
