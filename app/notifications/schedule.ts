import type { MarketingFrequency } from '#db/preferences.ts'

// When a message may go out, in the customer's own time zone: quiet hours and marketing digests.
// Pure functions of an instant, so the worker and its tests agree on every edge (midnight,
// month ends, daylight saving changes).

/** Wall-clock time in a zone. Months are 1–12; weekday 0 is Monday. */
export interface LocalTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  weekday: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** The zone if the runtime knows it, else UTC: a record with a bad zone still gets its mail. */
export function safeTimeZone(timeZone: string): string {
  try {
    formatterFor(timeZone)
    return timeZone
  } catch {
    return 'UTC'
  }
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

export function localTime(at: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {}
  for (const part of formatterFor(timeZone).formatToParts(at)) parts[part.type] = part.value
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
  }
}

/** Local minus UTC at that instant, in milliseconds. */
function offsetAt(at: Date, timeZone: string): number {
  const local = localTime(at, timeZone)
  const asUtc = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
  )
  return asUtc - Math.floor(at.getTime() / 1000) * 1000
}

const HALF_DAY_MS = 12 * 60 * 60_000

/**
 * The instant a wall-clock time happens in the zone. A time that happens twice (clocks going
 * back) is its first occurrence; a time skipped by clocks going forward lands just after the gap.
 */
export function zonedTime(
  date: { year: number; month: number; day: number },
  time: { hour: number; minute: number },
  timeZone: string,
): Date {
  const asUtc = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute)
  // The zone's offsets before and after any change on that day.
  const early = asUtc - offsetAt(new Date(asUtc - HALF_DAY_MS), timeZone)
  const late = asUtc - offsetAt(new Date(asUtc + HALF_DAY_MS), timeZone)
  const shows = (instant: number) => {
    const local = localTime(new Date(instant), timeZone)
    return (
      local.year === date.year &&
      local.month === date.month &&
      local.day === date.day &&
      local.hour === time.hour &&
      local.minute === time.minute
    )
  }
  const real = [early, late].filter(shows)
  return new Date(real.length > 0 ? Math.min(...real) : Math.max(early, late))
}

/** The calendar date `days` after the given one (months and years roll over). */
function addDays(date: { year: number; month: number; day: number }, days: number) {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days))
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() }
}

function parseClock(value: string): { hour: number; minute: number } | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value)
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null
}

/**
 * When the quiet hours `now` falls in end, or null when `now` is outside them. Quiet hours are
 * 'HH:MM' to 'HH:MM' in the customer's zone, from the start (included) to the end (excluded),
 * and may run past midnight (22:00–07:00). Equal start and end mean no quiet hours.
 */
export function quietHoursEnd(
  now: Date,
  timeZone: string,
  quietHours: { start: string | null; end: string | null },
): Date | null {
  const start = quietHours.start ? parseClock(quietHours.start) : null
  const end = quietHours.end ? parseClock(quietHours.end) : null
  if (!start || !end) return null
  const startMinute = start.hour * 60 + start.minute
  const endMinute = end.hour * 60 + end.minute
  if (startMinute === endMinute) return null
  const local = localTime(now, timeZone)
  const minute = local.hour * 60 + local.minute
  const today = { year: local.year, month: local.month, day: local.day }
  if (startMinute < endMinute) {
    return minute >= startMinute && minute < endMinute ? zonedTime(today, end, timeZone) : null
  }
  // Past midnight: quiet from the start until midnight, and from midnight until the end.
  if (minute >= startMinute) return zonedTime(addDays(today, 1), end, timeZone)
  if (minute < endMinute) return zonedTime(today, end, timeZone)
  return null
}

/** Digests go out at this local time: Mondays (weekly), the first of the month (monthly). */
export const DIGEST_TIME = { hour: 9, minute: 0 }

/**
 * The digest times around `now` in the customer's zone: the latest one at or before `now` and
 * the one after it. Null for 'immediate', which has none.
 */
export function digestSlots(
  now: Date,
  timeZone: string,
  frequency: MarketingFrequency,
): { previous: Date; next: Date } | null {
  if (frequency === 'immediate') return null
  const local = localTime(now, timeZone)
  if (frequency === 'weekly') {
    const monday = addDays(local, -local.weekday)
    let previous = zonedTime(monday, DIGEST_TIME, timeZone)
    let nextMonday = addDays(monday, 7)
    if (previous > now) {
      nextMonday = monday
      previous = zonedTime(addDays(monday, -7), DIGEST_TIME, timeZone)
    }
    return { previous, next: zonedTime(nextMonday, DIGEST_TIME, timeZone) }
  }
  const first = { year: local.year, month: local.month, day: 1 }
  const monthAfter = (date: { year: number; month: number }, months: number) => {
    const index = date.year * 12 + (date.month - 1) + months
    return { year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 }
  }
  const thisMonth = zonedTime(first, DIGEST_TIME, timeZone)
  if (thisMonth <= now) {
    return { previous: thisMonth, next: zonedTime(monthAfter(first, 1), DIGEST_TIME, timeZone) }
  }
  return { previous: zonedTime(monthAfter(first, -1), DIGEST_TIME, timeZone), next: thisMonth }
}

/**
 * When a marketing message queued at `queuedAt` may go out under the customer's frequency:
 * null for now, else the next digest time. A message queued before the latest digest time
 * belongs to that digest and goes now; one queued after it waits for the next.
 */
export function digestDeferral(
  now: Date,
  queuedAt: Date,
  timeZone: string,
  frequency: MarketingFrequency,
): Date | null {
  const slots = digestSlots(now, timeZone, frequency)
  if (!slots || queuedAt <= slots.previous) return null
  return slots.next
}

/**
 * How long to wait after the `attempts`-th failed attempt: one minute, doubling each time
 * (1, 2, 4, 8, 16 minutes...), at most a day. No jitter: few workers, and the times stay
 * predictable for people reading the outbox.
 */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 24 * 60 * 60_000)
}
