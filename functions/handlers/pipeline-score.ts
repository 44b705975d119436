// Step Functions task: pull the bureau report, score the application with the shipped scorecard, store the assessment.

import { scoreApplication, type ScoreOutcome } from '../core/assessment/scoring';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { appendTaskKeys } from '../shared/logger';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  bureau: production.bureau,
  pii: production.pii,
  clock: production.clock,
  scorer: production.scorer,
  statements: production.statementSource,
  logger: production.logger,
  settings: production.settings,
});

type Deps = DepsOf<typeof definition>;

export interface ScorePayload {
  applicationId: string;
  executionName?: string;
  correlationId?: string;
}

export function createHandler(deps: Deps) {
  return async (payload: ScorePayload): Promise<ScoreOutcome> => {
    appendTaskKeys(deps.logger, payload);
    const started = performance.now();
    const result = await scoreApplication(deps, payload.applicationId);
    deps.logger.info('application scored', { ...result, modelVersion: deps.scorer.modelVersion, taskMillis: Math.round(performance.now() - started) });
    return result;
  };
}

export const handler = lazyHandler((): ((payload: ScorePayload, context: unknown) => Promise<ScoreOutcome>) => createHandler(definition.wire()));
