import { createHandler as createReviewers } from '../../../functions/handlers/reviewers';
import { createHandler as createQueue } from '../../../functions/handlers/review-queue';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { pendingReview, type Deps } from '../../support/reviews';

function reviewersCall(deps: Deps, method: 'GET' | 'POST', body?: unknown, roles = ['admin']) {
  return createReviewers(deps)(httpEvent({ method, routePath: '/v1/reviewers', sub: 'ada', roles, ...(body !== undefined ? { body } : {}) }), lambdaContext);
}

describe('POST /v1/reviewers', () => {
  it('adds a reviewer (201) subscribed to the review topic with their id, and lists them', async () => {
    const deps = fakeDeps();
    const result = await reviewersCall(deps, 'POST', { email: 'wang.fang@lender.example', name: 'Wang Fang', level: 1 });
    expect(result.statusCode).toBe(201);
    const reviewer = parse(result);
    expect(reviewer).toMatchObject({ email: 'wang.fang@lender.example', name: 'Wang Fang', level: 1, language: 'zh-CN', active: true, openReviews: 0 });
    expect(reviewer.subscriptionArn).toBe(`arn:aws:sns:us-east-1:000000000000:review:${reviewer.reviewerId}`);
    expect(deps.subscriptions.subscribed.map((r) => r.email)).toEqual(['wang.fang@lender.example']);

    const listed = parse(await reviewersCall(deps, 'GET'));
    expect(listed.items.map((r: { reviewerId: string }) => r.reviewerId)).toEqual([reviewer.reviewerId]);
  });

  it('names every bad field (422) and stores nothing', async () => {
    const deps = fakeDeps();
    const result = await reviewersCall(deps, 'POST', { email: 'not-an-email', name: '', level: 4, language: 'fr', extra: true });
    expect(result.statusCode).toBe(422);
    expect(parse(result).errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'extra', 'language', 'level', 'name']);
    expect(deps.reviewers.reviewers.size).toBe(0);
    expect(deps.subscriptions.subscribed).toHaveLength(0);
  });

  it('refuses a second reviewer with the same email (409) and non-admins (403)', async () => {
    const deps = fakeDeps();
    await reviewersCall(deps, 'POST', { email: 'li.na@lender.example', name: 'Li Na', level: 2, language: 'en' });
    expect((await reviewersCall(deps, 'POST', { email: 'LI.NA@lender.example', name: 'Li Na', level: 2, language: 'en' })).statusCode).toBe(409);
    expect((await reviewersCall(deps, 'POST', { email: 'x@lender.example', name: 'X', level: 1 }, ['ops'])).statusCode).toBe(403);
    expect((await reviewersCall(deps, 'GET', undefined, ['reviewer'])).statusCode).toBe(403);
  });
});

describe('GET /v1/reviews?status=PENDING', () => {
  it('lists pending reviews, the most urgent first, for reviewers and ops, without tokens or links', async () => {
    const deps = fakeDeps();
    const first = await pendingReview(deps);
    deps.clock.current = new Date(deps.clock.current.getTime() + 3600_000);
    const second = await pendingReview(deps);
    const queue = createQueue(deps);
    const result = await queue(httpEvent({ method: 'GET', routePath: '/v1/reviews', query: { status: 'PENDING', limit: '1' }, sub: 'rita', roles: ['reviewer'] }), lambdaContext);
    expect(result.statusCode).toBe(200);
    const page = parse(result);
    expect(page.items).toEqual([expect.objectContaining({ reviewId: first.reviewId, status: 'PENDING', level: 1, round: 1, reviewerId: 'R1', overdue: false })]);
    expect(JSON.stringify(page)).not.toContain(first.taskToken);
    expect(JSON.stringify(page)).not.toContain('sig=');
    const next = parse(
      await queue(httpEvent({ method: 'GET', routePath: '/v1/reviews', query: { status: 'PENDING', cursor: page.nextCursor }, sub: 'olga', roles: ['ops'] }), lambdaContext),
    );
    expect(next.items.map((r: { reviewId: string }) => r.reviewId)).toEqual([second.reviewId]);
    expect(next.nextCursor).toBeNull();

    expect((await queue(httpEvent({ method: 'GET', routePath: '/v1/reviews', sub: 'alice' }), lambdaContext)).statusCode).toBe(403);
    expect((await queue(httpEvent({ method: 'GET', routePath: '/v1/reviews', query: { status: 'DONE' }, sub: 'olga', roles: ['ops'] }), lambdaContext)).statusCode).toBe(400);
  });
});
