// Trying again. One helper for every "read, change, write; if someone else wrote first, read again" loop and every
// short retry of a transient conflict, so the attempt counting, the pauses and what counts as retryable are written once.

import { ConcurrentModificationError, NotFoundError } from './errors';

export interface RetryOptions {
  /** Tries in all, the first included (at least 1). */
  attempts: number;
  /** Whether a failure is worth another try; default: a ConcurrentModificationError (someone else wrote first). */
  retryable?: (error: unknown, attempt: number) => boolean;
  /** The pause before try `attempt + 1`, in milliseconds; default none. */
  pauseMs?: (attempt: number) => number;
  /** How a pause is waited for; default a timer. Tests pass one that records the pause and returns at once. */
  sleep?: Sleep;
}

export type Sleep = (ms: number) => Promise<void>;

export const sleepFor: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Someone else changed the item between our read and our conditional write: reading again may succeed. */
export function isConcurrentModification(error: unknown): boolean {
  return error instanceof ConcurrentModificationError;
}

/** `baseMs` × attempt, spread by ±50 % so that racing writers do not collide again in step. */
export function jitteredPause(baseMs: number): (attempt: number) => number {
  return (attempt) => baseMs * attempt * (0.5 + Math.random());
}

/**
 * Exponential backoff with ("equal") jitter: the ceiling before try `attempt + 1` is min(capMs, baseMs × 2^(attempt −
 * 1)), and the pause is uniform in [ceiling / 2, ceiling). Writers that collided spread out further each time instead
 * of colliding again in step, and the time all the tries take stays within known bounds (half the ceilings' sum to
 * their sum), so a number of tries is also a length of time.
 */
export function exponentialBackoff(options: { baseMs: number; capMs: number; random?: () => number }): (attempt: number) => number {
  const random = options.random ?? Math.random;
  return (attempt) => {
    const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
    return ceiling / 2 + (random() * ceiling) / 2;
  };
}

/** Runs `run(attempt)` (attempt 1, 2, …) until it succeeds, fails with a non-retryable error, or runs out of attempts. */
export async function retrying<T>(run: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retryable = options.retryable ?? isConcurrentModification;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !retryable(error, attempt)) throw error;
      const pause = options.pauseMs?.(attempt) ?? 0;
      if (pause > 0) await (options.sleep ?? sleepFor)(pause);
    }
  }
}

/**
 * Reads the item, runs `step` on it, and when the step meets a concurrent change (ConcurrentModificationError) reads it
 * again and runs the step on the fresh copy. A missing item is NotFoundError(`missing`).
 */
export function withFreshRead<E, T>(
  read: () => Promise<E | undefined>,
  missing: string,
  step: (current: E) => Promise<T>,
  options: Partial<RetryOptions> = {},
): Promise<T> {
  return retrying(
    async () => {
      const current = await read();
      if (current === undefined) throw new NotFoundError(missing);
      return step(current);
    },
    { attempts: DEFAULT_ATTEMPTS, ...options },
  );
}

/** Tries for a read-change-write step: enough for the few writers an item has at once. */
export const DEFAULT_ATTEMPTS = 3;
