import { type ActionFunctionArgs, redirect } from '@remix-run/node'
import { z } from 'zod'
import { getOptionalUser } from '#app/auth/session.server.ts'
import { safeRedirect } from '#app/auth/safe-redirect.ts'
import { supportedLngs } from '#app/i18n/config.ts'
import { localeCookie } from '#app/i18n/i18next.server.ts'
import { forgetRequestLocale } from '#app/i18n/locale.server.ts'
import { getDatabase } from '#db/database.ts'
import { setCustomerLanguage } from '#db/customers.ts'

// No page: the switcher in every page's footer posts here, so it works without JavaScript.

const LanguageSchema = z.object({
  language: z.enum(supportedLngs),
  redirectTo: z.string().optional(),
})

export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  const [{ user }, formData] = await Promise.all([getOptionalUser(request), request.formData()])
  const parsed = LanguageSchema.safeParse(Object.fromEntries(formData))
  // Only a tampered form sends anything else; the page it came from explains nothing more.
  if (!parsed.success) throw new Response(null, { status: 400, statusText: 'Bad Request' })
  const { language, redirectTo } = parsed.data

  // A signed-in customer's own language wins over the cookie, so the choice is saved on their
  // record (and follows them to other browsers and into the messages we send them).
  if (user?.kind === 'customer' && user.customerId) {
    await setCustomerLanguage(await getDatabase(), {
      customerId: user.customerId,
      language,
      actor: { kind: 'customer', id: user.id },
      channel: 'portal',
    })
    forgetRequestLocale()
  }
  return redirect(safeRedirect(redirectTo, '/'), {
    headers: { 'Set-Cookie': await localeCookie.serialize(language) },
  })
}
