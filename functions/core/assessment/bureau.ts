// The credit-bureau port: what a credit reference report summarises and what the scorecard and the policy need from
// it. Adapters: `adapters/bureau/http-bureau.ts` (production) and `adapters/bureau/sandbox-bureau.ts` (local stack,
// tests, documented test identities).
//
// No PII in the report. The request carries the applicant's national ID, name and birth date to the bureau, but the
// report that comes back (and is stored with the application, passed through Step Functions and written to the audit
// trail) holds none of them, not even a hash: the application already knows its applicant, and the report points
// back to it by `subject.reference` (the application id, which the bureau echoes).
//
// Thin file. A person the bureau has no file on (HTTP 404 "subject_not_found") is normal for microloan applicants and
// is not an error: it is a report with `subject.fileFound: false`, credit history `no_credits` (German code A32),
// no credit lines, no delinquency or arrears, no revolving utilisation, no flags and no bureau score (`thinFileReport`). The scorecard scores it like any
// other report; the policy may treat `fileFound: false` as it sees fit.

import { z } from 'zod';
import { DomainError, ExternalSystemUnavailableError } from '../kernel/errors';
import { boundedDecimal } from '../kernel/number-schemas';

/** The applicant's repayment history, on the scale of the German credit data's `credit_history` attribute. */
export const CREDIT_HISTORIES = ['no_credits', 'all_paid_duly', 'paid_duly_till_now', 'past_delays', 'critical_account'] as const;
export type CreditHistory = (typeof CREDIT_HISTORIES)[number];

/**
 * One to one onto the German credit data's `credit_history` codes (the shipped model's training data), read as
 * Grömping (2019, "South German Credit Data: Correcting a Widely Used Data Set") corrected them: A30 delay in paying
 * off in the past, A31 critical account / other credits elsewhere, A32 no credits taken / all credits paid back duly,
 * A33 existing credits paid back duly till now, A34 all credits at this bank paid back duly. Under the original
 * codebook's labels the data would say that a critical account is the safest history (A34 has the lowest bad rate,
 * 17 %); under the corrected ones a past delay (62 % bad) and a critical account (57 %) are the worst, existing credits
 * paid duly sit in the middle (32 %), and a clean record at this bank is the best (17 %).
 */
export const CREDIT_HISTORY_GERMAN_CODES = {
  no_credits: 'A32',
  all_paid_duly: 'A34',
  paid_duly_till_now: 'A33',
  past_delays: 'A30',
  critical_account: 'A31',
} as const satisfies Record<CreditHistory, `A3${number}`>;
export type GermanCreditHistoryCode = (typeof CREDIT_HISTORY_GERMAN_CODES)[CreditHistory];

export function germanCreditHistoryCode(history: CreditHistory): GermanCreditHistoryCode {
  return CREDIT_HISTORY_GERMAN_CODES[history];
}

export function creditHistoryFromGermanCode(code: string): CreditHistory | undefined {
  return CREDIT_HISTORIES.find((history) => CREDIT_HISTORY_GERMAN_CODES[history] === code);
}

const count = z.int().nonnegative();
const minorAmount = z.strictObject({ minor: count, currency: z.string().regex(/^[A-Z]{3}$/) });

/** Revolving utilisation as a ratio (0.35 = 35 %); above 1 when over the limit, at most 10, 4 decimals. */
export const utilisationSchema = boundedDecimal({ min: 0, max: 10, decimals: 4 });

