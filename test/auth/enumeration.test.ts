import { type ActionFunctionArgs } from '@remix-run/node'
import { describe, expect, test } from 'vitest'
import { flushPendingMail } from '#app/mail/mailer.server.ts'
import { action as forgotPasswordAction } from '#app/routes/forgot-password.tsx'
import { action as signInAction } from '#app/routes/login.tsx'
import { action as magicLinkAction } from '#app/routes/login_.magic-link.tsx'
import { action as signUpAction } from '#app/routes/signup.tsx'
import { useTestDatabase } from '#test/support/database.ts'
import { hashPassword } from '#app/auth/password.server.ts'
import { createCustomer } from '#db/customers.ts'
import { formRequest, PASSWORD, uniqueEmail } from '#test/support/fixtures.ts'
import { recipientOf, useSmtpSink } from '../lifecycle/lifecycle-support.ts'

// The four forms that take an email address from a stranger must not tell whether it has an
// account: the same status, the same body and (within 10 ms, by the median) the same time for a
// known and an unknown address. Each sample uses a fresh address and a fresh client address, so
// no rate limit is reached and every sample takes the path a first attempt takes. Known and
// unknown attempts alternate (and alternate which goes first), so load on the machine falls on
// both sides alike; the work an action leaves for after its answer (a token, a mail) is waited
// for after each call, outside the timing, so it does not slow the next call.

const database = useTestDatabase()
const smtp = useSmtpSink()

const WARM_UP = 4
const SAMPLES = 61
const MAX_MEDIAN_DIFFERENCE_MS = 10
const WRONG_PASSWORD = 'not the password of anyone'

/** A customer who can sign in (the fixture's password), sharing one hash to save the time. */
async function knownAddress(passwordHash: string): Promise<string> {
  const email = uniqueEmail('known')
  const customer = await createCustomer(
    database.db,
    { givenName: 'Kim', familyName: 'Holm', preferredName: null, email },
    { kind: 'system' },
    'system',
  )
  await database.db
    .insertInto('accounts')
    .values({ kind: 'customer', email, customer_id: customer.id, password_hash: passwordHash })
    .execute()
  return email
}

let ipCounter = 0
/** A client address used once (198.18.0.0/15, for benchmarks), so no client bucket fills up. */
function freshIp(): string {
  ipCounter += 1
  return `198.18.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`
}

type Action = (args: ActionFunctionArgs) => Promise<unknown>

interface Form {
  name: string
  path: string
  action: Action
  fields: (email: string) => Record<string, string>
  /** Whether the owner of a known address is told about the attempt by mail. */
  mailsKnown: boolean
  /** Whether an unknown address is mailed (only sign-up: its verification link). */
  mailsUnknown: boolean
}

const forms: Form[] = [
  {
    name: 'sign-in',
    path: '/login',
    action: signInAction,
    fields: (email) => ({ email, password: WRONG_PASSWORD }),
    mailsKnown: false,
    mailsUnknown: false,
  },
  {
    name: 'password reset',
    path: '/forgot-password',
    action: forgotPasswordAction,
    fields: (email) => ({ email }),
    mailsKnown: true,
    mailsUnknown: false,
  },
  {
    name: 'sign-up',
    path: '/signup',
    action: signUpAction,
    fields: (email) => ({
      givenName: 'Vera',
      familyName: 'Lund',
      email,
      password: 'a long enough new password',
      language: 'en',
    }),
    mailsKnown: true,
    mailsUnknown: true,
  },
  {
    name: 'magic link',
    path: '/login/magic-link',
    action: magicLinkAction,
    fields: (email) => ({ email }),
    mailsKnown: true,
    mailsUnknown: false,
  },
]

interface Answer {
  status: number
  location: string | null
  retryAfter: string | null
  setCookie: string | null
  body: string
}

/** What the client sees, with the typed address replaced: both answers may echo what was typed. */
async function answerOf(result: unknown, email: string): Promise<Answer> {
  const normalise = (text: string) => text.replaceAll(email, '<email>')
  if (result instanceof Response) {
    return {
      status: result.status,
      location: result.headers.get('Location'),
      retryAfter: result.headers.get('Retry-After'),
      setCookie: result.headers.get('Set-Cookie'),
      body: normalise(await result.clone().text()),
    }
  }
  const value = result as { data: unknown; init?: ResponseInit | null }
  const headers = new Headers(value.init?.headers)
  return {
    status: value.init?.status ?? 200,
    location: headers.get('Location'),
    retryAfter: headers.get('Retry-After'),
    setCookie: headers.get('Set-Cookie'),
    body: normalise(JSON.stringify(value.data)),
  }
}

async function attempt(form: Form, email: string) {
  const request = formRequest(form.path, form.fields(email))
  const args: ActionFunctionArgs = { request, params: {}, context: { clientIp: freshIp() } }
  const started = performance.now()
  const result = await form.action(args)
  const ms = performance.now() - started
  // What the action left running (a token, a mail) ends before the next timed call starts.
  await flushPendingMail()
  return { ms, answer: await answerOf(result, email) }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

describe('a known and an unknown email address get the same answer in the same time', () => {
  test.each(forms.map((form) => [form.name, form] as const))(
    '%s',
    async (_name, form) => {
      const passwordHash = await hashPassword(PASSWORD)
      const known: string[] = []
      for (let i = 0; i < WARM_UP + SAMPLES; i++) known.push(await knownAddress(passwordHash))
      const times = { known: [] as number[], unknown: [] as number[] }
      const answers = { known: new Set<string>(), unknown: new Set<string>() }
      const mailedKnown = new Set<string>()
      const mailedUnknown = new Set<string>()

      for (const [index, knownEmail] of known.entries()) {
        const unknownEmail = uniqueEmail('nobody')
        const { arrived } = await smtp.collect(async () => {
          const pair =
            index % 2 === 0
              ? {
                  known: await attempt(form, knownEmail),
                  unknown: await attempt(form, unknownEmail),
                }
              : {
                  unknown: await attempt(form, unknownEmail),
                  known: await attempt(form, knownEmail),
                }
          if (index >= WARM_UP) {
            times.known.push(pair.known.ms)
            times.unknown.push(pair.unknown.ms)
          }
          answers.known.add(JSON.stringify(pair.known.answer))
          answers.unknown.add(JSON.stringify(pair.unknown.answer))
        })
        for (const mail of arrived) {
          const to = recipientOf(mail)
          if (to === knownEmail) mailedKnown.add(to)
          if (to === unknownEmail) mailedUnknown.add(to)
        }
      }

      // Every attempt got one and the same answer, known or not, and none was rate limited.
      expect([...answers.known]).toEqual([...answers.unknown])
      expect(answers.known.size).toBe(1)
      const answer = JSON.parse([...answers.known][0] ?? '{}') as Answer
      expect(answer.status).not.toBe(429)
      expect(answer.retryAfter).toBeNull()
      expect(answer.setCookie).toBeNull()

      // Each address took its own path: the mails show which (both paths answered alike).
      expect(mailedKnown.size).toBe(form.mailsKnown ? known.length : 0)
      expect(mailedUnknown.size).toBe(form.mailsUnknown ? known.length : 0)

      const difference = Math.abs(median(times.known) - median(times.unknown))
      expect(times.known).toHaveLength(SAMPLES)
      expect(difference).toBeLessThanOrEqual(MAX_MEDIAN_DIFFERENCE_MS)
    },
    300_000,
  )
})
