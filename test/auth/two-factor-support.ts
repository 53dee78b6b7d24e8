import { generateHOTP } from '@oslojs/otp'
import { timeStep, totpKeyFromBase32 } from '#app/auth/two-factor.server.ts'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { getRequest } from '#test/support/fixtures.ts'

// What the two-factor tests share: a browser's cookie jar over several responses, the answer of
// a loader or action in one shape, and codes computed the way an authenticator app does.

/** Cookies as a browser keeps them: a later Set-Cookie replaces, Max-Age=0 removes. */
export class CookieJar {
  readonly #cookies = new Map<string, string>()

  take(headers: Headers | null | undefined): this {
    for (const line of headers?.getSetCookie() ?? []) {
      const [pair = '', ...attributes] = line.split(';')
      const name = pair.slice(0, pair.indexOf('='))
      const value = pair.slice(pair.indexOf('=') + 1)
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === ''
      if (expired) this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
    return this
  }

  has(name: string): boolean {
    return this.#cookies.has(name)
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name)
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

export interface Answer {
  status: number
  location: string | null
  headers: Headers
  data: unknown
}

/** A loader's or action's answer, returned or thrown, Response or data(). */
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
      headers: result.headers,
      data: null,
    }
  }
  if (typeof result === 'object' && result !== null && 'init' in result && 'data' in result) {
    const init = result.init as ResponseInit | null
    return {
      status: init?.status ?? 200,
      location: null,
      headers: new Headers(init?.headers),
      data: result.data,
    }
  }
  return { status: 200, location: null, headers: new Headers(), data: result }
}

/** The authenticator code of a base32 secret, for a time step (now by default). */
export function codeFor(secret: string, step: number = timeStep()): string {
  return generateHOTP(totpKeyFromBase32(secret), BigInt(step), 6)
}

/** Who the jar's session cookie signs in, if anyone. */
export async function signedInAs(cookie: string): Promise<string | null> {
  return (await getOptionalUser(getRequest('/', { cookie }))).user?.id ?? null
}

export function fieldErrors(data: unknown): Record<string, string[] | undefined> {
  if (typeof data !== 'object' || data === null || !('error' in data)) return {}
  return (data as { error?: Record<string, string[]> | null }).error ?? {}
}
