// Applications waiting for review, built through the real intake and Score handlers on the fakes, for review tests.

import { createHandler as createSubmit } from '../../functions/handlers/submit-application';
import { createHandler as createResume } from '../../functions/handlers/pipeline-resume';
import { createHandler as createScore } from '../../functions/handlers/pipeline-score';
import { requestReview } from '../../functions/core/review/review-service';
import type { fakeDeps } from './fakes';
import { httpEvent, lambdaContext, parse } from './events';
import { validApplication } from './applications';

export type Deps = ReturnType<typeof fakeDeps>;

/** A scored application in ASSESSING (the state the pipeline's review loop starts from). */
export async function scoredApplication(deps: Deps, overrides: Record<string, unknown> = {}, sub = 'alice'): Promise<string> {
  const body = validApplication(overrides);
  const result = await createSubmit(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': `review-${Math.random()}` }, body, sub }),
    lambdaContext,
  );
  const applicationId = parse(result).applicationId as string;
  await createResume(deps)({ applicationId });
  await createScore(deps)({ applicationId });
  return applicationId;
}

let tokens = 0;
export function newToken(): string {
  tokens += 1;
  return `task-token-${tokens}-${Math.random().toString(36).slice(2)}`;
}

/** A scored application with a pending level-1 review (reviewer r1 unless others exist), its token and link. */
export async function pendingReview(deps: Deps, options: { level?: number; overrides?: Record<string, unknown> } = {}) {
  if (deps.reviewers.reviewers.size === 0) deps.reviewers.add({ reviewerId: 'R1', level: 1, name: 'Wang Fang', email: 'wang.fang@lender.test' });
  const applicationId = await scoredApplication(deps, options.overrides);
  const taskToken = newToken();
  const { reviewId } = await requestReview(deps, { applicationId, level: options.level ?? 1, taskToken });
  const review = (await deps.reviews.get(reviewId))!;
  const link = await deps.reviewLinks.linkFor(review);
  const url = new URL(link);
  return { applicationId, taskToken, reviewId, review, link, sig: url.searchParams.get('sig')!, exp: Number(url.searchParams.get('exp')) };
}
