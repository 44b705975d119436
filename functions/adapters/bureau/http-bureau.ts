// The production credit bureau, over HTTPS, with a per-attempt timeout, retries with exponential backoff and full
// jitter, and a circuit breaker (cockatiel). One breaker per adapter instance, i.e. per Lambda container.
//
// Wire format (the bureau's API v1; the bureau's JSON is snake_case, its request body as below):
//
//   POST {baseUrl}/v1/reports
//   authorization: Bearer <API key>        the key comes from Secrets Manager in AWS
//   idempotency-key: <applicationId>       a repeated key returns the first report and is billed once
//   content-type: application/json
//   { "nationalId": "…", "fullName": "…", "dateOfBirth": "YYYY-MM-DD", "reference": "<applicationId>" }
//
//   200 { "report_id": "CRR-20261129-000123",
//         "reference": "<applicationId>",                       must echo the request's reference
//         "file": { "credit_history": "PAID_DULY_TILL_NOW",     NO_CREDITS | ALL_PAID_DULY | PAID_DULY_TILL_NOW |
//                                                               PAST_DELAYS | CRITICAL_ACCOUNT
//                   "open_credit_lines": 2,
//                   "monthly_obligations": { "amount_minor": 120000, "currency": "CNY" } | null,
//                   "max_dpd_24m": 0, "in_default": false, "hard_inquiries_6m": 1,
//                   "accounts_in_arrears": 0,                            lines past due now
//                   "arrears": { "amount_minor": 0, "currency": "CNY" } | null,   the amount past due now
//                   "revolving_utilisation": 0.35 | null },              balance ÷ limit of revolving lines, a
//                                                               ratio (not percent); null without a revolving limit
//         "alerts": ["FRAUD_SUSPECTED"],                        any of FRAUD_ALERT_CODES sets fraudFlag
//         "score": { "value": 712 } | null }                    the bureau's own 0–1000 score
//   404 { "error": "subject_not_found", "report_id"?: "…" }    no file on this person → a thin-file report
//   429 (Retry-After honoured up to maxDelayMs), 5xx          transient: retried, then BureauUnavailableError
//   any other status                                           BureauRequestRejectedError, not retried
//
// Unknown extra fields are ignored; a missing or mistyped field is a BureauResponseError, never an undefined value.
// The arrears and utilisation fields are required too (null where the wire allows it): a report that does not say
// whether the person is behind now fails the pull visibly rather than passing the policy's bureau rules unread.
// Neither the request's identity data nor the response body ever appears in an error, a cause or an event.

