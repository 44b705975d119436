// The synthesized stack against the contracts it is built from: table-definition.ts, routes.ts, the ASL file and its
// substitution map, config.ts's settings, and least privilege per function. (cdk-nag: nag.test.ts.)

import { existsSync } from 'node:fs';
import path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { App } from 'aws-cdk-lib';
import { GLOBAL_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../functions/adapters/dynamodb/table-definition';
import { API_ROUTES, type HandlerName } from '../../functions/shared/routes';
import { COMMON_ENVIRONMENT, type HouseFunction } from '../../lib/house-function';
import type { MicroloanStack } from '../../lib/microloan-stack';
import { functionArnPlaceholder } from '../../local/workflow';
import { PIPELINE_DEFINITION_FILE } from '../../lib/paths';
import {
  PIPELINE_PLACEHOLDERS,
  PIPELINE_TASK_PLACEHOLDERS,
  pipelineSubstitutions,
  placeholdersOf,
  renderDefinition,
} from '../../lib/pipeline-substitutions';
import {
  actionsOf,
  buildTestApp,
  houseFunctions,
  logicalId,
  readText,
  removeAssemblies,
  rolesAllowing,
  statementsOfRole,
  type Resources,
} from './support';

const TASK_HANDLERS: HandlerName[] = [
  'pipeline-resume',
  'pipeline-score',
  'pipeline-decide',
  'pipeline-request-review',
  'pipeline-conclude',
  'pipeline-prepare-contract',
  'pipeline-documents',
  'pipeline-disburse',
  'pipeline-record-failure',
  'review-sla',
  'overdue-scan',
  'document-uploaded',
  'seed-products',
];
const ALL_HANDLERS: HandlerName[] = [...new Set([...API_ROUTES.map((r) => r.handler), ...TASK_HANDLERS])];

let app: App;
let stack: MicroloanStack;
let template: Template;
let resources: Resources;
let functions: Map<HandlerName, HouseFunction>;

beforeAll(() => {
  ({ app, stack } = buildTestApp({}, { nag: false }));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
  functions = houseFunctions(stack);
}, 180_000);

afterAll(removeAssemblies);

function fnId(handler: HandlerName): string {
  const fn = functions.get(handler);
  if (!fn) throw new Error(`no function for ${handler}`);
  return logicalId(fn.node.defaultChild as CfnFunction);
}

function roleId(handler: HandlerName): string {
  return logicalId(functions.get(handler)!.executionRole.node.defaultChild as CfnRole);
}

function resourcesOfType(type: string): [string, Resources[string]][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

describe('stack', () => {
  test('is named after the stage and is environment-agnostic', () => {
    expect(stack.stackName).toBe('Microloan-dev');
    expect(stack.environment).toBe('aws://unknown-account/unknown-region');
  });

  test('never hard-codes the aws partition', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('arn:aws:');
    expect(readText(PIPELINE_DEFINITION_FILE)).not.toContain('arn:aws:');
  });

  test('has no dependency cycle between its resources', () => {
    const references = (value: unknown, into: Set<string>): Set<string> => {
      if (Array.isArray(value)) value.forEach((item) => references(item, into));
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === 'Ref' && typeof inner === 'string' && resources[inner]) into.add(inner);
          else if (key === 'Fn::GetAtt' && Array.isArray(inner) && resources[inner[0]]) into.add(inner[0]);
          else references(inner, into);
        }
      }
      return into;
    };
    const edges = new Map(
      Object.entries(resources).map(([id, r]) => [id, references(r.Properties, new Set(([] as string[]).concat((r as { DependsOn?: string[] }).DependsOn ?? [])))]),
    );
    const state = new Map<string, 'open' | 'done'>();
    const visit = (id: string, path: string[]): void => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'open') throw new Error(`dependency cycle: ${[...path, id].join(' → ')}`);
      state.set(id, 'open');
      for (const next of edges.get(id) ?? []) visit(next, [...path, id]);
      state.set(id, 'done');
    };
    for (const id of edges.keys()) visit(id, []);
  });

  test('has the outputs the clients and the e2e tests read', () => {
    for (const name of ['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'StateMachineArn', 'TableName', 'DocumentsBucketName']) {
      template.hasOutput(name, {});
    }
  });
});

