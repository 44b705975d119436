// The production core-banking adapter, over HTTPS, with a per-attempt timeout, retries with exponential backoff and
// full jitter, and a circuit breaker (cockatiel). One breaker per adapter instance, i.e. per Lambda container.
//
// Wire format (the core-banking API v1; JSON in snake_case):
//
//   POST {baseUrl}/v1/transfers
//   authorization: Bearer <API key>          the key comes from Secrets Manager in AWS
//   idempotency-key: <loanId>                every attempt for one loan carries the same key
//   content-type: application/json
//   { "amount": { "amount_minor": 800000, "currency": "CNY" },
//     "creditor": { "bank_name": "…" (optional), "account_number": "…", "holder_name": "…" },
//     "reference": "Loan <loanId>" }
//
//   200 / 201 { "transfer_id": "TRF-…", "status": "COMPLETED", "completed_at": "<ISO 8601>",
//               "amount": { "amount_minor": 800000, "currency": "CNY" } }          → the TransferResult
//   202 (or 200 with "status": "PENDING")                                           → CoreBankingUnavailableError
//               'pending': asking again with the same key returns the transfer once it is done
//   200 with "status": "REJECTED", "reject_reason": "ACCOUNT_CLOSED" | …            → TransferRejectedError
//   409 { "error": "already_processed", "transfer": { …the 200 body of the first request… } }
//               the key was seen before: the ORIGINAL transfer is the answer (success, nothing paid twice), provided
//               its amount is the requested one
//   409 with any other body (e.g. "idempotency_key_reused": same key, other body)  → TransferRejectedError
//               'idempotency_conflict'
//   422 { "error": "account_closed" | "account_frozen" | "account_invalid" | "account_not_found" |
//               "holder_name_mismatch" }                                           → TransferRejectedError
//   429 (Retry-After honoured up to maxDelayMs), 5xx, timeouts, network errors      transient: retried, then
//                                                                                   CoreBankingUnavailableError
//   any other status (400, 401, 403, 404, 3xx: redirects are not followed)          → TransferRejectedError
//               'request_rejected', not retried
//
//   GET {baseUrl}/v1/transfers/{idempotencyKey}            asked before paying (findTransfer)
//   200 { …the transfer body… }        COMPLETED → the TransferResult; PENDING → CoreBankingUnavailableError
//                                      'pending'; REJECTED → none (nothing was paid)
//   404                                → none: no transfer under this key
//   401 / 403                          → TransferRejectedError 'request_rejected' (the key is wrong)
//   429, 5xx, timeouts, network errors → retried, then CoreBankingUnavailableError; anything else unreadable →
//                                        CoreBankingUnavailableError 'invalid_response'
//
// Retrying a timed-out transfer is safe only because of the idempotency key: the bank may have made the transfer and
// the answer got lost; the retry then gets the 409 replay or the same 200. A 2xx body that cannot be read (bad JSON,
// a missing field) may also hide a completed transfer, so it is CoreBankingUnavailableError 'invalid_response' (the
// pipeline asks again with the same key), never a rejection. Unknown extra fields are ignored. Neither the account
// number, the holder's name nor a response body ever appears in an error, a cause or an event.

import { z } from 'zod';
import {
  CoreBankingUnavailableError,
  TransferRejectedError,
  type CoreBanking,
  type CoreBankingUnavailableReason,
  type TransferRejectedReason,
  type TransferRequest,
  type TransferResult,
} from '../../core/contracting/core-banking';
import {
  callResiliently,
  CIRCUIT_STATE_NAMES,
  createResilience,
  interruptedAttempt,
  parseJsonOrUndefined,
  retryAfterMs,
  serviceEndpoint,
  transientStatusFailure,
  type CircuitStateName,
  type HttpServiceOptions,
  type ResilienceEvent,
} from '../http/resilience';
import { systemClock } from '../clock';

export { retryAfterMs, type CircuitStateName };

/**
 * baseUrl (e.g. https://core.bank.example), the key, fetch and clock: HttpServiceOptions; timeouts, retries and the
 * circuit breaker: ResilienceOptions (http/resilience.ts); the default timeout is 5000 ms.
 */
export interface HttpCoreBankingOptions extends HttpServiceOptions {
  /** Telemetry (log or metric); never carries account data. */
  onEvent?: (event: HttpCoreBankingEvent) => void;
}

export type HttpCoreBankingEvent = ResilienceEvent<CoreBankingUnavailableReason> | { type: 'replayed'; transferId: string };

export interface HttpCoreBanking extends CoreBanking {
  /** The breaker's state, for health checks and tests. */
  readonly circuitState: CircuitStateName;
}

const wireAmountSchema = z.object({ amount_minor: z.int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) });

