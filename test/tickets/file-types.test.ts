import { describe, expect, it } from 'vitest'
import { cleanFileName, detectFileType, nameMatchesKind } from '#app/storage/file-types.ts'
import { PDF_BYTES, PNG_BYTES, TEXT_BYTES } from './ticket-fixtures.ts'

const bytes = (...values: number[]) => new Uint8Array(values)
const ascii = (text: string) => new TextEncoder().encode(text)

describe('detectFileType', () => {
  it('knows the allowed kinds by their first bytes', () => {
    expect(detectFileType(PDF_BYTES)?.kind).toBe('pdf')
    expect(detectFileType(PNG_BYTES)?.kind).toBe('png')
    expect(detectFileType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))?.kind).toBe('jpeg')
    expect(detectFileType(ascii('GIF89a\x01\x00'))?.kind).toBe('gif')
    expect(detectFileType(ascii('GIF87a\x01\x00'))?.kind).toBe('gif')
    expect(detectFileType(ascii('RIFF\x24\x00\x00\x00WEBPVP8 '))?.kind).toBe('webp')
    expect(detectFileType(TEXT_BYTES)).toEqual({
      kind: 'text',
      contentType: 'text/plain; charset=utf-8',
    })
  })

  it('refuses everything else', () => {
    expect(detectFileType(new Uint8Array())).toBeNull()
    // A Windows executable, a ZIP (also every .docx), text with a NUL, and invalid UTF-8.
    expect(detectFileType(bytes(0x4d, 0x5a, 0x90, 0x00))).toBeNull()
    expect(detectFileType(bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00))).toBeNull()
    expect(detectFileType(ascii('hello\u0000world'))).toBeNull()
    expect(detectFileType(bytes(0x68, 0x69, 0xc3, 0x28))).toBeNull()
    // RIFF that is not WebP (a WAV file).
    expect(detectFileType(ascii('RIFF\x24\x00\x00\x00WAVEfmt '))).toBeNull()
  })
})

describe('file names', () => {
  it('must end as the bytes say', () => {
    expect(nameMatchesKind('photo.JPG', 'jpeg')).toBe(true)
    expect(nameMatchesKind('photo.jpeg', 'jpeg')).toBe(true)
    expect(nameMatchesKind('scan.pdf', 'png')).toBe(false)
    expect(nameMatchesKind('notes', 'text')).toBe(false)
    expect(nameMatchesKind('.txt', 'text')).toBe(false)
  })

  it('are cleaned of folders and control characters, and cut to 255 with the ending kept', () => {
    expect(cleanFileName('..\\..\\etc/passwd.txt')).toBe('passwd.txt')
    expect(cleanFileName('a\u0000b\r\n"c".txt')).toBe('abc.txt')
    const long = cleanFileName(`${'x'.repeat(300)}.pdf`)
    expect(long).toHaveLength(255)
    expect(long.endsWith('.pdf')).toBe(true)
  })
})
