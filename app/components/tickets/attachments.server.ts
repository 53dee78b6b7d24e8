import { removeAttachment, saveAttachment } from '#app/storage/attachments.server.ts'
import {
  type AcceptedFile,
  parseUploadForm,
  type UploadProblem,
} from '#app/storage/uploads.server.ts'
import type { NewAttachment } from '#db/tickets.ts'
import { ATTACHMENTS_FIELD, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from './schemas.ts'

// The ticket forms' side of attachments: reading a form with files under our limits, and keeping
// stored bytes and database rows in step.

const problemKeys: Record<UploadProblem, string> = {
  tooMany: 'tickets:errors.tooMany',
  tooLarge: 'tickets:errors.tooLarge',
  wrongType: 'tickets:errors.wrongType',
  empty: 'tickets:errors.empty',
  fieldTooLarge: 'tickets:errors.fieldTooLarge',
}

export interface TicketForm {
  /** The text fields, for the zod schema. */
  formData: FormData
  files: AcceptedFile[]
  /** Translation keys for the attachments field; empty when every file was accepted. */
  fileErrors: string[]
}

/** Reads a ticket form (multipart with files, or url-encoded without). */
export async function readTicketForm(request: Request): Promise<TicketForm> {
  const { formData, files, problems } = await parseUploadForm(request, {
    fileField: ATTACHMENTS_FIELD,
    maxFiles: MAX_ATTACHMENTS,
    maxFileBytes: MAX_ATTACHMENT_BYTES,
  })
  return { formData, files, fileErrors: problems.map((problem) => problemKeys[problem]) }
}

/**
 * Stores the files, then runs the write that records them. When the write fails, or finds the
 * form had already been saved (`created: false`), the bytes just stored are removed again, so
 * storage never holds a file without its row.
 */
export async function withStoredAttachments<T extends { created: boolean }>(
  files: AcceptedFile[],
  write: (attachments: NewAttachment[]) => Promise<T>,
): Promise<T> {
  const attachments: NewAttachment[] = []
  const discard = () =>
    Promise.all(attachments.map((attachment) => removeAttachment(attachment.storageKey)))
  try {
    for (const file of files) {
      const stored = await saveAttachment(file.bytes)
      attachments.push({
        fileName: file.fileName,
        contentType: file.contentType,
        sizeBytes: file.bytes.byteLength,
        ...stored,
      })
    }
    const result = await write(attachments)
    if (!result.created) await discard()
    return result
  } catch (error) {
    await discard()
    throw error
  }
}
