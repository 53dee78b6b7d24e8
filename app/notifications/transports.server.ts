import { type MailMessage, sendMail } from '#app/mail/mailer.server.ts'

// How messages leave: email through the mail module (SMTP, or .eml files without a server), SMS
// through a provider behind a one-method interface. No real SMS provider is wired in; the
// default prints each message as one log line.

export interface EmailTransport {
  send(message: MailMessage): Promise<void>
}

export interface SmsProvider {
  /** Resolves once the provider accepted the message; rejects when it did not. */
  send(to: string, text: string): Promise<void>
}

export interface Transports {
  email: EmailTransport
  sms: SmsProvider
}

export const mailTransport: EmailTransport = { send: sendMail }

/** Prints one line per message instead of sending it: the default until a provider is chosen. */
export const loggingSmsProvider: SmsProvider = {
  send(to, text) {
    console.log(`[sms] to ${to} · ${JSON.stringify(text)}`)
    return Promise.resolve()
  },
}

/** Keeps every message in memory, for tests and local experiments. */
export function memorySmsProvider(): SmsProvider & { sent: { to: string; text: string }[] } {
  const sent: { to: string; text: string }[] = []
  return {
    sent,
    send(to, text) {
      sent.push({ to, text })
      return Promise.resolve()
    },
  }
}

export const defaultTransports: Transports = { email: mailTransport, sms: loggingSmsProvider }
