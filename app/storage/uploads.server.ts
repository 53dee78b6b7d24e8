import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type UploadHandler,
  type UploadHandlerPart,
} from '@remix-run/node'
import { cleanFileName, detectFileType, nameMatchesKind } from './file-types.ts'

// Reads a form that may carry files, with the limits enforced while the body streams in: a part
// over the size limit is never held in memory whole, and files past the count are never kept.

export type UploadProblem = 'tooMany' | 'tooLarge' | 'wrongType' | 'empty' | 'fieldTooLarge'

export interface UploadLimits {
  /** The form field that carries the files. */
  fileField: string
  maxFiles: number
  maxFileBytes: number
}

/** A file that passed every check, ready for the storage module. */
export interface AcceptedFile {
  fileName: string
  /** Detected from the bytes, never the type the browser declared. */
  contentType: string
  bytes: Uint8Array
}

export interface UploadForm {
  /** The text fields only; the files are in `files`. */
  formData: FormData
  files: AcceptedFile[]
  /** Empty when every file was accepted. */
  problems: UploadProblem[]
}

/** Text fields are small (a message is at most 20,000 characters). */
const MAX_TEXT_FIELD_BYTES = 100_000

/**
 * Hands the parser's chunks on, and if the reader stops early (the size limit), reads the rest
 * and throws it away, so the parser moves on to the next part instead of buffering this one.
 */
async function* drainingRest(data: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const iterator = data[Symbol.asyncIterator]()
  let finished = false
  try {
    for (;;) {
      const next = await iterator.next()
      if (next.done) {
        finished = true
        return
      }
      yield next.value
    }
  } finally {
    while (!finished) finished = (await iterator.next()).done === true
  }
}

async function discard(data: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _chunk of drainingRest(data)) {
    // read and dropped
  }
}

/** A body no browser form sends (cut off, a wrong boundary): the client's fault, not a 500. */
function badRequest(error: unknown): never {
  if (error instanceof Response) throw error
  throw new Response(null, { status: 400, statusText: 'Bad Request' })
}

export async function parseUploadForm(request: Request, limits: UploadLimits): Promise<UploadForm> {
  const contentType = request.headers.get('Content-Type') ?? ''
  if (!contentType.startsWith('multipart/form-data')) {
    // A form without files (close, reopen, rate) is sent url-encoded.
    const formData = await request.formData().catch(badRequest)
    formData.delete(limits.fileField)
    return { formData, files: [], problems: [] }
  }

  const problems = new Set<UploadProblem>()
  const files: File[] = []
  const fileMemory = unstable_createMemoryUploadHandler({ maxPartSize: limits.maxFileBytes })
  const textMemory = unstable_createMemoryUploadHandler({ maxPartSize: MAX_TEXT_FIELD_BYTES })

  const handler: UploadHandler = async (part: UploadHandlerPart) => {
    const data = drainingRest(part.data)
    const isFile = typeof part.filename === 'string'
    if (isFile && (part.name !== limits.fileField || part.filename === '')) {
      // A file input left empty still sends a part without a name; a file under another field
      // name is not ours to keep.
      await discard(data)
      return undefined
    }
    if (isFile && files.length >= limits.maxFiles) {
      problems.add('tooMany')
      await discard(data)
      return undefined
    }
    try {
      const value = await (isFile ? fileMemory : textMemory)({ ...part, data })
      if (value instanceof File) {
        files.push(value)
        return undefined
      }
      return value
    } catch (error) {
      if (!(error instanceof MaxPartSizeExceededError)) throw error
      problems.add(isFile ? 'tooLarge' : 'fieldTooLarge')
      return undefined
    }
  }

  const formData = await unstable_parseMultipartFormData(request, handler).catch(badRequest)
  const accepted: AcceptedFile[] = []
  for (const file of files) {
    const bytes = new Uint8Array(await file.arrayBuffer())
    const fileName = cleanFileName(file.name)
    const detected = detectFileType(bytes)
    if (bytes.length === 0) problems.add('empty')
    else if (!detected || !fileName || !nameMatchesKind(fileName, detected.kind)) {
      problems.add('wrongType')
    } else accepted.push({ fileName, contentType: detected.contentType, bytes })
  }
  return { formData, files: accepted, problems: [...problems] }
}
