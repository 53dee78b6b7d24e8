import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { resetEnvCache } from '#app/lib/env.server.ts'
import { sendMail } from '#app/mail/mailer.server.ts'

let mailDir: string

beforeAll(() => {
  mailDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'cmr-mail-')), 'nested', 'mail')
  delete process.env.SMTP_URL
  process.env.MAIL_DIR = mailDir
  resetEnvCache()
})

afterAll(() => {
  delete process.env.MAIL_DIR
  resetEnvCache()
  rmSync(path.dirname(path.dirname(mailDir)), { recursive: true, force: true })
})

describe('mail without an SMTP server', () => {
  it('writes an .eml file and prints one line with the recipient, subject and link', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    try {
      await sendMail({
        to: 'anna@example.com',
        subject: 'Reset your password',
        text: 'Open http://localhost:3000/reset-password?token=abc to continue.\nOr http://other',
        html: '<p>Open the link</p>',
      })
      expect(log).toHaveBeenCalledOnce()
      const line = String(log.mock.calls[0]?.[0])
      expect(line).toContain('anna@example.com')
      expect(line).toContain('Reset your password')
      expect(line).toContain('http://localhost:3000/reset-password?token=abc')
      expect(line).not.toContain('http://other')
    } finally {
      log.mockRestore()
    }
    const files = readdirSync(mailDir)
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/\.eml$/)
    const raw = readFileSync(path.join(mailDir, files[0]!), 'utf8')
    expect(raw).toContain('To: anna@example.com')
    expect(raw).toContain('Subject: Reset your password')
    expect(raw).toContain('multipart/alternative')
  })
})