/** The bank's transfer body (200/201/202, and the `transfer` of a 409 replay). */
export const wireTransferSchema = z
  .object({
    transfer_id: z.string().min(1).max(128),
    status: z.enum(['COMPLETED', 'PENDING', 'REJECTED']),
    completed_at: z.iso.datetime({ offset: true }).optional(),
    amount: wireAmountSchema,
    reject_reason: z.string().max(64).optional(),
  })
  .refine((wire) => wire.status !== 'COMPLETED' || wire.completed_at !== undefined, { path: ['completed_at'], message: 'required when COMPLETED' });
export type WireTransfer = z.infer<typeof wireTransferSchema>;

const conflictSchema = z.object({ error: z.literal('already_processed'), transfer: z.unknown() });
const errorBodySchema = z.object({ error: z.string().max(64) });

/** The bank's refusal codes (422 `error`, or `reject_reason` of a REJECTED transfer) and what they mean here. */
export const REJECTION_CODES: Readonly<Record<string, TransferRejectedReason>> = {
  account_closed: 'account_closed',
  account_frozen: 'account_closed',
  account_invalid: 'account_invalid',
  account_not_found: 'account_invalid',
  holder_name_mismatch: 'account_invalid',
};

export function createHttpCoreBanking(options: HttpCoreBankingOptions): HttpCoreBanking {
  const endpoint = serviceEndpoint('core banking', options.baseUrl, 'v1/transfers');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  const emit = options.onEvent ?? (() => undefined);

  const resilience = createResilience<CoreBankingUnavailableReason>('core banking', options, { timeoutMs: 5000 }, emit);
  const { breaker, timeoutMs } = resilience;

  /**
   * One HTTP request. Throws TransientFailure (retried, counted by the breaker), TransferRejectedError or the
   * not-retried CoreBankingUnavailableError of an unreadable or pending answer.
   */
  async function attempt(request: TransferRequest, apiKey: string, signal: AbortSignal): Promise<TransferResult> {
    const interrupted = (cause: unknown) => interruptedAttempt(signal, timeoutMs, cause);
    let response: Response;
    try {
      response = await fetchImpl(endpoint, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          authorization: `Bearer ${apiKey}`,
          'idempotency-key': request.idempotencyKey,
        },
        body: JSON.stringify({
          amount: { amount_minor: request.amount.minor, currency: request.amount.currency },
          creditor: {
            ...(request.toAccount.bank ? { bank_name: request.toAccount.bank } : {}),
            account_number: request.toAccount.accountNumber,
            holder_name: request.toAccount.holderName,
          },
          reference: request.reference,
        }),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      throw interrupted(error);
    }
    const { status } = response;
    if (response.ok || status === 409 || status === 422) {
      let body: string;
      try {
        body = await response.text();
      } catch (error) {
        throw interrupted(error);
      }
      if (status === 409) return replay(body, request);
      if (status === 422) throw rejection(body, status);
      return toResult(parseJsonOrUndefined(body), status, request);
    }
    await response.body?.cancel().catch(() => undefined);
    const transient = transientStatusFailure(response, clock);
    if (transient) throw transient;
    throw new TransferRejectedError(
      `core banking refused the transfer request with HTTP ${status}${status === 401 || status === 403 ? '; check the API key' : ''}`,
      { reason: 'request_rejected', status },
    );
  }

  /** A 409: the original transfer of this key (success), or a key reused with another request (permanent). */
  function replay(body: string, request: TransferRequest): TransferResult {
    const parsed = conflictSchema.safeParse(parseJsonOrUndefined(body));
    if (!parsed.success) {
      throw new TransferRejectedError('core banking refused the transfer: the idempotency key was already used for another transfer (HTTP 409)', {
        reason: 'idempotency_conflict',
        status: 409,
      });
    }
    const result = toResult(parsed.data.transfer, 409, request);
    emit({ type: 'replayed', transferId: result.transferId });
    return result;
  }

  function toResult(json: unknown, status: number, request: TransferRequest): TransferResult {
    if (json === undefined) {
      throw new CoreBankingUnavailableError(`core banking answered HTTP ${status} with a body that is not JSON; the transfer's outcome is unknown`, {
        reason: 'invalid_response',
        attempts: 1,
        status,
      });
    }
    const parsed = wireTransferSchema.safeParse(json);
    if (!parsed.success) {
      // Paths and issue codes only: zod messages may quote the received values.
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
      throw new CoreBankingUnavailableError(
        `core banking answered HTTP ${status} with an unexpected body (${issues.slice(0, 5).join('; ')}); the transfer's outcome is unknown`,
        { reason: 'invalid_response', attempts: 1, status },
      );
    }
    const wire = parsed.data;
    if (wire.amount.amount_minor !== request.amount.minor || wire.amount.currency !== request.amount.currency) {
      throw new TransferRejectedError('core banking holds a transfer with another amount under this idempotency key', {
        reason: 'idempotency_conflict',
        status,
      });
    }
    if (wire.status === 'REJECTED') {
      const reason = REJECTION_CODES[(wire.reject_reason ?? '').toLowerCase()] ?? 'request_rejected';
      throw new TransferRejectedError(`core banking rejected the transfer (${reason})`, { reason, status });
    }
    if (wire.status === 'PENDING' || status === 202) {
      throw new CoreBankingUnavailableError('core banking accepted the transfer but has not completed it yet', { reason: 'pending', attempts: 1, status });
    }
    return { transferId: wire.transfer_id, status: 'COMPLETED', completedAt: new Date(wire.completed_at!).toISOString() };
  }

  /** One GET of the transfer under a key: the transfer, undefined (none, or rejected), or a failure as above. */
  async function lookupAttempt(idempotencyKey: string, apiKey: string, signal: AbortSignal): Promise<TransferResult | undefined> {
    const interrupted = (cause: unknown) => interruptedAttempt(signal, timeoutMs, cause);
    let response: Response;
    try {
      response = await fetchImpl(`${endpoint}/${encodeURIComponent(idempotencyKey)}`, {
        method: 'GET',
        headers: { accept: 'application/json', authorization: `Bearer ${apiKey}` },
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      throw interrupted(error);
    }
    const { status } = response;
    if (status === 404) {
      await response.body?.cancel().catch(() => undefined);
      return undefined;
    }
    if (response.ok) {
      let body: string;
      try {
        body = await response.text();
      } catch (error) {
        throw interrupted(error);
      }
      const parsed = wireTransferSchema.safeParse(parseJsonOrUndefined(body));
      if (!parsed.success) {
        throw new CoreBankingUnavailableError(`core banking answered the transfer look-up with HTTP ${status} and an unexpected body`, { reason: 'invalid_response', attempts: 1, status });
      }
      const wire = parsed.data;
      if (wire.status === 'REJECTED') return undefined;
      if (wire.status === 'PENDING') throw new CoreBankingUnavailableError('core banking has the transfer but has not completed it yet', { reason: 'pending', attempts: 1, status });
      return { transferId: wire.transfer_id, status: 'COMPLETED', completedAt: new Date(wire.completed_at!).toISOString() };
    }
    await response.body?.cancel().catch(() => undefined);
    const transient = transientStatusFailure(response, clock);
    if (transient) throw transient;
    if (status === 401 || status === 403) {
      throw new TransferRejectedError(`core banking refused the transfer look-up with HTTP ${status}; check the API key`, { reason: 'request_rejected', status });
    }
    throw new CoreBankingUnavailableError(`core banking answered the transfer look-up with HTTP ${status}`, { reason: 'invalid_response', attempts: 1, status });
  }

  async function apiKeyOrUnavailable(): Promise<string> {
    try {
      return await options.apiKey();
    } catch (error) {
      throw new CoreBankingUnavailableError('core banking unavailable: could not read the API key', { reason: 'credentials', attempts: 0, cause: error });
    }
  }

  /** Runs `attempt` with the timeouts, retries and breaker; failures inside one attempt report the call's attempts. */
  function resiliently<T>(attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return callResiliently<T, CoreBankingUnavailableReason>(
      resilience,
      'core banking',
      attempt,
      (message, details) => new CoreBankingUnavailableError(message, details),
      (error, attempts) =>
        error instanceof CoreBankingUnavailableError
          ? new CoreBankingUnavailableError(error.message, { reason: error.reason, attempts, ...(error.status ? { status: error.status } : {}) })
          : error,
    );
  }

  return {
    get circuitState(): CircuitStateName {
      return CIRCUIT_STATE_NAMES[breaker.state];
    },

    async findTransfer(idempotencyKey: string): Promise<TransferResult | undefined> {
      const apiKey = await apiKeyOrUnavailable();
      return resiliently((signal) => lookupAttempt(idempotencyKey, apiKey, signal));
    },

    async transfer(request: TransferRequest): Promise<TransferResult> {
      if (!Number.isSafeInteger(request.amount.minor) || request.amount.minor <= 0) {
        throw new TransferRejectedError(`a transfer needs a positive amount in minor units, got ${request.amount.minor}`, { reason: 'request_rejected' });
      }
      const apiKey = await apiKeyOrUnavailable();
      return resiliently((signal) => attempt(request, apiKey, signal));
    },
  };
}

/** The bank's refusal (422): account closed or invalid; anything else is a refused request. */
function rejection(body: string, status: number): TransferRejectedError {
  const parsed = errorBodySchema.safeParse(parseJsonOrUndefined(body));
  const code = parsed.success ? parsed.data.error.toLowerCase() : '';
  const reason = REJECTION_CODES[code] ?? 'request_rejected';
  return new TransferRejectedError(`core banking rejected the transfer (${reason}${reason === 'request_rejected' ? `, HTTP ${status}` : ''})`, { reason, status });
}

