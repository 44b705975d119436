// The loan pipeline on one machine: statemachines/loan-pipeline.asl.json run by aws-local-stepfunctions, with every Task
// state's Lambda integration answered by the same handler the Lambda runs in AWS. Implements the Workflow port.
//
// How a Task is run locally, mirroring the optimized Lambda integration (`arn:<partition>:states:::lambda:invoke`):
// Parameters.FunctionName names the function (an ARN from the substitutions below), Parameters.Payload is the event,
// and the result is `{ ExecutedVersion, Payload, StatusCode: 200 }` for the ResultSelector to read. A thrown error keeps
// its name (`ConcurrentModificationError`) as the state error so Retry/Catch match it as in AWS, where the Lambda
// integration reports the function's errorType; the cause is the Lambda error JSON `{errorType, errorMessage, trace}`.
//
// `.waitForTaskToken` tasks: aws-local-stepfunctions does not fill `$$.Task.Token`, so the context carries a sentinel
// that the task override replaces with a fresh token per task entry (retries included); the task then waits for
// sendTaskSuccess/sendTaskFailure with that token.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import type { Workflow } from '../functions/core/applications/ports';
import { TaskTokenGoneError } from '../functions/core/kernel/errors';
import { renderDefinition } from '../lib/pipeline-substitutions';
import { appendJsonLine, readJsonLines } from './files';
import type { LocalLog } from './log';

/** A task handler as the Lambda runtime calls it: the payload in, a JSON-serializable result out. */
export type TaskHandler = (payload: unknown) => Promise<unknown>;

export const LOCAL_PARTITION = 'aws';
const PARTITION = LOCAL_PARTITION;
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
export const LOCAL_STATE_MACHINE_NAME = 'microloan-local-loan-pipeline';
const STATE_MACHINE_ARN = `arn:${PARTITION}:states:${REGION}:${ACCOUNT}:stateMachine:${LOCAL_STATE_MACHINE_NAME}`;
const TASK_TOKEN_SENTINEL = '__local_task_token__';
const TIMEOUT_PARAMETER = '__timeoutSeconds';
/** Node timers cannot exceed 2^31-1 ms; AWS's default for a Task without TimeoutSeconds is far longer. */
const LONGEST_TIMER_SECONDS = 2_000_000;

/**
 * The `${Placeholder}` name for a task handler: `pipeline-resume` → `ResumeFunctionArn`, the naming of
 * lib/pipeline-substitutions.ts. Used when no substitution map is given (definitions other than the loan pipeline).
 */
export function functionArnPlaceholder(handlerName: string): string {
  const words = handlerName.replace(/^pipeline-/, '').split('-').filter(Boolean);
  return `${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}FunctionArn`;
}

