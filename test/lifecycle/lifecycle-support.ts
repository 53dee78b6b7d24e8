import { type ParsedMail } from 'mailparser'
import { afterAll, beforeAll, expect } from 'vitest'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { resetEnvCache } from '#app/lib/env.server.ts'
import { flushPendingMail } from '#app/mail/mailer.server.ts'
import { type Database } from '#db/database.ts'
import { cookieFrom, getRequest } from '#test/support/fixtures.ts'
import { startSmtpSink } from '../mail/smtp-sink.ts'

/**
 * A real SMTP server for the calling test file, with the app's mail pointed at it. `collect`
 * runs a request and returns what arrived once everything it started has been sent.
 */
export function useSmtpSink() {
  let smtp: Awaited<ReturnType<typeof startSmtpSink>> | undefined
  beforeAll(async () => {
    smtp = await startSmtpSink()
    process.env.SMTP_URL = smtp.url
    resetEnvCache()
  })
  afterAll(async () => {
    delete process.env.SMTP_URL
    resetEnvCache()
    await smtp?.close()
  })
  return {
    async collect<T>(run: () => Promise<T>): Promise<{ result: T; arrived: ParsedMail[] }> {
      if (!smtp) throw new Error('useSmtpSink(): the server starts in beforeAll')
      await flushPendingMail()
      const before = smtp.messages.length
      const result = await run()
      await flushPendingMail()
      return { result, arrived: smtp.messages.slice(before) }
    },
  }
}

export function recipientOf(mail: ParsedMail): string | undefined {
  return mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined
}

/** The one link to `pathname` in a mail's text; its HTML part must carry the same link. */
export function linkIn(mail: ParsedMail, pathname: string): URL {
  const pattern = new RegExp(`https?://[^\\s"<]+${pathname.replaceAll('/', '\\/')}\\?token=[\\w-]+`)
  const inText = mail.text?.match(pattern)?.[0]
  if (!inText) throw new Error(`No ${pathname} link in:\n${mail.text}`)
  const inHtml = typeof mail.html === 'string' ? mail.html.match(pattern)?.[0] : undefined
  expect(inHtml).toBe(inText)
  return new URL(inText)
}

export function tokenOf(link: URL): string {
  const token = link.searchParams.get('token')
  if (!token) throw new Error(`No token in ${link.href}`)
  return token
}

/** A loader's or action's `data()` answer: its value and status (200 when none was set). */
export function dataOf<T>(result: T): { data: unknown; status: number } {
  if (result instanceof Response) {
    throw new Error(`Expected data, got ${result.status} to ${result.headers.get('Location')}`)
  }
  const value = result as { data: unknown; init?: { status?: number } | null }
  return { data: value.data, status: value.init?.status ?? 200 }
}

/** A redirect: status, target, and the body text (empty for every redirect we send). */
export async function redirectOf(result: unknown) {
  if (!(result instanceof Response)) {
    throw new Error(`Expected a redirect, got ${JSON.stringify(result)}`)
  }
  return {
    status: result.status,
    location: result.headers.get('Location'),
    body: await result.clone().text(),
  }
}

/** The account a session cookie signs in, or null. */
export async function accountSignedInBy(cookie: string): Promise<string | null> {
  const { user } = await getOptionalUser(getRequest('/', { cookie }))
  return user?.id ?? null
}

export function sessionCookieOf(response: unknown): string {
  if (!(response instanceof Response)) throw new Error('Expected a response')
  return cookieFrom(response)
}

export async function countRows(
  db: Database,
  table: 'customers' | 'accounts' | 'account_tokens',
): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
