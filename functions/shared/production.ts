// Production wiring: the AWS adapters, each built at most once per Lambda container and only when a handler asks
// for it. Each is a separate export marked pure, so esbuild drops the ones (and the SDK clients) a handler never uses.

import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { S3Client } from '@aws-sdk/client-s3';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createLambdaScanContinuation } from '../adapters/aws/lambda-scan-continuation';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { createApplicationRepository } from '../adapters/dynamodb/application-repository';
import { createIdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { createProductRepository } from '../adapters/dynamodb/product-repository';
import { createPolicyRepository } from '../adapters/dynamodb/policy-repository';
import { createReviewerRepository } from '../adapters/dynamodb/reviewer-repository';
import { createReviewRepository } from '../adapters/dynamodb/review-repository';
import { createLoanRepository } from '../adapters/dynamodb/loan-repository';
import { createReportRepository } from '../adapters/dynamodb/report-repository';
import { createSnsReviewerSubscriptions } from '../adapters/aws/sns-reviewer-subscriptions';
import { createReviewLinks } from '../core/review/review-links';
import { createStepFunctionsWorkflow } from '../adapters/aws/step-functions-workflow';
import { createSnsNotifier } from '../adapters/aws/sns-notifier';
import { createHttpSmsProvider } from '../adapters/sms/http-sms-provider';
import { createRoutingNotifier } from '../adapters/sms/routing-notifier';
import { createS3DocumentStorage } from '../adapters/aws/s3-document-storage';
import { createPiiProtector } from '../adapters/pii/aes-pii-protector';
import { systemClock } from '../adapters/clock';
import { ulidIds } from '../adapters/ids';
import { createHttpBureau } from '../adapters/bureau/http-bureau';
import { createSandboxBureau } from '../adapters/bureau/sandbox-bureau';
import { createShippedScorer } from '../adapters/scorecard/shipped-scorer';
import type { CreditBureau } from '../core/assessment/bureau';
import type { Notifier } from '../core/kernel/ports';
import type { CoreBanking } from '../core/contracting/core-banking';
import { createHttpCoreBanking } from '../adapters/core-banking/http-core-banking';
import { createSandboxCoreBanking } from '../adapters/core-banking/sandbox-core-banking';
import { createS3ContractStore } from '../adapters/aws/s3-contract-store';
import { lambdaConfig, required } from './config';
import { createLogger } from './logger';
import { createPowertoolsMetrics } from './metrics';
import type { AppDeps } from './deps';

function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

export const config = /* @__PURE__ */ once(() => lambdaConfig());
const documentClient = /* @__PURE__ */ once<DynamoDBDocumentClient>(() => createDocumentClient());

export const clock = () => systemClock;
export const ids = () => ulidIds;
export const logger = /* @__PURE__ */ once(() => createLogger());
// The repositories that write report counters count them on the lender's days (TIME_ZONE).
export const applications = /* @__PURE__ */ once(() => createApplicationRepository(documentClient(), config().TABLE_NAME, { timeZone: config().TIME_ZONE }));
export const idempotency = /* @__PURE__ */ once(() => createIdempotencyStore(documentClient(), config().TABLE_NAME));
export const products = /* @__PURE__ */ once(() => createProductRepository(documentClient(), config().TABLE_NAME));
export const policies = /* @__PURE__ */ once(() => createPolicyRepository(documentClient(), config().TABLE_NAME, systemClock));
export const workflow = /* @__PURE__ */ once(() => createStepFunctionsWorkflow(new SFNClient({}), required(config(), 'STATE_MACHINE_ARN')));
export const notifier = /* @__PURE__ */ once((): Notifier => {
  const sns = createSnsNotifier(new SNSClient({}), {
    ...(config().APPLICANT_TOPIC_ARN ? { applicant: config().APPLICANT_TOPIC_ARN } : {}),
    ...(config().REVIEW_TOPIC_ARN ? { review: config().REVIEW_TOPIC_ARN } : {}),
    ...(config().OPS_TOPIC_ARN ? { ops: config().OPS_TOPIC_ARN } : {}),
  });
  // With an SMS provider (microloan:smsProvider=http, e.g. in the China regions) SMS go there, the rest to SNS.
  const smsBaseUrl = config().SMS_PROVIDER_BASE_URL;
  if (!smsBaseUrl) return sns;
  const keyArn = required(config(), 'SMS_PROVIDER_API_KEY_SECRET_ARN');
  const sms = createHttpSmsProvider({
    baseUrl: smsBaseUrl,
    apiKey: async () => {
      const key = await getSecret(keyArn, { maxAge: 300 });
      if (typeof key !== 'string') throw new Error('the SMS provider API key secret must be a string');
      return key;
    },
  });
  return createRoutingNotifier({ sms, other: sns });
});
export const documents = /* @__PURE__ */ once(() => createS3DocumentStorage(new S3Client({}), required(config(), 'DOCUMENTS_BUCKET'), systemClock));
export const pii = /* @__PURE__ */ once(() =>
  createPiiProtector(async () => {
    // Cached by Powertools for 5 minutes; the derived keys are cached by the protector for the container's life.
    const secret = await getSecret(required(config(), 'PII_SECRET_ARN'), { maxAge: 300 });
    if (typeof secret !== 'string') throw new Error('the PII secret must be a string');
    return secret;
  }),
);
export const bureau = /* @__PURE__ */ once((): CreditBureau => {
  const baseUrl = config().BUREAU_BASE_URL;
  if (!baseUrl) return createSandboxBureau();
  const keyArn = required(config(), 'BUREAU_API_KEY_SECRET_ARN');
  return createHttpBureau({
    baseUrl,
    apiKey: async () => {
      const key = await getSecret(keyArn, { maxAge: 300 });
      if (typeof key !== 'string') throw new Error('the bureau API key secret must be a string');
      return key;
    },
  });
});
export const scorer = /* @__PURE__ */ once(() => createShippedScorer());
export const reviewers = /* @__PURE__ */ once(() => createReviewerRepository(documentClient(), config().TABLE_NAME));
export const reviews = /* @__PURE__ */ once(() => createReviewRepository(documentClient(), config().TABLE_NAME, { timeZone: config().TIME_ZONE }));
export const reviewLinks = /* @__PURE__ */ once(() =>
  createReviewLinks({
    // Cached by Powertools for 5 minutes.
    key: async () => {
      const secret = await getSecret(required(config(), 'REVIEW_LINK_SECRET_ARN'), { maxAge: 300 });
      if (typeof secret !== 'string') throw new Error('the review link secret must be a string');
      return secret;
    },
    // Read when a link is built (RequestReview, the SLA check), so the page Lambda, which only verifies, needs none.
    publicBaseUrl: () => required(config(), 'PUBLIC_BASE_URL'),
  }),
);
export const subscriptions = /* @__PURE__ */ once(() => createSnsReviewerSubscriptions(new SNSClient({}), required(config(), 'REVIEW_TOPIC_ARN')));
export const loans = /* @__PURE__ */ once(() => createLoanRepository(documentClient(), config().TABLE_NAME, { timeZone: config().TIME_ZONE }));
export const reports = /* @__PURE__ */ once(() => createReportRepository(documentClient(), config().TABLE_NAME));
export const repaymentWebhookSecret = /* @__PURE__ */ once(() => async (): Promise<string> => {
  // Cached by Powertools for 5 minutes.
  const secret = await getSecret(required(config(), 'REPAYMENT_WEBHOOK_SECRET_ARN'), { maxAge: 300 });
  if (typeof secret !== 'string') throw new Error('the repayment webhook secret must be a string');
  return secret;
});
export const contracts = /* @__PURE__ */ once(() => createS3ContractStore(new S3Client({}), required(config(), 'DOCUMENTS_BUCKET')));
export const coreBanking = /* @__PURE__ */ once((): CoreBanking => {
  const baseUrl = config().CORE_BANKING_BASE_URL;
  if (!baseUrl) return createSandboxCoreBanking();
  const keyArn = required(config(), 'CORE_BANKING_API_KEY_SECRET_ARN');
  return createHttpCoreBanking({
    baseUrl,
    apiKey: async () => {
      const key = await getSecret(keyArn, { maxAge: 300 });
      if (typeof key !== 'string') throw new Error('the core-banking API key secret must be a string');
      return key;
    },
  });
});
export const settings = /* @__PURE__ */ once((): AppDeps['settings'] => ({
  idempotencyTtlHours: config().IDEMPOTENCY_TTL_HOURS,
  uploadUrlTtlSeconds: 900,
  ...(config().LENDER_NAME ? { lenderName: config().LENDER_NAME } : {}),
  timeZone: config().TIME_ZONE,
}));
export const scanContinuation = /* @__PURE__ */ once(() => createLambdaScanContinuation(new LambdaClient({})));
/** Powertools metrics (namespace and service from POWERTOOLS_METRICS_NAMESPACE / POWERTOOLS_SERVICE_NAME); publishes itself. */
export const metrics = /* @__PURE__ */ once(() => createPowertoolsMetrics().metrics);

/**
 * A Lambda entry point built on the first invocation: importing a handler module (as the local stack and tests do)
 * never touches AWS or the environment.
 */
export function lazyHandler<E, R, C = unknown>(build: () => (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
  let built: ((event: E, context: C) => Promise<R>) | undefined;
  return (event, context) => {
    built ??= build();
    return built(event, context);
  };
}
