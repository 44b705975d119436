// The deployed form on this machine: every function of the synthesized template, as its bundle, in the local Lambda
// runtime (local/lambda) with exactly the template's environment (references resolved to local values) and its own
// credentials; every AWS call it makes goes to the local AWS emulator (local/aws), which checks it against the
// function's role in the template and answers it from the local stack — DynamoDB Local, the state machine runner,
// the outbox, the secrets in the data folder, the runtime itself. Nothing here knows what a handler does.

import { join } from 'node:path';
import type { HttpHandler, HttpResult } from '../functions/shared/http';
import type { HttpHandlerName, HandlerName } from '../functions/shared/routes';
import { API_ROUTES } from '../functions/shared/routes';
import { PIPELINE_TASK_PLACEHOLDERS, type PipelineTaskHandler } from '../lib/pipeline-substitutions';
import { startAwsEmulator, AwsServiceError, type AwsCall, type AwsEmulator, type EmulatorBackends } from './aws/emulator';
import { localTemplate, type LocalAccount, type LocalTemplate, type TemplateFunction } from './aws/template';
import type { BuiltAssembly } from './build';
import type { LocalClock } from './clock';
import { createLambdaRuntime, type InvokeOutcome, type LambdaRuntime } from './lambda/runtime';
import type { LocalLog } from './log';
import type { LocalOutbox } from './outbox';
import type { LocalReviewerSubscriptions } from './reviewer-subscriptions';
import { TaskTokenGoneError } from '../functions/core/kernel/errors';
import type { LocalWorkflow, TaskHandler } from './workflow';

const REPO_ROOT = join(import.meta.dirname, '..');

/** The template metadata key naming a function's handler (lib/house-function.ts HANDLER_METADATA_KEY). */
const HANDLER_METADATA_KEY = 'microloan:handler';

export const LOCAL_ACCOUNT: Omit<LocalAccount, 'stackName' | 'physicalNames' | 'apiUrl'> = { partition: 'aws', region: 'us-east-1', accountId: '000000000000' };

/** The local secret (a file in the data folder) behind each secret of the template, by the secret's construct path. */
const SECRET_PATHS: Record<string, keyof DeployedFormInput['secrets']> = {
  '/Data/PiiSecret/Resource': 'pii',
  '/Data/ReviewLinkSecret/Resource': 'reviewLinks',
  '/Data/RepaymentWebhookSecret/Resource': 'repaymentWebhook',
};
const TOPIC_PATHS = {
  '/Notifications/ApplicantTopic/Resource': 'applicant',
  '/Notifications/ReviewTopic/Resource': 'review',
  '/Notifications/OpsTopic/Resource': 'ops',
} as const;

export interface DeployedFormInput {
  assembly: BuiltAssembly;
  /** Where the local HTTP API listens (review links point there), ending in `/`. */
  apiUrl: string;
  dynamoEndpoint: string;
  tableName: string;
  /** The emulator's S3 objects (uploads, contracts) live in `<dataDir>/s3`. */
  dataDir: string;
  clock: LocalClock;
  /** The state machine runner; late-bound, since it needs the task handlers this module makes. */
  workflow: () => LocalWorkflow;
  outbox: LocalOutbox;
  subscriptions: LocalReviewerSubscriptions;
  secrets: { pii: string; reviewLinks: string; repaymentWebhook: string };
  /** Each line a function writes (CloudWatch Logs in AWS). */
  onOutput: (handler: string, stream: 'stdout' | 'stderr', line: string) => void;
  /** Variables set over the template's on every function (an operator's configuration change, e.g. LOG_LEVEL). */
  functionEnvironment?: Readonly<Record<string, string>>;
  /** PEM certificates the functions trust besides Node's (a local HTTPS stand-in). */
  extraCaCertificates?: readonly string[];
  /** Pauses before a failed asynchronous invocation is retried (Lambda: 1 and 2 minutes). */
  asyncRetryDelaysMs?: readonly number[];
  log: LocalLog;
}

