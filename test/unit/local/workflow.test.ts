import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConcurrentModificationError, TaskTokenGoneError } from '../../../functions/core/kernel/errors';
import { functionArnPlaceholder, LocalWorkflow, type TaskHandler } from '../../../local/workflow';
import { localPipelineSubstitutions } from '../../../local/wiring';
import { PIPELINE_TASK_PLACEHOLDERS } from '../../../lib/pipeline-substitutions';

const PIPELINE = resolve(import.meta.dirname, '../../../statemachines/loan-pipeline.asl.json');
const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'workflow-'));
}

/** The pipeline's later steps answered by stand-ins unless a test gives its own (these tests are about the runner). */
const scoreStandIn: TaskHandler = async () => ({ status: 'ASSESSING', score: 700, band: 'B' });
/** What the entry answers for an application that is being assessed: go on to Score. */
const toScore = { status: 'ASSESSING', next: 'Score', review: null, reviewResult: null };
const laterSteps: Record<string, TaskHandler> = {
  'pipeline-score': scoreStandIn,
  // NONE ends the run after Decide (as for an application withdrawn meanwhile): the contract wait is not these tests' subject.
  'pipeline-decide': async () => ({ status: 'WITHDRAWN', outcome: 'NONE', levelsRequired: 0, reviewTimeoutSeconds: 3600 }),
  'pipeline-request-review': async () => ({ reviewId: 'r1' }),
  'pipeline-conclude': async () => ({ status: 'APPROVED' }),
  'pipeline-prepare-contract': async () => ({ status: 'APPROVED', changed: false }),
  'pipeline-documents': async () => ({ status: 'PENDING_REVIEW', next: 'Continue' }),
  'pipeline-disburse': async () => ({ status: 'DISBURSED', loanId: 'LN1' }),
};

function pipeline(handlers: Record<string, TaskHandler>, extra: { journalFile?: string; retryDelayMs?: number } = {}) {
  return new LocalWorkflow({ definitionFile: PIPELINE, handlers: { ...laterSteps, ...handlers }, log, retryDelayMs: 0, ...extra });
}

describe('placeholders', () => {
  it('names a task handler the way lib/pipeline-substitutions.ts does', () => {
    for (const [placeholder, handler] of Object.entries(PIPELINE_TASK_PLACEHOLDERS)) expect(functionArnPlaceholder(handler)).toBe(placeholder);
    expect(functionArnPlaceholder('pipeline-score')).toBe('ScoreFunctionArn');
  });

  it('builds the CDK substitution map with local function ARNs', () => {
    const handler = async () => null;
    const handlers = Object.fromEntries(Object.values(PIPELINE_TASK_PLACEHOLDERS).map((name) => [name, handler])) as unknown as Parameters<typeof localPipelineSubstitutions>[0];
    const map = localPipelineSubstitutions(handlers);
    expect(map).toMatchObject({
      Partition: 'aws',
      ResumeFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:microloan-local-pipeline-resume',
      ScoreFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:microloan-local-pipeline-score',
      RecordFailureFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:microloan-local-pipeline-record-failure',
    });
    expect(Object.keys(map).sort()).toEqual(['Partition', ...Object.keys(PIPELINE_TASK_PLACEHOLDERS)].sort());
  });

  it('refuses the pipeline when a placeholder has no value', () => {
    expect(() => pipeline({ 'pipeline-resume': async () => ({ status: 'ASSESSING' }) })).toThrow(/RecordFailureFunctionArn/);
    expect(() => new LocalWorkflow({ definitionFile: PIPELINE, log, handlers: { 'pipeline-resume': scoreStandIn, 'pipeline-record-failure': scoreStandIn } })).toThrow(/FunctionArn/);
  });
});