describe('table', () => {
  test('is the one of table-definition.ts: keys, indexes, TTL', () => {
    const tables = resourcesOfType('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const props = tables[0]![1].Properties!;
    expect(props.KeySchema).toEqual([
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ]);
    expect(props.GlobalSecondaryIndexes).toEqual(
      GLOBAL_INDEXES.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    const keyAttributes = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...GLOBAL_INDEXES.flatMap((i) => [i.partitionKey, i.sortKey])];
    expect([...props.AttributeDefinitions].sort((a: any, b: any) => a.AttributeName.localeCompare(b.AttributeName))).toEqual(
      keyAttributes.sort().map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    );
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });

  test('is on demand, with point-in-time recovery and the customer-managed key', () => {
    const keyId = logicalId(stack.data.key.node.defaultChild as any);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('may be deleted with a dev stack', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });
});

describe('lambdas', () => {
  test('one house function per handler of routes.ts, each with its own entry file', () => {
    expect([...functions.keys()].sort()).toEqual([...ALL_HANDLERS].sort());
    for (const handler of ALL_HANDLERS) {
      expect(existsSync(path.join(process.cwd(), 'functions', 'handlers', `${handler}.ts`))).toBe(true);
    }
  });

  test('every Node.js Lambda runs nodejs24.x; the house functions on arm64, traced, with their log group', () => {
    const nodeFunctions = resourcesOfType('AWS::Lambda::Function').filter(([, r]) => String(r.Properties!.Runtime).startsWith('nodejs'));
    expect(nodeFunctions.length).toBeGreaterThanOrEqual(ALL_HANDLERS.length);
    for (const [, r] of nodeFunctions) expect(r.Properties!.Runtime).toBe('nodejs24.x');
    // No function of another runtime: S3 tells EventBridge natively, so CDK's inline Python notifications handler is gone.
    const others = resourcesOfType('AWS::Lambda::Function').filter(([, r]) => !String(r.Properties!.Runtime).startsWith('nodejs'));
    expect(others).toEqual([]);
    // Besides the house functions, only the product seed's provider framework (CDK's, Node.js).
    const notHouse = nodeFunctions.filter(([, r]) => r.Properties!.Handler !== 'index.handler');
    expect(notHouse.map(([id]) => id)).toEqual([expect.stringMatching(/^ProductSeedProviderframeworkonEvent/)]);

    for (const handler of ALL_HANDLERS) {
      const props = resources[fnId(handler)]!.Properties!;
      // The Score and Disburse tasks wait for the bureau and the bank (up to three attempts each, and backoff).
      const longRunning = handler === 'document-uploaded' || handler === 'seed-products' || handler === 'pipeline-score' || handler === 'pipeline-disburse';
      expect(props).toMatchObject({
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Architectures: ['arm64'],
        // The overdue scan pages through what is due and continues itself before its 15 minutes run out.
        MemorySize: handler === 'overdue-scan' ? 1024 : 512,
        // The SLA check walks every review due in one run.
        Timeout: handler === 'overdue-scan' ? 900 : handler === 'review-sla' ? 60 : longRunning ? 30 : 10,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
      expect(resources[props.LoggingConfig.LogGroup.Ref]!).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 90 },
      });
      expect(props.Environment.Variables).toMatchObject(COMMON_ENVIRONMENT);
    }
  });

  test('get exactly the settings of config.ts that they use', () => {
    const env = (handler: HandlerName) =>
      Object.keys(resources[fnId(handler)]!.Properties!.Environment.Variables)
        .filter((k) => !(k in COMMON_ENVIRONMENT) && k !== 'TIME_ZONE')
        .sort();
    // Every function counts days in the lender's time zone (cdk.json's microloan:timeZone).
    for (const handler of ALL_HANDLERS) expect(resources[fnId(handler)]!.Properties!.Environment.Variables.TIME_ZONE).toBe('Asia/Shanghai');
    expect(env('overdue-scan')).toEqual(['APPLICANT_TOPIC_ARN', 'OPS_TOPIC_ARN', 'PII_SECRET_ARN', 'TABLE_NAME']);
    expect(env('submit-application')).toEqual(['PII_SECRET_ARN', 'STATE_MACHINE_ARN', 'TABLE_NAME']);
    expect(env('query-applications')).toEqual(['DOCUMENTS_BUCKET', 'TABLE_NAME']); // links to the contract
    expect(env('withdraw-application')).toEqual(['STATE_MACHINE_ARN', 'TABLE_NAME']);
    expect(env('request-document-upload')).toEqual(['DOCUMENTS_BUCKET', 'TABLE_NAME']);
    expect(env('products')).toEqual(['TABLE_NAME']);
    expect(env('openapi')).toEqual([]);
    expect(env('document-uploaded')).toEqual(['DOCUMENTS_BUCKET', 'TABLE_NAME']); // checks the uploaded bytes
    // The entry tells an applicant of an outcome a crash left untold.
    expect(env('pipeline-resume')).toEqual(['APPLICANT_TOPIC_ARN', 'PII_SECRET_ARN', 'TABLE_NAME']);
    // No bureau URL in cdk.json: the sandbox bureau answers, so no bureau settings.
    expect(env('pipeline-score')).toEqual(['PII_SECRET_ARN', 'TABLE_NAME']);
    // Operations are alerted; an applicant whose payout failed or is late is told.
    expect(env('pipeline-record-failure')).toEqual(['APPLICANT_TOPIC_ARN', 'OPS_TOPIC_ARN', 'PII_SECRET_ARN', 'TABLE_NAME']);
    expect(env('seed-products')).toEqual(['TABLE_NAME']);
  });
});

describe('HTTP API', () => {
  test('has one route per API_ROUTES entry, served by its handler, with the authorizer on user routes only', () => {
    const routes = resourcesOfType('AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(API_ROUTES.length);
    const authorizers = resourcesOfType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [authorizerId] = authorizers[0]!;

    for (const route of API_ROUTES) {
      const found = routes.filter(([, r]) => r.Properties!.RouteKey === `${route.method} ${route.path}`);
      expect(found).toHaveLength(1);
      const props = found[0]![1].Properties!;
      if (route.auth === 'user') {
        expect(props.AuthorizationType).toBe('JWT');
        expect(props.AuthorizerId).toEqual({ Ref: authorizerId });
      } else {
        expect(props.AuthorizationType).toBe('NONE');
        expect(props.AuthorizerId).toBeUndefined();
      }
      // Target: integrations/<integration>; the integration invokes the route's handler.
      const integrationId = (props.Target['Fn::Join'][1] as unknown[]).map((part) => (part as { Ref?: string }).Ref).find(Boolean)!;
      expect(resources[integrationId]!.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [fnId(route.handler), 'Arn'] },
      });
    }
  });

  test('validates Cognito user pool tokens for the applicant app client', () => {
    const poolId = logicalId(stack.identity.userPool.node.defaultChild as any);
    const clientId = logicalId(stack.identity.applicantClient.node.defaultChild as any);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([{ Ref: poolId }])] }),
      },
    });
  });

  test('throttles and logs the default stage, and answers CORS preflights', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, Format: Match.stringLikeRegexp('\\$context\\.requestId') },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({ AllowHeaders: Match.arrayWith(['Authorization', 'Idempotency-Key']) }),
    });
  });
});

