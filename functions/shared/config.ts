// Lambda configuration: read from the environment once, at cold start, and validated. Adapters receive values,
// never process.env.

import { z } from 'zod';

const configSchema = z.object({
  TABLE_NAME: z.string().min(3).optional(),
  STATE_MACHINE_ARN: z.string().startsWith('arn:').optional(),
  DOCUMENTS_BUCKET: z.string().min(3).optional(),
  APPLICANT_TOPIC_ARN: z.string().startsWith('arn:').optional(),
  REVIEW_TOPIC_ARN: z.string().startsWith('arn:').optional(),
  OPS_TOPIC_ARN: z.string().startsWith('arn:').optional(),
  PII_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /** The Secrets Manager secret (a random string) that signs review links (functions/core/review/review-links.ts). */
  REVIEW_LINK_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /** The public base URL of the API (the review links in emails point there), e.g. https://api.lender.example */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The credit bureau's API; when absent the sandbox bureau answers (a sandbox or UAT stage). */
  BUREAU_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  BUREAU_API_KEY_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /** The Secrets Manager secret (a random string) shared with the bank: the repayment webhook's HMAC key. */
  REPAYMENT_WEBHOOK_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /** The core-banking API that pays out loans; when absent the sandbox bank answers (a sandbox or UAT stage). */
  CORE_BANKING_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  CORE_BANKING_API_KEY_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /** A domestic SMS provider's API (CDK context microloan:smsProvider=http); when absent, SMS go through SNS. */
  SMS_PROVIDER_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  SMS_PROVIDER_API_KEY_SECRET_ARN: z.string().startsWith('arn:').optional(),
  /** The lender's legal name as it appears in contracts; default "Microloan Lender" (a placeholder). */
  LENDER_NAME: z.string().trim().min(1).max(200).optional(),
  IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().positive().default(24),
  /** The lender's time zone (CDK context microloan:timeZone): its calendar days are the loans' days. */
  TIME_ZONE: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Berlin'),
});

export type LambdaConfig = z.infer<typeof configSchema>;

let cached: LambdaConfig | undefined;

export function lambdaConfig(env: NodeJS.ProcessEnv = process.env): LambdaConfig {
  cached ??= configSchema.parse(env);
  return cached;
}

/** A setting this Lambda cannot run without: fails at cold start with its name rather than at first use. */
export function required<K extends keyof LambdaConfig>(config: LambdaConfig, key: K): NonNullable<LambdaConfig[K]> {
  const value = config[key];
  if (value === undefined || value === null) throw new Error(`missing configuration ${String(key)}`);
  return value as NonNullable<LambdaConfig[K]>;
}