describe('the loan pipeline on the local runner', () => {
  it('calls the task handler with the Payload and reads its result as the Lambda integration returns it', async () => {
    const calls: unknown[] = [];
    const workflow = pipeline({
      'pipeline-resume': async (payload) => {
        calls.push(payload);
        return { ...toScore, ignored: true };
      },
      'pipeline-record-failure': async () => ({ status: 'FAILED' }),
    });
    expect(await workflow.start('01APP', { applicationId: '01APP', correlationId: 'req-01APP' })).toEqual({ started: true });
    expect(workflow.status('01APP')).toBe('RUNNING');
    const outcome = await workflow.waitFor('01APP');
    expect(calls).toEqual([{ applicationId: '01APP', executionName: '01APP', correlationId: 'req-01APP' }]);
    expect(outcome).toEqual({
      name: '01APP',
      status: 'SUCCEEDED',
      output: {
        applicationId: '01APP',
        correlationId: 'req-01APP',
        resume: toScore,
        assessment: { status: 'ASSESSING', score: 700, band: 'B' },
        decision: { status: 'WITHDRAWN', outcome: 'NONE', levelsRequired: 0, reviewTimeoutSeconds: 3600 },
      },
    });
    expect(workflow.status('01APP')).toBe('SUCCEEDED');
  });

  it('keeps a thrown error name, so Retry matches ConcurrentModificationError', async () => {
    let attempts = 0;
    const workflow = pipeline({
      'pipeline-resume': async () => {
        attempts += 1;
        if (attempts < 3) throw new ConcurrentModificationError('application changed meanwhile');
        return toScore;
      },
      'pipeline-record-failure': async () => {
        throw new Error('must not be called');
      },
    });
    await workflow.start('01RETRY', { applicationId: '01RETRY', correlationId: 'req-01RETRY' });
    expect(await workflow.waitFor('01RETRY')).toMatchObject({ status: 'SUCCEEDED' });
    expect(attempts).toBe(3);
  });

  it('retries with the definition’s own interval when no override is given', async () => {
    let attempts = 0;
    const workflow = new LocalWorkflow({
      definitionFile: PIPELINE,
      log,
      handlers: {
        ...laterSteps,
        'pipeline-resume': async () => {
          attempts += 1;
          if (attempts === 1) throw new ConcurrentModificationError('changed');
          return toScore;
        },
        'pipeline-record-failure': async () => ({ status: 'FAILED' }),
      },
    });
    await workflow.start('01WAIT', { applicationId: '01WAIT', correlationId: 'req-01WAIT' });
    expect(await workflow.waitFor('01WAIT')).toMatchObject({ status: 'SUCCEEDED' });
    expect(attempts).toBe(2);
  });

  it('hands an error that is not retried to the Catch with the Lambda error shape, then fails the execution', async () => {
    const failures: unknown[] = [];
    const workflow = pipeline({
      'pipeline-resume': async () => {
        throw new TypeError('boom');
      },
      'pipeline-record-failure': async (payload) => {
        failures.push(payload);
        return { status: 'FAILED' };
      },
    });
    await workflow.start('01FAIL', { applicationId: '01FAIL', correlationId: 'req-01FAIL' });
    const outcome = await workflow.waitFor('01FAIL');
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'PipelineStepFailed' });
    expect(failures).toHaveLength(1);
    const failure = failures[0] as { applicationId: string; error: { Error: string; Cause: string } };
    expect(failure.applicationId).toBe('01FAIL');
    expect(failure.error.Error).toBe('TypeError');
    expect(JSON.parse(failure.error.Cause)).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom' });
  });

  it('starts one execution per name, remembered across restarts through the journal', async () => {
    const journalFile = join(tempDir(), 'executions.jsonl');
    let runs = 0;
    const handlers = {
      'pipeline-resume': async () => {
        runs += 1;
        return toScore;
      },
      'pipeline-record-failure': async () => ({ status: 'FAILED' }),
    };
    const first = pipeline(handlers, { journalFile });
    expect(await first.start('01ONCE', { applicationId: '01ONCE', correlationId: 'req-01ONCE' })).toEqual({ started: true });
    expect(await first.start('01ONCE', { applicationId: '01ONCE', correlationId: 'req-01ONCE' })).toEqual({ started: false });
    await first.whenIdle();

    const restarted = pipeline(handlers, { journalFile });
    expect(await restarted.start('01ONCE', { applicationId: '01ONCE', correlationId: 'req-01ONCE' })).toEqual({ started: false });
    expect(restarted.resumeInterrupted()).toEqual([]);
    expect(runs).toBe(1);
  });

  it('stops a running execution, and stopping an unknown one is not an error', async () => {
    let release: () => void = () => undefined;
    const workflow = pipeline({
      'pipeline-resume': () => new Promise((resolve) => (release = () => resolve(toScore))),
      'pipeline-record-failure': async () => ({ status: 'FAILED' }),
    });
    await workflow.start('01STOP', { applicationId: '01STOP', correlationId: 'req-01STOP' });
    await workflow.stop('01STOP', 'withdrawn');
    expect(await workflow.waitFor('01STOP')).toEqual({ name: '01STOP', status: 'ABORTED' });
    release();
    await expect(workflow.stop('01NEVER', 'no such execution')).resolves.toBeUndefined();
    await workflow.whenIdle();
  });

  it('resumes an execution a restart interrupted', async () => {
    const journalFile = join(tempDir(), 'executions.jsonl');
    const hanging = pipeline(
      {
        'pipeline-resume': () => new Promise(() => undefined),
        'pipeline-record-failure': async () => ({ status: 'FAILED' }),
      },
      { journalFile },
    );
    await hanging.start('01CRASH', { applicationId: '01CRASH', correlationId: 'req-01CRASH' });
    // No close(): as if the process had died here.
    const calls: unknown[] = [];
    const restarted = pipeline(
      {
        'pipeline-resume': async (payload) => {
          calls.push(payload);
          return toScore;
        },
        'pipeline-record-failure': async () => ({ status: 'FAILED' }),
      },
      { journalFile },
    );
    expect(restarted.resumeInterrupted()).toEqual(['01CRASH']);
    expect(await restarted.waitFor('01CRASH')).toMatchObject({ status: 'SUCCEEDED' });
    expect(calls).toEqual([{ applicationId: '01CRASH', executionName: '01CRASH', correlationId: 'req-01CRASH' }]);
    await hanging.close();
  });

  it('does not end the executions that a stop of the stack (Ctrl-C) cut short: the next start continues them', async () => {
    const journalFile = join(tempDir(), 'executions.jsonl');
    const waiting = pipeline({ 'pipeline-resume': () => new Promise(() => undefined), 'pipeline-record-failure': async () => ({ status: 'FAILED' }) }, { journalFile });
    await waiting.start('01STOPPED', { applicationId: '01STOPPED', correlationId: 'req-01STOPPED' });
    const finished = pipeline({ 'pipeline-record-failure': async () => ({ status: 'FAILED' }), 'pipeline-resume': async () => toScore }, { journalFile });
    await finished.start('01DONE', { applicationId: '01DONE', correlationId: 'req-01DONE' });
    await finished.whenIdle();
    await waiting.close();
    await finished.close();

    const restarted = pipeline({ 'pipeline-resume': async () => toScore, 'pipeline-record-failure': async () => ({ status: 'FAILED' }) }, { journalFile });
    // The one that finished is not run again; the one the stop cut short is.
    expect(restarted.resumeInterrupted()).toEqual(['01STOPPED']);
    expect(await restarted.waitFor('01STOPPED')).toMatchObject({ status: 'SUCCEEDED' });
    await restarted.close();
  });
});

