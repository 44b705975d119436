// A small hand-written template in the shape CDK synthesizes (intrinsics, default policies attached with Roles), and
// fake backends that record what reaches them, for the local AWS emulator's tests.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsServiceError, type EmulatorBackends } from '../../../../local/aws/backends';
import { startAwsEmulator, type AwsEmulator } from '../../../../local/aws/emulator';
import type { LocalAccount } from '../../../../local/aws/template';

export const ACCOUNT: LocalAccount = {
  partition: 'aws',
  region: 'us-east-1',
  accountId: '000000000000',
  stackName: 'Test-dev',
  physicalNames: { DataTable: 'test-local' },
  apiUrl: 'http://localhost:3000/',
};

const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const ref = (id: string) => ({ Ref: id });
const cfnJoin = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
const via = (service: string) => ({ StringLike: { 'kms:ViaService': cfnJoin(`${service}.`, ref('AWS::Region'), '.*') } });

function role(): Record<string, unknown> {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }], Version: '2012-10-17' },
      ManagedPolicyArns: [cfnJoin('arn:', ref('AWS::Partition'), ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')],
    },
  };
}

function fn(roleId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Type: 'AWS::Lambda::Function',
    Properties: {
      Code: { S3Bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: 'abc.zip' },
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Role: arn(roleId),
      Environment: { Variables: { TABLE_NAME: ref('DataTable') } },
      ...extra,
    },
  };
}

function policy(roleId: string, statements: unknown[]): Record<string, unknown> {
  return { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: statements, Version: '2012-10-17' }, PolicyName: `${roleId}Policy`, Roles: [ref(roleId)] } };
}

const tableRead = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
const tableWrite = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