export interface DeployedForm {
  emulator: AwsEmulator;
  runtime: LambdaRuntime;
  template: LocalTemplate;
  /** The template's functions by handler name (the provider framework of the product seed has none). */
  functionOf(handler: HandlerName): TemplateFunction;
  /** Every function of the template. */
  functions(): readonly TemplateFunction[];
  httpHandlers: Record<HttpHandlerName, HttpHandler>;
  taskHandlers: Record<PipelineTaskHandler, TaskHandler>;
  /** The state machine's definition file (the template's asset) and its substitutions, resolved. */
  stateMachine: { definitionFile: string; substitutions: Record<string, string>; functionArns: Record<PipelineTaskHandler, string>; arn: string };
  /** The EventBridge-Scheduler targets, by the name POST /_local/schedules/{name}/run uses. */
  schedules: Map<string, () => Promise<unknown>>;
  /** Every AWS call the functions made, with its IAM checks. */
  calls(): readonly AwsCall[];
  /** Every invocation that ended in an error (synchronous ones, and asynchronous ones that failed for good). */
  failures(): readonly FailedInvocation[];
  /** Resolves when no invocation is running (asynchronous ones included) and the emulator has no event in flight. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface FailedInvocation {
  handler: string;
  invocationType: 'RequestResponse' | 'Event';
  outcome: Extract<InvokeOutcome, { status: 'error' }>;
}

/** A function's invocation that ended in an error, as the Lambda service reports it to its caller. */
export class LambdaInvocationError extends Error {
  constructor(
    readonly functionName: string,
    readonly outcome: Extract<InvokeOutcome, { status: 'error' }>,
  ) {
    super(outcome.errorMessage);
    // What Step Functions matches: the function's errorType, or Lambda.Unknown when the runtime gave none (a
    // timeout, a crash, out of memory), as the Lambda integration reports those.
    this.name = outcome.kind === 'timeout' || outcome.kind === 'crash' ? 'Lambda.Unknown' : outcome.errorType;
    this.stack = [`${outcome.errorType}: ${outcome.errorMessage}`, ...outcome.trace].join('\n');
  }
}

export async function startDeployedForm(input: DeployedFormInput): Promise<DeployedForm> {
  const { assembly } = input;
  const account: LocalAccount = {
    ...LOCAL_ACCOUNT,
    stackName: assembly.stackName,
    physicalNames: { [tableLogicalId(assembly)]: input.tableName },
    apiUrl: input.apiUrl,
  };
  const template = localTemplate(assembly.template, account);
  const functions = template.functions();
  const byHandler = new Map<string, TemplateFunction>();
  for (const fn of functions) {
    const handler = (assembly.template.Resources[fn.logicalId] as { Metadata?: Record<string, unknown> }).Metadata?.[HANDLER_METADATA_KEY];
    if (typeof handler === 'string') byHandler.set(handler, fn);
  }
  const handlerOfName = new Map(functions.map((fn) => [fn.functionName, ((assembly.template.Resources[fn.logicalId] as { Metadata?: Record<string, unknown> }).Metadata?.[HANDLER_METADATA_KEY] as string | undefined) ?? fn.logicalId]));
  const functionOf = (handler: HandlerName): TemplateFunction => {
    const fn = byHandler.get(handler);
    if (!fn) throw new Error(`the template has no function for handler ${handler}`);
    return fn;
  };
  const byPath = (suffix: string) =>
    Object.entries(assembly.template.Resources).find(([, r]) => String((r as { Metadata?: Record<string, unknown> }).Metadata?.['aws:cdk:path'] ?? '').endsWith(suffix))?.[0];
  const secretValues = new Map<string, string>();
  for (const secret of template.secrets()) {
    const local = Object.entries(SECRET_PATHS).find(([suffix]) => byPath(suffix) === secret.logicalId)?.[1];
    if (local) secretValues.set(secret.arn, input.secrets[local]);
  }
  const topicKinds = new Map<string, 'applicant' | 'review' | 'ops'>();
  for (const topic of template.topics()) {
    const kind = Object.entries(TOPIC_PATHS).find(([suffix]) => byPath(suffix) === topic.logicalId)?.[1];
    if (kind) topicKinds.set(topic.arn, kind);
  }
  const [stateMachine] = template.stateMachines();
  if (!stateMachine) throw new Error('the template has no state machine');

  let runtime: LambdaRuntime | undefined;
  const failures: FailedInvocation[] = [];
  const handlerNameOf = (name: string): string => handlerOfName.get(name) ?? name;
  // Every invocation goes through here, so failures are recorded whoever invoked (API, state machine, a function).
  const recording = (target: LambdaRuntime): LambdaRuntime => ({
    ...target,
    invoke: async (name, payload, options) => {
      const outcome = await target.invoke(name, payload, options);
      if (outcome.status === 'error') failures.push({ handler: handlerNameOf(name), invocationType: 'RequestResponse', outcome });
      return outcome;
    },
  });
  const runtimeOf = (): LambdaRuntime => {
    if (!runtime) throw new Error('the local Lambda runtime is not ready yet');
    return runtime;
  };
  const backends = createBackends({ input, template, stateMachineArn: stateMachine.arn, secretValues, topicKinds, runtimeOf });
  const emulator = await startAwsEmulator({
    template: assembly.template,
    account,
    backends,
    s3Dir: join(input.dataDir, 's3'),
    now: () => input.clock.now(),
    log: { warn: (message) => input.log.warn(message), error: (message, error) => input.log.error(message, error) },
  });

  runtime = recording(createLambdaRuntime({
    region: LOCAL_ACCOUNT.region,
    functions: functions
      .filter((fn) => 's3Key' in fn.code)
      .map((fn) => ({
        name: fn.functionName,
        arn: fn.arn,
        codeDir: join(assembly.dir, `asset.${(fn.code as { s3Key: string }).s3Key.replace(/\.zip$/, '')}`),
        handler: fn.handler ?? 'index.handler',
        runtime: fn.runtime ?? 'nodejs24.x',
        environment: { ...fn.environment, ...input.functionEnvironment },
        timeoutSeconds: fn.timeoutSeconds,
        memoryMb: fn.memoryMb,
        credentials: emulator.credentialsFor(fn.logicalId),
      })),
    extraEnvironment: { AWS_ENDPOINT_URL: emulator.endpoint },
    clockOffset: input.clock.sharedOffset,
    onOutput: (name, stream, line) => input.onOutput(handlerNameOf(name), stream, line),
    ...(input.asyncRetryDelaysMs ? { asyncRetryDelaysMs: input.asyncRetryDelaysMs } : {}),
    onAsyncFailure: (name, _payload, outcome) => {
      if (outcome.status === 'error') failures.push({ handler: handlerNameOf(name), invocationType: 'Event', outcome });
      input.log.error(`asynchronous invocation of ${handlerNameOf(name)} failed for good`, outcome);
    },
    // CDK's provider framework does not bundle the AWS SDK: Lambda's runtime provides it; the repository's stands in.
    runtimeModulesDir: REPO_ROOT,
    ...(input.extraCaCertificates ? { extraCaCertificates: input.extraCaCertificates } : {}),
  }));

  /** Invokes a handler's function and returns its result, or throws as the caller (API Gateway, Step Functions) sees it. */
  const invoke = async (handler: HandlerName, event: unknown): Promise<unknown> => {
    const fn = functionOf(handler);
    const outcome = await runtimeOf().invoke(fn.functionName, event);
    if (outcome.status === 'error') throw new LambdaInvocationError(fn.functionName, outcome);
    return outcome.payload;
  };

  const httpHandlers = Object.fromEntries(
    [...new Set(API_ROUTES.map((route) => route.handler))].map((handler) => [handler, (event: unknown) => invoke(handler, event) as Promise<HttpResult>]),
  ) as unknown as Record<HttpHandlerName, HttpHandler>;
  const taskNames = Object.values(PIPELINE_TASK_PLACEHOLDERS);
  const taskHandlers = Object.fromEntries(taskNames.map((handler) => [handler, (payload: unknown) => invoke(handler, payload)])) as Record<PipelineTaskHandler, TaskHandler>;

  const machine = assembly.template.Resources[stateMachine.logicalId]!.Properties as { DefinitionS3Location: { Key: string }; DefinitionSubstitutions: Record<string, unknown> };
  const substitutions = template.resolve(machine.DefinitionSubstitutions) as Record<string, string>;
  const functionArns = Object.fromEntries(taskNames.map((handler) => [handler, functionOf(handler).arn])) as Record<PipelineTaskHandler, string>;

  // EventBridge Scheduler invokes the scheduled functions with an empty event (the targets set no input).
  const schedules = new Map<string, () => Promise<unknown>>([
    ['review-sla', () => invoke('review-sla', {})],
    ['overdue-scan', () => invoke('overdue-scan', {})],
  ]);

  return {
    emulator,
    runtime,
    template,
    functionOf,
    functions: () => functions,
    httpHandlers,
    taskHandlers,
    stateMachine: { definitionFile: join(assembly.dir, `asset.${machine.DefinitionS3Location.Key}`), substitutions, functionArns, arn: stateMachine.arn },
    schedules,
    calls: () => emulator.calls(),
    failures: () => failures,
    idle: async () => {
      // Each may start the other's work (an upload event invokes a function; a function puts an object).
      for (let round = 0; round < 5; round += 1) {
        await emulator.drain();
        await runtimeOf().idle();
      }
    },
    close: async () => {
      await runtimeOf().close();
      await emulator.close();
    },
  };
}

function tableLogicalId(assembly: BuiltAssembly): string {
  const tables = Object.entries(assembly.template.Resources).filter(([, r]) => r.Type === 'AWS::DynamoDB::Table');
  if (tables.length !== 1) throw new Error(`expected the single table, found ${tables.length}`);
  return tables[0]![0];
}

/** The local stack's parts, speaking for the AWS services the functions call. */
function createBackends(context: {
  input: DeployedFormInput;
  template: LocalTemplate;
  stateMachineArn: string;
  secretValues: Map<string, string>;
  topicKinds: Map<string, 'applicant' | 'review' | 'ops'>;
  runtimeOf: () => LambdaRuntime;
}): EmulatorBackends {
  const { input, stateMachineArn } = context;
  const executionName = (executionArn: string): string => {
    const prefix = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
    if (!executionArn.startsWith(prefix)) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return executionArn.slice(prefix.length);
  };
  const answering = async (answer: () => Promise<void>): Promise<void> => {
    try {
      await answer();
    } catch (error) {
      if (error instanceof TaskTokenGoneError) throw new AwsServiceError('TaskDoesNotExist', 'Task Timed Out or the execution is no longer waiting for this token');
      throw error;
    }
  };
  const parseOutput = (text: string | undefined): Record<string, unknown> => {
    try {
      const value = JSON.parse(text ?? '{}') as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new AwsServiceError('InvalidOutput', 'the output must be a JSON object');
  };

  return {
    dynamodbEndpoint: input.dynamoEndpoint,
    stepFunctions: {
      async startExecution({ stateMachineArn: arn, name, input: executionInput }) {
        if (arn !== stateMachineArn) throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
        const { started } = await input.workflow().start(name, parseOutput(executionInput));
        if (!started) throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${name}'`);
        return { executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`, startDate: input.clock.now() };
      },
      async stopExecution({ executionArn, cause }) {
        await input.workflow().stop(executionName(executionArn), cause ?? 'stopped');
        return { stopDate: input.clock.now() };
      },
      sendTaskSuccess: ({ taskToken, output }) => answering(() => input.workflow().sendTaskSuccess(taskToken, parseOutput(output))),
      sendTaskFailure: ({ taskToken, error, cause }) => answering(() => input.workflow().sendTaskFailure(taskToken, error ?? 'Error', cause ?? '')),
      async sendTaskHeartbeat({ taskToken }) {
        if (!input.workflow().pendingTaskTokens().includes(taskToken)) throw new AwsServiceError('TaskDoesNotExist', 'Task Timed Out');
      },
      // Every token this runner issues belongs to the one state machine.
      stateMachineOfToken: () => stateMachineArn,
    },
    sns: {
      async publish({ topicArn, phoneNumber, subject, message, messageAttributes }) {
        const { recipient, ...attributes } = messageAttributes;
        if (phoneNumber) {
          await input.outbox.publish({ topic: 'applicant', channel: 'sms', to: phoneNumber, subject: subject ?? '', body: message, attributes });
        } else {
          const topic = topicArn ? context.topicKinds.get(topicArn) : undefined;
          if (!topic) throw new AwsServiceError('NotFound', `Topic does not exist: ${topicArn ?? 'none'}`, 404);
          await input.outbox.publish({ topic, ...(topic === 'applicant' ? { channel: 'email' as const } : {}), ...(recipient ? { to: recipient } : {}), subject: subject ?? '', body: message, attributes });
        }
        return { messageId: crypto.randomUUID() };
      },
      async subscribe({ protocol, endpoint, attributes }) {
        let filterPolicy: Record<string, string[]> = {};
        try {
          filterPolicy = attributes.FilterPolicy ? (JSON.parse(attributes.FilterPolicy) as Record<string, string[]>) : {};
        } catch {
          throw new AwsServiceError('InvalidParameter', 'Invalid parameter: FilterPolicy: not JSON');
        }
        if (protocol !== 'email') throw new AwsServiceError('InvalidParameter', `Invalid parameter: Protocol ${protocol} is not used locally`);
        return input.subscriptions.record({ endpoint, filterPolicy });
      },
    },
    secrets: {
      get(secretId) {
        const secret = context.template.secrets().find((s) => s.arn === secretId || s.name === secretId || s.arn.replace(/-[A-Za-z0-9]{6}$/, '') === secretId);
        const value = secret ? context.secretValues.get(secret.arn) : undefined;
        return secret && value !== undefined ? { arn: secret.arn, name: secret.name, secretString: value, versionId: 'local-v1' } : undefined;
      },
    },
    lambda: {
      async invoke({ functionName, payload, invocationType }) {
        const name = functionName.replace(/:(\$LATEST)$/, '');
        const event = payload.length > 0 ? (JSON.parse(payload.toString('utf8')) as unknown) : {};
        if (invocationType === 'DryRun') return { statusCode: 204, payload: Buffer.alloc(0), executedVersion: '$LATEST' };
        const outcome = await context.runtimeOf().invoke(name, event, { invocationType });
        if (invocationType === 'Event') return { statusCode: 202, payload: Buffer.alloc(0), executedVersion: '$LATEST' };
        if (outcome.status === 'ok') return { statusCode: 200, payload: Buffer.from(JSON.stringify(outcome.payload ?? null)), executedVersion: '$LATEST' };
        const body = outcome.kind === 'timeout' ? { errorMessage: outcome.errorMessage } : { errorType: outcome.errorType, errorMessage: outcome.errorMessage, trace: outcome.trace };
        return { statusCode: 200, payload: Buffer.from(JSON.stringify(body)), functionError: 'Unhandled', executedVersion: '$LATEST' };
      },
    },
  };
}
