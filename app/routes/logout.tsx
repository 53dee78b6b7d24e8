import { parseWithZod } from '@conform-to/zod'
import { type ActionFunctionArgs, redirect } from '@remix-run/node'
import { z } from 'zod'
import { endAllSessions, endSession, getOptionalUser } from '#app/auth/session.server.ts'

// No page: the sign-out buttons post here. Signing out by GET would let any link or <img> on
// another site sign people out.

const LogoutSchema = z.object({
  // "all" signs out every device of the account; anything else only this browser.
  intent: z.enum(['current', 'all']).default('current'),
})

export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  const [{ user }, formData] = await Promise.all([getOptionalUser(request), request.formData()])
  const submission = parseWithZod(formData, { schema: LogoutSchema })
  const everywhere = submission.status === 'success' && submission.value.intent === 'all'
  const headers = everywhere ? await endAllSessions(request) : await endSession(request)
  return redirect(user?.kind === 'staff' ? '/staff/login' : '/login', { headers })
}
