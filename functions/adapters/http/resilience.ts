// What the HTTP adapters to outside systems (the credit bureau, core banking, the SMS provider) share: a timeout per attempt, retries
// of transient failures with full-jitter exponential backoff (a 429's Retry-After, capped, as a lower bound), and a
// circuit breaker that every failed attempt counts towards, built with cockatiel; plus the small helpers around it.

import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  ExponentialBackoff,
  fullJitterGenerator,
  handleWhen,
  isBrokenCircuitError,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type IBackoff,
  type IRetryBackoffContext,
} from 'cockatiel';
import type { Clock } from '../../core/kernel/ports';

/** A failure worth another attempt (timeout, network, 5xx, 429), with the reason the adapter reports. */
export class TransientFailure<Reason extends string = string> extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

export type ResilienceEvent<Reason extends string> =
  | { type: 'retry'; attempt: number; delayMs: number; reason: Reason; status?: number }
  | { type: 'circuit_open' }
  | { type: 'circuit_half_open' }
  | { type: 'circuit_closed' };

export interface ResilienceOptions {
  /** Per attempt, headers and body included. Default: the adapter's. */
  timeoutMs?: number;
  /** HTTP requests per call, the first included. Default 3. */
  maxAttempts?: number;
  /** The first retry waits a random time in [0, baseDelayMs), the next in [0, 2·baseDelayMs), … Default 200. */
  baseDelayMs?: number;
  /** Cap of one backoff delay, and of a honoured Retry-After. Default 2000. */
  maxDelayMs?: number;
  circuit?: {
    /** Failed attempts in a row (timeouts, network errors, 5xx, 429) that open the circuit. Default 5. */
    consecutiveFailures?: number;
    /** How long the circuit stays open before one probe request may go through. Default 30000. */
    halfOpenAfterMs?: number;
  };
}


/**
 * The policy for one adapter instance (one per Lambda container). `system` names the other side in configuration
 * errors ("bureau timeoutMs must be …").
 */
export function createResilience<Reason extends string>(
  system: string,
  options: ResilienceOptions,
  defaults: { timeoutMs: number },
  emit: (event: ResilienceEvent<Reason>) => void,
) {
  const timeoutMs = positiveInt(system, 'timeoutMs', options.timeoutMs ?? defaults.timeoutMs);
  const maxAttempts = positiveInt(system, 'maxAttempts', options.maxAttempts ?? 3);
  const baseDelayMs = nonNegativeInt(system, 'baseDelayMs', options.baseDelayMs ?? 200);
  const maxDelayMs = nonNegativeInt(system, 'maxDelayMs', options.maxDelayMs ?? 2000);
  const consecutiveFailures = positiveInt(system, 'circuit.consecutiveFailures', options.circuit?.consecutiveFailures ?? 5);
  const halfOpenAfterMs = nonNegativeInt(system, 'circuit.halfOpenAfterMs', options.circuit?.halfOpenAfterMs ?? 30_000);

  const transient = handleWhen((error) => error instanceof TransientFailure);
  const exponential = new ExponentialBackoff({ generator: fullJitterGenerator, initialDelay: baseDelayMs, maxDelay: maxDelayMs });
  const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>, IBackoff<unknown>>((context, previous) => {
    const next = previous ? previous.next(context) : exponential.next();
    const error = 'error' in context.result ? context.result.error : undefined;
    const retryAfter = error instanceof TransientFailure ? Math.min(error.retryAfterMs ?? 0, maxDelayMs) : 0;
    return { delay: Math.max(next.duration, retryAfter), state: next };
  });
  const retryPolicy = retry(transient, { maxAttempts: maxAttempts - 1, backoff }); // cockatiel counts retries
  const breaker = circuitBreaker(transient, { halfOpenAfter: halfOpenAfterMs, breaker: new ConsecutiveBreaker(consecutiveFailures) });
  const attemptTimeout = timeout(timeoutMs, TimeoutStrategy.Cooperative);
  // Each attempt goes through the breaker, so every failed attempt counts; an open circuit is not retried here.
  const policy = wrap(retryPolicy, breaker, attemptTimeout);

  retryPolicy.onRetry((event) => {
    const error = 'error' in event ? event.error : undefined;
    if (error instanceof TransientFailure) {
      emit({ type: 'retry', attempt: event.attempt, delayMs: event.delay, reason: error.reason as Reason, ...(error.status ? { status: error.status } : {}) });
    }
  });
  breaker.onBreak(() => emit({ type: 'circuit_open' }));
  breaker.onHalfOpen(() => emit({ type: 'circuit_half_open' }));
  breaker.onReset(() => emit({ type: 'circuit_closed' }));
  // The policy runs one call (its attempts receive the timeout's abort signal); the breaker's state is reported.
  return { policy, breaker, timeoutMs, maxAttempts };
}

