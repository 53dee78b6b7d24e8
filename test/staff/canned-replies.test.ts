import { beforeAll, describe, expect, test } from 'vitest'
import { action, loader } from '#app/routes/staff.canned-replies.tsx'
import {
  archiveCannedReply,
  createCannedReply,
  fillCannedReply,
  getCannedReply,
  listCannedReplies,
  updateCannedReply,
} from '#db/canned-replies.ts'
import { InvalidStateError, NotFoundError, VersionConflictError } from '#db/errors.ts'
import { buildDemoRows, DEMO_CUSTOMER_COUNT } from '#db/seed/demo-seed.ts'
import { useTestDatabase } from '#test/support/database.ts'
import { databaseFingerprint } from '#test/support/db-fingerprint.ts'
import {
  createStaffAccount,
  formRequest,
  getRequest,
  routeArgs,
  sessionCookieFor,
} from '#test/support/fixtures.ts'
import { answerOf } from '#test/tickets/ticket-fixtures.ts'

const database = useTestDatabase()

let supervisor = { accountId: '', cookie: '' }
let agentCookie = ''
let counter = 0
/** Titles are unique per language among live replies; each test makes its own. */
const uniqueTitle = (base: string) => `${base} ${++counter}`

beforeAll(async () => {
  const account = await createStaffAccount(database.db, { role: 'supervisor' })
  supervisor = { accountId: account.accountId, cookie: await sessionCookieFor(account.accountId) }
  const agent = await createStaffAccount(database.db, { role: 'agent' })
  agentCookie = await sessionCookieFor(agent.accountId)
})

async function newReply(options: { title?: string; language?: string; body?: string } = {}) {
  return createCannedReply(database.db, {
    title: options.title ?? uniqueTitle('Greeting'),
    language: options.language ?? 'en',
    body: options.body ?? 'Hello {{customerName}}',
    staffAccountId: supervisor.accountId,
  })
}

function post(fields: Record<string, string>, cookie = supervisor.cookie, query = '') {
  return answerOf(() =>
    action(routeArgs(formRequest(`/staff/canned-replies${query}`, fields, { cookie }))),
  )
}

