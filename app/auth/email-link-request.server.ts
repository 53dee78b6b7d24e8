import { parseWithZod } from '@conform-to/zod'
import { type AppLoadContext, data, redirect } from '@remix-run/node'
import {
  limitAttempt,
  type RateLimitedAction,
  TOO_MANY_ATTEMPTS,
  tooManyAttempts,
} from './rate-limit.server.ts'
import { EmailOnlySchema } from './schemas.ts'

/**
 * The action of a form that mails a link to a typed address (forgot password, sign-in by link).
 * A client over its limit is told so, which says nothing about any account. An address over its
 * limit gets the usual answer and no mail: saying so would only confirm what the asker already
 * knows, and a real owner already has the earlier mails. Otherwise the same answer whether or not
 * the address has an account, as a redirect, so reloading the page does not send again.
 */
export async function emailLinkRequestAction(
  request: Request,
  context: AppLoadContext,
  options: {
    limit: Extract<RateLimitedAction, 'passwordReset' | 'magicLink'>
    send: (email: string) => Promise<unknown>
    sentPath: string
  },
) {
  const submission = parseWithZod(await request.formData(), { schema: EmailOnlySchema })
  if (submission.status !== 'success') {
    return data(submission.reply(), { status: 400 })
  }
  const { email } = submission.value
  const limit = await limitAttempt({
    action: options.limit,
    email,
    clientIp: context.clientIp ?? null,
  })
  if (limit.limited && limit.by === 'client') {
    return tooManyAttempts(
      submission.reply({ formErrors: [TOO_MANY_ATTEMPTS] }),
      limit.retryAfterSeconds,
    )
  }
  if (!limit.limited) await options.send(email)
  return redirect(options.sentPath)
}
