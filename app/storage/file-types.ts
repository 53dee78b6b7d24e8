// What a file is, decided by its bytes. A name or a declared type costs nothing to fake, so they
// are only cross-checked against what the bytes say; a file is accepted when both agree.

export type AllowedFileKind = 'pdf' | 'png' | 'jpeg' | 'gif' | 'webp' | 'text'

export interface DetectedFileType {
  kind: AllowedFileKind
  /** Sent back as Content-Type on download; never the type the uploader declared. */
  contentType: string
}

const contentTypes: Record<AllowedFileKind, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  text: 'text/plain; charset=utf-8',
}

/** The name endings each kind may carry, so a PNG called invoice.pdf is refused. */
export const extensionsByKind: Record<AllowedFileKind, readonly string[]> = {
  pdf: ['pdf'],
  png: ['png'],
  jpeg: ['jpg', 'jpeg'],
  gif: ['gif'],
  webp: ['webp'],
  text: ['txt', 'text', 'log', 'csv', 'md'],
}

/** For the file input's `accept`: a hint to the browser's picker, never the check itself. */
export const acceptedExtensions = Object.values(extensionsByKind)
  .flat()
  .map((extension) => `.${extension}`)
  .join(',')

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false
  return signature.every((byte, index) => bytes[offset + index] === byte)
}

const ascii = (text: string) => Array.from(text, (character) => character.charCodeAt(0))

function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}

/**
 * The allowed kind the bytes are, or null for anything else (executables, archives, office
 * documents). Text that happens to be HTML is still plain text: it is served as text/plain with
 * nosniff and as a download, so no browser renders it.
 */
export function detectFileType(bytes: Uint8Array): DetectedFileType | null {
  const kind = detectKind(bytes)
  return kind ? { kind, contentType: contentTypes[kind] } : null
}

function detectKind(bytes: Uint8Array): AllowedFileKind | null {
  if (bytes.length === 0) return null
  if (startsWith(bytes, ascii('%PDF-'))) return 'pdf'
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif'
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp'
  return isPlainText(bytes) ? 'text' : null
}

export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  return dot > 0 ? fileName.slice(dot + 1).toLowerCase() : ''
}

/** Whether the name's ending is one the detected kind may carry. */
export function nameMatchesKind(fileName: string, kind: AllowedFileKind): boolean {
  return extensionsByKind[kind].includes(extensionOf(fileName))
}

/**
 * A file name safe to store and to send back in a header: no folders, no control characters,
 * at most 255 characters with its extension kept.
 */
export function cleanFileName(fileName: string): string {
  const base = fileName.split(/[/\\]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim()
  if (cleaned.length <= 255) return cleaned
  const extension = extensionOf(cleaned)
  const keep = extension ? 255 - extension.length - 1 : 255
  return extension ? `${cleaned.slice(0, keep)}.${extension}` : cleaned.slice(0, 255)
}