import { z } from 'zod';
import {
  BureauRequestRejectedError,
  BureauResponseError,
  BureauUnavailableError,
  bureauReportSchema,
  thinFileReport,
  type BureauReport,
  type BureauRequest,
  type BureauUnavailableReason,
  type CreditBureau,
  type CreditHistory,
  utilisationSchema,
} from '../../core/assessment/bureau';
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
 * baseUrl (e.g. https://api.bureau.example), the key, fetch and clock: HttpServiceOptions; timeouts, retries and the
 * circuit breaker: ResilienceOptions (http/resilience.ts); the default timeout is 3000 ms.
 */
export interface HttpBureauOptions extends HttpServiceOptions {
  /** The report's `bureau` field; defaults to the base URL's host. */
  bureauName?: string;
  /** Telemetry (log or metric); never carries identity data. */
  onEvent?: (event: HttpBureauEvent) => void;
}

export type HttpBureauEvent = ResilienceEvent<BureauUnavailableReason>;

export interface HttpBureau extends CreditBureau {
  /** The breaker's state, for health checks and tests. */
  readonly circuitState: CircuitStateName;
}

/** Alerts that set `fraudFlag`: a suspected fraud, a reported identity theft, or a name that does not match the ID. */
export const FRAUD_ALERT_CODES = ['FRAUD_SUSPECTED', 'IDENTITY_THEFT', 'IDENTITY_MISMATCH'] as const;

const WIRE_CREDIT_HISTORY = {
  NO_CREDITS: 'no_credits',
  ALL_PAID_DULY: 'all_paid_duly',
  PAID_DULY_TILL_NOW: 'paid_duly_till_now',
  PAST_DELAYS: 'past_delays',
  CRITICAL_ACCOUNT: 'critical_account',
} as const satisfies Record<string, CreditHistory>;
const WIRE_CREDIT_HISTORY_CODES = Object.keys(WIRE_CREDIT_HISTORY) as (keyof typeof WIRE_CREDIT_HISTORY)[];

const count = z.int().nonnegative();

/** The bureau's 200 body. */
export const wireReportSchema = z.object({
  report_id: z.string().min(1).max(128),
  reference: z.string(),
  file: z.object({
    credit_history: z.enum(WIRE_CREDIT_HISTORY_CODES as [keyof typeof WIRE_CREDIT_HISTORY, ...(keyof typeof WIRE_CREDIT_HISTORY)[]]),
    open_credit_lines: count,
    monthly_obligations: z.object({ amount_minor: count, currency: z.string().regex(/^[A-Z]{3}$/) }).nullable(),
    max_dpd_24m: count,
    in_default: z.boolean(),
    hard_inquiries_6m: count,
    accounts_in_arrears: count,
    arrears: z.object({ amount_minor: count, currency: z.string().regex(/^[A-Z]{3}$/) }).nullable(),
    revolving_utilisation: utilisationSchema.nullable(),
  }),
  alerts: z.array(z.string()),
  score: z.object({ value: z.int().min(0).max(1000) }).nullable(),
});
export type WireReport = z.infer<typeof wireReportSchema>;

const notFoundSchema = z.object({ error: z.literal('subject_not_found'), report_id: z.string().min(1).max(128).optional() });

export function createHttpBureau(options: HttpBureauOptions): HttpBureau {
  const endpoint = serviceEndpoint('bureau', options.baseUrl, 'v1/reports');
  const bureauName = options.bureauName ?? endpoint.host;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  const emit = options.onEvent ?? (() => undefined);

  const resilience = createResilience<BureauUnavailableReason>('bureau', options, { timeoutMs: 3000 }, emit);
  const { breaker, timeoutMs } = resilience;

  async function attempt(request: BureauRequest, apiKey: string, signal: AbortSignal): Promise<BureauReport> {
    const interrupted = (cause: unknown) => interruptedAttempt(signal, timeoutMs, cause);
    let response: Response;
    try {
      response = await fetchImpl(endpoint, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          authorization: `Bearer ${apiKey}`,
          'idempotency-key': request.applicationId,
        },
        body: JSON.stringify({
          nationalId: request.nationalId,
          fullName: request.fullName,
          dateOfBirth: request.dateOfBirth,
          reference: request.applicationId,
        }),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      throw interrupted(error);
    }
    const { status } = response;
    if (response.ok || status === 404) {
      let body: string;
      try {
        body = await response.text();
      } catch (error) {
        throw interrupted(error);
      }
      return status === 404 ? notFound(body, request) : toReport(body, status, request);
    }
    await response.body?.cancel().catch(() => undefined);
    const transient = transientStatusFailure(response, clock);
    if (transient) throw transient;
    throw new BureauRequestRejectedError(
      `credit bureau refused the request with HTTP ${status}${status === 401 || status === 403 ? '; check the API key' : ''}`,
      { status },
    );
  }

  function notFound(body: string, request: BureauRequest): BureauReport {
    const parsed = notFoundSchema.safeParse(parseJsonOrUndefined(body));
    // A 404 without the bureau's "subject_not_found" body is a wrong URL, not a thin file.
    if (!parsed.success) throw new BureauRequestRejectedError('credit bureau answered HTTP 404 without subject_not_found; check the base URL', { status: 404 });
    return thinFileReport({
      reportId: parsed.data.report_id ?? `no-file-${request.applicationId}`,
      bureau: bureauName,
      pulledAt: clock.now().toISOString(),
      reference: request.applicationId,
    });
  }

  function toReport(body: string, status: number, request: BureauRequest): BureauReport {
    const json = parseJsonOrUndefined(body);
    if (json === undefined) {
      throw new BureauResponseError(`credit bureau answered HTTP ${status} with a body that is not JSON`, { problem: 'invalid_json', status });
    }
    const parsed = wireReportSchema.safeParse(json);
    if (!parsed.success) throw schemaMismatch(parsed.error, status);
    const wire = parsed.data;
    if (wire.reference !== request.applicationId) {
      throw new BureauResponseError('credit bureau answered with the report of another reference', { problem: 'reference_mismatch', status });
    }
    const report = bureauReportSchema.safeParse(mapWireReport(wire, bureauName, clock.now().toISOString()));
    if (!report.success) throw schemaMismatch(report.error, status);
    return report.data;
  }

  return {
    get circuitState(): CircuitStateName {
      return CIRCUIT_STATE_NAMES[breaker.state];
    },

    async report(request: BureauRequest): Promise<BureauReport> {
      let apiKey: string;
      try {
        apiKey = await options.apiKey();
      } catch (error) {
        throw new BureauUnavailableError('credit bureau unavailable: could not read the API key', { reason: 'credentials', attempts: 0, cause: error });
      }
      return callResiliently<BureauReport, BureauUnavailableReason>(resilience, 'credit bureau', (signal) => attempt(request, apiKey, signal), (message, details) => new BureauUnavailableError(message, details));
    },
  };
}

/** Pure: the bureau's wire report as a BureauReport (not yet validated). */
export function mapWireReport(wire: WireReport, bureau: string, pulledAt: string): BureauReport {
  return {
    reportId: wire.report_id,
    bureau,
    pulledAt,
    subject: { reference: wire.reference, fileFound: true },
    creditHistory: WIRE_CREDIT_HISTORY[wire.file.credit_history],
    existingCredits: wire.file.open_credit_lines,
    totalMonthlyDebtPayments: wire.file.monthly_obligations
      ? { minor: wire.file.monthly_obligations.amount_minor, currency: wire.file.monthly_obligations.currency }
      : null,
    maxDaysPastDueLast24Months: wire.file.max_dpd_24m,
    accountsInArrears: wire.file.accounts_in_arrears,
    currentArrears: wire.file.arrears ? { minor: wire.file.arrears.amount_minor, currency: wire.file.arrears.currency } : null,
    revolvingUtilisation: wire.file.revolving_utilisation,
    currentDefault: wire.file.in_default,
    fraudFlag: wire.alerts.some((alert) => (FRAUD_ALERT_CODES as readonly string[]).includes(alert)),
    inquiriesLast6Months: wire.file.hard_inquiries_6m,
    bureauScore: wire.score?.value ?? null,
  };
}

function schemaMismatch(error: z.ZodError, status: number): BureauResponseError {
  // Paths and issue codes only: zod messages may quote the received values.
  const issues = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
  return new BureauResponseError(`credit bureau answered HTTP ${status} with an unexpected body (${issues.slice(0, 5).join('; ')})`, {
    problem: 'schema_mismatch',
    status,
    issues,
  });
}

