import { Link, useLocation } from '@remix-run/react'

/**
 * "Older" for keyset pagination: the next page starts after the last row shown (its cursor), so
 * pages stay fast and stable while new rows arrive, unlike OFFSET. Other query parameters
 * (filters) are kept.
 */
export function KeysetPager({
  nextCursor,
  label,
  olderLabel,
  newestLabel,
}: {
  nextCursor: string | null
  label: string
  olderLabel: string
  newestLabel: string
}) {
  const location = useLocation()
  const params = new URLSearchParams(location.search)
  const onFirstPage = !params.has('after')
  if (!nextCursor && onFirstPage) return null
  const older = new URLSearchParams(params)
  if (nextCursor) older.set('after', nextCursor)
  const newest = new URLSearchParams(params)
  newest.delete('after')
  const linkClass = 'text-blue-700 underline hover:text-blue-900'
  return (
    <nav aria-label={label} className="mt-4 flex gap-4">
      {onFirstPage ? null : (
        <Link to={`?${newest}`} className={linkClass}>
          {newestLabel}
        </Link>
      )}
      {nextCursor ? (
        <Link to={`?${older}`} className={linkClass}>
          {olderLabel}
        </Link>
      ) : null}
    </nav>
  )
}