describe('task tokens and nested states', () => {
  const definition = {
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'AskReviewer',
            States: {
              AskReviewer: {
                Type: 'Task',
                Resource: 'arn:${Partition}:states:::lambda:invoke.waitForTaskToken',
                Parameters: {
                  FunctionName: '${NotifyReviewerFunctionArn}',
                  Payload: { 'taskToken.$': '$$.Task.Token', 'executionName.$': '$$.Execution.Name' },
                },
                End: true,
              },
            },
          },
        ],
        End: true,
      },
    },
  };

  it('gives each token task a fresh token and resumes with what SendTaskSuccess sends', async () => {
    const file = join(tempDir(), 'review.asl.json');
    writeFileSync(file, JSON.stringify(definition));
    const tokens: string[] = [];
    const workflow = new LocalWorkflow({
      definitionFile: file,
      log,
      handlers: {
        'pipeline-notify-reviewer': async (payload) => {
          tokens.push((payload as { taskToken: string }).taskToken);
          return null;
        },
      },
    });
    await workflow.start('01REVIEW', {});
    await new Promise((r) => setTimeout(r, 50));
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(workflow.pendingTaskTokens('01REVIEW')).toEqual(tokens);
    await workflow.sendTaskSuccess(tokens[0]!, { decision: 'APPROVE' });
    expect(await workflow.waitFor('01REVIEW')).toMatchObject({ status: 'SUCCEEDED', output: [{ decision: 'APPROVE' }] });
    await expect(workflow.sendTaskSuccess(tokens[0]!, {})).rejects.toThrow(TaskTokenGoneError);
  });

  it('fails the token task with the error SendTaskFailure names', async () => {
    const file = join(tempDir(), 'review.asl.json');
    writeFileSync(file, JSON.stringify(definition));
    const tokens: string[] = [];
    const workflow = new LocalWorkflow({
      definitionFile: file,
      log,
      handlers: { 'pipeline-notify-reviewer': async (payload) => void tokens.push((payload as { taskToken: string }).taskToken) },
    });
    await workflow.start('01REJECT', {});
    await new Promise((r) => setTimeout(r, 50));
    await workflow.sendTaskFailure(tokens[0]!, 'ReviewRejected', 'no');
    expect(await workflow.waitFor('01REJECT')).toMatchObject({ status: 'FAILED', error: 'ReviewRejected' });
  });

  it('refuses a task resource it cannot run', () => {
    const file = join(tempDir(), 'sns.asl.json');
    writeFileSync(
      file,
      JSON.stringify({ StartAt: 'Publish', States: { Publish: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: 'x', Message: 'y' }, End: true } } }),
    );
    expect(() => new LocalWorkflow({ definitionFile: file, log, handlers: {} })).toThrow(/sns:publish/);
  });
});
