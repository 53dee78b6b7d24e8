import { NotFoundError } from '#db/errors.ts'

// The one place that turns the data layer's typed errors into HTTP answers, so routes never
// decide status codes for domain failures themselves.

/** 404 for an unknown id and for someone else's id alike: the two must be indistinguishable. */
export function notFound(): Response {
  return new Response(null, { status: 404, statusText: 'Not Found' })
}

/**
 * 403, rendered by the root error boundary as the translated "you cannot open this page": for
 * someone who may see a record but not do this to it (a colleague on an item they did not open,
 * a member posting what only owners may do). The headers carry a renewed session cookie.
 */
export function forbidden(headers?: HeadersInit): Response {
  return new Response(null, { status: 403, statusText: 'Forbidden', headers })
}

/**
 * Runs a loader's or action's data work and maps domain errors: NotFoundError → 404 (thrown, so
 * the error boundary shows the page), anything else is rethrown. VersionConflictError and
 * InvalidStateError are answered by the action itself, next to its form (a conflict page, or
 * `submission.reply({ formErrors: [error.reason] })` with status 409).
 */
export async function orNotFound<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof NotFoundError) throw notFound()
    throw error
  }
}

/** Throws the 404 when a lookup came back empty. */
export function requireFound<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw notFound()
  return value
}
