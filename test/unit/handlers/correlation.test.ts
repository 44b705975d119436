// Correlation ids from the API through the state machine into every task: the HTTP chain logs the API request id as
// `correlation_id` (with the route's ids), the submit path hands it to the pipeline as `correlationId`, every Task of
// the ASL passes applicationId, executionName and correlationId, and every task handler logs all three.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import { pipelineInput } from '../../../functions/core/applications/intake';
import * as conclude from '../../../functions/handlers/pipeline-conclude';
import * as decide from '../../../functions/handlers/pipeline-decide';
import * as disburse from '../../../functions/handlers/pipeline-disburse';
import * as markAssessing from '../../../functions/handlers/pipeline-resume';
import * as prepareContract from '../../../functions/handlers/pipeline-prepare-contract';
import * as documents from '../../../functions/handlers/pipeline-documents';
import * as recordFailure from '../../../functions/handlers/pipeline-record-failure';
import * as requestReview from '../../../functions/handlers/pipeline-request-review';
import * as score from '../../../functions/handlers/pipeline-score';
import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { httpHandler, json } from '../../../functions/shared/http';
import { createLogger } from '../../../functions/shared/logger';
import { PIPELINE_TASK_PLACEHOLDERS, type PipelineTaskHandler } from '../../../lib/pipeline-substitutions';
import { validApplication } from '../../support/applications';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext } from '../../support/events';

const PIPELINE = resolve(import.meta.dirname, '../../../statemachines/loan-pipeline.asl.json');

