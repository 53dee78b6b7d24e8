import { describe, expect, test } from 'vitest'
import { formatDateTime, formatMoney } from './format.ts'

describe('formatMoney', () => {
  test('uses two minor digits for EUR', () => {
    expect(formatMoney(1999, 'EUR', 'en')).toBe('€19.99')
    expect(formatMoney(5, 'EUR', 'en')).toBe('€0.05')
    expect(formatMoney(0, 'EUR', 'en')).toBe('€0.00')
  })

  test('uses no minor digits for JPY', () => {
    expect(formatMoney(1999, 'JPY', 'en')).toBe('¥1,999')
  })

  test('uses three minor digits for BHD', () => {
    expect(formatMoney(1999, 'BHD', 'en')).toBe('BHD\u00a01.999')
  })

  test('follows the locale for separators and symbol position', () => {
    expect(formatMoney(123456789, 'EUR', 'de')).toBe('1.234.567,89\u00a0€')
  })

  test('formats negative amounts', () => {
    expect(formatMoney(-1999, 'USD', 'en-US')).toBe('-$19.99')
  })

  test('rejects amounts that are not whole minor units', () => {
    expect(() => formatMoney(19.99, 'EUR', 'en')).toThrow(RangeError)
  })
})

describe('formatDateTime', () => {
  const instant = new Date('2024-03-05T14:07:00Z')

  test('shows the time in the given time zone, not the server’s', () => {
    expect(formatDateTime(instant, 'de', 'Europe/Berlin')).toBe('05.03.2024, 15:07')
    expect(formatDateTime(instant, 'en-GB', 'UTC')).toBe('5 Mar 2024, 14:07')
    // ICU versions differ on the space before AM/PM (U+0020 or U+202F).
    expect(formatDateTime(instant, 'en', 'America/New_York')).toMatch(/^Mar 5, 2024, 9:07\sAM$/)
  })

  test('accepts ISO strings and epoch milliseconds', () => {
    expect(formatDateTime('2024-03-05T14:07:00Z', 'de', 'UTC')).toBe('05.03.2024, 14:07')
    expect(formatDateTime(instant.getTime(), 'de', 'UTC')).toBe('05.03.2024, 14:07')
  })

  test('takes date and time styles', () => {
    expect(formatDateTime(instant, 'en-GB', 'UTC', { dateStyle: 'long' })).toBe('5 March 2024')
  })

  test('rejects an invalid date instead of printing "Invalid Date"', () => {
    expect(() => formatDateTime('not a date', 'en', 'UTC')).toThrow(RangeError)
  })
})
