// Applicant SMS through a domestic SMS provider's HTTP API, for the AWS China regions where SNS sends no SMS
// (PRODUCT.md §2.13; CDK context microloan:smsProvider=http). It is a Notifier for SMS notifications only; the
// routing notifier (routing-notifier.ts) sends everything else to SNS. Per-attempt timeout, retries with full-jitter
// exponential backoff and a circuit breaker come from the shared wrapper (http/resilience.ts); one breaker per
// adapter instance, i.e. per Lambda container.
//
// Wire format (a generic SMS gateway API v1):
//
//   POST {baseUrl}/v1/sms
//   authorization: Bearer <API key>          the key comes from Secrets Manager in AWS
//   content-type: application/json
//   { "to": "+8613800138000",                E.164, the notification's `to`
//     "text": "…",                           the notification's body (the subject is not sent: SMS have none)
//     "reference": "approved:01JDQ8…" }      idempotency reference, the same for every attempt of one message
//
//   2xx (any body, not read)                                → accepted
//   429 (Retry-After honoured up to maxDelayMs), 5xx,
//   timeouts, network errors                                transient: retried, then SmsProviderUnavailableError
//   any other status (4xx; 3xx: redirects are not followed) → SmsRejectedError, not retried; a 4xx body
//               { "error": "<code>" } names the reason: invalid_number / invalid_recipient → 'invalid_recipient',
//               401 / 403 → 'unauthorized' (check the API key), anything else → 'request_rejected'
//
// The reference (smsReference below) is built from the notification's identifying attributes — kind,
// notificationKey, applicationId, loanId, reviewId, stage, installment — e.g. `approved:<applicationId>` or
// `reminder:<loanId>:overdue_7:3`, so a publish retried by the task (or by this adapter after a lost answer) does not
// send the SMS twice at a provider that de-duplicates on it. At most 128 characters of [A-Za-z0-9:_.-]; anything
// longer or otherwise becomes `h:` + 40 hex digits of its SHA-256. Neither the phone number, the text, the API key
// nor a response body ever appears in an error, a cause or an event.

import { createHash } from 'node:crypto';
import { ExternalSystemUnavailableError, NotificationRejectedError } from '../../core/kernel/errors';
import type { Notification, Notifier } from '../../core/kernel/ports';
import {
  callResiliently,
  CIRCUIT_STATE_NAMES,
  createResilience,
  interruptedAttempt,
  parseJsonOrUndefined,
  serviceEndpoint,
  transientStatusFailure,
  type CircuitStateName,
  type HttpServiceOptions,
  type ResilienceEvent,
} from '../http/resilience';
import { systemClock } from '../clock';

// Errors. Their `name` is set from a string literal, not from the class (the Lambda bundles are minified).

export type SmsProviderUnavailableReason = 'timeout' | 'network' | 'server_error' | 'rate_limited' | 'circuit_open' | 'credentials';

/** The SMS provider could not be reached or did not answer in time (timeouts, network errors, 5xx, 429, circuit open). Transient. */
export class SmsProviderUnavailableError extends ExternalSystemUnavailableError<SmsProviderUnavailableReason> {
  override name = 'SmsProviderUnavailableError';
}

export type SmsRejectedReason =
  /** Not an E.164 number (refused before sending), or the provider's invalid_number / invalid_recipient. */
  | 'invalid_recipient'
  /** HTTP 401 / 403: the API key is wrong or lacks the right. */
  | 'unauthorized'
  /** Any other refusal (4xx, 3xx) or a message this adapter cannot send (no text, not an SMS). */
  | 'request_rejected';

/** The provider refused the message for good (or it could not be sent at all). Permanent: not retried. */
export class SmsRejectedError extends NotificationRejectedError {
  override name = 'SmsRejectedError';
  readonly reason: SmsRejectedReason;
  readonly status: number | undefined;
  /** The provider's error code from a 4xx body, when it is a plain token (never free text). */
  readonly providerCode: string | undefined;

  constructor(message: string, options: { reason: SmsRejectedReason; status?: number; providerCode?: string }) {
    super(message);
    this.reason = options.reason;
    this.status = options.status;
    this.providerCode = options.providerCode;
  }
}

/**
 * baseUrl (e.g. https://sms.provider.example), the key, fetch and clock: HttpServiceOptions; timeouts, retries and
 * the circuit breaker: ResilienceOptions (http/resilience.ts); defaults here 2000 ms per attempt, backoff ≤ 1000 ms.
 */
export interface HttpSmsProviderOptions extends HttpServiceOptions {
  /** Telemetry (log or metric); never carries the phone number or the text. */
  onEvent?: (event: HttpSmsProviderEvent) => void;
}

export type HttpSmsProviderEvent = ResilienceEvent<SmsProviderUnavailableReason>;

export interface HttpSmsProvider extends Notifier {
  /** The breaker's state, for health checks and tests. */
  readonly circuitState: CircuitStateName;
}

