import { type ActionFunctionArgs, redirect } from '@remix-run/node'
import { z } from 'zod'
import { requireCustomer } from '#app/auth/guards.server.ts'
import { safeRedirect } from '#app/auth/safe-redirect.ts'
import { switchActingOrganisation } from '#app/auth/session.server.ts'
import { getDatabase } from '#db/database.ts'
import { getMembershipRole } from '#db/organisations.ts'

// No page: the header's switcher posts here, so it works without JavaScript.

const PERSONAL = 'personal'

const SwitchSchema = z.object({
  organisationId: z.union([z.literal(PERSONAL), z.string().uuid()]),
  redirectTo: z.string().optional(),
})

export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  const { user } = await requireCustomer(request)
  const parsed = SwitchSchema.safeParse(Object.fromEntries(await request.formData()))
  // Only a tampered form sends anything else; the switcher offers nothing more to explain.
  if (!parsed.success) throw new Response(null, { status: 400, statusText: 'Bad Request' })
  const { organisationId, redirectTo } = parsed.data

  const target = organisationId === PERSONAL ? null : organisationId
  // Not a member (any more), or an id from elsewhere: the same answer as an unknown one.
  if (target && !(await getMembershipRole(await getDatabase(), target, user.customerId))) {
    throw new Response(null, { status: 404, statusText: 'Not Found' })
  }
  const headers = await switchActingOrganisation(request, user.id, target)
  // Back to the page it came from, unless that was an item of the organisation just left.
  return redirect(safeRedirect(redirectTo, '/'), { headers })
}