describe('pipeline', () => {
  test('is a Standard workflow, traced, logging every event', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });

  test('loads the ASL file with every placeholder filled from pipeline-substitutions.ts', () => {
    const [, machine] = resourcesOfType('AWS::StepFunctions::StateMachine')[0]!;
    const props = machine.Properties!;
    const definition = readText(PIPELINE_DEFINITION_FILE);

    // The deployed definition is the file itself (an S3 asset), placeholders and all.
    expect(props.DefinitionS3Location).toBeDefined();
    const assetFile = path.join(app.synth().directory, `asset.${props.DefinitionS3Location.Key}`);
    expect(readText(assetFile)).toBe(definition);

    expect(placeholdersOf(definition).sort()).toEqual([...PIPELINE_PLACEHOLDERS].sort());
    expect(props.DefinitionSubstitutions).toEqual({
      Partition: { Ref: 'AWS::Partition' },
      ResumeFunctionArn: { 'Fn::GetAtt': [fnId('pipeline-resume'), 'Arn'] },
      ScoreFunctionArn: { 'Fn::GetAtt': [fnId('pipeline-score'), 'Arn'] },
      DecideFunctionArn: { 'Fn::GetAtt': [fnId('pipeline-decide'), 'Arn'] },
      RequestReviewFunctionArn: { 'Fn::GetAtt': [fnId('pipeline-request-review'), 'Arn'] },
      ConcludeFunctionArn: { 'Fn::GetAtt': [fnId('pipeline-conclude'), 'Arn'] },
      PrepareContractFunctionArn: { 'Fn::GetAtt': [fnId('pipeline-prepare-contract'), 'Arn'] },
      DocumentsFunctionArn: { 'Fn::GetAtt': [fnId('pipeline-documents'), 'Arn'] },
      DisburseFunctionArn: { 'Fn::GetAtt': [fnId('pipeline-disburse'), 'Arn'] },
      RecordFailureFunctionArn: { 'Fn::GetAtt': [fnId('pipeline-record-failure'), 'Arn'] },
    });
    for (const [placeholder, handler] of Object.entries(PIPELINE_TASK_PLACEHOLDERS)) {
      expect(props.DefinitionSubstitutions[placeholder]).toEqual({ 'Fn::GetAtt': [fnId(handler), 'Arn'] });
    }
  });

  test('uses the placeholder names that the local runner fills', () => {
    for (const [placeholder, handler] of Object.entries(PIPELINE_TASK_PLACEHOLDERS)) {
      expect(functionArnPlaceholder(handler)).toBe(placeholder);
    }
  });

  test('renders to a definition that invokes the task functions, in any partition', () => {
    const definition = readText(PIPELINE_DEFINITION_FILE);
    const rendered = JSON.parse(
      renderDefinition(
        definition,
        pipelineSubstitutions({
          partition: 'aws-cn',
          functionArns: {
            'pipeline-resume': 'arn:aws-cn:lambda:cn-north-1:111122223333:function:mark',
            'pipeline-score': 'arn:aws-cn:lambda:cn-north-1:111122223333:function:score',
            'pipeline-decide': 'arn:aws-cn:lambda:cn-north-1:111122223333:function:decide',
            'pipeline-request-review': 'arn:aws-cn:lambda:cn-north-1:111122223333:function:review',
            'pipeline-conclude': 'arn:aws-cn:lambda:cn-north-1:111122223333:function:conclude',
            'pipeline-prepare-contract': 'arn:aws-cn:lambda:cn-north-1:111122223333:function:contract',
            'pipeline-disburse': 'arn:aws-cn:lambda:cn-north-1:111122223333:function:disburse',
            'pipeline-documents': 'arn:aws-cn:lambda:cn-north-1:111122223333:function:documents',
            'pipeline-record-failure': 'arn:aws-cn:lambda:cn-north-1:111122223333:function:fail',
          },
        }),
      ),
    ) as { States: Record<string, { Type: string; Resource?: string; Parameters?: { FunctionName?: string } }> };
    const tasks = Object.values(rendered.States).filter((s) => s.Type === 'Task');
    // Every task is a Lambda invocation in the aws-cn partition; only RequestReview, the contract step and the
    // documents gate wait for a task token.
    expect(tasks.map((t) => t.Resource).sort()).toEqual(
      tasks
        .map((t) => (t.Resource?.endsWith('.waitForTaskToken') && /:(review|contract|documents)$/.test(t.Parameters?.FunctionName ?? '') ? 'arn:aws-cn:states:::lambda:invoke.waitForTaskToken' : 'arn:aws-cn:states:::lambda:invoke'))
        .sort(),
    );
    expect([...new Set(tasks.map((t) => t.Parameters?.FunctionName))].sort()).toEqual([
      'arn:aws-cn:lambda:cn-north-1:111122223333:function:conclude',
      'arn:aws-cn:lambda:cn-north-1:111122223333:function:contract',
      'arn:aws-cn:lambda:cn-north-1:111122223333:function:decide',
      'arn:aws-cn:lambda:cn-north-1:111122223333:function:disburse',
      'arn:aws-cn:lambda:cn-north-1:111122223333:function:documents',
      'arn:aws-cn:lambda:cn-north-1:111122223333:function:fail',
      'arn:aws-cn:lambda:cn-north-1:111122223333:function:mark',
      'arn:aws-cn:lambda:cn-north-1:111122223333:function:review',
      'arn:aws-cn:lambda:cn-north-1:111122223333:function:score',
    ]);
    expect(() => renderDefinition('{"a":"${Unknown}"}', {})).toThrow(/Unknown/);
  });

  test('may invoke exactly the task functions', () => {
    const machine = stack.pipeline.stateMachine;
    const statements = statementsOfRole(resources, logicalId(machine.role.node.defaultChild as CfnRole));
    const invoke = statements.filter((s) => actionsOf([s]).includes('lambda:InvokeFunction'));
    const pipelineTasks: HandlerName[] = [
      'pipeline-resume',
      'pipeline-score',
      'pipeline-decide',
      'pipeline-request-review',
      'pipeline-conclude',
      'pipeline-prepare-contract',
      'pipeline-documents',
      'pipeline-disburse',
      'pipeline-record-failure',
    ];
    expect(invoke.flatMap((s) => ([] as unknown[]).concat(s.Resource)).map((r) => JSON.stringify(r)).sort()).toEqual(
      pipelineTasks.map((h) => JSON.stringify({ 'Fn::GetAtt': [fnId(h), 'Arn'] })).sort(),
    );
  });
});

