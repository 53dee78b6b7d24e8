import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import nodemailer, { type Transporter } from 'nodemailer'
import { getEnv } from '#app/lib/env.server.ts'

export interface MailMessage {
  to: string
  subject: string
  text: string
  html: string
  /** Extra header lines, e.g. List-Unsubscribe on marketing mail (RFC 2369, RFC 8058). */
  headers?: Record<string, string>
}

type Delivery =
  | { kind: 'smtp'; transporter: Transporter }
  | { kind: 'file'; transporter: Transporter; mailDir: string }

let cached: { key: string; delivery: Delivery } | undefined

// Rebuilt when the configuration changes (tests point SMTP_URL at their own server).
function getDelivery(): Delivery {
  const { SMTP_URL, mailDir } = getEnv()
  const key = SMTP_URL ?? `file:${mailDir}`
  if (cached?.key !== key) {
    cached?.delivery.transporter.close()
    const delivery: Delivery = SMTP_URL
      ? { kind: 'smtp', transporter: nodemailer.createTransport(SMTP_URL) }
      : {
          kind: 'file',
          // No SMTP server on a fresh clone: build the message as it would be sent and keep it
          // as an .eml file, so the demo's reset links work offline.
          transporter: nodemailer.createTransport({ streamTransport: true, buffer: true }),
          mailDir,
        }
    cached = { key, delivery }
  }
  return cached.delivery
}

export async function sendMail(message: MailMessage): Promise<void> {
  const delivery = getDelivery()
  const info: { message?: unknown; messageId?: string } = await delivery.transporter.sendMail({
    from: getEnv().MAIL_FROM,
    ...message,
  })
  if (delivery.kind === 'file' && Buffer.isBuffer(info.message)) {
    const file = await writeEml(delivery.mailDir, info.message)
    const link = message.text.match(/https?:\/\/\S+/)?.[0] ?? '(no link)'
    console.log(
      `[mail] to ${message.to} · "${message.subject}" · ${link} · saved ${path.relative(process.cwd(), file)}`,
    )
  }
}

async function writeEml(mailDir: string, raw: Buffer): Promise<string> {
  await mkdir(mailDir, { recursive: true })
  // Sortable by time; the random part keeps two messages in one millisecond apart.
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const file = path.join(mailDir, `${stamp}-${Math.random().toString(36).slice(2, 8)}.eml`)
  await writeFile(file, raw)
  return file
}

const pending = new Set<Promise<void>>()

/**
 * Runs work after the answer instead of before it. Used where the time to answer must not depend
 * on whether there was anything to do: a form a stranger fills in with an address does the
 * known account's part (a token written, a mail built and sent) here, so a known and an unknown
 * address answer in the same time. A failure is logged, never shown: the answer is the same
 * either way. `failure` is the log line's message and fields when it fails.
 */
export function runInBackground(
  task: () => Promise<void>,
  failure: { msg: string } & Record<string, string>,
): void {
  const running = task()
    .catch((error: unknown) => {
      console.error(
        JSON.stringify({
          level: 'error',
          ...failure,
          error: error instanceof Error ? error.message : String(error),
        }),
      )
    })
    .finally(() => pending.delete(running))
  pending.add(running)
}

/**
 * Sends without making the request wait. Used where the time to answer must not depend on
 * whether a message went out (it would tell a stranger which addresses have accounts).
 * A failure is logged, never shown: the answer to the user is the same either way.
 */
export function sendMailInBackground(message: MailMessage): void {
  runInBackground(() => sendMail(message), {
    msg: 'sending mail failed',
    subject: message.subject,
  })
}

/** Waits for all background work (sends included) to finish: for tests, and before exiting. */
export async function flushPendingMail(): Promise<void> {
  while (pending.size > 0) await Promise.all(pending)
}