export interface UnavailableDetails<Reason extends string> {
  reason: Reason | 'circuit_open';
  /** Requests actually sent (an open circuit sends none). */
  attempts: number;
  status?: number;
  cause?: unknown;
}

/**
 * Runs `attempt` under the policy of `createResilience`, counting the requests sent, and turns what the policy gives
 * up with (the last transient failure, or an open circuit) into the adapter's own "unavailable" error. `otherError`
 * may rewrite any other error once the number of attempts is known; by default it is rethrown as it is.
 */
export async function callResiliently<T, Reason extends string>(
  resilience: Pick<ReturnType<typeof createResilience>, 'policy'>,
  system: string,
  attempt: (signal: AbortSignal) => Promise<T>,
  unavailable: (message: string, details: UnavailableDetails<Reason>) => Error,
  otherError: (error: unknown, attempts: number) => unknown = (error) => error,
): Promise<T> {
  let attempts = 0;
  try {
    return await resilience.policy.execute(({ signal }) => {
      attempts += 1;
      return attempt(signal);
    });
  } catch (error) {
    if (error instanceof TransientFailure) {
      throw unavailable(`${system} unavailable: ${error.message} (${attemptsText(attempts)})`, {
        reason: error.reason as Reason,
        attempts,
        ...(error.status ? { status: error.status } : {}),
        ...(error.cause !== undefined ? { cause: error.cause } : {}),
      });
    }
    if (isBrokenCircuitError(error)) {
      // The breaker refused before the attempt function ran: count only requests actually sent.
      throw unavailable(`${system} unavailable: circuit open after repeated failures (${attemptsText(attempts)})`, { reason: 'circuit_open', attempts });
    }
    throw otherError(error, attempts);
  }
}

export type CircuitStateName = 'closed' | 'open' | 'half_open' | 'isolated';

export const CIRCUIT_STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `path` under `baseUrl`, which must be https (plain http only for a loopback host: tests, a local fake). */
export function serviceEndpoint(system: string, baseUrl: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new Error(`${system} baseUrl must be an absolute URL, got "${baseUrl}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new Error(`${system} baseUrl must use https (plain http only for a loopback host), got "${baseUrl}"`);
  }
  return new URL(path, url);
}

export function parseJsonOrUndefined(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined; // the SyntaxError quotes the body: never kept
  }
}

/** A network error's cause, reduced to its name, message and code (they name the host, never the request). */
export function sanitizedCause(error: unknown): unknown {
  if (!(error instanceof Error)) return undefined;
  const inner = error.cause instanceof Error ? error.cause : undefined;
  const code = inner && 'code' in inner && typeof inner.code === 'string' ? inner.code : undefined;
  const summary = new Error(inner ? `${error.message}: ${inner.message}` : error.message);
  summary.name = error.name;
  return code ? Object.assign(summary, { code }) : summary;
}

/** The options every HTTP adapter takes besides its resilience: where, with which key, and its fetch and clock. */
export interface HttpServiceOptions extends ResilienceOptions {
  /** https is required except for loopback hosts (tests, a local fake). */
  baseUrl: string;
  /** The API key, read when needed (Secrets Manager with caching in AWS). */
  apiKey: () => Promise<string>;
  fetch?: typeof fetch;
  clock?: Clock;
}

/** A request (or the read of its body) that threw: the attempt's timeout fired (its signal aborted) or the network failed. */
export function interruptedAttempt(signal: AbortSignal, timeoutMs: number, cause: unknown): TransientFailure {
  return signal.aborted
    ? new TransientFailure('timeout', `no answer within ${timeoutMs} ms`)
    : new TransientFailure('network', 'network error', undefined, undefined, sanitizedCause(cause));
}

/** 429 (its Retry-After honoured) and 5xx are worth another attempt; undefined for any other status. */
export function transientStatusFailure(response: Response, clock: Clock): TransientFailure | undefined {
  const { status } = response;
  if (status === 429) return new TransientFailure('rate_limited', 'rate limited (HTTP 429)', status, retryAfterMs(response.headers.get('retry-after'), clock));
  if (status >= 500) return new TransientFailure('server_error', `HTTP ${status}`, status);
  return undefined;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, clock: Clock): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - clock.now().getTime());
}

export function attemptsText(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}

function positiveInt(system: string, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${system} ${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegativeInt(system: string, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${system} ${name} must be a non-negative integer, got ${value}`);
  return value;
}