describe('least privilege', () => {
  test('query-applications can only read the table', () => {
    const actions = actionsOf(statementsOfRole(resources, roleId('query-applications')));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'kms:Encrypt']) {
      expect(actions).not.toContain(write);
    }
  });

  /** Roles allowed `action` on exactly this resource reference. */
  const rolesAllowingOn = (action: string, resource: unknown) =>
    rolesAllowing(resources, action).filter((role) =>
      statementsOfRole(resources, role).some((st) => actionsOf([st]).includes(action) && ([] as unknown[]).concat(st.Resource).some((r) => JSON.stringify(r) === JSON.stringify(resource))),
    );
  const refOf = (construct: { node: { defaultChild?: unknown } }) => ({ Ref: logicalId(construct.node.defaultChild as any) });
  const roles = (...handlers: HandlerName[]) => handlers.map(roleId).sort();

  test('only submit-application and the re-drive start executions, on this state machine', () => {
    expect(rolesAllowing(resources, 'states:StartExecution')).toEqual(roles('submit-application', 'redrive-application'));
    const start = statementsOfRole(resources, roleId('submit-application')).find((s) => actionsOf([s]).includes('states:StartExecution'))!;
    expect(start.Resource).toEqual({ Ref: logicalId(stack.pipeline.stateMachine.node.defaultChild as any) });
  });

  test('the PII secret is read only where applicant identity is sealed or opened; the link key only where links are made or checked', () => {
    const piiReaders = roles(
      'submit-application',
      'pipeline-score',
      'pipeline-decide',
      'pipeline-conclude',
      'review-page',
      'accept-contract',
      'pipeline-prepare-contract',
      'pipeline-disburse',
      'pipeline-record-failure', // tells an applicant whose payout failed or is late
      'pipeline-resume', // tells the applicant of an outcome a crash left untold
      'overdue-scan', // the reminders go to the customer's phone and e-mail
      'pipeline-documents', // tells the applicant when the wait for documents expired the application
      'review-sla', // reminds the applicant of missing documents
    );
    expect(rolesAllowingOn('secretsmanager:GetSecretValue', refOf(stack.data.piiSecret))).toEqual(piiReaders);
    expect(rolesAllowingOn('secretsmanager:GetSecretValue', refOf(stack.data.reviewLinkSecret))).toEqual(roles('pipeline-request-review', 'review-page', 'review-sla'));
    expect(rolesAllowing(resources, 'secretsmanager:GetSecretValue')).toEqual(
      [...piiReaders, ...roles('pipeline-request-review', 'repayments')].filter((r, i, all) => all.indexOf(r) === i).sort(),
    );
  });

  test('only the review page, the SLA check, the contract acceptance, the document upload and the three token steps answer task tokens', () => {
    // The token steps answer their own token when the outcome is there already (accepted, decided while no task waited,
    // documents in); the upload that completes the checklist resumes the documents wait.
    const answerers = roles('review-page', 'review-sla', 'accept-contract', 'document-uploaded', 'pipeline-prepare-contract', 'pipeline-request-review', 'pipeline-documents');
    expect(rolesAllowing(resources, 'states:SendTaskSuccess')).toEqual(answerers);
    expect(rolesAllowing(resources, 'states:SendTaskFailure')).toEqual(answerers);
  });

  test('only the reviewers API subscribes, and only to the review topic', () => {
    expect(rolesAllowing(resources, 'sns:Subscribe')).toEqual(roles('reviewers'));
    expect(rolesAllowingOn('sns:Subscribe', refOf(stack.notifications.reviewTopic))).toEqual(roles('reviewers'));
  });

  test('only withdraw-application and the re-drive stop executions, and only this state machine\'s', () => {
    expect(rolesAllowing(resources, 'states:StopExecution')).toEqual(roles('withdraw-application', 'redrive-application'));
    const stop = statementsOfRole(resources, roleId('withdraw-application')).find((s) => actionsOf([s]).includes('states:StopExecution'))!;
    const arn = JSON.stringify(stop.Resource);
    expect(arn).toContain('{"Ref":"AWS::Partition"}');
    expect(arn).toContain(':execution:');
    expect(arn).toContain(JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.pipeline.stateMachine.node.defaultChild as any), 'Name'] }));
  });

  test('only request-document-upload puts under applications/, only the approving steps under contracts/; only the view reads contracts', () => {
    // document-uploaded reads (the first bytes of) and deletes uploaded documents, under applications/ only.
    expect(rolesAllowing(resources, 's3:DeleteObject')).toEqual(roles('document-uploaded'));
    const check = statementsOfRole(resources, roleId('document-uploaded')).filter((s) => actionsOf([s]).some((action) => action.startsWith('s3:')));
    expect(check).toHaveLength(1);
    expect(actionsOf(check).sort()).toEqual(['s3:DeleteObject', 's3:GetObject']);
    expect(JSON.stringify(check[0]!.Resource)).toMatch(/"\/applications\/\*"/);
    expect(JSON.stringify(check[0]!.Resource)).not.toMatch(/contracts/);
    expect(statementsOfRole(resources, roleId('document-uploaded'))).toContainEqual(
      expect.objectContaining({ Action: 'kms:Decrypt', Condition: { StringLike: { 'kms:ViaService': expect.anything() } } }),
    );
    // The contract is made with the approval: by the policy's decision or by the review's conclusion.
    expect(rolesAllowing(resources, 's3:PutObject')).toEqual(roles('request-document-upload', 'pipeline-decide', 'pipeline-conclude'));
    const put = statementsOfRole(resources, roleId('request-document-upload')).find((s) => actionsOf([s]).includes('s3:PutObject'))!;
    expect(actionsOf([put])).toEqual(['s3:PutObject']);
    expect(JSON.stringify(put.Resource)).toMatch(/"\/applications\/\*"/);
    for (const approving of ['pipeline-decide', 'pipeline-conclude'] as HandlerName[]) {
      const contract = statementsOfRole(resources, roleId(approving)).find((s) => actionsOf([s]).includes('s3:PutObject'))!;
      expect(JSON.stringify(contract.Resource)).toMatch(/"\/contracts\/\*"/);
    }
    expect(rolesAllowing(resources, 's3:GetObject')).toEqual(roles('document-uploaded', 'query-applications'));
  });

  test('each topic has its own publishers, with the key through SNS; direct SMS only where applicants are told', () => {
    expect(rolesAllowingOn('sns:Publish', refOf(stack.notifications.opsTopic))).toEqual(roles('pipeline-record-failure', 'review-sla', 'overdue-scan'));
    expect(rolesAllowingOn('sns:Publish', refOf(stack.notifications.reviewTopic))).toEqual(roles('pipeline-request-review', 'review-sla'));
    const applicantNotifiers = roles('pipeline-resume', 'pipeline-decide', 'pipeline-conclude', 'pipeline-prepare-contract', 'pipeline-documents', 'pipeline-disburse', 'pipeline-record-failure', 'overdue-scan', 'review-sla');
    expect(rolesAllowingOn('sns:Publish', refOf(stack.notifications.applicantTopic))).toEqual(applicantNotifiers);
    expect(rolesAllowingOn('sns:Publish', '*')).toEqual(applicantNotifiers);
    for (const handler of ['pipeline-record-failure', 'pipeline-request-review', 'pipeline-decide'] as HandlerName[]) {
      expect(statementsOfRole(resources, roleId(handler))).toContainEqual(
        expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: { StringLike: { 'kms:ViaService': expect.anything() } } }),
      );
    }
  });

  test('the overdue scan runs daily at 00:15 and 08:00 in the lender\'s time zone, and may invoke only itself', () => {
    const schedules = resourcesOfType('AWS::Scheduler::Schedule')
      .map(([, schedule]) => schedule.Properties!)
      .filter((props) => JSON.stringify(props.Target.Arn).includes(fnId('overdue-scan')));
    expect(schedules.map((props) => [props.ScheduleExpression, props.ScheduleExpressionTimezone]).sort()).toEqual([
      ['cron(0 8 * * ? *)', 'Asia/Shanghai'],
      ['cron(15 0 * * ? *)', 'Asia/Shanghai'],
    ]);
    // Of the function roles, only the scan invokes a Lambda (the state machine, the schedulers and the seed provider do too).
    const functionRoles = new Set(ALL_HANDLERS.map(roleId));
    expect(rolesAllowing(resources, 'lambda:InvokeFunction').filter((role) => functionRoles.has(role))).toEqual(roles('overdue-scan'));
    const invoke = statementsOfRole(resources, roleId('overdue-scan')).find((s) => actionsOf([s]).includes('lambda:InvokeFunction'))!;
    expect(JSON.stringify(invoke.Resource)).toContain(':function:');
    expect(JSON.stringify(invoke.Resource)).toContain('-overdue-scan');
    expect(resources[fnId('overdue-scan')]!.Properties!.FunctionName).toEqual(expect.stringMatching(/-overdue-scan$/));
  });

  test('the review SLA check runs every 15 minutes through EventBridge Scheduler', () => {
    const [, schedule] = resourcesOfType('AWS::Scheduler::Schedule').find(([, candidate]) => JSON.stringify(candidate.Properties!.Target.Arn).includes(fnId('review-sla')))!;
    expect(schedule.Properties).toMatchObject({ ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' });
    expect(JSON.stringify(schedule.Properties!.Target.Arn)).toContain(fnId('review-sla'));
  });

  test('openapi may only write its logs and traces', () => {
    expect(actionsOf(statementsOfRole(resources, roleId('openapi'))).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  test('"*" resources appear only for actions that support no resource-level permissions', () => {
    const resourceless = /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/;
    for (const [, r] of resourcesOfType('AWS::IAM::Policy')) {
      for (const statement of r.Properties!.PolicyDocument.Statement) {
        if (!([] as unknown[]).concat(statement.Resource).includes('*')) continue;
        // sns:Publish to a phone number (SMS) has no resource; only the applicant notifiers have it (tested above).
        for (const action of actionsOf([statement]).filter((a) => a !== 'sns:Publish')) expect(action).toMatch(resourceless);
      }
    }
  });

  test('no statement allows every action of a service, and the house roles use no managed policies', () => {
    for (const [, r] of resourcesOfType('AWS::IAM::Policy')) {
      for (const action of actionsOf(r.Properties!.PolicyDocument.Statement)) expect(action).not.toMatch(/(^\*$|:\*$)/);
    }
    for (const handler of ALL_HANDLERS) expect(resources[roleId(handler)]!.Properties!.ManagedPolicyArns).toBeUndefined();
  });
});

describe('identity', () => {
  test('has the staff groups reviewer, ops and admin', () => {
    const groups = resourcesOfType('AWS::Cognito::UserPoolGroup').map(([, r]) => r.Properties!.GroupName).sort();
    expect(groups).toEqual(['admin', 'ops', 'reviewer']);
  });

  test('has a strong password policy, optional TOTP MFA, and a public client without a secret', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']),
      PreventUserExistenceErrors: 'ENABLED',
    });
  });
});

