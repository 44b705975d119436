// The Powertools logger with the house defaults. Handlers log ids and outcomes, never applicant data: PII-bearing
// fields are not passed to it, and `redact` masks known PII keys in anything that is.

import { Logger } from '@aws-lambda-powertools/logger';

const PII_KEYS = /^(fullName|nationalId|dateOfBirth|phone|email|address|line1|line2|registrationNo|to)$/i;

export function createLogger(serviceName = 'microloan-approval'): Logger {
  return new Logger({ serviceName });
}

/** A copy with known PII fields replaced by "[redacted]", at any depth. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, PII_KEYS.test(key) ? '[redacted]' : redact(inner)]),
  );
}
