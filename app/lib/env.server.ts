import path from 'node:path'
import { z } from 'zod'

// Development defaults make `npm start` work on a fresh clone; production must replace them.
const DEV_SESSION_SECRET = 'development-only-secret-do-not-use-in-production'

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Public origin used in links we email, e.g. https://portal.example.com */
  APP_URL: z.string().url().optional(),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('data'),
  /** SMTP server for outgoing mail; unset writes .eml files under MAIL_DIR instead. */
  SMTP_URL: z.string().url().optional(),
  MAIL_DIR: z.string().optional(),
  MAIL_FROM: z.string().default('Customer portal <no-reply@portal.localhost>'),
  /** Key for signed links and cookies (HMAC); at least 32 characters in production. */
  SESSION_SECRET: z.string().min(32).default(DEV_SESSION_SECRET),
  /** Secure cookies; by default on exactly when APP_URL is https. */
  COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  /**
   * How many reverse proxies stand in front of the app. 0 trusts no X-Forwarded-* header, so a
   * client cannot pick its own address; behind a load balancer set it, or every visitor shares
   * the proxy's address (and its rate limits) and HSTS is never sent.
   */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
})

export type Env = z.infer<typeof schema> & {
  appUrl: string
  mailDir: string
  cookieSecure: boolean
}

export class InsecureConfigurationError extends Error {
  override name = 'InsecureConfigurationError'
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  // An empty variable (`DATABASE_URL=`) means unset, as it does for shells and dotenv files.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''))
  const parsed = schema.safeParse(present)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${problems.join('\n')}`)
  }
  const env = parsed.data
  const production = env.NODE_ENV === 'production'
  if (production && !source.ALLOW_DEV_SECRETS) {
    const problems: string[] = []
    if (env.SESSION_SECRET === DEV_SESSION_SECRET)
      problems.push('SESSION_SECRET is the development default')
    if (!env.APP_URL) problems.push('APP_URL is not set')
    if (problems.length > 0) {
      throw new InsecureConfigurationError(
        `Refusing to start in production: ${problems.join('; ')}. ` +
          'Set them (see README, Configuration), or ALLOW_DEV_SECRETS=1 for a local demo.',
      )
    }
  }
  return {
    ...env,
    appUrl: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    mailDir: path.resolve(env.MAIL_DIR ?? path.join(env.DATA_DIR, 'mail')),
    cookieSecure: env.COOKIE_SECURE
      ? env.COOKIE_SECURE === 'true'
      : (env.APP_URL ?? '').startsWith('https://'),
  }
}

let cached: Env | undefined

/** The validated configuration of this process, read once. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env)
  return cached
}

/** For tests that change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined
}
