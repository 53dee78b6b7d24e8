import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { resetEnvCache } from '#app/lib/env.server.ts'
import { saveAttachment } from '#app/storage/attachments.server.ts'
import type { Database } from '#db/database.ts'
import { openTicket, type TicketStatus } from '#db/tickets.ts'

// A 1×1 transparent PNG, a real one, as a browser would upload it.
export const PNG_BYTES = new Uint8Array(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  ),
)
export const PDF_BYTES = new TextEncoder().encode(
  '%PDF-1.4\n1 0 obj << >> endobj\ntrailer\n%%EOF\n',
)
export const TEXT_BYTES = new TextEncoder().encode('Order O500123: the lid hinge snapped. Grüße!\n')

/** Uploads of the calling test file go to a folder of their own, removed afterwards. */
export function useUploadsDir(): { readonly dir: string; fileCount(): number } {
  let dataDir = ''
  const previous = process.env.DATA_DIR
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cmr-tickets-'))
    process.env.DATA_DIR = dataDir
    resetEnvCache()
  })
  afterAll(() => {
    if (previous === undefined) delete process.env.DATA_DIR
    else process.env.DATA_DIR = previous
    resetEnvCache()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return {
    get dir() {
      return path.join(dataDir, 'uploads')
    },
    fileCount() {
      try {
        return readdirSync(path.join(dataDir, 'uploads'), {
          recursive: true,
          withFileTypes: true,
        }).filter((entry) => entry.isFile()).length
      } catch {
        return 0
      }
    },
  }
}

/** Rows of every ticket table and of history: equal before and after means nothing changed. */
export async function ticketRowCounts(db: Database) {
  const count = async (
    table:
      'tickets' | 'ticket_messages' | 'ticket_attachments' | 'ticket_events' | 'record_history',
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return {
    tickets: await count('tickets'),
    messages: await count('ticket_messages'),
    attachments: await count('ticket_attachments'),
    events: await count('ticket_events'),
    history: await count('record_history'),
  }
}

/** A ticket opened through the data layer, then moved to `status` directly (set-up only). */
export async function createTicket(
  db: Database,
  owner: { customerId: string; accountId: string },
  options: { status?: TicketStatus; subject?: string; createdAt?: string } = {},
) {
  const opened = await openTicket(db, {
    customerId: owner.customerId,
    actor: { kind: 'customer', id: owner.accountId },
    channel: 'portal',
    category: 'delivery',
    subject: options.subject ?? 'Parcel has not arrived',
    body: 'It has been a week.',
    orderId: null,
    requestId: null,
    idempotencyKey: crypto.randomUUID(),
    attachments: [],
  })
  if (options.status || options.createdAt) {
    await db
      .updateTable('tickets')
      .set({
        ...(options.status ? { status: options.status } : {}),
        ...(options.createdAt ? { created_at: options.createdAt } : {}),
      })
      .where('id', '=', opened.ticketId)
      .execute()
  }
  return opened
}

/** A staff message on the ticket, public or an internal note, optionally with a file. */
export async function addStaffMessage(
  db: Database,
  ticketId: string,
  staff: { accountId: string; customerId: string },
  options: { visibility: 'public' | 'internal'; body: string; file?: string },
) {
  const message = await db
    .insertInto('ticket_messages')
    .values({
      ticket_id: ticketId,
      author_kind: 'staff',
      author_account_id: staff.accountId,
      visibility: options.visibility,
      body: options.body,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  let attachmentId: string | null = null
  if (options.file) {
    const stored = await saveAttachment(TEXT_BYTES)
    const row = await db
      .insertInto('ticket_attachments')
      .values({
        message_id: message.id,
        customer_id: staff.customerId,
        file_name: options.file,
        content_type: 'text/plain; charset=utf-8',
        size_bytes: TEXT_BYTES.byteLength,
        sha256: stored.sha256,
        storage_key: stored.storageKey,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    attachmentId = row.id
  }
  return { messageId: message.id, attachmentId }
}

export function multipartRequest(
  urlPath: string,
  fields: Record<string, string>,
  files: { name: string; bytes: Uint8Array; type?: string }[],
  options: { cookie?: string; filesFirst?: boolean } = {},
): Request {
  const body = new FormData()
  const addFiles = () => {
    for (const file of files) {
      body.append(
        'attachments',
        new File([new Uint8Array(file.bytes)], file.name, {
          type: file.type ?? 'application/octet-stream',
        }),
      )
    }
  }
  if (options.filesFirst) addFiles()
  for (const [name, value] of Object.entries(fields)) body.append(name, value)
  if (!options.filesFirst) addFiles()
  const headers = new Headers()
  if (options.cookie) headers.set('Cookie', options.cookie)
  return new Request(`http://localhost${urlPath}`, { method: 'POST', headers, body })
}

export interface Answer {
  status: number
  location: string | null
  data: unknown
  response: Response | null
}

/** What a loader or action answered (returned or thrown), in one shape. */
export async function answerOf(run: () => Promise<unknown>): Promise<Answer> {
  let result: unknown
  try {
    result = await run()
  } catch (error) {
    if (!(error instanceof Response)) throw error
    result = error
  }
  if (result instanceof Response) {
    return {
      status: result.status,
      location: result.headers.get('Location'),
      data: null,
      response: result,
    }
  }
  if (typeof result === 'object' && result !== null && 'init' in result && 'data' in result) {
    const init = result.init as ResponseInit | null
    return { status: init?.status ?? 200, location: null, data: result.data, response: null }
  }
  return { status: 200, location: null, data: result, response: null }
}
