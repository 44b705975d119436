// The ports every context shares: time, ids, notifications, PII protection, paging and business metrics. Adapters
// implement them for AWS, the local stack and tests.

export interface Clock {
  now(): Date;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface Notification {
  topic: 'applicant' | 'review' | 'ops';
  subject: string;
  body: string;
  /** Where the message goes: an email address or a phone number (applicant topic), ignored for topics with subscribers. */
  to?: string;
  channel?: 'email' | 'sms';
  attributes?: Record<string, string>;
}

export interface Notifier {
  publish(notification: Notification): Promise<void>;
}

/** Encrypts PII and derives keyed hashes for look-ups. Keys never leave the adapter. */
export interface PiiProtector {
  seal(plain: unknown): Promise<string>;
  open<T>(sealed: string): Promise<T>;
  keyedHash(value: string): Promise<string>;
}

export interface IdGenerator {
  next(): string;
}

/**
 * The business metrics (CloudWatch, namespace MicroloanApproval, through Powertools' embedded metric format). The
 * names are fixed here so that the recording handlers and the CDK dashboard and alarms cannot drift apart.
 */
export const BUSINESS_METRIC_NAMES = [
  'ApplicationsSubmitted',
  'DecisionsAutoApproved',
  'DecisionsAutoDeclined',
  'DecisionsReviewApproved',
  'DecisionsReviewRejected',
  'DecisionsReviewExpired',
  'TimeToDecision',
  'ReviewsPending',
  'ReviewsOverdue',
  'ReviewSlaBreaches',
  'LoansDisbursed',
  'DisbursedAmount',
  'RepaymentsReceived',
  'RepaymentsAmount',
  'RemindersSent',
  'LoansCurrent',
  'Loans1To30',
  'Loans31To60',
  'Loans61To90',
  'Loans90Plus',
  'PAR30',
  'ScorePsi',
  'MaxInputPsi',
] as const;

export type BusinessMetricName = (typeof BUSINESS_METRIC_NAMES)[number];

/**
 * Records business metrics. Amounts (DisbursedAmount, RepaymentsAmount) are in major units of the currency (yuan for
 * CNY) as plain numbers; PAR30 is a fraction from 0 to 1. Recorded values are published at the end of an invocation.
 */
export interface BusinessMetrics {
  /** Adds `value` (default 1); product/channel also go to a drill-down copy of the metric with those dimensions. */
  count(name: BusinessMetricName, value?: number, dimensions?: { product?: string; channel?: string }): void;
  /** A level at this moment (reviews pending, loans per bucket, PAR30). */
  gauge(name: BusinessMetricName, value: number, unit: 'Count' | 'Seconds' | 'None'): void;
  /** A time span in seconds (TimeToDecision). */
  duration(name: BusinessMetricName, seconds: number): void;
}
