/**
 * Formats an amount held in the currency's minor unit (cents, yen, fils), as money is stored.
 * The number of minor digits comes from ICU, so JPY (0), EUR (2) and BHD (3) all come out right
 * without a table of our own.
 */
export function formatMoney(minor: number, currency: string, locale: string): string {
  if (!Number.isSafeInteger(minor)) {
    throw new RangeError(`Money amounts are whole minor units; got ${minor}`)
  }
  const formatter = new Intl.NumberFormat(locale, { style: 'currency', currency })
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2
  return formatter.format(minor / 10 ** digits)
}

/**
 * Formats an instant for people: always with an explicit time zone, so the server's zone never
 * leaks into what a customer sees (and server and browser render the same text).
 */
export function formatDateTime(
  date: Date | string | number,
  locale: string,
  timeZone: string,
  options: Pick<Intl.DateTimeFormatOptions, 'dateStyle' | 'timeStyle'> = {
    dateStyle: 'medium',
    timeStyle: 'short',
  },
): string {
  const instant = date instanceof Date ? date : new Date(date)
  if (Number.isNaN(instant.getTime())) throw new RangeError(`Not a valid date: ${String(date)}`)
  return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(instant)
}
