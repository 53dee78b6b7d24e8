import { useRouteLoaderData } from '@remix-run/react'
import { type loader as rootLoader } from '#app/root.tsx'
import { formatDateTime, formatMoney } from './format.ts'

/**
 * Money and times in the reader's language and the signed-in customer's time zone (UTC when
 * signed out), the same on the server render and in the browser.
 */
export function useFormat() {
  const root = useRouteLoaderData<typeof rootLoader>('root')
  const locale = root?.locale ?? 'en'
  const timeZone = root?.user?.timeZone ?? 'UTC'
  return {
    locale,
    timeZone,
    money: (minor: number, currency: string) => formatMoney(minor, currency, locale),
    dateTime: (value: Date | string) => formatDateTime(value, locale, timeZone),
    date: (value: Date | string) =>
      formatDateTime(value, locale, timeZone, { dateStyle: 'medium' }),
    /** A calendar date stored without a zone ('2026-12-01'): shown as that day everywhere. */
    calendarDate: (isoDate: string) =>
      formatDateTime(`${isoDate}T12:00:00Z`, locale, 'UTC', { dateStyle: 'medium' }),
  }
}