async function captured(run: () => unknown): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  const record = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  process.stdout.write = record as typeof process.stdout.write;
  process.stderr.write = record as typeof process.stderr.write;
  try {
    await run();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return chunks.join('').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

type State = { Type: string; Parameters?: { FunctionName?: string; Payload?: Record<string, unknown> }; States?: unknown };

function taskStates(): [string, State][] {
  const definition = JSON.parse(readFileSync(PIPELINE, 'utf8')) as { States: Record<string, State> };
  return Object.entries(definition.States).filter(([, state]) => state.Type === 'Task');
}

describe('the pipeline definition', () => {
  it('passes applicationId, executionName and correlationId to every Task', () => {
    const tasks = taskStates();
    expect(tasks.length).toBeGreaterThanOrEqual(Object.keys(PIPELINE_TASK_PLACEHOLDERS).length);
    for (const [name, state] of tasks) {
      expect({ name, payload: state.Parameters?.Payload }).toEqual({
        name,
        payload: expect.objectContaining({
          'applicationId.$': '$.applicationId',
          'executionName.$': '$$.Execution.Name',
          'correlationId.$': '$.correlationId',
        }),
      });
    }
  });

  it('invokes every task function from at least one Task (so each of them is covered above)', () => {
    const invoked = new Set(taskStates().map(([, state]) => /^\$\{(\w+)\}$/.exec(state.Parameters?.FunctionName ?? '')?.[1]));
    for (const placeholder of Object.keys(PIPELINE_TASK_PLACEHOLDERS)) expect(invoked).toContain(placeholder);
  });

  it('is always started with a correlation id (the Tasks read $.correlationId, a path that must exist)', () => {
    expect(pipelineInput('01APP', 'req-9')).toEqual({ applicationId: '01APP', correlationId: 'req-9' });
    expect(pipelineInput('01APP')).toEqual({ applicationId: '01APP', correlationId: '01APP' });
    expect(pipelineInput('01APP', '')).toEqual({ applicationId: '01APP', correlationId: '01APP' });
  });
});

/** Deps whose every port throws: a task handler gets as far as its first use of one, after appending its keys. */
function depsWith(logger: Logger): any {
  const failing = new Proxy({}, {
    get: () => () => {
      throw new Error('not used in this test');
    },
  });
  // `metrics: {}` records nothing and has nothing to publish.
  return new Proxy({ logger, metrics: {} }, { get: (target, key) => (key in target ? (target as Record<string | symbol, unknown>)[key] : failing) });
}

const TASK_HANDLERS: Record<PipelineTaskHandler, (logger: Logger, payload: Record<string, unknown>) => Promise<unknown>> = {
  'pipeline-resume': (logger, payload) => markAssessing.createHandler(depsWith(logger))(payload as never),
  'pipeline-score': (logger, payload) => score.createHandler(depsWith(logger))(payload as never),
  'pipeline-decide': (logger, payload) => decide.createHandler(depsWith(logger))(payload as never),
  'pipeline-request-review': (logger, payload) => requestReview.createHandler(depsWith(logger))({ level: 1, taskToken: 'token-1', ...payload } as never),
  'pipeline-conclude': (logger, payload) => conclude.createHandler(depsWith(logger))({ step: 'conclude', outcome: 'EXPIRED', ...payload } as never),
  'pipeline-prepare-contract': (logger, payload) => prepareContract.createHandler(depsWith(logger))({ taskToken: 'token-2', ...payload } as never),
  'pipeline-disburse': (logger, payload) => disburse.createHandler(depsWith(logger))(payload as never),
  'pipeline-documents': (logger, payload) => documents.createHandler(depsWith(logger))({ step: 'await', gate: 'review', taskToken: 'token-3', ...payload } as never),
  'pipeline-record-failure': (logger, payload) => recordFailure.createHandler(depsWith(logger))({ error: { Error: 'X' }, ...payload } as never),
};

describe('the task handlers', () => {
  it.each(Object.keys(TASK_HANDLERS) as PipelineTaskHandler[])('%s logs applicationId, executionName and the correlation id', async (name) => {
    const logger = createLogger();
    const lines = await captured(async () => {
      await TASK_HANDLERS[name](logger, { applicationId: 'prev', executionName: 'prev', correlationId: 'req-prev' }).catch(() => undefined);
      await TASK_HANDLERS[name](logger, { applicationId: '01APP', executionName: '01APP', correlationId: 'req-42' }).catch(() => undefined);
      logger.info('probe');
    });
    expect(lines.at(-1)).toMatchObject({ message: 'probe', applicationId: '01APP', executionName: '01APP', correlation_id: 'req-42' });
  });
});

describe('the HTTP chain', () => {
  it('logs the API request id as the correlation id, with the route\'s ids; nothing is left for the next request', async () => {
    const logger = createLogger();
    const handler = httpHandler(logger, async (event) => {
      logger.info('inside', { path: event.rawPath });
      return json(200, {});
    });
    const event = httpEvent({ method: 'GET', routePath: '/v1/applications/{applicationId}', pathParameters: { applicationId: '01APP' }, sub: 'alice' });
    const other = httpEvent({ method: 'GET', routePath: '/v1/products', sub: 'alice' });
    other.requestContext.requestId = 'req-2';
    const lines = await captured(async () => {
      await handler(event, lambdaContext);
      await handler(other, lambdaContext);
    });
    expect(lines[0]).toMatchObject({ message: 'inside', correlation_id: 'req-1', requestId: 'req-1', applicationId: '01APP', route: 'GET /v1/applications/{applicationId}' });
    expect(lines[1]).toMatchObject({ message: 'inside', correlation_id: 'req-2', route: 'GET /v1/products' });
    expect(lines[1]).not.toHaveProperty('applicationId');
  });

  it('POST /v1/applications starts the pipeline with the request id as its correlation id', async () => {
    const deps = fakeDeps();
    const inputs: Record<string, unknown>[] = [];
    const start = deps.workflow.start.bind(deps.workflow);
    deps.workflow.start = async (applicationId: string, input?: Record<string, unknown>) => {
      inputs.push(input ?? {});
      return start(applicationId);
    };
    const event = httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'Idempotency-Key': 'corr-key-0001' }, sub: 'alice', body: validApplication() });
    const result = await createSubmit(deps)(event, lambdaContext);
    expect(result.statusCode).toBe(202);
    const { applicationId } = JSON.parse(result.body!) as { applicationId: string };
    expect(inputs).toEqual([{ applicationId, correlationId: 'req-1' }]);
  });
});
