import { describe, expect, it } from 'vitest'
import { loader as dashboardLoader } from '#app/routes/_index.tsx'
import { action, loader } from '#app/routes/staff.targets.tsx'
import { targetSubjects } from '#db/service-targets.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  sessionCookieFor,
  signedInCustomer,
} from '#test/support/fixtures.ts'
import { answerOf, createTicket } from '#test/tickets/ticket-fixtures.ts'

const database = useTestDatabase()

async function signedInStaff(role: 'agent' | 'supervisor') {
  const staff = await createStaffAccount(database.db, { role })
  return { ...staff, cookie: await sessionCookieFor(staff.accountId) }
}

/** Every field of the form, each target given in hours; `overrides` by field name. */
function fields(hours: number, overrides: Record<string, string> = {}): Record<string, string> {
  const all: Record<string, string> = {}
  for (const { kind, value } of targetSubjects) {
    all[`first:${kind}:${value}`] = String(hours)
    all[`resolution:${kind}:${value}`] = String(hours * 2)
  }
  return { ...all, ...overrides }
}

async function targetRows() {
  return database.db
    .selectFrom('service_targets')
    .select([
      'subject_kind',
      'subject_value',
      'first_response_minutes',
      'resolution_minutes',
      'updated_by',
    ])
    .orderBy('subject_kind')
    .orderBy('subject_value')
    .execute()
}

describe('service targets', () => {
  it('lets a supervisor save every target, recorded with who set it', async () => {
    const supervisor = await signedInStaff('supervisor')
    const answer = await answerOf(() =>
      action(routeArgs(formRequest('/staff/targets', fields(5), { cookie: supervisor.cookie }))),
    )
    expect(answer.status).toBe(302)
    expect(answer.location).toBe('/staff/targets?saved=1')
    const rows = await targetRows()
    expect(rows).toHaveLength(targetSubjects.length)
    for (const row of rows) {
      expect(row.first_response_minutes).toBe(5 * 60)
      expect(row.resolution_minutes).toBe(10 * 60)
      expect(row.updated_by).toBe(supervisor.accountId)
    }

    // A second save updates the same rows (upsert), and the page shows hours again.
    await answerOf(() =>
      action(
        routeArgs(
          formRequest('/staff/targets', fields(5, { 'first:ticket_priority:urgent': '1' }), {
            cookie: supervisor.cookie,
          }),
        ),
      ),
    )
    expect(await targetRows()).toHaveLength(targetSubjects.length)
    const page = await answerOf(() =>
      loader(routeArgs(getRequest('/staff/targets', { cookie: supervisor.cookie }))),
    )
    expect(page.status).toBe(200)
    const shown = page.data as {
      tickets: { value: string; firstHours: number | null; resolutionHours: number | null }[]
      canEdit: boolean
    }
    expect(shown.canEdit).toBe(true)
    expect(shown.tickets.find((row) => row.value === 'urgent')).toMatchObject({
      firstHours: 1,
      resolutionHours: 10,
    })
  })

  it('lets an agent look but not save: 403 and nothing changed', async () => {
    const agent = await signedInStaff('agent')
    const page = await answerOf(() =>
      loader(routeArgs(getRequest('/staff/targets', { cookie: agent.cookie }))),
    )
    expect(page.status).toBe(200)
    expect((page.data as { canEdit: boolean }).canEdit).toBe(false)

    const before = await databaseFingerprint(database.db)
    const answer = await answerOf(() =>
      action(routeArgs(formRequest('/staff/targets', fields(3), { cookie: agent.cookie }))),
    )
    expect(answer.status).toBe(403)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('refuses customers and signed-out visitors', async () => {
    const customer = await signedInCustomer(database.db)
    const before = await databaseFingerprint(database.db)
    const asCustomer = await answerOf(() =>
      action(routeArgs(formRequest('/staff/targets', fields(3), { cookie: customer.cookie }))),
    )
    expect(asCustomer.status).toBe(403)
    const signedOut = await answerOf(() => loader(routeArgs(getRequest('/staff/targets'))))
    expect(signedOut.status).toBe(302)
    expect(signedOut.location).toMatch(/^\/staff\/login/)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('answers bad hours with 400 and field errors, saving nothing', async () => {
    const supervisor = await signedInStaff('supervisor')
    const before = await databaseFingerprint(database.db)
    const answer = await answerOf(() =>
      action(
        routeArgs(
          formRequest(
            '/staff/targets',
            fields(4, {
              'first:ticket_priority:low': '0',
              'resolution:ticket_priority:low': '1.5',
              'first:request_kind:repair': '',
              'resolution:request_kind:repair': String(2 * 365 * 24 + 1),
              'first:request_kind:return': 'soon',
            }),
            { cookie: supervisor.cookie },
          ),
        ),
      ),
    )
    expect(answer.status).toBe(400)
    const reply = answer.data as {
      error: Record<string, string[] | null>
      initialValue: Record<string, unknown>
    }
    expect(reply.error['first:ticket_priority:low']).toEqual(['staff:targets.errors.wholeHours'])
    expect(reply.error['resolution:ticket_priority:low']).toEqual([
      'staff:targets.errors.wholeHours',
    ])
    expect(reply.error['first:request_kind:repair']).toEqual(['validation.required'])
    expect(reply.error['resolution:request_kind:repair']).toEqual(['staff:targets.errors.tooLong'])
    expect(reply.error['first:request_kind:return']).toEqual(['staff:targets.errors.wholeHours'])
    expect(reply.error['first:ticket_priority:normal'] ?? null).toBeNull()
    // What was typed comes back, so the form can show it again.
    expect(reply.initialValue['resolution:ticket_priority:low']).toBe('1.5')
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  it('moves the due date the customer sees on their dashboard', async () => {
    const supervisor = await signedInStaff('supervisor')
    const customer = await signedInCustomer(database.db)
    await createTicket(database.db, customer)

    const dueOnDashboard = async () => {
      const answer = await answerOf(() =>
        dashboardLoader(routeArgs(getRequest('/', { cookie: customer.cookie }))),
      )
      expect(answer.status).toBe(200)
      const { dashboard } = answer.data as {
        dashboard: {
          inProgress: { type: string; dueAt: Date | null; ticket?: { createdAt: Date } }[]
          waitingOnCustomer: unknown[]
        }
      }
      const ticket = dashboard.inProgress.find((item) => item.type === 'ticket')
      expect(ticket?.ticket).toBeDefined()
      return {
        dueAt: ticket?.dueAt ?? null,
        createdAt: ticket?.ticket?.createdAt ?? new Date(0),
      }
    }

    const save = async (firstHours: number) => {
      const answer = await answerOf(() =>
        action(
          routeArgs(
            formRequest(
              '/staff/targets',
              fields(8, { 'first:ticket_priority:normal': String(firstHours) }),
              { cookie: supervisor.cookie },
            ),
          ),
        ),
      )
      expect(answer.status).toBe(302)
    }

    await save(3)
    const first = await dueOnDashboard()
    expect(first.dueAt).not.toBeNull()
    expect(new Date(first.dueAt ?? 0).getTime() - new Date(first.createdAt).getTime()).toBe(
      3 * 3_600_000,
    )

    await save(7)
    const second = await dueOnDashboard()
    expect(new Date(second.dueAt ?? 0).getTime() - new Date(second.createdAt).getTime()).toBe(
      7 * 3_600_000,
    )
  })
})
