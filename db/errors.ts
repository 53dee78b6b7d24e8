// Typed failures of the data layer. One place in the app maps them to HTTP answers, so a data
// function throws what went wrong in domain terms and never decides a status code itself.

export class DomainError extends Error {
  override name = 'DomainError'
}

/**
 * The record does not exist, or is not the caller's. Both answer the same (404), so a foreign id
 * cannot be told apart from an unknown one.
 */
export class NotFoundError extends DomainError {
  override name = 'NotFoundError'
  readonly entity: string
  readonly id: string

  constructor(entity: string, id: string) {
    super(`${entity} ${id} not found`)
    this.entity = entity
    this.id = id
  }
}

/**
 * A save against a version that is no longer current. Carries both sides so the screen can show
 * what is stored now next to what the person tried to save, instead of silently applying either.
 */
export class VersionConflictError<T> extends DomainError {
  override name = 'VersionConflictError'
  readonly entity: string
  readonly id: string
  readonly expectedVersion: number
  readonly current: T
  readonly changes: Partial<T>

  constructor(options: {
    entity: string
    id: string
    expectedVersion: number
    current: T
    changes: Partial<T>
  }) {
    super(
      `${options.entity} ${options.id} changed since version ${options.expectedVersion}; ` +
        'reload and apply the changes again',
    )
    this.entity = options.entity
    this.id = options.id
    this.expectedVersion = options.expectedVersion
    this.current = options.current
    this.changes = options.changes
  }
}

/**
 * The change is not allowed from the record's current state (cancelling a request that is
 * already in review, replying to a closed ticket). `reason` is a translation key for the person.
 */
export class InvalidStateError extends DomainError {
  override name = 'InvalidStateError'
  readonly reason: string

  constructor(reason: string, message = reason) {
    super(message)
    this.reason = reason
  }
}
