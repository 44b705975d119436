// Who may call: unknown keys, wrong secrets, unsigned requests, operations the emulator does not implement, and
// backend failures — each answered in the service's own protocol, and recorded.

import { GetFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ListTopicsCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AwsServiceError } from '../../../../local/aws/backends';
import { startAwsEmulator } from '../../../../local/aws/emulator';
import { ACCOUNT, fakeBackends, fixtureTemplate, startTestEmulator, type TestEmulator } from './fixture';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejection } from '../../../support/rejection';

let t: TestEmulator;
const PIPELINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:Test-pipeline';
const stranger = { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'x' };

beforeAll(async () => {
  t = await startTestEmulator();
});

afterAll(async () => {
  await t.stop();
});

const lastCall = () => t.emulator.calls().at(-1)!;
const config = (credentials: { accessKeyId: string; secretAccessKey: string }) => ({ endpoint: t.emulator.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

describe('authentication', () => {
  it('refuses an unknown access key with each service’s error, before any IAM check', async () => {
    const sns = await rejection(new SNSClient(config(stranger)).send(new PublishCommand({ PhoneNumber: '+8613800138000', Message: 'x' })));
    expect([sns.name, sns.$metadata?.httpStatusCode]).toEqual(['InvalidClientTokenId', 403]);
    expect(lastCall()).toMatchObject({ caller: 'unknown key', service: 'sns', operation: 'Publish', allowed: false, checks: [] });
    const sfn = await rejection(new SFNClient(config(stranger)).send(new StartExecutionCommand({ stateMachineArn: PIPELINE })));
    expect([sfn.name, sfn.$metadata?.httpStatusCode]).toEqual(['UnrecognizedClientException', 400]);
    const secrets = await rejection(new SecretsManagerClient(config(stranger)).send(new GetSecretValueCommand({ SecretId: 'x' })));
    expect(secrets.name).toBe('UnrecognizedClientException');
    const lambda = await rejection(new LambdaClient(config(stranger)).send(new InvokeCommand({ FunctionName: 'Test-worker' })));
    expect([lambda.name, lambda.$metadata?.httpStatusCode]).toEqual(['UnrecognizedClientException', 403]);
    expect(t.recorded.startExecution).toHaveLength(0);
    expect(t.recorded.publish).toHaveLength(0);
  });

  it('refuses a known key with the wrong secret (the signature is checked)', async () => {
    const forged = { accessKeyId: t.emulator.credentialsFor('SubmitFunction').accessKeyId, secretAccessKey: 'guessed' };
    const sns = await rejection(new SNSClient(config(forged)).send(new PublishCommand({ PhoneNumber: '+8613800138000', Message: 'x' })));
    expect(sns.name).toBe('SignatureDoesNotMatch');
    const sfn = await rejection(new SFNClient(config(forged)).send(new StartExecutionCommand({ stateMachineArn: PIPELINE })));
    expect(sfn.name).toBe('InvalidSignatureException');
    expect(lastCall()).toMatchObject({ caller: 'SubmitFunction', allowed: false, status: 400 });
    const s3 = await rejection(new S3Client(config(forged)).send(new ListObjectsV2Command({ Bucket: 'plain-bucket' })));
    expect(s3.name).toBe('SignatureDoesNotMatch');
  });

  it('refuses unsigned requests', async () => {
    const sfn = await fetch(t.emulator.endpoint, { method: 'POST', headers: { 'x-amz-target': 'AWSStepFunctions.StartExecution', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
    expect(sfn.status).toBe(400);
    expect(await sfn.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    const sns = await fetch(t.emulator.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=Publish&Version=2010-03-31' });
    expect(sns.status).toBe(403);
    expect(await sns.text()).toMatch(/<Code>MissingAuthenticationToken<\/Code>/);
    expect(lastCall()).toMatchObject({ caller: 'anonymous', service: 'sns', operation: 'Publish', allowed: false });
    const malformed = await fetch(t.emulator.endpoint, { method: 'POST', headers: { 'x-amz-target': 'AWSStepFunctions.StartExecution', authorization: 'AWS4-HMAC-SHA256 Credential=x' }, body: '{}' });
    expect(((await malformed.json()) as { __type: string }).__type).toBe('IncompleteSignatureException');
  });
});

describe('what the emulator does not implement', () => {
  it('answers each service’s unknown-operation error and records the call', async () => {
    const sns = await rejection(new SNSClient(t.clientConfig('SubmitFunction')).send(new ListTopicsCommand({})));
    expect(sns.name).toBe('InvalidAction');
    expect(lastCall()).toMatchObject({ caller: 'SubmitFunction', service: 'sns', operation: 'ListTopics', status: 400, error: expect.stringMatching(/^InvalidAction: /) });
    const sfn = await rejection(new SFNClient(t.clientConfig('SubmitFunction')).send(new DescribeExecutionCommand({ executionArn: `${PIPELINE.replace('stateMachine', 'execution')}:x` })));
    expect(sfn.name).toBe('UnknownOperationException');
    expect(lastCall()).toMatchObject({ service: 'states', operation: 'DescribeExecution' });
    const secrets = await rejection(new SecretsManagerClient(t.clientConfig('SubmitFunction')).send(new DescribeSecretCommand({ SecretId: 'x' })));
    expect(secrets.name).toBe('UnknownOperationException');
    const s3 = await rejection(new S3Client(t.clientConfig('NoKmsFunction')).send(new ListObjectsV2Command({ Bucket: 'plain-bucket' })));
    expect([s3.name, s3.$metadata?.httpStatusCode]).toEqual(['NotImplemented', 501]);
    const lambda = await rejection(new LambdaClient(t.clientConfig('SubmitFunction')).send(new GetFunctionCommand({ FunctionName: 'Test-worker' })));
    expect(lambda.name).toBe('UnknownOperationException');
  });
});

describe('backend failures', () => {
  it('renders an AwsServiceError with its code and status, and an unexpected error as a 500', async () => {
    const { backends } = fakeBackends();
    const errors: string[] = [];
    backends.stepFunctions.startExecution = async () => {
      throw new AwsServiceError('ExecutionLimitExceeded', 'too many', 400);
    };
    backends.sns.publish = async () => {
      throw new Error('the outbox is gone');
    };
    const s3Dir = mkdtempSync(join(tmpdir(), 'aws-emulator-s3-'));
    const emulator = await startAwsEmulator({ template: fixtureTemplate(), account: ACCOUNT, backends, s3Dir, log: { warn: () => undefined, error: (msg) => errors.push(msg) } });
    try {
      const cfg = { endpoint: emulator.endpoint, region: 'us-east-1', credentials: emulator.credentialsFor('SubmitFunction'), maxAttempts: 1 };
      expect((await rejection(new SFNClient(cfg).send(new StartExecutionCommand({ stateMachineArn: PIPELINE })))).name).toBe('ExecutionLimitExceeded');
      const failed = await rejection(new SNSClient(cfg).send(new PublishCommand({ PhoneNumber: '+8613800138000', Message: 'x' })));
      expect(failed.$metadata?.httpStatusCode).toBe(500);
      expect(errors).toEqual([expect.stringMatching(/sns Publish failed/)]);
      expect(emulator.calls().at(-1)).toMatchObject({ allowed: true, status: 500 });
    } finally {
      await emulator.close();
      rmSync(s3Dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a template it cannot honour (an unknown managed policy)', async () => {
    const template = fixtureTemplate() as { Resources: Record<string, { Properties: Record<string, unknown> }> };
    template.Resources.WorkerRole!.Properties.ManagedPolicyArns = ['arn:aws:iam::aws:policy/PowerUserAccess'];
    await expect(startAwsEmulator({ template, account: ACCOUNT, backends: fakeBackends().backends, s3Dir: t.s3Dir })).rejects.toThrow(/PowerUserAccess is not known locally/);
  });
});