export function localFunctionArn(handlerName: string): string {
  return `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:microloan-local-${handlerName}`;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionSummary {
  name: string;
  status: ExecutionStatus;
  /** The last state entered (for a running execution: the one it is in). */
  currentState: string | null;
  waitingForTaskToken: boolean;
}

export interface ExecutionOutcome {
  name: string;
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  output?: unknown;
  error?: string;
  cause?: string;
}

interface Running {
  abort: () => void;
  done: Promise<ExecutionOutcome>;
}

interface PendingToken {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  executionName: string;
}

type JournalLine =
  | { event: 'started'; name: string; at: string; input: Record<string, unknown> }
  | { event: 'ended'; name: string; at: string; status: ExecutionOutcome['status']; error?: string };

export interface LocalWorkflowOptions {
  definitionFile: string;
  /** Task handlers by Lambda name (`pipeline-resume`, …). */
  handlers: Record<string, TaskHandler>;
  /**
   * The `${Placeholder}` values, as CDK's DefinitionSubstitutions (lib/pipeline-substitutions.ts builds them for the
   * loan pipeline, with localFunctionArn for each handler). Default: Partition plus `<Name>FunctionArn` per handler.
   */
  substitutions?: Readonly<Record<string, string>>;
  /**
   * The function ARN each handler answers to, when the definition names other ARNs than localFunctionArn (the
   * deployed form: the template's own ARNs, resolved to local values). Default: localFunctionArn per handler.
   */
  functionArns?: Readonly<Record<string, string>>;
  /** JSON-lines journal of execution names; without it names are remembered in memory only. */
  journalFile?: string;
  /**
   * Pause before every Task retry, replacing IntervalSeconds/BackoffRate/jitter, and for every Wait state (tests of
   * failure paths). Default: the definition's own intervals, really waited.
   */
  retryDelayMs?: number;
  log: LocalLog;
}

type TaskState = { Type: 'Task'; Resource: string; Parameters?: unknown; TimeoutSeconds?: number; TimeoutSecondsPath?: string };

export class LocalWorkflow implements Workflow {
  private readonly statesEnteredByExecution = new Map<string, string[]>();
  readonly definition: StateMachineDefinition;
  private readonly machine: StateMachine;
  private readonly handlerByArn = new Map<string, string>();
  private readonly taskOverrides: Record<string, (input: unknown) => Promise<unknown>> = {};
  private readonly retryOverrides: Record<string, number> = {};
  private readonly waitOverrides: Record<string, number> = {};
  /** Every execution name ever started (AWS refuses a second execution with the same name). */
  private readonly names = new Set<string>();
  private readonly running = new Map<string, Running>();
  private readonly outcomes = new Map<string, ExecutionOutcome>();
  private readonly tokens = new Map<string, PendingToken>();
  private readonly interrupted: { name: string; input: Record<string, unknown> }[] = [];
  private closed = false;
  /** Rejects when the workflow closes, so a task still running lets its execution settle (and the runner's timers end). */
  private readonly closing = Promise.withResolvers<never>();

  constructor(private readonly options: LocalWorkflowOptions) {
    this.closing.promise.catch(() => undefined);
    const defaults: Record<string, string> = { Partition: PARTITION };
    for (const name of Object.keys(options.handlers)) {
      const arn = options.functionArns?.[name] ?? localFunctionArn(name);
      defaults[functionArnPlaceholder(name)] = arn;
      this.handlerByArn.set(arn, name);
    }
    const text = renderDefinition(readFileSync(options.definitionFile, 'utf8'), options.substitutions ?? defaults);
    this.definition = JSON.parse(text) as StateMachineDefinition;
    for (const [stateName, state] of taskStates(this.definition)) {
      if (state.TimeoutSecondsPath) {
        // aws-local-stepfunctions reads TimeoutSecondsPath from the task's input after Parameters, AWS from the
        // state's input: carry the value through Parameters under a name the handler never sees.
        state.Parameters = { ...(state.Parameters as Record<string, unknown>), [`${TIMEOUT_PARAMETER}.$`]: state.TimeoutSecondsPath };
        state.TimeoutSecondsPath = `$.${TIMEOUT_PARAMETER}`;
      }
      this.taskOverrides[stateName] = this.taskOverride(stateName, state);
      if (options.retryDelayMs !== undefined) this.retryOverrides[stateName] = options.retryDelayMs;
    }
    // The same shortening for the Wait states (the pause before a payout is asked again).
    if (options.retryDelayMs !== undefined) {
      for (const [stateName, state] of Object.entries(this.definition.States)) if ((state as { Type?: string }).Type === 'Wait') this.waitOverrides[stateName] = options.retryDelayMs;
    }
    this.machine = new StateMachine(this.definition);

    if (options.journalFile) {
      const started = new Map<string, Record<string, unknown>>();
      for (const line of readJsonLines<JournalLine>(options.journalFile)) {
        this.names.add(line.name);
        if (line.event === 'started') started.set(line.name, line.input);
        else started.delete(line.name);
      }
      for (const [name, input] of started) this.interrupted.push({ name, input });
    }
  }

  /** False once close() was called. */
  get accepting(): boolean {
    return !this.closed;
  }

  async start(applicationId: string, input: Record<string, unknown>): Promise<{ started: boolean }> {
    if (this.closed) throw new Error('the local workflow is stopped');
    if (this.names.has(applicationId)) return { started: false };
    this.names.add(applicationId);
    this.journal({ event: 'started', name: applicationId, at: new Date().toISOString(), input });
    this.run(applicationId, input);
    return { started: true };
  }

  async stop(applicationId: string, cause: string): Promise<void> {
    for (const [token, pending] of this.tokens) {
      if (pending.executionName !== applicationId) continue;
      this.tokens.delete(token);
      pending.reject(namedError('States.Aborted', cause));
    }
    this.running.get(applicationId)?.abort();
  }

  /**
   * Executions that were running when the stack last stopped (Ctrl-C, or killed: SIGKILL leaves no end in the journal
   * either). Local executions live in memory, so each is run again under its name and input; the pipeline's entry
   * (Resume) continues the application from its stored status, re-arming any wait with a new task token.
   */
  resumeInterrupted(): string[] {
    const names = this.interrupted.splice(0).map(({ name, input }) => {
      this.options.log.info(`continuing execution ${name} (interrupted by a restart) from where its application stands`);
      this.run(name, input);
      return name;
    });
    return names;
  }

  status(name: string): ExecutionStatus | undefined {
    if (this.running.has(name)) return 'RUNNING';
    return this.outcomes.get(name)?.status;
  }

  /** The outcome of an execution once it ends; undefined for a name never started in this process. */
  async waitFor(name: string): Promise<ExecutionOutcome | undefined> {
    const running = this.running.get(name);
    return running ? running.done : this.outcomes.get(name);
  }

  /** Resolves when no execution is running (including ones started meanwhile). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** The names of the states an execution has entered so far, in order (its history). */
  statesEntered(name: string): string[] {
    return [...(this.statesEnteredByExecution.get(name) ?? [])];
  }

  /**
   * Every execution this runner knows in this process (started, resumed or ended here), with its status, the state it
   * is in now and whether it waits for a task token — what Step Functions' console lists.
   */
  executions(): ExecutionSummary[] {
    const waiting = new Set([...this.tokens.values()].map((pending) => pending.executionName));
    const names = new Set([...this.running.keys(), ...this.outcomes.keys()]);
    return [...names].map((name) => ({
      name,
      status: this.status(name) ?? 'RUNNING',
      currentState: this.statesEnteredByExecution.get(name)?.at(-1) ?? null,
      waitingForTaskToken: waiting.has(name),
    }));
  }

  /** Task tokens waiting for an answer (for tests and later issues' callbacks). */
  pendingTaskTokens(executionName?: string): string[] {
    return [...this.tokens].filter(([, p]) => executionName === undefined || p.executionName === executionName).map(([t]) => t);
  }

  /** SendTaskSuccess: the waiting task's result is `output`. */
  async sendTaskSuccess(token: string, output: unknown): Promise<void> {
    const pending = this.takeToken(token);
    pending.resolve(output);
  }

  /** SendTaskFailure: the waiting task fails with `error` (matched by Retry/Catch) and `cause`. */
  async sendTaskFailure(token: string, error: string, cause: string): Promise<void> {
    const pending = this.takeToken(token);
    pending.reject(namedError(error, cause));
  }

  /** Aborts every running execution and waits for them to settle. */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.reject(namedError('States.Aborted', 'the local stack stopped'));
    for (const pending of this.tokens.values()) pending.reject(namedError('States.Aborted', 'the local stack stopped'));
    this.tokens.clear();
    for (const running of this.running.values()) running.abort();
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private run(name: string, input: Record<string, unknown>): void {
    const startedAt = new Date().toISOString();
    const execution = this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: this.taskOverrides as never, retryIntervalOverrides: this.retryOverrides, waitTimeOverrides: this.waitOverrides },
      context: {
        Execution: {
          Id: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`,
          Name: name,
          RoleArn: `arn:${PARTITION}:iam::${ACCOUNT}:role/local-state-machine`,
          StartTime: startedAt,
          RedriveCount: 0,
        },
        StateMachine: { Id: STATE_MACHINE_ARN, Name: LOCAL_STATE_MACHINE_NAME },
        Task: { Token: TASK_TOKEN_SENTINEL },
      },
    });
    // The states each execution enters, as Step Functions bills them (state transitions) and shows in its history.
    const entered: string[] = [];
    this.statesEnteredByExecution.set(name, entered);
    void (async () => {
      for await (const event of execution.eventLogs) if (event.type === 'StateEntered') entered.push(event.state.name);
    })().catch(() => undefined);
    const done = execution.result.then(
      (output): ExecutionOutcome => ({ name, status: 'SUCCEEDED', output }),
      (error: unknown): ExecutionOutcome => {
        if (error instanceof ExecutionAbortedError) return { name, status: 'ABORTED' };
        if (error instanceof ExecutionTimeoutError) return { name, status: 'TIMED_OUT', error: 'States.Timeout' };
        // ExecutionError wraps the state error in `cause`; its name is the ASL error (PipelineStepFailed, …).
        const inner = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
        const outcome: ExecutionOutcome = {
          name,
          status: 'FAILED',
          error: inner instanceof Error ? inner.name : 'Error',
          cause: inner instanceof Error ? inner.message : String(inner),
        };
        this.options.log.warn(`execution ${name} failed: ${outcome.error}: ${outcome.cause}`);
        return outcome;
      },
    );
    const tracked = done.then((outcome) => {
      this.running.delete(name);
      // A token of an ended execution waits for nothing: answering it is TaskTokenGoneError, as in AWS.
      for (const [token, pending] of this.tokens) if (pending.executionName === name) this.tokens.delete(token);
      this.outcomes.set(name, outcome);
      // Cut short by the stack stopping (Ctrl-C): not an end. It stays "started" in the journal and the next start
      // runs it again from its entry, which continues the application where it stands — as Step Functions Standard
      // keeps an execution running while nothing on this machine is.
      const interruptedByShutdown = this.closed && outcome.status !== 'SUCCEEDED';
      if (!interruptedByShutdown) {
        this.journal({ event: 'ended', name, at: new Date().toISOString(), status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}) });
      }
      return outcome;
    });
    this.running.set(name, { abort: execution.abort, done: tracked });
  }

  private taskOverride(stateName: string, state: TaskState): (input: unknown) => Promise<unknown> {
    const resource = state.Resource;
    const lambdaInvoke = /^arn:[a-z-]+:states:::lambda:invoke(\.waitForTaskToken)?$/.exec(resource);
    if (!lambdaInvoke) {
      throw new Error(`state ${stateName}: the local runner does not support the resource ${resource} (only lambda:invoke)`);
    }
    const waitForToken = lambdaInvoke[1] !== undefined;
    if (waitForToken && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
      // The runner's default task timeout is 60 s; a token task in AWS waits as long as it takes.
      state.TimeoutSeconds = LONGEST_TIMER_SECONDS;
    }
    const invoke = async (input: unknown): Promise<unknown> => {
      const { FunctionName, Payload } = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown };
      const handlerName = typeof FunctionName === 'string' ? this.handlerByArn.get(FunctionName.replace(/:(\$LATEST|\d+)$/, '')) : undefined;
      const handler = handlerName ? this.options.handlers[handlerName] : undefined;
      if (!handler) throw namedError('Lambda.ResourceNotFoundException', `state ${stateName}: no local handler for ${String(FunctionName)}`);

      let payload = toJson(Payload ?? {});
      let wait: Promise<unknown> | undefined;
      let token: string | undefined;
      if (waitForToken) {
        token = randomUUID();
        // The runner does not pass the context to overrides; the pipeline's payloads carry `executionName` instead.
        const named = (payload as { executionName?: unknown } | null)?.executionName;
        const executionName = typeof named === 'string' ? named : '';
        payload = replaceSentinel(payload, token);
        const registered = token;
        wait = new Promise((resolve, reject) => this.tokens.set(registered, { resolve, reject, executionName }));
        wait.catch(() => undefined); // observed below; avoid an unhandled rejection if the handler throws first
      }

      let result: unknown;
      try {
        result = await Promise.race([handler(payload), this.closing.promise]);
      } catch (error) {
        if (token) this.tokens.delete(token); // the task failed before anyone could answer it
        throw lambdaError(error);
      }
      if (wait) return toJson(await Promise.race([wait, this.closing.promise]));
      return { ExecutedVersion: '$LATEST', Payload: toJson(result ?? null), StatusCode: 200 };
    };
    return (input) => {
      const invocation = invoke(input);
      // The runner stops awaiting a task that timed out; its later rejection must not become an unhandled one.
      invocation.catch(() => undefined);
      return invocation;
    };
  }

  private takeToken(token: string): PendingToken {
    const pending = this.tokens.get(token);
    // What Step Functions answers as TaskDoesNotExist / TaskTimedOut, as the port's domain error.
    if (!pending) throw new TaskTokenGoneError('this task is no longer waiting for an answer');
    this.tokens.delete(token);
    return pending;
  }

  private journal(line: JournalLine): void {
    if (!this.options.journalFile) return;
    try {
      appendJsonLine(this.options.journalFile, line);
    } catch (error) {
      // Losing a journal line only weakens restart behaviour; it must not fail an execution or crash the server.
      this.options.log.error(`could not record execution ${line.name} in ${this.options.journalFile}`, error);
    }
  }
}

/** Every Task state, including those inside Parallel branches and Map processors (overrides are keyed by state name). */
function taskStates(definition: { States: Record<string, unknown> }): [string, TaskState][] {
  const out: [string, TaskState][] = [];
  for (const [name, raw] of Object.entries(definition.States)) {
    const state = raw as { Type?: string; Branches?: unknown[]; ItemProcessor?: unknown; Iterator?: unknown };
    if (state.Type === 'Task') out.push([name, state as TaskState]);
    for (const branch of state.Branches ?? []) out.push(...taskStates(branch as { States: Record<string, unknown> }));
    const inner = state.ItemProcessor ?? state.Iterator;
    if (inner) out.push(...taskStates(inner as { States: Record<string, unknown> }));
  }
  return out;
}

/** An error whose name is the ASL error name, the only thing Retry/Catch look at. */
function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** A handler's throw as the Lambda integration reports it: Error = errorType, Cause = the Lambda error JSON. */
export function lambdaError(error: unknown): Error {
  const errorType = error instanceof Error ? error.name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  const trace = error instanceof Error && error.stack ? error.stack.split('\n').map((line) => line.trim()) : [];
  return namedError(errorType, JSON.stringify({ errorType, errorMessage, trace }));
}

/** What survives a trip through JSON, as a Lambda payload and result do. */
function toJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function replaceSentinel(value: unknown, token: string): unknown {
  if (value === TASK_TOKEN_SENTINEL) return token;
  if (Array.isArray(value)) return value.map((v) => replaceSentinel(v, token));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSentinel(v, token)]));
  }
  return value;
}
