import { describe, expect, test } from 'vitest'
import { calendarDateIn, isDeliveryLate } from '#app/components/orders/delivery.ts'

// 23:30 UTC on 1 March: already 2 March in Stockholm, still 1 March in New York.
const now = new Date('2026-03-01T23:30:00Z')

describe('a promised delivery day, where the customer lives', () => {
  test('today is the date in the customer’s zone, not the server’s', () => {
    expect(calendarDateIn('Europe/Stockholm', now)).toBe('2026-03-02')
    expect(calendarDateIn('America/New_York', now)).toBe('2026-03-01')
    expect(calendarDateIn('UTC', now)).toBe('2026-03-01')
  })

  test('late once the promised day has ended there, and only while still on the way', () => {
    const shipped = { status: 'shipped' as const, promisedDeliveryOn: '2026-03-01' }
    expect(isDeliveryLate(shipped, 'Europe/Stockholm', now)).toBe(true)
    expect(isDeliveryLate(shipped, 'America/New_York', now)).toBe(false)
    expect(isDeliveryLate({ ...shipped, status: 'delivered' }, 'Europe/Stockholm', now)).toBe(false)
    expect(isDeliveryLate({ ...shipped, status: 'cancelled' }, 'Europe/Stockholm', now)).toBe(false)
    expect(isDeliveryLate({ ...shipped, promisedDeliveryOn: null }, 'Europe/Stockholm', now)).toBe(
      false,
    )
  })
})
