import { createHandler as createRequestReview } from '../../../functions/handlers/pipeline-request-review';
import { createHandler as createReviewSla } from '../../../functions/handlers/review-sla';
import { fakeDeps } from '../../support/fakes';
import { newToken, scoredApplication } from '../../support/reviews';

describe('RequestReview task and the review-SLA schedule', () => {
  it('returns the review id, once per token; throws NoReviewerAvailableError by name for the state machine to catch', async () => {
    const deps = fakeDeps();
    const applicationId = await scoredApplication(deps);
    const task = createRequestReview(deps);
    const taskToken = newToken();
    await expect(task({ applicationId, level: 1, taskToken, executionName: applicationId })).rejects.toMatchObject({ name: 'NoReviewerAvailableError' });
    deps.reviewers.add({ reviewerId: 'R1' });
    const first = await task({ applicationId, level: 1, taskToken, executionName: applicationId });
    expect(first).toEqual({ reviewId: expect.any(String) });
    expect(await task({ applicationId, level: 1, taskToken, executionName: applicationId })).toEqual(first);
    expect(deps.notifier.sent.filter((n) => n.topic === 'review')).toHaveLength(1);
  });

  it('runs the SLA check with the injected clock and returns the counts', async () => {
    const deps = fakeDeps();
    deps.reviewers.add({ reviewerId: 'R1' });
    const applicationId = await scoredApplication(deps);
    await createRequestReview(deps)({ applicationId, level: 1, taskToken: newToken() });
    const sla = createReviewSla(deps);
    expect(await sla()).toMatchObject({ reminded: 0, escalated: 0, expired: 0 });
    deps.clock.current = new Date(deps.clock.current.getTime() + 25 * 3600_000);
    expect(await sla()).toMatchObject({ reminded: 1, escalated: 0, expired: 0 });
  });
});
