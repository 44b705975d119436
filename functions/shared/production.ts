// Production wiring: every port a function may need, as a provider that declares what it is bound to (bindings.ts)
// and builds its AWS adapter at most once per Lambda container, on first use, from only the settings those bindings
// give. A handler lists the providers it uses in its definition (function-definition.ts); CDK grants and configures
// exactly those bindings. Each provider is a separate export marked pure, so esbuild drops the ones (and the SDK
// clients) a handler never uses.

import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { S3Client } from '@aws-sdk/client-s3';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createLambdaScanContinuation } from '../adapters/aws/lambda-scan-continuation';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { createApplicationRepository } from '../adapters/dynamodb/application-repository';
import { createIdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { createProductRepository } from '../adapters/dynamodb/product-repository';
import { createPolicyRepository } from '../adapters/dynamodb/policy-repository';
import { createReviewerRepository } from '../adapters/dynamodb/reviewer-repository';
import { createReviewRepository } from '../adapters/dynamodb/review-repository';
import { createLoanRepository } from '../adapters/dynamodb/loan-repository';
import { createReportRepository } from '../adapters/dynamodb/report-repository';
import { createSandboxCallCounter, createSandboxLedger } from '../adapters/dynamodb/sandbox-ledger';
import { createSnsReviewerSubscriptions } from '../adapters/aws/sns-reviewer-subscriptions';
import { createReviewLinks } from '../core/review/review-links';
import { createStepFunctionsExecutions, createStepFunctionsTaskTokens } from '../adapters/aws/step-functions-workflow';
import { createSnsNotifier, type TopicArns } from '../adapters/aws/sns-notifier';
import { createHttpSmsProvider } from '../adapters/sms/http-sms-provider';
import { createRoutingNotifier } from '../adapters/sms/routing-notifier';
import { createS3DocumentStorage } from '../adapters/aws/s3-document-storage';
import { createS3UploadedFiles } from '../adapters/aws/s3-uploaded-files';
import { createS3ContractStore } from '../adapters/aws/s3-contract-store';
import { createPiiProtector } from '../adapters/pii/aes-pii-protector';
import { systemClock } from '../adapters/clock';
import { ulidIds } from '../adapters/ids';
import { createHttpBureau } from '../adapters/bureau/http-bureau';
import { createSandboxBureau } from '../adapters/bureau/sandbox-bureau';
import { createShippedScorer, shippedScorecardModel } from '../adapters/scorecard/shipped-scorer';
import { createSandboxStatementSource } from '../adapters/statements/sandbox-statements';
import { createHttpCoreBanking } from '../adapters/core-banking/http-core-banking';
import { createSandboxCoreBanking } from '../adapters/core-banking/sandbox-core-banking';
import type { BusinessMetrics, Clock, IdGenerator, Notification, Notifier, PiiProtector } from '../core/kernel/ports';
import { sleepFor, type Sleep } from '../core/kernel/retry';
import type {
  ApplicationReader,
  ApplicationRepository,
  DocumentStorage,
  UploadedFiles,
  IdempotencyStore,
  PipelineExecutions,
  ProductCatalog,
  ProductRepository,
  TaskTokens,
} from '../core/applications/ports';
import type { PolicyReader, PolicyRepository } from '../core/decisioning/policy';
import type { ReviewerDirectory, ReviewerRepository, ReviewerSubscriptions, ReviewLinks, ReviewReader, ReviewRepository } from '../core/review/reviews';
import type { LoanReader, LoanRepository } from '../core/servicing/loan-service';
import type { ContractStore } from '../core/contracting/contract';
import type { CoreBanking } from '../core/contracting/core-banking';
import type { CreditBureau } from '../core/assessment/bureau';
import type { Scorer } from '../core/assessment/scoring';
import type { ReportRepository } from '../core/reporting/reports';
import type { ScanContinuation } from '../core/servicing/overdue-scan';
import type { AppDeps } from './deps';

type Settings = AppDeps['settings'];
import type { BindingName } from './bindings';
import { provider } from './function-definition';
import { createLogger } from './logger';
import { createPowertoolsMetrics } from './metrics';

function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

/** One DynamoDB client per container, shared by every repository. */
const documentClient = /* @__PURE__ */ once<DynamoDBDocumentClient>(() => createDocumentClient());

/** A Secrets Manager secret that must be a string (cached by Powertools for 5 minutes). */
function secretString(arn: string, what: string): () => Promise<string> {
  return async () => {
    const value = await getSecret(arn, { maxAge: 300 });
    if (typeof value !== 'string') throw new Error(`the ${what} secret must be a string`);
    return value;
  };
}

// --- Without bindings ------------------------------------------------------------------------------------------

export const clock = /* @__PURE__ */ provider([], (): Clock => systemClock);
export const ids = /* @__PURE__ */ provider([], (): IdGenerator => ulidIds);
export const sleep = /* @__PURE__ */ provider([], (): Sleep => sleepFor);
export const logger = /* @__PURE__ */ provider([], () => createLogger());
export const scorer = /* @__PURE__ */ provider([], (): Scorer => createShippedScorer());
export const statementSource = /* @__PURE__ */ provider([], (): AppDeps['statements'] => createSandboxStatementSource());
export const scoringModel = /* @__PURE__ */ provider([], (): AppDeps['scoringModel'] => shippedScorecardModel());
/** Powertools metrics (namespace and service from POWERTOOLS_METRICS_NAMESPACE / POWERTOOLS_SERVICE_NAME). */
export const metrics = /* @__PURE__ */ provider([], (): BusinessMetrics => createPowertoolsMetrics().metrics);
export const settings = /* @__PURE__ */ provider([], (config): Settings => ({
  idempotencyTtlHours: config.IDEMPOTENCY_TTL_HOURS,
  uploadUrlTtlSeconds: 900,
  ...(config.LENDER_NAME ? { lenderName: config.LENDER_NAME } : {}),
  timeZone: config.TIME_ZONE,
}));

// --- The table -------------------------------------------------------------------------------------------------
// Readers are typed to their read methods: a function bound to read the table cannot call a write.

export const applications = /* @__PURE__ */ provider(['tableReadWrite'], (c): ApplicationRepository => createApplicationRepository(documentClient(), c.TABLE_NAME, { timeZone: c.TIME_ZONE }));
export const applicationReader = /* @__PURE__ */ provider(['tableRead'], (c): ApplicationReader =>
  createApplicationRepository(documentClient(), c.TABLE_NAME, { timeZone: c.TIME_ZONE }),
);
export const idempotency = /* @__PURE__ */ provider(['tableRead'], (c): IdempotencyStore => createIdempotencyStore(documentClient(), c.TABLE_NAME));
export const products = /* @__PURE__ */ provider(['tableReadWrite'], (c): ProductRepository => createProductRepository(documentClient(), c.TABLE_NAME));
export const productCatalog = /* @__PURE__ */ provider(['tableRead'], (c): ProductCatalog =>
  createProductRepository(documentClient(), c.TABLE_NAME),
);
export const policies = /* @__PURE__ */ provider(['tableReadWrite'], (c): PolicyRepository => createPolicyRepository(documentClient(), c.TABLE_NAME, systemClock));
export const policyReader = /* @__PURE__ */ provider(['tableRead'], (c): PolicyReader =>
  createPolicyRepository(documentClient(), c.TABLE_NAME, systemClock),
);
export const reviewers = /* @__PURE__ */ provider(['tableReadWrite'], (c): ReviewerRepository => createReviewerRepository(documentClient(), c.TABLE_NAME));
export const reviewerDirectory = /* @__PURE__ */ provider(['tableRead'], (c): ReviewerDirectory =>
  createReviewerRepository(documentClient(), c.TABLE_NAME),
);
export const reviews = /* @__PURE__ */ provider(['tableReadWrite'], (c): ReviewRepository => createReviewRepository(documentClient(), c.TABLE_NAME, { timeZone: c.TIME_ZONE }));
export const reviewReader = /* @__PURE__ */ provider(['tableRead'], (c): ReviewReader =>
  createReviewRepository(documentClient(), c.TABLE_NAME, { timeZone: c.TIME_ZONE }),
);
export const loans = /* @__PURE__ */ provider(['tableReadWrite'], (c): LoanRepository => createLoanRepository(documentClient(), c.TABLE_NAME, { timeZone: c.TIME_ZONE }));
export const loanReader = /* @__PURE__ */ provider(['tableRead'], (c): LoanReader =>
  createLoanRepository(documentClient(), c.TABLE_NAME, { timeZone: c.TIME_ZONE }),
);
export const reports = /* @__PURE__ */ provider(['tableRead'], (c): ReportRepository => createReportRepository(documentClient(), c.TABLE_NAME));

// --- The loan pipeline -----------------------------------------------------------------------------------------

export const pipelineStarts = /* @__PURE__ */ provider(['pipelineStart'], (c): Pick<PipelineExecutions, 'start'> =>
  createStepFunctionsExecutions(new SFNClient({}), c.STATE_MACHINE_ARN),
);
export const pipelineStops = /* @__PURE__ */ provider(['pipelineStop'], (c): Pick<PipelineExecutions, 'stop'> =>
  createStepFunctionsExecutions(new SFNClient({}), c.STATE_MACHINE_ARN),
);
export const pipelineExecutions = /* @__PURE__ */ provider(['pipelineStart', 'pipelineStop'], (c): PipelineExecutions => createStepFunctionsExecutions(new SFNClient({}), c.STATE_MACHINE_ARN));
/** Answering a task token needs no state machine ARN: the token names its task. */
export const taskTokens = /* @__PURE__ */ provider(['pipelineTaskTokens'], (): TaskTokens => createStepFunctionsTaskTokens(new SFNClient({})));

// --- Notifications ---------------------------------------------------------------------------------------------

type Topic = Notification['topic'];
const TOPIC_BINDINGS = { applicant: 'applicantMessages', review: 'reviewTopic', ops: 'opsTopic' } as const satisfies Record<Topic, BindingName>;

/**
 * A notifier that publishes to the given topics only (the function is bound to each). Applicant SMS go straight to
 * the phone through SNS, or through an SMS provider where SNS has none (microloan:smsProvider=http, China regions).
 */
export function notifier<const T extends readonly Topic[]>(...topics: T) {
  const bindings = topics.map((topic) => TOPIC_BINDINGS[topic]);
  return provider(bindings as (typeof TOPIC_BINDINGS)[T[number]][], (config): Notifier => {
    const c = config as Partial<Record<'APPLICANT_TOPIC_ARN' | 'REVIEW_TOPIC_ARN' | 'OPS_TOPIC_ARN' | 'SMS_PROVIDER_BASE_URL' | 'SMS_PROVIDER_API_KEY_SECRET_ARN', string>>;
    const arns: Partial<TopicArns> = {
      ...(topics.includes('applicant') ? { applicant: c.APPLICANT_TOPIC_ARN } : {}),
      ...(topics.includes('review') ? { review: c.REVIEW_TOPIC_ARN } : {}),
      ...(topics.includes('ops') ? { ops: c.OPS_TOPIC_ARN } : {}),
    };
    const sns = createSnsNotifier(new SNSClient({}), arns, { sms: topics.includes('applicant') });
    if (!topics.includes('applicant') || !c.SMS_PROVIDER_BASE_URL) return sns;
    if (!c.SMS_PROVIDER_API_KEY_SECRET_ARN) throw new Error('missing configuration SMS_PROVIDER_API_KEY_SECRET_ARN (binding applicantMessages)');
    const sms = createHttpSmsProvider({ baseUrl: c.SMS_PROVIDER_BASE_URL, apiKey: secretString(c.SMS_PROVIDER_API_KEY_SECRET_ARN, 'SMS provider API key') });
    return createRoutingNotifier({ sms, other: sns });
  });
}

export const subscriptions = /* @__PURE__ */ provider(['reviewTopicSubscribe'], (c): ReviewerSubscriptions => createSnsReviewerSubscriptions(new SNSClient({}), c.REVIEW_TOPIC_ARN));

// --- Documents and contracts -----------------------------------------------------------------------------------

export const documents = /* @__PURE__ */ provider(['documentUploads'], (c): DocumentStorage => createS3DocumentStorage(new S3Client({}), c.DOCUMENTS_BUCKET, systemClock));
export const uploadedFiles = /* @__PURE__ */ provider(['uploadedFiles'], (c): UploadedFiles => createS3UploadedFiles(new S3Client({}), c.DOCUMENTS_BUCKET));
export const contractWriter = /* @__PURE__ */ provider(['contractWrite'], (c): Pick<ContractStore, 'put'> =>
  createS3ContractStore(new S3Client({}), c.DOCUMENTS_BUCKET),
);
export const contractLinks = /* @__PURE__ */ provider(['contractRead'], (c): Pick<ContractStore, 'link'> =>
  createS3ContractStore(new S3Client({}), c.DOCUMENTS_BUCKET),
);

// --- Secrets -----------------------------------------------------------------------------------------------------

export const pii = /* @__PURE__ */ provider(['piiSecret'], (c): PiiProtector => createPiiProtector(secretString(c.PII_SECRET_ARN, 'PII')));
/** Signs and checks review links; builds them with the API's public URL. */
export const reviewLinks = /* @__PURE__ */ provider(['reviewLinkSecret', 'publicBaseUrl'], (c): ReviewLinks =>
  createReviewLinks({ key: secretString(c.REVIEW_LINK_SECRET_ARN, 'review link'), publicBaseUrl: () => c.PUBLIC_BASE_URL }),
);
/** Only checks review links (the review page): no public URL needed. */
export const reviewLinkVerifier = /* @__PURE__ */ provider(['reviewLinkSecret'], (c): Pick<ReviewLinks, 'verify'> =>
  createReviewLinks({
    key: secretString(c.REVIEW_LINK_SECRET_ARN, 'review link'),
    publicBaseUrl: () => {
      throw new Error('this function only verifies review links');
    },
  }),
);
export const repaymentWebhookSecret = /* @__PURE__ */ provider(['repaymentWebhookSecret'], (c): (() => Promise<string>) => secretString(c.REPAYMENT_WEBHOOK_SECRET_ARN, 'repayment webhook'));

// --- External systems --------------------------------------------------------------------------------------------

/** The credit bureau's API when configured (microloan:bureauBaseUrl), else the sandbox bureau (its call counts in the table). */
export const bureau = /* @__PURE__ */ provider(['bureau', 'tableReadWrite'], (c): CreditBureau => {
  if (!c.BUREAU_BASE_URL) return createSandboxBureau({ countCall: createSandboxCallCounter(documentClient(), c.TABLE_NAME, 'bureau') });
  if (!c.BUREAU_API_KEY_SECRET_ARN) throw new Error('missing configuration BUREAU_API_KEY_SECRET_ARN (binding bureau)');
  return createHttpBureau({ baseUrl: c.BUREAU_BASE_URL, apiKey: secretString(c.BUREAU_API_KEY_SECRET_ARN, 'bureau API key') });
});

/**
 * The core-banking API when configured (microloan:coreBankingBaseUrl), else the sandbox bank, which keeps its ledger
 * in the table so that a payout retried in another container (or after a crash) finds the transfer it made.
 */
export const coreBanking = /* @__PURE__ */ provider(['coreBanking', 'tableReadWrite'], (c): CoreBanking => {
  if (!c.CORE_BANKING_BASE_URL) return createSandboxCoreBanking({ ledger: createSandboxLedger(documentClient(), c.TABLE_NAME) });
  if (!c.CORE_BANKING_API_KEY_SECRET_ARN) throw new Error('missing configuration CORE_BANKING_API_KEY_SECRET_ARN (binding coreBanking)');
  return createHttpCoreBanking({ baseUrl: c.CORE_BANKING_BASE_URL, apiKey: secretString(c.CORE_BANKING_API_KEY_SECRET_ARN, 'core-banking API key') });
});

/** A long overdue scan continues itself in a fresh invocation (its own name from the Lambda runtime). */
export const scanContinuation = /* @__PURE__ */ provider(['selfInvoke'], (): ScanContinuation => createLambdaScanContinuation(new LambdaClient({})));

/**
 * A Lambda entry point built on the first invocation: importing a handler module (as the local stack, CDK and tests
 * do) never touches AWS or the environment.
 */
export function lazyHandler<E, R, C = unknown>(build: () => (event: E, context: C) => Promise<R>): (event: E, context: C) => Promise<R> {
  let built: ((event: E, context: C) => Promise<R>) | undefined;
  return (event, context) => {
    built ??= build();
    return built(event, context);
  };
}
