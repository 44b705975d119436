import {
  eventRules,
  LocalTemplate,
  localCredentials,
  resolveValue,
  roleStatements,
  templateBuckets,
  templateFunctions,
  templateSecrets,
  templateStateMachines,
  templateTables,
  templateTopics,
  type LocalAccount,
} from '../../../../local/aws/template';
import { ACCOUNT, fixtureTemplate } from './fixture';

const PLAIN: LocalAccount = { partition: 'aws', region: 'us-east-1', accountId: '000000000000', stackName: 'Test-dev' };

function model(resources: Record<string, unknown> = {}, extra: Record<string, unknown> = {}, account: LocalAccount = PLAIN): LocalTemplate {
  return new LocalTemplate({ Resources: { Dummy: { Type: 'AWS::SNS::Topic' }, ...resources }, ...extra }, account);
}

describe('resolving intrinsics', () => {
  const m = model(
    { Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders' } }, Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'f' } } },
    {
      Parameters: { Stage: { Type: 'String', Default: 'dev' }, Zones: { Type: 'CommaDelimitedList', Default: 'a,b' }, Ssm: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/x' } },
      Conditions: { IsDev: { 'Fn::Equals': [{ Ref: 'Stage' }, 'dev'] }, IsProd: { 'Fn::Not': [{ Condition: 'IsDev' }] }, Both: { 'Fn::And': [{ Condition: 'IsDev' }, { 'Fn::Or': [{ Condition: 'IsProd' }, { 'Fn::Equals': ['x', 'x'] }] }] } },
      Mappings: { Sizes: { dev: { memory: 256 } } },
    },
  );

  it('pseudo parameters and parameter defaults', () => {
    expect(m.resolve({ Ref: 'AWS::Partition' })).toBe('aws');
    expect(m.resolve({ Ref: 'AWS::Region' })).toBe('us-east-1');
    expect(m.resolve({ Ref: 'AWS::AccountId' })).toBe('000000000000');
    expect(m.resolve({ Ref: 'AWS::StackName' })).toBe('Test-dev');
    expect(m.resolve({ Ref: 'AWS::URLSuffix' })).toBe('amazonaws.com');
    expect(m.resolve({ Ref: 'Stage' })).toBe('dev');
    expect(m.resolve({ Ref: 'Zones' })).toEqual(['a', 'b']);
    expect(() => m.resolve({ Ref: 'Ssm' })).toThrow(/SSM Parameter Store/);
  });

  it('Fn::Join, Fn::Select, Fn::Split, Fn::GetAZs, Fn::FindInMap, Fn::Base64, Fn::ToJsonString', () => {
    expect(m.resolve({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Table' }]] })).toBe('arn:aws:s3:::orders');
    expect(m.resolve({ 'Fn::Join': [',', { 'Fn::Split': ['|', 'a|b|c'] }] })).toBe('a,b,c');
    expect(m.resolve({ 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Table', 'Arn'] }] }] })).toBe('aws');
    expect(m.resolve({ 'Fn::Select': ['0', { 'Fn::GetAZs': '' }] })).toBe('us-east-1a');
    expect(m.resolve({ 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'memory'] })).toBe(256);
    expect(m.resolve({ 'Fn::Base64': 'hi' })).toBe('aGk=');
    expect(m.resolve({ 'Fn::ToJsonString': { table: { Ref: 'Table' } } })).toBe('{"table":"orders"}');
    expect(() => m.resolve({ 'Fn::Select': [5, ['a']] })).toThrow(/outside the list/);
  });

  it('Fn::Sub in both forms, with ${Resource.Attr} and ${!Literal}', () => {
    expect(m.resolve({ 'Fn::Sub': 'cdk-${AWS::AccountId}-${AWS::Region}' })).toBe('cdk-000000000000-us-east-1');
    expect(m.resolve({ 'Fn::Sub': '${Table}:${Table.Arn}:${!NotAVariable}' })).toBe('orders:arn:aws:dynamodb:us-east-1:000000000000:table/orders:${NotAVariable}');
    expect(m.resolve({ 'Fn::Sub': ['${Name}-${Stage}', { Name: { 'Fn::GetAtt': ['Fn', 'Arn'] } }] })).toBe('arn:aws:lambda:us-east-1:000000000000:function:f-dev');
    expect(() => m.resolve({ 'Fn::Sub': '${Nothing}' })).toThrow(/Ref Nothing names no parameter/);
  });

  it('Fn::If and conditions, with AWS::NoValue dropping properties and list items', () => {
    expect(m.resolve({ 'Fn::If': ['IsDev', 'yes', 'no'] })).toBe('yes');
    expect(m.resolve({ 'Fn::If': ['IsProd', 'yes', 'no'] })).toBe('no');
    expect(m.resolve({ 'Fn::If': ['Both', 'yes', 'no'] })).toBe('yes');
    expect(m.resolve({ a: 1, b: { 'Fn::If': ['IsProd', 2, { Ref: 'AWS::NoValue' }] } })).toEqual({ a: 1 });
    expect(m.resolve(['x', { 'Fn::If': ['IsDev', { Ref: 'AWS::NoValue' }, 'y'] }])).toEqual(['x']);
    expect(() => m.resolve({ 'Fn::If': ['Missing', 1, 2] })).toThrow(/no condition named Missing/);
  });

  it('throws a clear error, with the path, for what it does not support', () => {
    expect(() => m.resolve({ x: [{ 'Fn::ImportValue': 'other-stack-export' }] })).toThrow(/\$\.x\[0\]\.Fn::ImportValue: the intrinsic function Fn::ImportValue is not supported locally/);
    expect(() => m.resolve({ Ref: 'AWS::Unknown' })).toThrow(/pseudo parameter AWS::Unknown/);
    expect(() => m.resolve({ 'Fn::GetAtt': ['Table', 'Nope'] })).toThrow(/attribute Nope of AWS::DynamoDB::Table is not modelled locally/);
    expect(() => m.resolve({ 'Fn::GetAtt': ['Ghost', 'Arn'] })).toThrow(/no resource with logical id Ghost/);
  });

  it('resolveValue is the same through the free function', () => {
    expect(resolveValue(fixtureTemplate(), { 'Fn::GetAtt': ['Pipeline', 'Name'] }, ACCOUNT)).toBe('Test-pipeline');
  });
});

describe('local physical ids and ARNs', () => {
  const resources = {
    Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    NamedTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'given' } },
    Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
    FifoTopic: { Type: 'AWS::SNS::Topic', Properties: { FifoTopic: true } },
    Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
    DocumentsDocumentsBucketWithAVeryLongLogicalIdF9360AFA: { Type: 'AWS::S3::Bucket', Properties: {} },
    Machine: { Type: 'AWS::StepFunctions::StateMachine', Properties: {} },
    Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
    AFunctionWithAVeryLongLogicalIdThatWouldNotFitIntoSixtyFourCharactersABCDEF: { Type: 'AWS::Lambda::Function', Properties: {} },
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
    Role: { Type: 'AWS::IAM::Role', Properties: { Path: '/service/' } },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/x' } },
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: {} },
    Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { StageName: '$default' } },
    Pool: { Type: 'AWS::Cognito::UserPool', Properties: {} },
    Client: { Type: 'AWS::Cognito::UserPoolClient', Properties: {} },
    Rule: { Type: 'AWS::Events::Rule', Properties: {} },
    Schedule: { Type: 'AWS::Scheduler::Schedule', Properties: {} },
    Custom: { Type: 'Custom::Thing', Properties: {} },
  };
  const m = model(resources);

  it('follows each service’s ARN and naming rules', () => {
    expect(m.ref('NamedTable')).toBe('given');
    expect(m.getAtt('NamedTable', 'Arn')).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/given');
    expect(m.getAtt('NamedTable', 'StreamArn')).toMatch(/^arn:aws:dynamodb:us-east-1:000000000000:table\/given\/stream\//);
    expect(m.ref('Table')).toMatch(/^Test-dev-Table-[A-Z0-9]{12}$/);

    expect(m.ref('Topic')).toMatch(/^arn:aws:sns:us-east-1:000000000000:Test-dev-Topic-[A-Z0-9]{12}$/);
    expect(m.getAtt('Topic', 'TopicArn')).toBe(m.ref('Topic'));
    expect(m.getAtt('Topic', 'TopicName')).toBe(m.ref('Topic').split(':').pop());
    expect(m.getAtt('FifoTopic', 'TopicName')).toMatch(/\.fifo$/);

    expect(m.ref('Secret')).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:Secret-[A-Za-z0-9]{12}-[A-Za-z0-9]{6}$/);

    for (const id of ['Bucket', 'DocumentsDocumentsBucketWithAVeryLongLogicalIdF9360AFA']) {
      const name = m.ref(id);
      expect(name).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
      expect(m.getAtt(id, 'Arn')).toBe(`arn:aws:s3:::${name}`);
      expect(m.getAtt(id, 'RegionalDomainName')).toBe(`${name}.s3.us-east-1.amazonaws.com`);
    }

    expect(m.ref('Machine')).toMatch(/^arn:aws:states:us-east-1:000000000000:stateMachine:Machine-[A-Za-z0-9]{12}$/);
    expect(m.getAtt('Machine', 'Name')).toBe(m.ref('Machine').split(':').pop());

    expect(m.ref('Fn')).toMatch(/^Test-dev-Fn-[A-Z0-9]{12}$/);
    expect(m.getAtt('Fn', 'Arn')).toBe(`arn:aws:lambda:us-east-1:000000000000:function:${m.ref('Fn')}`);
    expect(m.ref('AFunctionWithAVeryLongLogicalIdThatWouldNotFitIntoSixtyFourCharactersABCDEF').length).toBeLessThanOrEqual(64);

    expect(m.ref('Key')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(m.getAtt('Key', 'Arn')).toBe(`arn:aws:kms:us-east-1:000000000000:key/${m.ref('Key')}`);

    expect(m.getAtt('Role', 'Arn')).toBe(`arn:aws:iam::000000000000:role/service/${m.ref('Role')}`);
    expect(m.ref('Logs')).toBe('/aws/lambda/x');
    expect(m.getAtt('Logs', 'Arn')).toBe('arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/x:*');

    expect(m.ref('Api')).toMatch(/^[a-z0-9]{10}$/);
    expect(m.getAtt('Api', 'ApiEndpoint')).toBe(`https://${m.ref('Api')}.execute-api.us-east-1.amazonaws.com`);
    expect(m.ref('Stage')).toBe('$default');
    expect(m.ref('Pool')).toMatch(/^us-east-1_[A-Za-z0-9]{9}$/);
    expect(m.getAtt('Pool', 'ProviderURL')).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${m.ref('Pool')}`);
    expect(m.ref('Client')).toMatch(/^[a-z0-9]{26}$/);
    expect(m.getAtt('Rule', 'Arn')).toBe(`arn:aws:events:us-east-1:000000000000:rule/${m.ref('Rule')}`);
    expect(m.getAtt('Schedule', 'Arn')).toBe(`arn:aws:scheduler:us-east-1:000000000000:schedule/default/${m.ref('Schedule')}`);
    expect(m.ref('Custom')).toMatch(/^Test-dev-Custom-[A-Z0-9]{12}$/);
  });

  it('is deterministic across instances and distinct between logical ids', () => {
    const again = model(resources);
    for (const id of Object.keys(resources)) expect(again.ref(id)).toBe(m.ref(id));
    expect(m.ref('Key')).not.toBe(model({ Key2: { Type: 'AWS::KMS::Key' } }).ref('Key2'));
    expect(new Set(Object.keys(resources).map((id) => m.ref(id))).size).toBe(Object.keys(resources).length);
  });

  it('uses physicalNames overrides', () => {
    const named = model(resources, {}, { ...PLAIN, physicalNames: { Table: 'microloan-local', Bucket: 'local-docs', Key: 'local-key' } });
    expect(named.ref('Table')).toBe('microloan-local');
    expect(named.getAtt('Table', 'Arn')).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/microloan-local');
    expect(named.ref('Bucket')).toBe('local-docs');
    expect(named.getAtt('Key', 'Arn')).toBe('arn:aws:kms:us-east-1:000000000000:key/local-key');
  });

  it('refuses Ref to a resource whose condition is false, and leaves it out of the lists', () => {
    const m2 = new LocalTemplate(fixtureTemplate(), ACCOUNT);
    expect(() => m2.ref('ProdOnlyTopic')).toThrow(/condition IsProd is false/);
    expect(m2.topics().map((t) => t.logicalId)).toEqual(['ApplicantTopic', 'PlainTopic']);
  });
});

describe('the API stage URL becomes the local API URL', () => {
  it('rewrites the Fn::Join CDK writes for the stage URL, the bare endpoint and URLs built on it', () => {
    const template = fixtureTemplate();
    const submit = templateFunctions(template, ACCOUNT).find((f) => f.logicalId === 'SubmitFunction');
    expect(submit?.environment.PUBLIC_BASE_URL).toBe('http://localhost:3000/');
    const m = new LocalTemplate(template, ACCOUNT);
    expect(m.resolve({ 'Fn::GetAtt': ['Api', 'ApiEndpoint'] })).toBe('http://localhost:3000');
    expect(m.resolve({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Api', 'ApiEndpoint'] }, '/v1/reviews?x=1']] })).toBe('http://localhost:3000/v1/reviews?x=1');
    // Without apiUrl, the AWS form stays.
    const aws = new LocalTemplate(template, { ...ACCOUNT, apiUrl: undefined });
    expect(aws.resolve({ 'Fn::GetAtt': ['Api', 'ApiEndpoint'] })).toMatch(/^https:\/\/[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com$/);
  });

  it('drops a named stage from the path', () => {
    const m = model(
      { Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: {} }, Prod: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'Api' }, StageName: 'prod' } } },
      {},
      { ...PLAIN, apiUrl: 'http://localhost:4000/' },
    );
    const url = { 'Fn::Join': ['', ['https://', { Ref: 'Api' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/prod/']] };
    expect(m.resolve(url)).toBe('http://localhost:4000/');
    expect(m.resolve({ 'Fn::Join': ['', [url, 'v1/x']] })).toBe('http://localhost:4000/v1/x');
    expect(m.resolve({ 'Fn::Join': ['', ['https://', { Ref: 'Api' }, '.execute-api.us-east-1.amazonaws.com/production']] })).toMatch(/^http:\/\/localhost:4000\/production$/);
  });
});

describe('templateFunctions', () => {
  it('gives each function its names, code, role, resolved environment and settings (with CloudFormation defaults)', () => {
    const functions = templateFunctions(fixtureTemplate(), ACCOUNT);
    expect(functions.map((f) => f.logicalId)).toEqual(['SubmitFunction', 'NoKmsFunction', 'WorkerFunction', 'UploadedFunction']);
    const submit = functions[0]!;
    expect(submit).toMatchObject({
      logicalId: 'SubmitFunction',
      handler: 'index.handler',
      runtime: 'nodejs24.x',
      code: { s3Key: 'abc.zip', s3Bucket: 'cdk-hnb659fds-assets-000000000000-us-east-1' },
      roleLogicalId: 'SubmitRole',
      timeoutSeconds: 10,
      memoryMb: 512,
      tracing: 'Active',
      architectures: ['x86_64'],
    });
    expect(submit.functionName).toMatch(/^Test-dev-SubmitFunction-[A-Z0-9]{12}$/);
    expect(submit.arn).toBe(`arn:aws:lambda:us-east-1:000000000000:function:${submit.functionName}`);
    expect(submit.roleArn).toBe(`arn:aws:iam::000000000000:role/${submit.roleName}`);
    expect(submit.environment).toEqual({
      TABLE_NAME: 'test-local',
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:Test-pipeline',
      PII_SECRET_ARN: expect.stringMatching(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:PiiSecret-[A-Za-z0-9]{12}-[A-Za-z0-9]{6}$/),
      TOPIC_ARN: expect.stringMatching(/^arn:aws:sns:us-east-1:000000000000:Test-dev-ApplicantTopic-/),
      BUCKET: expect.stringMatching(/^test-dev-docsbucket-[a-z0-9]{12}$/),
      PUBLIC_BASE_URL: 'http://localhost:3000/',
    });
    const worker = functions.find((f) => f.logicalId === 'WorkerFunction')!;
    expect(worker).toMatchObject({ functionName: 'Test-worker', timeoutSeconds: 3, memoryMb: 128, tracing: 'PassThrough' });
  });

  it('reads inline code', () => {
    const [inline] = templateFunctions(
      { Resources: { R: { Type: 'AWS::IAM::Role', Properties: {} }, F: { Type: 'AWS::Lambda::Function', Properties: { Code: { ZipFile: 'exports.handler=1' }, Role: { 'Fn::GetAtt': ['R', 'Arn'] } } } } },
      PLAIN,
    );
    expect(inline?.code).toEqual({ zipFile: 'exports.handler=1' });
  });
});

describe('roleStatements', () => {
  it('collects attached policies and known AWS managed policies, resolved to strings', () => {
    const statements = roleStatements(fixtureTemplate(), 'SubmitRole', ACCOUNT);
    expect(statements[0]).toEqual({
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: '*',
      source: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    });
    const tableStatement = statements.find((s) => Array.isArray(s.Action) && s.Action.includes('dynamodb:GetItem'));
    expect(tableStatement?.Resource).toEqual(['arn:aws:dynamodb:us-east-1:000000000000:table/test-local', 'arn:aws:dynamodb:us-east-1:000000000000:table/test-local/index/*']);
    expect(tableStatement?.source).toBe('SubmitPolicy');
    const viaSecrets = statements.find((s) => s.Condition?.StringLike?.['kms:ViaService'] === 'secretsmanager.us-east-1.*');
    expect(viaSecrets?.Resource).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\//);
    const stop = statements.find((s) => s.Action === 'states:StopExecution');
    expect(stop?.Resource).toBe('arn:aws:states:us-east-1:000000000000:execution:Test-pipeline:*');
    // Nothing of another role's policy.
    expect(statements.some((s) => s.source === 'NoKmsPolicy')).toBe(false);
  });

  it('takes inline Policies, template managed policies (by ARN or by Roles), RolePolicy resources, and converts condition values to strings', () => {
    const template = {
      Resources: {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: {
            RoleName: 'my-role',
            Policies: [{ PolicyName: 'inline', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': true } } }] } }],
            ManagedPolicyArns: [{ Ref: 'Managed' }],
          },
        },
        Managed: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: '*' }] } } },
        AttachedManaged: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: ['my-role'], PolicyDocument: { Statement: { Effect: 'Deny', Action: 'kms:*', Resource: '*' } } } },
        RolePolicy: { Type: 'AWS::IAM::RolePolicy', Properties: { RoleName: { Ref: 'R' }, PolicyName: 'p', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] } } },
        Other: { Type: 'AWS::IAM::Policy', Properties: { Roles: ['someone-else'], PolicyName: 'x', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } } },
      },
    };
    const statements = roleStatements(template, 'R', PLAIN);
    expect(statements.map((s) => [s.source, s.Effect, s.Action])).toEqual([
      ['R/inline', 'Allow', 's3:GetObject'],
      ['Managed', 'Allow', 'sns:Publish'],
      ['AttachedManaged', 'Deny', 'kms:*'],
      ['RolePolicy', 'Allow', 'sqs:SendMessage'],
    ]);
    expect(statements[0]?.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'true' } });
  });

  it('throws, naming the ARN, for an AWS managed policy it does not know', () => {
    const template = { Resources: { R: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] } } } };
    expect(() => roleStatements(template, 'R', PLAIN)).toThrow(/arn:aws:iam::aws:policy\/AdministratorAccess is not known locally/);
    expect(() => roleStatements(template, 'Nope', PLAIN)).toThrow(/no resource with logical id Nope/);
  });
});

describe('event rules and resource facts', () => {
  const template = fixtureTemplate();

  it('eventRules resolves patterns, state and targets', () => {
    const rules = eventRules(template, ACCOUNT);
    const bucket = templateBuckets(template, ACCOUNT).find((b) => b.logicalId === 'DocsBucket')!;
    const uploaded = rules.find((r) => r.logicalId === 'UploadedRule')!;
    expect(uploaded).toMatchObject({
      eventBusName: 'default',
      state: 'ENABLED',
      eventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [bucket.name] }, object: { key: [{ prefix: 'applications/' }] } } },
      targets: [{ id: 'Target0', arn: templateFunctions(template, ACCOUNT).find((f) => f.logicalId === 'UploadedFunction')!.arn, hasInputTransformer: false }],
    });
    expect(uploaded.arn).toBe(`arn:aws:events:us-east-1:000000000000:rule/${uploaded.name}`);
    expect(rules.find((r) => r.logicalId === 'DisabledRule')?.state).toBe('DISABLED');
    expect(rules.find((r) => r.logicalId === 'ContractsRule')?.targets.map((t) => t.input ?? t.inputPath)).toEqual(['{"constant":true}', '$.detail']);
  });

  it('topics, buckets, secrets and tables carry their KMS keys; buckets their notifications and CORS', () => {
    const keyArn = new LocalTemplate(template, ACCOUNT).getAtt('DataKey', 'Arn');
    expect(templateTopics(template, ACCOUNT).map((t) => [t.logicalId, t.kmsKeyArn])).toEqual([
      ['ApplicantTopic', keyArn],
      ['PlainTopic', undefined],
    ]);
    expect(templateTopics(template, ACCOUNT)[1]?.arn).toBe('arn:aws:sns:us-east-1:000000000000:plain-topic');
    const [docs, plain] = templateBuckets(template, ACCOUNT);
    expect(docs).toMatchObject({ sseAlgorithm: 'aws:kms', kmsKeyArn: keyArn, bucketKeyEnabled: true, versioned: true, eventBridgeEnabled: true, lambdaNotifications: [] });
    expect(docs?.corsRules).toEqual([{ allowedOrigins: ['*'], allowedMethods: ['PUT'], allowedHeaders: ['*'], exposedHeaders: ['ETag'], maxAge: 3000 }]);
    expect(plain).toMatchObject({ name: 'plain-bucket', arn: 'arn:aws:s3:::plain-bucket', bucketKeyEnabled: false, versioned: false, eventBridgeEnabled: false });
    expect(plain?.sseAlgorithm).toBeUndefined();
    expect(templateSecrets(template, ACCOUNT).map((s) => [s.logicalId, s.kmsKeyArn])).toEqual([
      ['PiiSecret', keyArn],
      ['PlainSecret', undefined],
    ]);
    expect(templateSecrets(template, ACCOUNT)[1]?.arn).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:plain-secret-[A-Za-z0-9]{6}$/);
    expect(templateTables(template, ACCOUNT)).toEqual([{ logicalId: 'DataTable', name: 'test-local', arn: 'arn:aws:dynamodb:us-east-1:000000000000:table/test-local', kmsKeyArn: keyArn }]);
    expect(templateStateMachines(template, ACCOUNT)).toEqual([{ logicalId: 'Pipeline', name: 'Test-pipeline', arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Test-pipeline' }]);
  });

  it('reads CDK’s Custom::S3BucketNotifications (Lambda configurations, EventBridge) and treats AWS managed keys as no key', () => {
    const withCustom = {
      Resources: {
        B: { Type: 'AWS::S3::Bucket', Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } } },
        F: { Type: 'AWS::Lambda::Function', Properties: { Role: 'arn:aws:iam::000000000000:role/x' } },
        N: {
          Type: 'Custom::S3BucketNotifications',
          Properties: {
            BucketName: { Ref: 'B' },
            NotificationConfiguration: {
              EventBridgeConfiguration: {},
              LambdaFunctionConfigurations: [{ Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'applications/' }] } }, LambdaFunctionArn: { 'Fn::GetAtt': ['F', 'Arn'] } }],
            },
          },
        },
        T: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: 'alias/aws/sns' } },
      },
    };
    const [bucket] = templateBuckets(withCustom, PLAIN);
    expect(bucket).toMatchObject({ sseAlgorithm: 'aws:kms', eventBridgeEnabled: true });
    expect(bucket?.kmsKeyArn).toBeUndefined();
    expect(bucket?.lambdaNotifications).toEqual([{ events: ['s3:ObjectCreated:*'], prefix: 'applications/', functionArn: expect.stringMatching(/:function:Test-dev-F-/) }]);
    expect(templateTopics(withCustom, PLAIN)[0]?.kmsKeyArn).toBeUndefined();
  });
});

describe('localCredentials', () => {
  it('gives every function distinct, deterministic credentials and finds the function of a key', () => {
    const directory = localCredentials(fixtureTemplate());
    const entries = directory.entries();
    expect(entries.map(([id]) => id)).toEqual(['SubmitFunction', 'NoKmsFunction', 'WorkerFunction', 'UploadedFunction']);
    for (const [id, credentials] of entries) {
      expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
      expect(credentials.secretAccessKey).toHaveLength(40);
      expect(directory.functionOf(credentials.accessKeyId)).toBe(id);
    }
    expect(new Set(entries.map(([, c]) => c.accessKeyId)).size).toBe(entries.length);
    expect(new Set(entries.map(([, c]) => c.secretAccessKey)).size).toBe(entries.length);
    expect(localCredentials(fixtureTemplate()).forFunction('SubmitFunction')).toEqual(directory.forFunction('SubmitFunction'));
    expect(directory.functionOf('AKIAUNKNOWN')).toBeUndefined();
    expect(() => directory.forFunction('SubmitRole')).toThrow(/no Lambda function/);
  });
});