/** The attributes that identify one message, in the order they appear in its reference. */
export const REFERENCE_ATTRIBUTES = ['kind', 'notificationKey', 'applicationId', 'loanId', 'reviewId', 'stage', 'installment'] as const;
const MAX_REFERENCE_LENGTH = 128;
const E164 = /^\+[1-9]\d{6,14}$/;
const INVALID_RECIPIENT_CODES = new Set(['invalid_number', 'invalid_recipient']);

/**
 * The idempotency reference of an SMS: its identifying attributes joined by ':' (`approved:<applicationId>`,
 * `reminder:<loanId>:due_in_3:2`). A notification without any of them gets a hash of its recipient and text, so a
 * retry of the very same message still carries the same reference.
 */
export function smsReference(notification: Pick<Notification, 'attributes' | 'to' | 'body'>): string {
  const attributes = notification.attributes ?? {};
  const parts = REFERENCE_ATTRIBUTES.map((name) => attributes[name]).filter((value): value is string => typeof value === 'string' && value !== '');
  const readable = parts.join(':');
  if (parts.length > 0 && readable.length <= MAX_REFERENCE_LENGTH && /^[A-Za-z0-9:_.-]+$/.test(readable)) return readable;
  const material = parts.length > 0 ? readable : `${notification.to ?? ''}\n${notification.body}`;
  return `h:${createHash('sha256').update(material).digest('hex').slice(0, 40)}`;
}

export function createHttpSmsProvider(options: HttpSmsProviderOptions): HttpSmsProvider {
  const endpoint = serviceEndpoint('SMS provider', options.baseUrl, 'v1/sms');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  const emit = options.onEvent ?? (() => undefined);

  // Two seconds per attempt and short backoff keep three attempts inside a 10-second task Lambda.
  const resilience = createResilience<SmsProviderUnavailableReason>(
    'SMS provider',
    { ...options, maxDelayMs: options.maxDelayMs ?? 1000 },
    { timeoutMs: 2000 },
    emit,
  );
  const { breaker, timeoutMs } = resilience;

  /** One HTTP request. Throws TransientFailure (retried, counted by the breaker) or SmsRejectedError. */
  async function attempt(message: { to: string; text: string; reference: string }, apiKey: string, signal: AbortSignal): Promise<void> {
    let response: Response;
    try {
      response = await fetchImpl(endpoint, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(message),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      throw interruptedAttempt(signal, timeoutMs, error);
    }
    const { status } = response;
    if (response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return;
    }
    const transient = transientStatusFailure(response, clock);
    if (transient) {
      await response.body?.cancel().catch(() => undefined);
      throw transient;
    }
    let code: string | undefined;
    if (status >= 400) {
      // The code only, and only when it is a plain token: the body may quote the number or the text.
      const body = parseJsonOrUndefined(await response.text().catch(() => ''));
      const raw = body && typeof body === 'object' && 'error' in body ? (body as { error: unknown }).error : undefined;
      if (typeof raw === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(raw)) code = raw.toLowerCase();
    } else {
      await response.body?.cancel().catch(() => undefined);
    }
    const reason: SmsRejectedReason =
      status === 401 || status === 403 ? 'unauthorized' : code && INVALID_RECIPIENT_CODES.has(code) ? 'invalid_recipient' : 'request_rejected';
    throw new SmsRejectedError(
      `SMS provider refused the message with HTTP ${status}${code ? ` (${code})` : ''}${reason === 'unauthorized' ? '; check the API key' : ''}`,
      { reason, status, ...(code ? { providerCode: code } : {}) },
    );
  }

  return {
    get circuitState(): CircuitStateName {
      return CIRCUIT_STATE_NAMES[breaker.state];
    },

    async publish(notification: Notification): Promise<void> {
      if (notification.channel !== 'sms') {
        throw new SmsRejectedError(`the SMS provider sends SMS only, not ${notification.channel ?? 'topic'} notifications`, { reason: 'request_rejected' });
      }
      if (!notification.to || !E164.test(notification.to)) {
        throw new SmsRejectedError('an SMS needs an E.164 phone number (+, country code, number)', { reason: 'invalid_recipient' });
      }
      if (notification.body.trim() === '') throw new SmsRejectedError('an SMS needs a text', { reason: 'request_rejected' });
      const message = { to: notification.to, text: notification.body, reference: smsReference(notification) };
      let apiKey: string;
      try {
        apiKey = await options.apiKey();
      } catch (error) {
        throw new SmsProviderUnavailableError('SMS provider unavailable: could not read the API key', { reason: 'credentials', attempts: 0, cause: error });
      }
      await callResiliently<void, SmsProviderUnavailableReason>(
        resilience,
        'SMS provider',
        (signal) => attempt(message, apiKey, signal),
        (text, details) => new SmsProviderUnavailableError(text, details),
      );
    },
  };
}
