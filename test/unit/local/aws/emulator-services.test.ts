// Step Functions, SNS, Secrets Manager and Lambda through the emulator, driven by the real SDK v3 clients.

import { InvokeCommand, LambdaClient, ResourceNotFoundException, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, ResourceNotFoundException as SecretNotFound, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { AuthorizationErrorException, InvalidParameterException, KMSAccessDeniedException, NotFoundException, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { localTemplate } from '../../../../local/aws/template';
import { ACCOUNT, FINISHED_TOKEN, fixtureTemplate, KNOWN_TOKEN, startTestEmulator, type TestEmulator } from './fixture';
import { rejection } from '../../../support/rejection';

let t: TestEmulator;
const model = localTemplate(fixtureTemplate(), ACCOUNT);
const PIPELINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:Test-pipeline';
const applicantTopic = model.topics().find((topic) => topic.logicalId === 'ApplicantTopic')!;
const plainTopic = model.topics().find((topic) => topic.logicalId === 'PlainTopic')!;
const keyArn = String(model.getAtt('DataKey', 'Arn'));
const fn = (id: string) => model.functions().find((f) => f.logicalId === id)!;

beforeAll(async () => {
  t = await startTestEmulator();
});

afterAll(async () => {
  await t.stop();
});

const lastCall = () => t.emulator.calls().at(-1)!;

describe('Step Functions', () => {
  const sfn = () => new SFNClient(t.clientConfig('SubmitFunction'));

  it('StartExecution reaches the backend and answers the execution ARN and date', async () => {
    const result = await sfn().send(new StartExecutionCommand({ stateMachineArn: PIPELINE, name: '01APPLICATION', input: '{"a":1}' }));
    expect(result.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:Test-pipeline:01APPLICATION');
    expect(result.startDate).toEqual(new Date('2026-06-01T12:00:00.500Z'));
    expect(t.recorded.startExecution.at(-1)).toEqual({ stateMachineArn: PIPELINE, name: '01APPLICATION', input: '{"a":1}' });
    expect(lastCall()).toMatchObject({
      caller: 'SubmitFunction',
      service: 'states',
      operation: 'StartExecution',
      checks: [{ action: 'states:StartExecution', resource: PIPELINE, decision: 'allow' }],
      allowed: true,
      status: 200,
    });
  });

  it('backend errors become the SDK’s exception classes', async () => {
    await sfn().send(new StartExecutionCommand({ stateMachineArn: PIPELINE, name: 'twice', input: '{}' }));
    const again = await rejection(sfn().send(new StartExecutionCommand({ stateMachineArn: PIPELINE, name: 'twice', input: '{}' })));
    expect(again).toBeInstanceOf(ExecutionAlreadyExists);
    expect(lastCall()).toMatchObject({ allowed: true, status: 400, error: "ExecutionAlreadyExists: Execution Already Exists: 'twice'" });
    const missing = await rejection(sfn().send(new StopExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:Test-pipeline:missing' })));
    expect(missing).toBeInstanceOf(ExecutionDoesNotExist);
    expect(await rejection(sfn().send(new SendTaskSuccessCommand({ taskToken: FINISHED_TOKEN, output: '{}' })))).toBeInstanceOf(TaskTimedOut);
    expect(await rejection(sfn().send(new SendTaskFailureCommand({ taskToken: FINISHED_TOKEN, error: 'E' })))).toBeInstanceOf(TaskDoesNotExist);
  });

  it('checks input and output JSON and the state machine, as Step Functions does', async () => {
    expect((await rejection(sfn().send(new StartExecutionCommand({ stateMachineArn: PIPELINE, name: 'bad-input', input: '{' })))).name).toBe('InvalidExecutionInput');
    expect(await rejection(sfn().send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Test-*', input: '{}' })))).toBeInstanceOf(Error);
    expect((await rejection(sfn().send(new SendTaskSuccessCommand({ taskToken: KNOWN_TOKEN, output: 'not json' })))).name).toBe('InvalidOutput');
    // Allowed by the policy only for the template's machine, so another machine is refused before "does not exist".
    const other = await rejection(sfn().send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Other', input: '{}' })));
    expect(other.name).toBe('AccessDeniedException');
    const wildcardTemplate = fixtureTemplate() as { Resources: Record<string, { Properties: { PolicyDocument?: { Statement: { Action: unknown; Resource: unknown }[] } } }> };
    const statements = wildcardTemplate.Resources.SubmitPolicy!.Properties.PolicyDocument!.Statement;
    statements.find((s) => s.Action === 'states:StartExecution')!.Resource = '*';
    const wide = await startTestEmulator({ template: wildcardTemplate });
    try {
      const client = new SFNClient(wide.clientConfig('SubmitFunction'));
      expect(await rejection(client.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Other', input: '{}' })))).toBeInstanceOf(StateMachineDoesNotExist);
      expect(wide.emulator.calls().at(-1)?.checks).toEqual([{ action: 'states:StartExecution', resource: 'arn:aws:states:us-east-1:000000000000:stateMachine:Other', decision: 'allow' }]);
    } finally {
      await wide.stop();
    }
  });

  it('StopExecution is authorized on the execution ARN (the policy’s execution:<machine>:* pattern)', async () => {
    const executionArn = 'arn:aws:states:us-east-1:000000000000:execution:Test-pipeline:01APP';
    const result = await sfn().send(new StopExecutionCommand({ executionArn, error: 'Stopped', cause: 'withdrawn' }));
    expect(result.stopDate).toEqual(new Date('2026-06-01T12:01:00Z'));
    expect(t.recorded.stopExecution.at(-1)).toEqual({ executionArn, error: 'Stopped', cause: 'withdrawn' });
    expect(lastCall().checks).toEqual([{ action: 'states:StopExecution', resource: executionArn, decision: 'allow' }]);
    const denied = await rejection(new SFNClient(t.clientConfig('NoKmsFunction')).send(new StopExecutionCommand({ executionArn })));
    expect(denied.name).toBe('AccessDeniedException');
  });

  it('SendTask* are authorized on the state machine the token belongs to', async () => {
    await sfn().send(new SendTaskSuccessCommand({ taskToken: KNOWN_TOKEN, output: '{"decision":"approve"}' }));
    await sfn().send(new SendTaskHeartbeatCommand({ taskToken: KNOWN_TOKEN }));
    expect(t.recorded.taskAnswers.slice(-2)).toEqual([
      { kind: 'success', taskToken: KNOWN_TOKEN, output: '{"decision":"approve"}' },
      { kind: 'heartbeat', taskToken: KNOWN_TOKEN },
    ]);
    expect(lastCall().checks).toEqual([{ action: 'states:SendTaskHeartbeat', resource: PIPELINE, decision: 'allow' }]);

    // NoKmsFunction may answer tasks only of another machine.
    const denied = await rejection(new SFNClient(t.clientConfig('NoKmsFunction')).send(new SendTaskSuccessCommand({ taskToken: KNOWN_TOKEN, output: '{}' })));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/${fn('NoKmsFunction').roleName}/${fn('NoKmsFunction').functionName} is not authorized to perform: states:SendTaskSuccess on resource: ${PIPELINE} because no identity-based policy allows the states:SendTaskSuccess action`,
    );
    expect(lastCall()).toMatchObject({ caller: 'NoKmsFunction', allowed: false, status: 400, checks: [{ action: 'states:SendTaskSuccess', resource: PIPELINE, decision: 'implicitDeny' }] });
  });

  it('an unknown token: a caller allowed on a template state machine gets the backend’s answer, others AccessDenied', async () => {
    expect(await rejection(sfn().send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })))).toBeInstanceOf(InvalidToken);
    expect(lastCall().checks).toEqual([{ action: 'states:SendTaskSuccess', resource: PIPELINE, decision: 'allow' }]);
    const denied = await rejection(new SFNClient(t.clientConfig('WorkerFunction')).send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })));
    expect(denied.name).toBe('AccessDeniedException');
  });
});

describe('SNS', () => {
  const sns = (id = 'SubmitFunction') => new SNSClient(t.clientConfig(id));

  it('takes a UTF-8 subject (a Chinese e-mail subject), and refuses one with a line break or of 100 characters', async () => {
    await sns().send(new PublishCommand({ TopicArn: applicantTopic.arn, Subject: '您的贷款申请已获批准', Message: '已获批准' }));
    expect(t.recorded.publish.at(-1)).toMatchObject({ subject: '您的贷款申请已获批准' });
    for (const subject of ['line one\nline two', 'x'.repeat(100)]) {
      const refused = await rejection(sns().send(new PublishCommand({ TopicArn: applicantTopic.arn, Subject: subject, Message: 'm' })));
      expect(refused.name).toBe('InvalidParameterException');
    }
  });

  it('Publish to an encrypted topic checks sns:Publish and the key through SNS, and passes subject, message and attributes', async () => {
    const result = await sns().send(
      new PublishCommand({
        TopicArn: applicantTopic.arn,
        Subject: 'Your application',
        Message: 'Approved & ready <b>',
        MessageAttributes: { channel: { DataType: 'String', StringValue: 'email' }, reviewerId: { DataType: 'String', StringValue: 'r-1' } },
      }),
    );
    expect(result.MessageId).toMatch(/^message-\d+$/);
    expect(t.recorded.publish.at(-1)).toEqual({
      topicArn: applicantTopic.arn,
      subject: 'Your application',
      message: 'Approved & ready <b>',
      messageAttributes: { channel: 'email', reviewerId: 'r-1' },
    });
    expect(lastCall()).toMatchObject({
      service: 'sns',
      operation: 'Publish',
      allowed: true,
      checks: [
        { action: 'sns:Publish', resource: applicantTopic.arn, decision: 'allow' },
        { action: 'kms:GenerateDataKey', resource: keyArn, decision: 'allow' },
        { action: 'kms:Decrypt', resource: keyArn, decision: 'allow' },
      ],
    });
  });

  it('Publish to a phone number is authorized on "*" (with aws:SecureTransport true)', async () => {
    await sns().send(new PublishCommand({ PhoneNumber: '+8613800138000', Message: 'Your code is 1234' }));
    expect(t.recorded.publish.at(-1)).toEqual({ phoneNumber: '+8613800138000', message: 'Your code is 1234', messageAttributes: {} });
    expect(lastCall().checks).toEqual([{ action: 'sns:Publish', resource: '*', decision: 'allow' }]);
  });

  it('refuses a topic outside the role with AuthorizationError, and a key the role may not use with KMSAccessDenied', async () => {
    // SubmitFunction may publish to "*" (for SMS) with SecureTransport, so plain-topic is allowed; WorkerFunction is not.
    await sns().send(new PublishCommand({ TopicArn: plainTopic.arn, Message: 'x' }));
    expect(lastCall().checks).toEqual([{ action: 'sns:Publish', resource: plainTopic.arn, decision: 'allow' }]);
    const worker = await rejection(sns('WorkerFunction').send(new PublishCommand({ TopicArn: plainTopic.arn, Message: 'x' })));
    expect(worker).toBeInstanceOf(AuthorizationErrorException);
    expect(worker.$metadata?.httpStatusCode).toBe(403);
    expect(worker.message).toMatch(/is not authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:000000000000:plain-topic because no identity-based policy allows/);
    expect(lastCall()).toMatchObject({ caller: 'WorkerFunction', allowed: false, status: 403 });

    const noKey = await rejection(sns('NoKmsFunction').send(new PublishCommand({ TopicArn: applicantTopic.arn, Message: 'x' })));
    expect(noKey).toBeInstanceOf(KMSAccessDeniedException);
    expect(noKey.message).toMatch(/not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:/);
    expect(lastCall().checks.map((c) => [c.action, c.decision])).toEqual([
      ['sns:Publish', 'allow'],
      ['kms:GenerateDataKey', 'implicitDeny'],
    ]);
    // The plain topic needs no key.
    await sns('NoKmsFunction').send(new PublishCommand({ TopicArn: plainTopic.arn, Message: 'x' }));
  });

  it('answers NotFound and InvalidParameter as SNS does', async () => {
    const missing = await rejection(sns().send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:nope', Message: 'x' })));
    // The "*" statement allows it, so the missing topic is what is reported.
    expect(missing).toBeInstanceOf(NotFoundException);
    expect(await rejection(sns().send(new PublishCommand({ TopicArn: applicantTopic.arn, Message: '' })))).toBeInstanceOf(InvalidParameterException);
    expect(await rejection(sns().send(new PublishCommand({ PhoneNumber: '12345', Message: 'x' })))).toBeInstanceOf(InvalidParameterException);
  });

  it('Subscribe passes protocol, endpoint, attributes and ReturnSubscriptionArn, authorized on the topic', async () => {
    const result = await sns().send(
      new SubscribeCommand({
        TopicArn: plainTopic.arn,
        Protocol: 'email',
        Endpoint: 'reviewer@example.com',
        Attributes: { FilterPolicy: '{"reviewerId":["r-1"]}', FilterPolicyScope: 'MessageAttributes' },
        ReturnSubscriptionArn: true,
      }),
    );
    expect(result.SubscriptionArn).toBe(`${plainTopic.arn}:subscription-${t.recorded.subscribe.length}`);
    expect(t.recorded.subscribe.at(-1)).toEqual({
      topicArn: plainTopic.arn,
      protocol: 'email',
      endpoint: 'reviewer@example.com',
      attributes: { FilterPolicy: '{"reviewerId":["r-1"]}', FilterPolicyScope: 'MessageAttributes' },
      returnSubscriptionArn: true,
    });
    expect(lastCall()).toMatchObject({ operation: 'Subscribe', checks: [{ action: 'sns:Subscribe', resource: plainTopic.arn, decision: 'allow' }] });
    const bad = await rejection(sns().send(new SubscribeCommand({ TopicArn: plainTopic.arn, Protocol: 'email', Endpoint: 'a@b.c', Attributes: { FilterPolicy: '{' } })));
    expect(bad).toBeInstanceOf(InvalidParameterException);
    expect(await rejection(sns().send(new SubscribeCommand({ TopicArn: applicantTopic.arn, Protocol: 'email', Endpoint: 'a@b.c' })))).toBeInstanceOf(AuthorizationErrorException);
  });
});

describe('Secrets Manager', () => {
  const secrets = (id = 'SubmitFunction') => new SecretsManagerClient(t.clientConfig(id));
  const pii = model.secrets().find((s) => s.logicalId === 'PiiSecret')!;
  const plain = model.secrets().find((s) => s.logicalId === 'PlainSecret')!;

  beforeAll(() => {
    t.secretValues.set(pii.arn, 'pii-key-material');
    t.secretValues.set(plain.arn, 'plain-value');
  });

  it('GetSecretValue by ARN or name, authorized on the complete ARN plus kms:Decrypt through Secrets Manager', async () => {
    const byArn = await secrets().send(new GetSecretValueCommand({ SecretId: pii.arn }));
    expect(byArn).toMatchObject({ ARN: pii.arn, Name: pii.name, SecretString: 'pii-key-material', VersionId: 'version-1', VersionStages: ['AWSCURRENT'] });
    expect(byArn.CreatedDate).toBeInstanceOf(Date);
    expect(lastCall().checks).toEqual([
      { action: 'secretsmanager:GetSecretValue', resource: pii.arn, decision: 'allow' },
      { action: 'kms:Decrypt', resource: keyArn, decision: 'allow' },
    ]);
    const byName = await secrets().send(new GetSecretValueCommand({ SecretId: pii.name }));
    expect(byName.SecretString).toBe('pii-key-material');
    expect(lastCall().checks[0]?.resource).toBe(pii.arn);
  });

  it('refuses a secret outside the role, a key the role may not use, and reports a missing secret', async () => {
    const denied = await rejection(secrets().send(new GetSecretValueCommand({ SecretId: plain.arn })));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toMatch(/not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:000000000000:secret:plain-secret-/);
    const noKms = await rejection(secrets('NoKmsFunction').send(new GetSecretValueCommand({ SecretId: pii.arn })));
    expect(noKms.name).toBe('AccessDeniedException');
    expect(noKms.message).toBe('Access to KMS is not allowed');
    expect((await secrets('NoKmsFunction').send(new GetSecretValueCommand({ SecretId: plain.name }))).SecretString).toBe('plain-value');
    // A secret that does not exist: AccessDenied for a caller without permission, ResourceNotFound for one with it.
    expect((await rejection(secrets().send(new GetSecretValueCommand({ SecretId: 'ghost' })))).name).toBe('AccessDeniedException');
    const wideTemplate = fixtureTemplate() as { Resources: Record<string, { Properties: Record<string, unknown> }> };
    wideTemplate.Resources.WorkerRole!.Properties.Policies = [{ PolicyName: 'all-secrets', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }] } }];
    const wide = await startTestEmulator({ template: wideTemplate });
    try {
      const client = new SecretsManagerClient(wide.clientConfig('WorkerFunction'));
      expect(await rejection(client.send(new GetSecretValueCommand({ SecretId: 'ghost' })))).toBeInstanceOf(SecretNotFound);
    } finally {
      await wide.stop();
    }
  });
});

describe('Lambda', () => {
  const lambda = (id = 'SubmitFunction') => new LambdaClient(t.clientConfig(id));
  const worker = fn('WorkerFunction');

  it('Invoke RequestResponse by name or ARN returns the payload, authorized on the function ARN', async () => {
    const result = await lambda().send(new InvokeCommand({ FunctionName: 'Test-worker', Payload: Buffer.from('{"x":1}') }));
    expect(result.StatusCode).toBe(200);
    expect(Buffer.from(result.Payload ?? []).toString()).toBe('{"ok":true}');
    expect(result.ExecutedVersion).toBe('$LATEST');
    expect(t.recorded.invoke.at(-1)).toEqual({ functionName: 'Test-worker', payload: '{"x":1}', invocationType: 'RequestResponse', caller: 'SubmitFunction' });
    expect(lastCall()).toMatchObject({ service: 'lambda', operation: 'Invoke', checks: [{ action: 'lambda:InvokeFunction', resource: worker.arn, decision: 'allow' }] });
    await lambda().send(new InvokeCommand({ FunctionName: worker.arn, Payload: Buffer.from('{}') }));
    expect(lastCall().checks[0]?.resource).toBe(worker.arn);
  });

  it('Invoke Event answers 202; a function error comes back as FunctionError', async () => {
    const event = await lambda().send(new InvokeCommand({ FunctionName: 'Test-worker', InvocationType: 'Event', Payload: Buffer.from('{"cursor":"x"}') }));
    expect(event.StatusCode).toBe(202);
    expect(t.recorded.invoke.at(-1)?.invocationType).toBe('Event');
    const failed = await lambda().send(new InvokeCommand({ FunctionName: 'Test-worker', Payload: Buffer.from('{"fail":true}') }));
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(failed.Payload ?? []).toString())).toEqual({ errorType: 'Error', errorMessage: 'boom' });
    expect(await rejection(lambda().send(new InvokeCommand({ FunctionName: 'Test-worker', Payload: Buffer.from('{"throttle":true}') })))).toBeInstanceOf(TooManyRequestsException);
  });

  it('refuses a function outside the role, and reports one that does not exist', async () => {
    const denied = await rejection(lambda('WorkerFunction').send(new InvokeCommand({ FunctionName: 'Test-worker', Payload: Buffer.from('{}') })));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.$metadata?.httpStatusCode).toBe(403);
    expect(denied.message).toMatch(/not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:Test-worker because/);
    // The policy allows Test-worker:* (qualified), so a qualifier passes IAM and then does not exist.
    const qualified = await rejection(lambda().send(new InvokeCommand({ FunctionName: 'Test-worker', Qualifier: 'live', Payload: Buffer.from('{}') })));
    expect(qualified).toBeInstanceOf(ResourceNotFoundException);
    expect((await rejection(lambda().send(new InvokeCommand({ FunctionName: 'Test-worker', Payload: Buffer.from('not json') })))).name).toBe('InvalidRequestContentException');
  });
});
