import { describe, expect, it } from 'vitest'
import {
  digestDeferral,
  digestSlots,
  localTime,
  quietHoursEnd,
  retryDelayMs,
  safeTimeZone,
  zonedTime,
} from '#app/notifications/schedule.ts'

const at = (iso: string) => new Date(iso)

describe('wall-clock times in a zone', () => {
  it('reads and writes local time, across daylight saving changes', () => {
    expect(localTime(at('2030-01-15T22:30:00Z'), 'Europe/Stockholm')).toMatchObject({
      year: 2030,
      month: 1,
      day: 15,
      hour: 23,
      minute: 30,
      weekday: 1,
    })
    expect(
      zonedTime({ year: 2030, month: 7, day: 1 }, { hour: 9, minute: 0 }, 'Europe/Berlin'),
    ).toEqual(at('2030-07-01T07:00:00Z'))
    expect(
      zonedTime({ year: 2030, month: 1, day: 1 }, { hour: 9, minute: 0 }, 'America/New_York'),
    ).toEqual(at('2030-01-01T14:00:00Z'))
    // 02:30 does not exist on 31 March 2030 in Berlin: it lands after the gap, never before.
    const skipped = zonedTime(
      { year: 2030, month: 3, day: 31 },
      { hour: 2, minute: 30 },
      'Europe/Berlin',
    )
    expect(skipped).toEqual(at('2030-03-31T01:30:00Z'))
    // 02:30 happens twice on 27 October 2030 in Berlin: the first one.
    expect(
      zonedTime({ year: 2030, month: 10, day: 27 }, { hour: 2, minute: 30 }, 'Europe/Berlin'),
    ).toEqual(at('2030-10-27T00:30:00Z'))
  })

  it('falls back to UTC for a zone the runtime does not know', () => {
    expect(safeTimeZone('Europe/Stockholm')).toBe('Europe/Stockholm')
    expect(safeTimeZone('Mars/Olympus_Mons')).toBe('UTC')
  })
})

describe('quiet hours', () => {
  const zone = 'Europe/Stockholm'
  const overnight = { start: '22:00', end: '07:00' }

  it('past midnight: held until the end, tonight or this morning', () => {
    // 23:30 local on 15 January: until 07:00 the next morning.
    expect(quietHoursEnd(at('2030-01-15T22:30:00Z'), zone, overnight)).toEqual(
      at('2030-01-16T06:00:00Z'),
    )
    // 05:00 local: until 07:00 the same morning.
    expect(quietHoursEnd(at('2030-01-16T04:00:00Z'), zone, overnight)).toEqual(
      at('2030-01-16T06:00:00Z'),
    )
    // Exactly at the end is no longer quiet; exactly at the start is.
    expect(quietHoursEnd(at('2030-01-16T06:00:00Z'), zone, overnight)).toBeNull()
    expect(quietHoursEnd(at('2030-01-16T21:00:00Z'), zone, overnight)).toEqual(
      at('2030-01-17T06:00:00Z'),
    )
    expect(quietHoursEnd(at('2030-01-16T12:00:00Z'), zone, overnight)).toBeNull()
  })

  it('within one day, none set, or start equal to end', () => {
    const lunch = { start: '12:00', end: '13:30' }
    expect(quietHoursEnd(at('2030-06-10T10:15:00Z'), zone, lunch)).toEqual(
      at('2030-06-10T11:30:00Z'),
    )
    expect(quietHoursEnd(at('2030-06-10T09:59:00Z'), zone, lunch)).toBeNull()
    expect(quietHoursEnd(at('2030-06-10T10:15:00Z'), zone, { start: null, end: null })).toBeNull()
    expect(
      quietHoursEnd(at('2030-06-10T10:15:00Z'), zone, { start: '12:00', end: '12:00' }),
    ).toBeNull()
  })

  it('in the customer’s zone, not the server’s', () => {
    // 23:30 in Stockholm is 17:30 in New York: quiet for one, not for the other.
    const now = at('2030-01-15T22:30:00Z')
    expect(quietHoursEnd(now, 'Europe/Stockholm', overnight)).not.toBeNull()
    expect(quietHoursEnd(now, 'America/New_York', overnight)).toBeNull()
  })
})

describe('marketing digests', () => {
  const zone = 'Europe/Stockholm'

  it('weekly: Mondays at 09:00 local', () => {
    // Wednesday 16 January 2030.
    expect(digestSlots(at('2030-01-16T12:00:00Z'), zone, 'weekly')).toEqual({
      previous: at('2030-01-14T08:00:00Z'),
      next: at('2030-01-21T08:00:00Z'),
    })
    // Monday 08:59 local is still the week before.
    expect(digestSlots(at('2030-01-21T07:59:00Z'), zone, 'weekly')).toEqual({
      previous: at('2030-01-14T08:00:00Z'),
      next: at('2030-01-21T08:00:00Z'),
    })
  })

  it('monthly: the first at 09:00 local, across the year end and summer time', () => {
    expect(digestSlots(at('2030-12-15T12:00:00Z'), zone, 'monthly')).toEqual({
      previous: at('2030-12-01T08:00:00Z'),
      next: at('2031-01-01T08:00:00Z'),
    })
    expect(digestSlots(at('2030-04-01T06:00:00Z'), zone, 'monthly')).toEqual({
      previous: at('2030-03-01T08:00:00Z'),
      next: at('2030-04-01T07:00:00Z'),
    })
    expect(digestSlots(at('2030-04-01T06:00:00Z'), zone, 'immediate')).toBeNull()
  })

  it('a message queued after the latest digest waits for the next; one queued before goes', () => {
    const now = at('2030-01-16T12:00:00Z')
    expect(digestDeferral(now, at('2030-01-15T10:00:00Z'), zone, 'weekly')).toEqual(
      at('2030-01-21T08:00:00Z'),
    )
    expect(digestDeferral(now, at('2030-01-13T10:00:00Z'), zone, 'weekly')).toBeNull()
    expect(digestDeferral(now, now, zone, 'immediate')).toBeNull()
  })
})

describe('retries', () => {
  it('wait 1, 2, 4, 8, 16 minutes, and never more than a day', () => {
    expect([1, 2, 3, 4, 5].map(retryDelayMs)).toEqual(
      [1, 2, 4, 8, 16].map((minutes) => minutes * 60_000),
    )
    expect(retryDelayMs(40)).toBe(24 * 60 * 60_000)
  })
})
