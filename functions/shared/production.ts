// Production wiring: the AWS adapters, each built at most once per Lambda container and only when a handler asks
// for it, so a function's bundle and cold start carry only the SDK clients it uses.

import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { S3Client } from '@aws-sdk/client-s3';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { createApplicationRepository } from '../adapters/dynamodb/application-repository';
import { createIdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { createProductRepository } from '../adapters/dynamodb/product-repository';
import { createStepFunctionsWorkflow } from '../adapters/aws/step-functions-workflow';
import { createSnsNotifier } from '../adapters/aws/sns-notifier';
import { createS3DocumentStorage } from '../adapters/aws/s3-document-storage';
import { createPiiProtector } from '../adapters/pii/aes-pii-protector';
import { systemClock } from '../adapters/clock';
import { ulidIds } from '../adapters/ids';
import { lambdaConfig, required } from './config';
import { createLogger } from './logger';
import type { AppDeps } from './deps';

function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

const config = once(() => lambdaConfig());
const documentClient = once<DynamoDBDocumentClient>(() => createDocumentClient());

export const production = {
  config,
  clock: () => systemClock,
  ids: () => ulidIds,
  logger: once(() => createLogger()),
  applications: once(() => createApplicationRepository(documentClient(), config().TABLE_NAME)),
  idempotency: once(() => createIdempotencyStore(documentClient(), config().TABLE_NAME)),
  products: once(() => createProductRepository(documentClient(), config().TABLE_NAME)),
  workflow: once(() => createStepFunctionsWorkflow(new SFNClient({}), required(config(), 'STATE_MACHINE_ARN'))),
  notifier: once(() =>
    createSnsNotifier(new SNSClient({}), {
      ...(config().APPLICANT_TOPIC_ARN ? { applicant: config().APPLICANT_TOPIC_ARN } : {}),
      ...(config().REVIEW_TOPIC_ARN ? { review: config().REVIEW_TOPIC_ARN } : {}),
      ...(config().OPS_TOPIC_ARN ? { ops: config().OPS_TOPIC_ARN } : {}),
    }),
  ),
  documents: once(() => createS3DocumentStorage(new S3Client({}), required(config(), 'DOCUMENTS_BUCKET'), systemClock)),
  pii: once(() =>
    createPiiProtector(async () => {
      // Cached by Powertools for 5 minutes; the derived keys are cached by the protector for the container's life.
      const secret = await getSecret(required(config(), 'PII_SECRET_ARN'), { maxAge: 300 });
      if (typeof secret !== 'string') throw new Error('the PII secret must be a string');
      return secret;
    }),
  ),
  settings: once((): AppDeps['settings'] => ({ idempotencyTtlHours: config().IDEMPOTENCY_TTL_HOURS, uploadUrlTtlSeconds: 900 })),
};

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