/** A bureau report as the rest of the system sees it; the adapters validate what they return against it. */
export const bureauReportSchema = z.strictObject({
  /** The bureau's id of this report (for disputes and audit). */
  reportId: z.string().min(1).max(128),
  /** Which bureau produced it (the HTTP adapter's host name, or "sandbox"). */
  bureau: z.string().min(1).max(128),
  /** When this system received it (the injected clock), ISO 8601 UTC. */
  pulledAt: z.iso.datetime(),
  subject: z.strictObject({
    /** The application id sent as the request's reference and echoed by the bureau. No identity data. */
    reference: z.string().min(1).max(128),
    /** False for a thin file: the bureau has no file on this person (see the top of this module). */
    fileFound: z.boolean(),
  }),
  creditHistory: z.enum(CREDIT_HISTORIES),
  /** Open credit lines at all lenders the bureau knows of. */
  existingCredits: count,
  /** The sum of the monthly installments of those lines (a MinorAmount), or null when the bureau does not report it. */
  totalMonthlyDebtPayments: minorAmount.nullable(),
  /** The worst days past due on any line in the last 24 months (0: never late). */
  maxDaysPastDueLast24Months: count,
  /** Lines past due now (current arrears), whether or not in default. */
  accountsInArrears: count,
  /** The amount past due now on all lines (minor 0 when none), or null when the bureau does not report the amount. */
  currentArrears: minorAmount.nullable(),
  /** Balance ÷ limit over the revolving lines (credit cards), or null when there is no revolving limit. */
  revolvingUtilisation: utilisationSchema.nullable(),
  /** An account in default now (knock-out in the default policy). */
  currentDefault: z.boolean(),
  /** The bureau holds a fraud alert or an identity mismatch for this person (knock-out in the default policy). */
  fraudFlag: z.boolean(),
  /** Hard inquiries (credit applications) in the last 6 months, this pull not counted. */
  inquiriesLast6Months: count,
  /** The bureau's own score on its own 0–1000 scale, or null (thin file, or not offered). Not this system's score. */
  bureauScore: z.int().min(0).max(1000).nullable(),
});

export type BureauReport = z.infer<typeof bureauReportSchema>;

export interface BureauRequest {
  nationalId: string;
  fullName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  /** Sent as the bureau's reference and as the Idempotency-Key: a retried pull for one application is billed once. */
  applicationId: string;
}

export interface CreditBureau {
  /**
   * Pulls the applicant's report. Throws BureauUnavailableError (transient: retry later), BureauResponseError (the
   * bureau answered with something unusable) or BureauRequestRejectedError (the bureau refused the request). A person
   * without a file is not an error: see `thinFileReport`.
   */
  report(request: BureauRequest): Promise<BureauReport>;
}

/** The report for a person the bureau has no file on. */
export function thinFileReport(input: { reportId: string; bureau: string; pulledAt: string; reference: string }): BureauReport {
  return {
    reportId: input.reportId,
    bureau: input.bureau,
    pulledAt: input.pulledAt,
    subject: { reference: input.reference, fileFound: false },
    creditHistory: 'no_credits',
    existingCredits: 0,
    totalMonthlyDebtPayments: null,
    maxDaysPastDueLast24Months: 0,
    accountsInArrears: 0,
    currentArrears: null,
    revolvingUtilisation: null,
    currentDefault: false,
    fraudFlag: false,
    inquiriesLast6Months: 0,
    bureauScore: null,
  };
}

// Errors. Their `name` is set from a string literal, not from the class (the Lambda bundles are minified, which
// renames classes): Step Functions matches `ErrorEquals` against this name. Messages never contain the national ID,
// the name or the birth date, nor the bureau's response body.

export type BureauUnavailableReason = 'timeout' | 'network' | 'server_error' | 'rate_limited' | 'circuit_open' | 'credentials';

/**
 * The bureau could not be reached or did not answer in time (timeouts, network errors, 5xx, 429, circuit open).
 * Transient: the pipeline's Retry matches "BureauUnavailableError".
 */
export class BureauUnavailableError extends ExternalSystemUnavailableError<BureauUnavailableReason> {
  override name = 'BureauUnavailableError';
}

export type BureauResponseProblem = 'invalid_json' | 'schema_mismatch' | 'reference_mismatch';

/** The bureau answered, but not with a usable report (bad JSON, wrong shape, another application's report). */
export class BureauResponseError extends DomainError {
  override name = 'BureauResponseError';
  readonly problem: BureauResponseProblem;
  readonly status: number;
  /** Where the body did not match, as paths and zod issue codes ("file.open_credit_lines: invalid_type"); no values. */
  readonly issues: string[];

  constructor(message: string, options: { problem: BureauResponseProblem; status: number; issues?: string[] }) {
    super(message);
    this.problem = options.problem;
    this.status = options.status;
    this.issues = options.issues ?? [];
  }
}

/** The bureau refused the request (4xx other than 429 and a thin file's 404): a bad request or bad credentials. */
export class BureauRequestRejectedError extends DomainError {
  override name = 'BureauRequestRejectedError';
  readonly status: number;

  constructor(message: string, options: { status: number }) {
    super(message);
    this.status = options.status;
  }
}

/** The names Step Functions sees: retry the first, catch the others. */
export const BUREAU_ERROR_NAMES = {
  unavailable: 'BureauUnavailableError',
  response: 'BureauResponseError',
  rejected: 'BureauRequestRejectedError',
} as const;
