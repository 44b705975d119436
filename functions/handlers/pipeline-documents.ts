// Step Functions tasks of the documents gate (functions/core/applications/document-checklist.ts). One Lambda, two
// payload kinds:
//
// - `{step: 'await', gate, applicationId, taskToken}`, invoked with `lambda:invoke.waitForTaskToken`
//   (AwaitReviewDocuments, AwaitPayoutDocuments): while required documents are missing the token is kept on the
//   application and the pipeline waits until the upload that completes the checklist (document-uploaded) answers it
//   `{complete: true}`; nothing missing → answered at once; the application no longer where the gate holds it →
//   answered `{complete: false, status}`.
// - `{step: 'check', gate, applicationId}` (a plain invocation, after the wait timed out or the review-SLA run failed
//   it with DocumentsExpired) → `{status, next}`: Continue (complete meanwhile), Wait (again, same deadline), End
//   (EXPIRED at the deadline, or the application left the gate).

import {
  awaitDocuments,
  checkDocumentsWait,
  type AwaitDocumentsResult,
  type DocumentsCheckNext,
  type WaitingGate,
} from '../core/applications/document-checklist';
import type { ApplicationStatus } from '../core/applications/lifecycle';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { appendTaskKeys } from '../shared/logger';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  policies: production.policyReader,
  taskTokens: production.taskTokens,
  // The applicant is told when the wait expires the application.
  notifier: production.notifier('applicant'),
  pii: production.pii,
  clock: production.clock,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export type DocumentsPayload =
  | { step: 'await'; gate: WaitingGate; applicationId: string; taskToken: string; executionName?: string; correlationId?: string }
  | { step: 'check'; gate: WaitingGate; applicationId: string; executionName?: string; correlationId?: string };

export type DocumentsOutput = AwaitDocumentsResult | { status: ApplicationStatus; next: DocumentsCheckNext };

export function createHandler(deps: Deps) {
  return async (payload: DocumentsPayload): Promise<DocumentsOutput> => {
    appendTaskKeys(deps.logger, payload);
    if (payload.step === 'check') {
      const result = await checkDocumentsWait(deps, { applicationId: payload.applicationId, gate: payload.gate });
      deps.logger.info('documents wait checked', { gate: payload.gate, status: result.status, next: result.next });
      return result;
    }
    const result = await awaitDocuments(deps, { applicationId: payload.applicationId, gate: payload.gate, taskToken: payload.taskToken });
    deps.logger.info('documents gate', { gate: payload.gate, outcome: result.outcome, status: result.status, ...(result.outcome === 'waiting' ? { missing: result.missing, dueAt: result.dueAt } : {}) });
    return result;
  };
}

export const handler = lazyHandler((): ((payload: DocumentsPayload, context: unknown) => Promise<DocumentsOutput>) => createHandler(definition.wire()));
