import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from '@remix-run/node'
import { verifyUnsubscribeLink } from '#app/consent/unsubscribe-token.server.ts'
import { getFixedT, getRequestLocale } from '#app/i18n/i18next.server.ts'
import { withdrawByLink } from '#db/consent.ts'
import { getDatabase } from '#db/database.ts'
import { NotFoundError } from '#db/errors.ts'

// The `List-Unsubscribe` address of our marketing mail (RFC 8058). A mail provider POSTs
// `List-Unsubscribe=One-Click` here when its user presses "unsubscribe": the withdrawal is
// recorded at once and answered in plain text, with no page. A resource route (no component),
// because a page route answers every POST with its HTML. Providers send no Origin header and no
// cookie, so any CSRF check in front of the app must let POSTs to this path through.

function plainText(body: string, status: number): Response {
  return new Response(`${body}\n`, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  })
}

async function isOneClickBody(request: Request): Promise<boolean> {
  try {
    return (await request.formData()).get('List-Unsubscribe') === 'One-Click'
  } catch {
    // Neither form encoding RFC 8058 allows: not a one-click request.
    return false
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const t = await getFixedT(request, 'preferences')
  const target = await verifyUnsubscribeLink(
    await getDatabase(),
    new URL(request.url).searchParams.get('token'),
  )
  if (!target || !(await isOneClickBody(request))) {
    return plainText(t('unsubscribe.oneClickInvalid'), 400)
  }
  try {
    await withdrawByLink(await getDatabase(), {
      ...target,
      everything: false,
      language: await getRequestLocale(request),
    })
  } catch (error) {
    // Signed by us for a customer we no longer know: a link that leads nowhere, not a failure.
    if (error instanceof NotFoundError) return plainText(t('unsubscribe.oneClickInvalid'), 400)
    throw error
  }
  return plainText(t('unsubscribe.oneClickDone'), 200)
}

/** Someone opened the header's address in a browser: show them the page with its buttons. */
export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get('token') ?? ''
  return redirect(`/unsubscribe?${new URLSearchParams({ token })}`, 303)
}