export function fixtureTemplate(): Record<string, unknown> {
  return {
    Parameters: { Stage: { Type: 'String', Default: 'dev' } },
    Conditions: { IsProd: { 'Fn::Equals': [ref('Stage'), 'prod'] } },
    Resources: {
      DataKey: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
      DataTable: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
          AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'SK', AttributeType: 'S' }, { AttributeName: 'GSI1PK', AttributeType: 'S' }, { AttributeName: 'GSI1SK', AttributeType: 'S' }],
          GlobalSecondaryIndexes: [{ IndexName: 'GSI1', KeySchema: [{ AttributeName: 'GSI1PK', KeyType: 'HASH' }, { AttributeName: 'GSI1SK', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: { KMSMasterKeyId: arn('DataKey'), SSEEnabled: true, SSEType: 'KMS' },
        },
      },
      ApplicantTopic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'applicants', KmsMasterKeyId: arn('DataKey') } },
      PlainTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'plain-topic' } },
      ProdOnlyTopic: { Type: 'AWS::SNS::Topic', Condition: 'IsProd', Properties: {} },
      PiiSecret: { Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: { PasswordLength: 64 }, KmsKeyId: arn('DataKey') } },
      PlainSecret: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'plain-secret' } },
      DocsBucket: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { KMSMasterKeyID: arn('DataKey'), SSEAlgorithm: 'aws:kms' } }] },
          NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
          VersioningConfiguration: { Status: 'Enabled' },
          CorsConfiguration: { CorsRules: [{ AllowedHeaders: ['*'], AllowedMethods: ['PUT'], AllowedOrigins: ['*'], ExposedHeaders: ['ETag'], MaxAge: 3000 }] },
        },
      },
      PlainBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'plain-bucket' } },
      Pipeline: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { StateMachineName: 'Test-pipeline', DefinitionString: '{}', RoleArn: arn('PipelineRole') },
      },
      PipelineRole: role(),
      Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'HttpApi', ProtocolType: 'HTTP' } },
      ApiStage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: ref('Api'), StageName: '$default', AutoDeploy: true } },

      SubmitRole: role(),
      SubmitFunction: fn('SubmitRole', {
        Timeout: 10,
        MemorySize: 512,
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: {
            TABLE_NAME: ref('DataTable'),
            STATE_MACHINE_ARN: ref('Pipeline'),
            PII_SECRET_ARN: ref('PiiSecret'),
            TOPIC_ARN: ref('ApplicantTopic'),
            BUCKET: ref('DocsBucket'),
            PUBLIC_BASE_URL: cfnJoin('https://', ref('Api'), '.execute-api.', ref('AWS::Region'), '.', ref('AWS::URLSuffix'), '/'),
          },
        },
      }),
      SubmitPolicy: policy('SubmitRole', [
        { Action: [...tableRead, ...tableWrite], Effect: 'Allow', Resource: [arn('DataTable'), cfnJoin(arn('DataTable'), '/index/*')] },
        { Action: 'states:StartExecution', Effect: 'Allow', Resource: ref('Pipeline') },
        { Action: ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'], Effect: 'Allow', Resource: ref('Pipeline') },
        { Action: 'states:StopExecution', Effect: 'Allow', Resource: cfnJoin('arn:', ref('AWS::Partition'), ':states:', ref('AWS::Region'), ':', ref('AWS::AccountId'), ':execution:', { 'Fn::GetAtt': ['Pipeline', 'Name'] }, ':*') },
        { Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: ref('PiiSecret') },
        { Action: 'kms:Decrypt', Condition: via('secretsmanager'), Effect: 'Allow', Resource: arn('DataKey') },
        { Action: 'sns:Publish', Effect: 'Allow', Resource: ref('ApplicantTopic') },
        { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: via('sns'), Effect: 'Allow', Resource: arn('DataKey') },
        { Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'true' } }, Effect: 'Allow', Resource: '*' },
        { Action: 's3:PutObject', Effect: 'Allow', Resource: cfnJoin(arn('DocsBucket'), '/applications/*') },
        { Action: 'kms:GenerateDataKey', Condition: via('s3'), Effect: 'Allow', Resource: arn('DataKey') },
        { Action: 's3:GetObject', Effect: 'Allow', Resource: cfnJoin(arn('DocsBucket'), '/contracts/*') },
        { Action: 's3:PutObject', Effect: 'Allow', Resource: cfnJoin(arn('DocsBucket'), '/contracts/*') },
        { Action: 'kms:Decrypt', Condition: via('s3'), Effect: 'Allow', Resource: arn('DataKey') },
        { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: [arn('WorkerFunction'), cfnJoin(arn('WorkerFunction'), ':*')] },
        { Action: 'sns:Subscribe', Effect: 'Allow', Resource: ref('PlainTopic') },
      ]),

      NoKmsRole: role(),
      NoKmsFunction: fn('NoKmsRole'),
      NoKmsPolicy: policy('NoKmsRole', [
        { Action: 'sns:Publish', Effect: 'Allow', Resource: [ref('ApplicantTopic'), ref('PlainTopic')] },
        { Action: ['s3:PutObject', 's3:GetObject'], Effect: 'Allow', Resource: cfnJoin(arn('DocsBucket'), '/*') },
        { Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:ListBucket'], Effect: 'Allow', Resource: [arn('PlainBucket'), cfnJoin(arn('PlainBucket'), '/*')] },
        { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: [ref('PiiSecret'), ref('PlainSecret')] },
        { Action: 'dynamodb:*', Effect: 'Allow', Resource: arn('DataTable') },
        { Action: 'dynamodb:DeleteItem', Effect: 'Deny', Resource: '*' },
        { Action: 'states:SendTaskSuccess', Effect: 'Allow', Resource: 'arn:aws:states:us-east-1:000000000000:stateMachine:Other' },
      ]),

      WorkerRole: role(),
      WorkerFunction: fn('WorkerRole', { FunctionName: 'Test-worker' }),

      UploadedRole: role(),
      UploadedFunction: fn('UploadedRole'),
      UploadedRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventPattern: {
            source: ['aws.s3'],
            'detail-type': ['Object Created'],
            detail: { bucket: { name: [ref('DocsBucket')] }, object: { key: [{ prefix: 'applications/' }] } },
          },
          State: 'ENABLED',
          Targets: [{ Arn: arn('UploadedFunction'), Id: 'Target0' }],
        },
      },
      DisabledRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventPattern: { source: ['aws.s3'] },
          State: 'DISABLED',
          Targets: [{ Arn: arn('WorkerFunction'), Id: 'Target0' }],
        },
      },
      ContractsRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventPattern: { source: ['aws.s3'], detail: { object: { key: [{ prefix: 'contracts/' }] } } },
          Targets: [{ Arn: arn('WorkerFunction'), Id: 'Constant', Input: '{"constant":true}' }, { Arn: arn('WorkerFunction'), Id: 'Detail', InputPath: '$.detail' }],
        },
      },
    },
  };
}

export interface Recorded {
  startExecution: { stateMachineArn: string; name: string; input: string }[];
  stopExecution: { executionArn: string; error?: string; cause?: string }[];
  taskAnswers: { kind: string; taskToken: string; output?: string; error?: string; cause?: string }[];
  publish: Parameters<EmulatorBackends['sns']['publish']>[0][];
  subscribe: Parameters<EmulatorBackends['sns']['subscribe']>[0][];
  invoke: { functionName: string; payload: string; invocationType: string; caller: string }[];
}

export const KNOWN_TOKEN = 'token-of-the-pipeline';
export const FINISHED_TOKEN = 'token-already-answered';

/** Fake backends: record every call; a few inputs answer with the errors the real services give. */
export function fakeBackends(dynamodbEndpoint = 'http://127.0.0.1:9'): { backends: EmulatorBackends; recorded: Recorded; secretValues: Map<string, string> } {
  const recorded: Recorded = { startExecution: [], stopExecution: [], taskAnswers: [], publish: [], subscribe: [], invoke: [] };
  const secretValues = new Map<string, string>();
  const pipelineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:Test-pipeline';
  const started = new Set<string>();
  const backends: EmulatorBackends = {
    dynamodbEndpoint,
    stepFunctions: {
      async startExecution(i) {
        recorded.startExecution.push(i);
        if (started.has(i.name)) throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${i.name}'`);
        started.add(i.name);
        return { executionArn: `${i.stateMachineArn.replace(':stateMachine:', ':execution:')}:${i.name}`, startDate: new Date('2026-06-01T12:00:00.500Z') };
      },
      async stopExecution(i) {
        recorded.stopExecution.push(i);
        if (i.executionArn.endsWith(':missing')) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${i.executionArn}'`);
        return { stopDate: new Date('2026-06-01T12:01:00Z') };
      },
      async sendTaskSuccess(i) {
        recorded.taskAnswers.push({ kind: 'success', ...i });
        if (i.taskToken === FINISHED_TOKEN) throw new AwsServiceError('TaskTimedOut', 'Task Timed Out');
        if (i.taskToken !== KNOWN_TOKEN) throw new AwsServiceError('InvalidToken', 'Invalid token');
      },
      async sendTaskFailure(i) {
        recorded.taskAnswers.push({ kind: 'failure', ...i });
        if (i.taskToken === FINISHED_TOKEN) throw new AwsServiceError('TaskDoesNotExist', 'Task Does Not Exist');
      },
      async sendTaskHeartbeat(i) {
        recorded.taskAnswers.push({ kind: 'heartbeat', ...i });
      },
      stateMachineOfToken: (token) => (token === KNOWN_TOKEN || token === FINISHED_TOKEN ? pipelineArn : undefined),
    },
    sns: {
      async publish(i) {
        recorded.publish.push(i);
        return { messageId: `message-${recorded.publish.length}` };
      },
      async subscribe(i) {
        recorded.subscribe.push(i);
        return { subscriptionArn: `${i.topicArn}:subscription-${recorded.subscribe.length}` };
      },
    },
    secrets: {
      get(secretId) {
        const value = [...secretValues.entries()].find(([id]) => id === secretId || id.startsWith(`${secretId}-`) || id.endsWith(`:secret:${secretId}`) || id.includes(`:secret:${secretId}-`));
        if (!value) return undefined;
        const [secretArn, secretString] = value;
        const name = secretArn.slice(secretArn.indexOf(':secret:') + 8);
        return { arn: secretArn, name: /-[A-Za-z0-9]{6}$/.test(name) ? name.slice(0, -7) : name, secretString, versionId: 'version-1' };
      },
    },
    lambda: {
      async invoke(i) {
        recorded.invoke.push({ functionName: i.functionName, payload: i.payload.toString('utf8'), invocationType: i.invocationType, caller: i.caller });
        if (i.payload.toString('utf8').includes('"fail"')) {
          return { statusCode: 200, payload: Buffer.from('{"errorType":"Error","errorMessage":"boom"}'), functionError: 'Unhandled', executedVersion: '$LATEST' };
        }
        if (i.payload.toString('utf8').includes('"throttle"')) throw new AwsServiceError('TooManyRequestsException', 'Rate Exceeded.', 429);
        return { statusCode: i.invocationType === 'Event' ? 202 : 200, payload: Buffer.from('{"ok":true}'), executedVersion: '$LATEST' };
      },
    },
  };
  return { backends, recorded, secretValues };
}

export interface TestEmulator {
  emulator: AwsEmulator;
  recorded: Recorded;
  secretValues: Map<string, string>;
  s3Dir: string;
  clock: { now: Date };
  warnings: string[];
  /** SDK client settings for a function of the fixture. */
  clientConfig(functionLogicalId: string): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; maxAttempts: number };
  stop(): Promise<void>;
}

export async function startTestEmulator(options: { template?: unknown; dynamodbEndpoint?: string; s3Dir?: string } = {}): Promise<TestEmulator> {
  const { backends, recorded, secretValues } = fakeBackends(options.dynamodbEndpoint);
  const s3Dir = options.s3Dir ?? mkdtempSync(join(tmpdir(), 'aws-emulator-s3-'));
  const clock = { now: new Date() };
  const warnings: string[] = [];
  const emulator = await startAwsEmulator({
    template: options.template ?? fixtureTemplate(),
    account: ACCOUNT,
    backends,
    s3Dir,
    now: () => clock.now,
    log: { warn: (msg) => warnings.push(msg), error: (msg, e) => warnings.push(`${msg} ${String(e)}`) },
  });
  return {
    emulator,
    recorded,
    secretValues,
    s3Dir,
    clock,
    warnings,
    clientConfig: (functionLogicalId) => ({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: emulator.credentialsFor(functionLogicalId), maxAttempts: 1 }),
    async stop() {
      await emulator.close();
      if (!options.s3Dir) rmSync(s3Dir, { recursive: true, force: true });
    },
  };
}
