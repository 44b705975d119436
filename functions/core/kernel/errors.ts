// Typed domain errors. The HTTP layer maps each to an RFC 9457 problem; nothing here knows about HTTP.

export interface FieldProblem {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request is malformed; every problem is listed with its field path. */
export class ValidationError extends DomainError {
  constructor(
    message: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export class UnsupportedMediaTypeError extends DomainError {}
export class UnauthorizedError extends DomainError {}
export class ForbiddenError extends DomainError {}
export class NotFoundError extends DomainError {}

/** The request conflicts with the current state (an open application exists, an illegal transition, …). */
export class ConflictError extends DomainError {}

/** A step the product's document checklist gates, asked for while required documents are missing (409, naming them). */
export class DocumentsMissingError extends ConflictError {
  constructor(
    message: string,
    readonly missing: readonly string[],
  ) {
    super(message);
  }
}

/** An optimistic-lock condition failed: someone else changed the item first. Safe to retry. */
export class ConcurrentModificationError extends DomainError {}

/** The same Idempotency-Key was reused with a different request body. */
export class IdempotencyKeyMismatchError extends DomainError {}

/**
 * A request with the same Idempotency-Key is being carried out right now and its answer is not stored yet: retry in a
 * moment to get that answer. Never a new request.
 */
export class IdempotencyKeyInProgressError extends DomainError {}

/** An illegal lifecycle transition; never applied. */
export class IllegalTransitionError extends ConflictError {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`cannot move from ${from} to ${to}`);
  }
}

/** A dependency is briefly unavailable; the request was not (or not fully) carried out and may be retried. */
export class TemporarilyUnavailableError extends DomainError {}

/**
 * An external system (the credit bureau, core banking, the SMS provider) could not be reached or did not answer in
 * time, after the adapter's own attempts: why, how many HTTP requests were sent, and the last HTTP status if any.
 * Each system's subclass sets the `name` the pipeline's Retry matches.
 */
export class ExternalSystemUnavailableError<Reason extends string> extends TemporarilyUnavailableError {
  readonly reason: Reason;
  /** HTTP requests sent for this call (0 when the circuit was open or the key unreadable). */
  readonly attempts: number;
  readonly status: number | undefined;

  constructor(message: string, options: { reason: Reason; attempts: number; status?: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options.reason;
    this.attempts = options.attempts;
    this.status = options.status;
  }
}

/** A task token that no longer waits: answered already, timed out, or its execution ended. */
export class TaskTokenGoneError extends ConflictError {}

/**
 * A message the channel refused for good (an invalid number, a blocked recipient): retrying cannot deliver it. The
 * business step that sent it goes on; the refusal is recorded. Transient failures are TemporarilyUnavailableError.
 */
export class NotificationRejectedError extends DomainError {}