async function storedRow(id: string) {
  return database.db
    .selectFrom('canned_replies')
    .select(['title', 'language', 'body', 'version', 'created_by', 'updated_by', 'archived_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
}

describe('fillCannedReply', () => {
  test('fills every occurrence of the three placeholders and nothing else', () => {
    expect(
      fillCannedReply(
        'Hi {{customerName}}, {{ticketNumber}} / {{ticketNumber}}. {{other}} {{agentName}}',
        {
          customerName: 'Anna',
          agentName: 'Sam',
          ticketNumber: 'T100042',
        },
      ),
    ).toBe('Hi Anna, T100042 / T100042. {{other}} Sam')
  })

  test('values are inserted as written, never read as placeholders or patterns', () => {
    expect(
      fillCannedReply('{{customerName}} and {{agentName}}', {
        customerName: '{{agentName}} $&',
        agentName: 'Sam',
        ticketNumber: 'T1',
      }),
    ).toBe('{{agentName}} $& and Sam')
  })
})

describe('the data layer', () => {
  test('create, read, list by title per language; archived and unknown ids are null', async () => {
    const zebra = await newReply({ title: uniqueTitle('zebra'), language: 'de' })
    const alpha = await newReply({ title: uniqueTitle('Alpha'), language: 'de' })
    expect(alpha).toMatchObject({ language: 'de', version: 1, body: 'Hello {{customerName}}' })
    expect(alpha.updatedAt).toBeInstanceOf(Date)

    const german = await listCannedReplies(database.db, { language: 'de' })
    expect(german.map((reply) => reply.id)).toEqual([alpha.id, zebra.id])
    const all = await listCannedReplies(database.db, {})
    expect(all.map((reply) => reply.id)).toEqual(expect.arrayContaining([alpha.id, zebra.id]))

    expect(await getCannedReply(database.db, alpha.id)).toEqual(alpha)
    expect(await getCannedReply(database.db, 'not-a-uuid')).toBeNull()
    expect(await getCannedReply(database.db, '00000000-0000-4000-8000-000000000000')).toBeNull()

    await archiveCannedReply(database.db, {
      id: zebra.id,
      expectedVersion: 1,
      staffAccountId: supervisor.accountId,
    })
    expect(await getCannedReply(database.db, zebra.id)).toBeNull()
    expect((await listCannedReplies(database.db, { language: 'de' })).map((r) => r.id)).toEqual([
      alpha.id,
    ])
    // Kept, with who archived it.
    expect(await storedRow(zebra.id)).toMatchObject({
      archived_at: expect.any(Date),
      updated_by: supervisor.accountId,
      version: 2,
    })
  })

  test('an edit bumps the version and records the editor; no customer history is written', async () => {
    const other = await createStaffAccount(database.db, { role: 'supervisor' })
    const reply = await newReply()
    const historyBefore = await database.db
      .selectFrom('record_history')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    const saved = await updateCannedReply(database.db, {
      id: reply.id,
      expectedVersion: 1,
      title: reply.title,
      language: 'en',
      body: 'Dear {{customerName}}',
      staffAccountId: other.accountId,
    })
    expect(saved).toMatchObject({ id: reply.id, version: 2, body: 'Dear {{customerName}}' })
    expect(await storedRow(reply.id)).toMatchObject({
      version: 2,
      created_by: supervisor.accountId,
      updated_by: other.accountId,
    })
    const historyAfter = await database.db
      .selectFrom('record_history')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(historyAfter.n).toBe(historyBefore.n)
  })

  test('a stale edit or archive is a conflict with both sides, and changes nothing', async () => {
    const reply = await newReply()
    await updateCannedReply(database.db, {
      id: reply.id,
      expectedVersion: 1,
      title: reply.title,
      language: 'en',
      body: 'First edit',
      staffAccountId: supervisor.accountId,
    })
    const stale = updateCannedReply(database.db, {
      id: reply.id,
      expectedVersion: 1,
      title: reply.title,
      language: 'en',
      body: 'Second edit',
      staffAccountId: supervisor.accountId,
    })
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError)
    const error = (await stale.catch((caught: unknown) => caught)) as VersionConflictError<unknown>
    expect(error.current).toMatchObject({ version: 2, body: 'First edit' })
    expect(error.changes).toMatchObject({ body: 'Second edit' })
    await expect(
      archiveCannedReply(database.db, {
        id: reply.id,
        expectedVersion: 1,
        staffAccountId: supervisor.accountId,
      }),
    ).rejects.toBeInstanceOf(VersionConflictError)
    expect(await storedRow(reply.id)).toMatchObject({
      version: 2,
      body: 'First edit',
      archived_at: null,
    })
  })

  test('two live replies of one language cannot share a title (any letter case)', async () => {
    const title = uniqueTitle('Shipping delay')
    await newReply({ title })
    await expect(newReply({ title: title.toUpperCase() })).rejects.toBeInstanceOf(InvalidStateError)
    // Another language may use it.
    await expect(newReply({ title, language: 'es' })).resolves.toMatchObject({ language: 'es' })
    const other = await newReply()
    await expect(
      updateCannedReply(database.db, {
        id: other.id,
        expectedVersion: 1,
        title,
        language: 'en',
        body: 'x',
        staffAccountId: supervisor.accountId,
      }),
    ).rejects.toMatchObject({ reason: 'admin:canned.errors.titleTaken' })
  })

  test('editing or archiving an unknown or archived reply is not found', async () => {
    const reply = await newReply()
    await archiveCannedReply(database.db, {
      id: reply.id,
      expectedVersion: 1,
      staffAccountId: supervisor.accountId,
    })
    const edit = (id: string) =>
      updateCannedReply(database.db, {
        id,
        expectedVersion: 2,
        title: 'x',
        language: 'en',
        body: 'x',
        staffAccountId: supervisor.accountId,
      })
    await expect(edit(reply.id)).rejects.toBeInstanceOf(NotFoundError)
    await expect(edit('nope')).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('the page', () => {
  test('a supervisor lists, filters by language, adds, edits and archives', async () => {
    const spanish = await newReply({ language: 'es', title: uniqueTitle('Hola') })
    const listed = await answerOf(() =>
      loader(
        routeArgs(getRequest('/staff/canned-replies?language=es', { cookie: supervisor.cookie })),
      ),
    )
    expect(listed.status).toBe(200)
    const page = listed.data as { replies: { id: string; language: string }[]; languages: string[] }
    expect(page.replies.map((reply) => reply.language)).toEqual(page.replies.map(() => 'es'))
    expect(page.replies.map((reply) => reply.id)).toContain(spanish.id)
    expect(page.languages).toEqual(expect.arrayContaining(['en', 'es']))

    const title = uniqueTitle('Parcel lost')
    const created = await post(
      { intent: 'create', title, language: 'en', body: 'Hello {{customerName}}' },
      supervisor.cookie,
      '?language=es',
    )
    expect(created).toMatchObject({
      status: 302,
      location: '/staff/canned-replies?saved=created&language=es',
    })
    const row = await database.db
      .selectFrom('canned_replies')
      .select(['id', 'created_by'])
      .where('title', '=', title)
      .executeTakeFirstOrThrow()
    expect(row.created_by).toBe(supervisor.accountId)

    const edited = await post({
      intent: 'update',
      id: row.id,
      version: '1',
      title,
      language: 'en',
      body: 'Hello again',
    })
    expect(edited).toMatchObject({ status: 302, location: '/staff/canned-replies?saved=updated' })
    expect(await storedRow(row.id)).toMatchObject({ body: 'Hello again', version: 2 })

    const archived = await post({ intent: 'archive', id: row.id, version: '2' })
    expect(archived).toMatchObject({
      status: 302,
      location: '/staff/canned-replies?saved=archived',
    })
    expect(await getCannedReply(database.db, row.id)).toBeNull()
  })

  test('a stale edit answers 409 with the stored version and the attempted one', async () => {
    const reply = await newReply()
    await updateCannedReply(database.db, {
      id: reply.id,
      expectedVersion: 1,
      title: reply.title,
      language: 'en',
      body: 'Saved by someone else',
      staffAccountId: supervisor.accountId,
    })
    const before = await databaseFingerprint(database.db)
    const answer = await post({
      intent: 'update',
      id: reply.id,
      version: '1',
      title: reply.title,
      language: 'en',
      body: 'Mine',
    })
    expect(answer.status).toBe(409)
    expect(answer.data).toMatchObject({
      intent: 'update',
      id: reply.id,
      values: { body: 'Mine' },
      conflict: { expectedVersion: 1, current: { version: 2, body: 'Saved by someone else' } },
    })
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('bad input answers 400 with translated field errors; a taken title too', async () => {
    const taken = await newReply()
    const before = await databaseFingerprint(database.db)
    const empty = await post({ intent: 'create', title: ' ', language: 'english', body: '' })
    expect(empty.status).toBe(400)
    expect(empty.data).toMatchObject({
      fieldErrors: {
        title: ['admin:canned.errors.titleRequired'],
        language: ['admin:canned.errors.languageInvalid'],
        body: ['admin:canned.errors.bodyRequired'],
      },
    })
    const duplicate = await post({
      intent: 'create',
      title: taken.title,
      language: 'en',
      body: 'x',
    })
    expect(duplicate.status).toBe(400)
    expect(duplicate.data).toMatchObject({
      fieldErrors: { title: ['admin:canned.errors.titleTaken'] },
    })
    const noVersion = await post({ intent: 'archive', id: taken.id })
    expect(noVersion.status).toBe(400)
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })

  test('an unknown reply is 404', async () => {
    const answer = await post({
      intent: 'archive',
      id: '00000000-0000-4000-8000-000000000000',
      version: '1',
    })
    expect(answer.status).toBe(404)
  })

  test('agents get 403 on the page and on every write, and nothing changes', async () => {
    const reply = await newReply()
    const before = await databaseFingerprint(database.db)
    const page = await answerOf(() =>
      loader(routeArgs(getRequest('/staff/canned-replies', { cookie: agentCookie }))),
    )
    expect(page.status).toBe(403)
    const writes: Record<string, string>[] = [
      { intent: 'create', title: uniqueTitle('Agent'), language: 'en', body: 'x' },
      { intent: 'update', id: reply.id, version: '1', title: 'x', language: 'en', body: 'x' },
      { intent: 'archive', id: reply.id, version: '1' },
    ]
    for (const fields of writes) {
      expect((await post(fields, agentCookie)).status).toBe(403)
    }
    expect(await databaseFingerprint(database.db)).toEqual(before)
  })
})

describe('the demo seed', () => {
  test('has a few English canned replies by the supervisor, using the placeholders', () => {
    const rows = buildDemoRows({
      now: new Date('2026-11-23T12:00:00Z'),
      passwordHash: 'not-a-real-hash',
      customerNumbers: Array.from(
        { length: DEMO_CUSTOMER_COUNT },
        (_, index) => `C${200001 + index}`,
      ),
    })
    const supervisor = rows.staff_members.find((member) => member.role === 'supervisor')
    expect(rows.canned_replies.length).toBeGreaterThanOrEqual(2)
    for (const reply of rows.canned_replies) {
      expect(reply).toMatchObject({ language: 'en', created_by: supervisor?.account_id })
      expect(reply.body).toContain('{{customerName}}')
      expect(reply.body).toContain('{{agentName}}')
    }
  })
})
