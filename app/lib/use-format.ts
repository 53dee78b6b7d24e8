import { useRouteLoaderData } from '@remix-run/react'
import { createContext, useContext } from 'react'
import { type loader as rootLoader } from '#app/root.tsx'
import { formatDateTime, formatMoney } from './format.ts'

// Staff viewing a customer's pages as the customer sees them read the times in the customer's
// zone, not their own: the view wraps the customer's page in this provider.
const TimeZoneOverride = createContext<string | null>(null)
export const FormatTimeZoneProvider = TimeZoneOverride.Provider

/**
 * Money and times in the reader's language and the signed-in customer's time zone (UTC when
 * signed out), the same on the server render and in the browser.
 */
export function useFormat() {
  const root = useRouteLoaderData<typeof rootLoader>('root')
  const locale = root?.locale ?? 'en'
  const timeZone = useContext(TimeZoneOverride) ?? root?.user?.timeZone ?? 'UTC'
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
