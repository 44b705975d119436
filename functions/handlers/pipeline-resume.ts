// Step Functions task, the pipeline's entry: the application continues from where it stands (SUBMITTED moves to
// ASSESSING here); the state machine routes on `next` (functions/core/decisioning/resume.ts).

import { resumeApplication, type ResumePoint } from '../core/decisioning/resume';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { appendTaskKeys } from '../shared/logger';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  reviews: production.reviewReader,
  policies: production.policyReader,
  // The applicant is told of an outcome the execution before could not announce (a crash between the two).
  notifier: production.notifier('applicant'),
  pii: production.pii,
  clock: production.clock,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export interface PipelinePayload {
  applicationId: string;
  executionName?: string;
  correlationId?: string;
}

export function createHandler(deps: Deps) {
  return async (payload: PipelinePayload): Promise<ResumePoint> => {
    appendTaskKeys(deps.logger, payload);
    const point = await resumeApplication(deps, payload.applicationId);
    deps.logger.info('pipeline entered', { status: point.status, next: point.next, reviewLevel: point.review?.level ?? null });
    return point;
  };
}

export const handler = lazyHandler((): ((payload: PipelinePayload, context: unknown) => Promise<ResumePoint>) => createHandler(definition.wire()));