describe('notifications, documents, secret', () => {
  test('three topics encrypted with the data key, publishing over TLS only', () => {
    const keyId = logicalId(stack.data.key.node.defaultChild as any);
    const topics = resourcesOfType('AWS::SNS::Topic');
    expect(topics).toHaveLength(3);
    for (const [, topic] of topics) expect(topic.Properties!.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(resourcesOfType('AWS::SNS::TopicPolicy')).toHaveLength(3);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('the documents bucket: private, KMS, versioned, logged elsewhere, incomplete uploads expire', () => {
    const logBucketId = logicalId(stack.documents.accessLogsBucket.node.defaultChild as any);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ BucketKeyEnabled: true, ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucketId }, LogFilePrefix: 'documents-bucket/' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })]) },
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ['PUT'] })] },
    });
    for (const [, policy] of resourcesOfType('AWS::S3::BucketPolicy')) {
      expect(policy.Properties!.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  test('new objects under applications/ invoke document-uploaded, through EventBridge (no custom resource)', () => {
    const bucketId = logicalId(stack.documents.bucket.node.defaultChild as any);
    expect(resources[bucketId]!.Properties!.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: bucketId }] }, object: { key: [{ prefix: 'applications/' }] } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId('document-uploaded'), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86400 } })],
    });
  });

  test('the PII secret: 64 generated characters without punctuation, encrypted with the data key', () => {
    const keyId = logicalId(stack.data.key.node.defaultChild as any);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });
});

