// The Powertools logger with the house defaults. Handlers log ids and outcomes, never applicant data: PII-bearing
// fields are not passed to it, and `redact` masks known PII keys in anything that is.
//
// A second line of defence sits in the logger itself: every line goes through PiiMaskingLogFormatter, which keeps the
// Powertools JSON structure but replaces, at any depth and in the message too, values under known PII keys and any
// text that looks like a CN national ID, a phone number or an e-mail address. A developer who logs an application or
// an error message with an applicant's details in it by mistake leaks nothing.
//
// Correlation: HTTP handlers set the API Gateway request id as the Powertools correlation id (`correlation_id`,
// functions/shared/http.ts); the submit path hands it to the state machine as `correlationId`, and every Task of the
// pipeline passes it on with `applicationId` and `executionName`, which the task handlers append through
// `appendTaskKeys` — so one `correlation_id` finds the request and every step it caused.

import { LogFormatter, LogItem, Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

const PII_KEYS = /^(fullName|nationalId|dateOfBirth|phone|email|address|line1|line2|registrationNo|to|holderName|accountNumber)$/i;

/** Log levels the house logger is set to (LOG_LEVEL in AWS; the local stack's `logLevel`). */
export type HouseLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

export function createLogger(serviceName = 'microloan-approval'): Logger {
  return new Logger({ serviceName, logFormatter: new PiiMaskingLogFormatter() });
}

/** A copy with known PII fields replaced by "[redacted]", at any depth. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, PII_KEYS.test(key) ? '[redacted]' : redact(inner)]),
  );
}

/**
 * What PII looks like in free text, most specific first (an e-mail address may hold digits; a national ID is longer
 * than a mobile number). Phone numbers: `+` and 7–15 digits (E.164, which the API accepts, optionally grouped by
 * spaces, dots or dashes), and CN mobile numbers (11 digits from 13…–19…, optionally grouped 3-4-4).
 */
const PII_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g, '[email]'],
  [/(?<!\d)\d{17}[\dXx](?!\d)/g, '[national-id]'],
  [/\+\d(?:[\s.-]?\d){6,14}(?!\d)/g, '[phone]'],
  [/(?<![\dA-Za-z])1[3-9]\d(?:[\s-]?\d{4}){2}(?![\dA-Za-z])/g, '[phone]'],
];

/** The text with every national ID, phone number and e-mail address replaced by a placeholder. */
export function maskPii(text: string): string {
  let masked = text;
  for (const [pattern, replacement] of PII_PATTERNS) masked = masked.replace(pattern, replacement);
  return masked;
}

/**
 * A JSON-ready copy of a log value with PII masked: values under PII keys become "[redacted]", strings (and numbers
 * that read as a phone number or national ID) are passed through maskPii, errors are turned into plain objects by
 * `formatError` first so that their messages and stacks are masked too. Circular references become "[Circular]".
 */
export function sanitizeForLog(value: unknown, formatError: (error: Error) => unknown = defaultErrorShape): unknown {
  const ancestors: object[] = [];
  const walk = (inner: unknown): unknown => {
    if (typeof inner === 'string') return maskPii(inner);
    if (typeof inner === 'number' || typeof inner === 'bigint') {
      const text = String(inner);
      const masked = maskPii(text);
      return masked === text ? inner : masked;
    }
    if (typeof inner !== 'object' || inner === null) return inner;
    if (inner instanceof Date) return inner;
    if (ancestors.includes(inner)) return '[Circular]';
    ancestors.push(inner);
    try {
      if (inner instanceof Error) return walk(formatError(inner));
      if (Array.isArray(inner)) return inner.map(walk);
      const toJson = (inner as { toJSON?: unknown }).toJSON;
      if (typeof toJson === 'function') return walk(toJson.call(inner));
      return Object.fromEntries(Object.entries(inner).map(([key, item]) => [key, PII_KEYS.test(key) ? '[redacted]' : walk(item)]));
    } finally {
      ancestors.pop();
    }
  };
  return walk(value);
}

function defaultErrorShape(error: Error): unknown {
  return { name: error.name, message: error.message, stack: error.stack, ...(error.cause !== undefined ? { cause: error.cause } : {}) };
}

/**
 * The Powertools standard JSON log line (the keys of its default formatter, in the same order, then the appended
 * keys and the line's own attributes), with PII masked by sanitizeForLog.
 */
export class PiiMaskingLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additionalLogAttributes: LogAttributes): LogItem {
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_arn: attributes.lambdaContext?.invokedFunctionArn,
      function_memory_size: attributes.lambdaContext?.memoryLimitInMB,
      function_name: attributes.lambdaContext?.functionName,
      function_request_id: attributes.lambdaContext?.awsRequestId,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
      tenant_id: attributes.lambdaContext?.tenantId,
    };
    const sanitized = sanitizeForLog({ ...base, ...additionalLogAttributes }, (error) => super.formatError(error)) as LogAttributes;
    return new LogItem({ attributes: sanitized });
  }

  /** Errors the JSON serializer meets (none should be left after formatAttributes) are masked as well. */
  override formatError(error: Error): LogAttributes {
    return sanitizeForLog(super.formatError(error)) as LogAttributes;
  }
}

/** The correlation keys a pipeline Task payload carries (statemachines/loan-pipeline.asl.json). */
export interface TaskCorrelation {
  applicationId: string;
  /** `$$.Execution.Name`: the application id (one execution per application). */
  executionName?: string;
  /** The API request id of the submit that started the execution (`correlationId` in the execution input). */
  correlationId?: string;
}

/**
 * Starts a Task invocation's keys afresh: applicationId and executionName, the correlation id (Powertools'
 * `correlation_id`, the key the HTTP handlers use for the request id) and any `extra` keys. Keys of a previous
 * invocation in the same container are cleared first, so a payload without one of them never inherits an old value.
 */
export function appendTaskKeys(logger: Logger, payload: TaskCorrelation, extra: Record<string, string> = {}): void {
  logger.resetKeys();
  logger.appendKeys({
    applicationId: payload.applicationId,
    ...(payload.executionName ? { executionName: payload.executionName } : {}),
    ...extra,
  });
  if (payload.correlationId) logger.setCorrelationId(payload.correlationId);
}