describe('product seed', () => {
  test('a custom resource whose provider invokes seed-products', () => {
    const seeds = resourcesOfType('Custom::MicroloanProductSeed');
    expect(seeds).toHaveLength(1);
    const frameworkId = logicalId(stack.productSeed.provider.node.findChild('framework-onEvent').node.defaultChild as CfnFunction);
    expect(seeds[0]![1].Properties!.ServiceToken).toEqual({ 'Fn::GetAtt': [frameworkId, 'Arn'] });
    expect(resources[frameworkId]!.Properties!.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN).toEqual({
      'Fn::GetAtt': [fnId('seed-products'), 'Arn'],
    });
  });
});

describe('other stages', () => {
  test('a non-dev stage retains and protects data; an ops e-mail is subscribed to alerts', () => {
    const { stack: prod } = buildTestApp({ 'microloan:stage': 'prod', 'microloan:opsEmail': 'ops@example.com' }, { nag: false });
    expect(prod.stackName).toBe('Microloan-prod');
    const prodTemplate = Template.fromStack(prod);
    prodTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    prodTemplate.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
    prodTemplate.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    prodTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: logicalId(prod.notifications.opsTopic.node.defaultChild as any) },
    });
  }, 180_000);

  test('a bad stage name or e-mail is refused with the value', () => {
    expect(() => buildTestApp({ 'microloan:stage': 'Prod_1' })).toThrow(/Prod_1/);
    expect(() => buildTestApp({ 'microloan:opsEmail': 'not-an-email' })).toThrow(/not-an-email/);
  });
});
