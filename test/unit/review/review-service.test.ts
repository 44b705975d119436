import { verifyChain } from '../../../functions/core/kernel/audit';
import { ValidationError } from '../../../functions/core/kernel/errors';
import { decideReview, requestReview, runReviewSla, addReviewer, chooseReviewer, validateDecision } from '../../../functions/core/review/review-service';
import { InvalidReviewLinkError, NoReviewerAvailableError, REVIEW_EXPIRED_ERROR, ReviewClosedError, type Reviewer } from '../../../functions/core/review/reviews';
import { fakeDeps } from '../../support/fakes';
import { newToken, pendingReview, scoredApplication, type Deps } from '../../support/reviews';

const HOUR = 3600_000;

function advance(deps: Deps, ms: number) {
  deps.clock.current = new Date(deps.clock.current.getTime() + ms);
}

function linkOf(url: string) {
  const parsed = new URL(url);
  const reviewId = parsed.pathname.split('/').at(-1)!;
  return { reviewId, sig: parsed.searchParams.get('sig') ?? undefined, exp: Number(parsed.searchParams.get('exp')) };
}

function reviewEmails(deps: Deps) {
  return deps.notifier.sent.filter((n) => n.topic === 'review');
}

function actions(deps: Deps, applicationId: string) {
  return deps.applications.audit.get(applicationId)!.map((e) => e.action);
}

describe('choosing a reviewer', () => {
  const reviewer = (id: string, openReviews: number, extra: Partial<Reviewer> = {}): Reviewer => ({
    reviewerId: id, name: id, email: `${id}@x.test`, level: 1, language: 'en', active: true, openReviews, createdAt: '2026-01-01T00:00:00Z', ...extra,
  });

  it('takes the active reviewer with the fewest open reviews, the earliest added on a tie, never an excluded one', () => {
    const candidates = [reviewer('A', 2), reviewer('B', 1, { createdAt: '2026-02-01T00:00:00Z' }), reviewer('C', 1), reviewer('D', 0, { active: false })];
    expect(chooseReviewer(candidates, new Set())?.reviewerId).toBe('C');
    expect(chooseReviewer(candidates, new Set(['C']))?.reviewerId).toBe('B');
    expect(chooseReviewer(candidates, new Set(['A', 'B', 'C']))).toBeUndefined();
  });
});

describe('requesting a review (the pipeline task)', () => {
  it('assigns the least busy active reviewer of the level, stores the review with the SLA of the policy and emails the link', async () => {
    const deps = fakeDeps();
    deps.reviewers.add({ reviewerId: 'BUSY', openReviews: 3 });
    deps.reviewers.add({ reviewerId: 'FREE', openReviews: 0, name: 'Zhang Min', email: 'zhang.min@lender.test', language: 'zh-CN' });
    deps.reviewers.add({ reviewerId: 'IDLE', openReviews: 0, active: false });
    deps.reviewers.add({ reviewerId: 'SENIOR', openReviews: 0, level: 2 });
    const applicationId = await scoredApplication(deps);
    const taskToken = newToken();

    const result = await requestReview(deps, { applicationId, level: 1, taskToken, executionName: applicationId });

    expect(result).toMatchObject({ reviewerId: 'FREE', round: 1, created: true });
    const review = (await deps.reviews.get(result.reviewId))!;
    const now = deps.clock.current.getTime();
    expect(review).toMatchObject({
      applicationId, level: 1, round: 1, status: 'PENDING', taskToken,
      remindAt: new Date(now + 24 * HOUR).toISOString(),
      escalateAt: new Date(now + 48 * HOUR).toISOString(),
      expiresAt: new Date(now + 120 * HOUR).toISOString(),
      linkExpiresAt: new Date(now + 120 * HOUR).toISOString(),
    });
    expect(review.emailSentAt).toBeDefined();
    expect(deps.reviewers.reviewers.get('FREE')!.openReviews).toBe(1);

    const application = deps.applications.applications.get(applicationId)!;
    expect(application.status).toBe('PENDING_REVIEW');
    const trail = deps.applications.audit.get(applicationId)!;
    expect(trail.find((e) => e.action === 'review.assigned')?.details).toEqual({ reviewId: result.reviewId, level: 1, round: 1, reviewerId: 'FREE' });
    expect(trail.find((e) => e.action === 'review.email_sent')?.details).toMatchObject({ reviewId: result.reviewId, reviewerId: 'FREE' });
    expect(verifyChain(trail)).toBe(true);

    const [email] = reviewEmails(deps);
    const link = await deps.reviewLinks.linkFor(review);
    expect(email).toMatchObject({ topic: 'review', channel: 'email', to: 'zhang.min@lender.test' });
    expect(email!.attributes).toEqual({ reviewerId: 'FREE', applicationId, reviewId: result.reviewId, kind: 'review-assigned' });
    expect(email!.body).toContain(link);
    expect(link).toMatch(new RegExp(`^https://api\\.lender\\.test/v1/reviews/${result.reviewId}\\?sig=[A-Za-z0-9_-]{43}&exp=\\d+$`));
    expect(email!.subject).toContain('待审批');
    expect(email!.body).toContain('8,000.00 CNY');
  });

  it('takes the SLA from the current policy', async () => {
    const deps = fakeDeps();
    deps.policies.versions.get(1)!.sla = { remindAfterHours: 2, escalateAfterHours: 4, expireAfterHours: 8 };
    const { review } = await pendingReview(deps);
    const created = Date.parse(review.createdAt);
    expect([review.remindAt, review.escalateAt, review.expiresAt].map((at) => (Date.parse(at) - created) / HOUR)).toEqual([2, 4, 8]);
  });

  it('is idempotent for the same task token: one review, one email, one count of workload', async () => {
    const deps = fakeDeps();
    const { applicationId, taskToken, reviewId } = await pendingReview(deps);
    const again = await requestReview(deps, { applicationId, level: 1, taskToken });
    expect(again).toMatchObject({ reviewId, created: false });
    expect(deps.reviews.reviews.size).toBe(1);
    expect(reviewEmails(deps)).toHaveLength(1);
    expect(deps.reviewers.reviewers.get('R1')!.openReviews).toBe(1);
    expect(actions(deps, applicationId).filter((a) => a === 'review.assigned')).toHaveLength(1);
  });

  it('treats a retried task (a new token for the same level and round) as the same review: the token moves, the link stays', async () => {
    const deps = fakeDeps();
    const { applicationId, reviewId, link } = await pendingReview(deps);
    const retried = newToken();
    const again = await requestReview(deps, { applicationId, level: 1, taskToken: retried });
    expect(again).toMatchObject({ reviewId, round: 1, created: false });
    expect((await deps.reviews.get(reviewId))!.taskToken).toBe(retried);
    expect(reviewEmails(deps)).toHaveLength(1);

    await decideReview(deps, linkOf(link), { decision: 'APPROVE', comment: '' });
    expect(deps.workflow.answers).toEqual([{ taskToken: retried, output: expect.objectContaining({ decision: 'APPROVE', reviewId }) }]);
  });

  it('sends the email a retried task finds unsent (the first attempt failed after storing the review)', async () => {
    const deps = fakeDeps();
    deps.reviewers.add({ reviewerId: 'R1' });
    const applicationId = await scoredApplication(deps);
    const taskToken = newToken();
    const publish = deps.notifier.publish.bind(deps.notifier);
    deps.notifier.publish = async () => {
      throw new Error('SNS unavailable');
    };
    await expect(requestReview(deps, { applicationId, level: 1, taskToken })).rejects.toThrow('SNS unavailable');
    deps.notifier.publish = publish;
    const { reviewId } = await requestReview(deps, { applicationId, level: 1, taskToken });
    expect(reviewEmails(deps)).toHaveLength(1);
    expect((await deps.reviews.get(reviewId))!.emailSentAt).toBeDefined();
    expect(actions(deps, applicationId).filter((a) => a.startsWith('review.'))).toEqual(['review.assigned', 'review.email_sent']);
  });

  it('keeps an application that is PENDING_REVIEW already and records the assignment of the next level', async () => {
    const deps = fakeDeps();
    const { applicationId, link } = await pendingReview(deps);
    deps.reviewers.add({ reviewerId: 'L2', level: 2, email: 'senior@lender.test' });
    await decideReview(deps, linkOf(link), { decision: 'APPROVE', comment: 'fine' });
    const before = deps.applications.applications.get(applicationId)!.timeline.length;
    const level2 = await requestReview(deps, { applicationId, level: 2, taskToken: newToken() });
    expect(level2).toMatchObject({ reviewerId: 'L2', round: 1 });
    const application = deps.applications.applications.get(applicationId)!;
    expect(application.status).toBe('PENDING_REVIEW');
    expect(application.timeline).toHaveLength(before);
    expect(actions(deps, applicationId).filter((a) => a === 'review.assigned')).toHaveLength(2);
  });

  it('never gives a level to a reviewer who decided an earlier level, whatever the workload', async () => {
    const deps = fakeDeps();
    const { applicationId, link } = await pendingReview(deps);
    await decideReview(deps, linkOf(link), { decision: 'APPROVE', comment: '' });
    // R1 was promoted meanwhile and is the least busy level-2 reviewer.
    deps.reviewers.reviewers.get('R1')!.level = 2;
    deps.reviewers.add({ reviewerId: 'L2', level: 2, openReviews: 5 });
    expect((await requestReview(deps, { applicationId, level: 2, taskToken: newToken() })).reviewerId).toBe('L2');
  });

  it('gives a new round after a request for information to the same reviewer while they are active', async () => {
    const deps = fakeDeps();
    const { applicationId, link } = await pendingReview(deps);
    deps.reviewers.add({ reviewerId: 'R2', openReviews: 0 });
    const { review: asked } = await decideReview(deps, linkOf(link), { decision: 'REQUEST_INFO', comment: 'Please upload a recent payslip.' });
    deps.reviewers.reviewers.get('R1')!.openReviews = 4;
    const round2 = await requestReview(deps, { applicationId, level: 1, taskToken: newToken(), after: asked.reviewId });
    expect(round2).toMatchObject({ reviewerId: 'R1', round: 2, created: true });
    const [, second] = reviewEmails(deps);
    expect(second!.body).toContain('round 2');

    const { review: askedAgain } = await decideReview(deps, linkOf(await deps.reviewLinks.linkFor((await deps.reviews.get(round2.reviewId))!)), {
      decision: 'REQUEST_INFO',
      comment: 'And a bank statement.',
    });
    deps.reviewers.reviewers.get('R1')!.active = false;
    expect(await requestReview(deps, { applicationId, level: 1, taskToken: newToken(), after: askedAgain.reviewId })).toMatchObject({ reviewerId: 'R2', round: 3 });
  });

  it('throws NoReviewerAvailableError when no eligible reviewer is active, storing nothing', async () => {
    const deps = fakeDeps();
    deps.reviewers.add({ reviewerId: 'GONE', active: false });
    deps.reviewers.add({ reviewerId: 'OTHER', level: 2 });
    const applicationId = await scoredApplication(deps);
    const error = await requestReview(deps, { applicationId, level: 1, taskToken: newToken() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoReviewerAvailableError);
    expect((error as Error).name).toBe('NoReviewerAvailableError');
    expect(deps.reviews.reviews.size).toBe(0);
    expect(deps.applications.applications.get(applicationId)!.status).toBe('ASSESSING');
    expect(reviewEmails(deps)).toHaveLength(0);
  });
});

describe('deciding through the link', () => {
  it('decides once: the pipeline resumes with the decision, the workload goes down, the trail records it', async () => {
    const deps = fakeDeps();
    const { applicationId, reviewId, taskToken, link } = await pendingReview(deps);
    const result = await decideReview(deps, linkOf(link), { decision: 'approve', comment: '  Stable income.  ' });
    expect(result.delivery).toBe('delivered');
    expect(result.review).toMatchObject({ status: 'DECIDED', decision: { decision: 'APPROVE', comment: 'Stable income.' } });
    expect(deps.workflow.answers).toEqual([
      { taskToken, output: { decision: 'APPROVE', comment: 'Stable income.', reviewerId: 'R1', reviewId, level: 1 } },
    ]);
    expect(deps.reviewers.reviewers.get('R1')!.openReviews).toBe(0);
    expect((await deps.reviews.get(reviewId))!.deliveredAt).toBeDefined();
    const decided = deps.applications.audit.get(applicationId)!.find((e) => e.action === 'review.decided')!;
    expect(decided).toMatchObject({ actor: 'reviewer:R1', details: { reviewId, level: 1, round: 1, decision: 'APPROVE', comment: 'Stable income.', reviewerId: 'R1' } });

    const second = await decideReview(deps, linkOf(link), { decision: 'REJECT', comment: 'changed my mind' }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(ReviewClosedError);
    expect((second as ReviewClosedError).reason).toBe('DECIDED');
    expect(deps.workflow.answers).toHaveLength(1);
    expect(deps.reviewers.reviewers.get('R1')!.openReviews).toBe(0);
  });

  it('lets exactly one of two concurrent decisions win', async () => {
    const deps = fakeDeps();
    const { link } = await pendingReview(deps);
    const results = await Promise.allSettled([
      decideReview(deps, linkOf(link), { decision: 'APPROVE', comment: '' }),
      decideReview(deps, linkOf(link), { decision: 'REJECT', comment: 'no' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([expect.any(ReviewClosedError)]);
    expect(deps.workflow.answers).toHaveLength(1);
  });

  it('needs a comment to reject or to request information, and changes nothing without one', async () => {
    const deps = fakeDeps();
    const { reviewId, link } = await pendingReview(deps);
    for (const decision of ['REJECT', 'REQUEST_INFO']) {
      const error = await decideReview(deps, linkOf(link), { decision, comment: '   ' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors).toEqual([{ path: 'comment', message: expect.stringContaining('required') }]);
    }
    expect((await deps.reviews.get(reviewId))!.status).toBe('PENDING');
    expect(deps.workflow.answers).toHaveLength(0);
  });

  it('validates the decision and the comment, naming each field', () => {
    expect(() => validateDecision({ decision: 'MAYBE', comment: 'x'.repeat(2001) })).toThrow(ValidationError);
    try {
      validateDecision({ decision: 'MAYBE', comment: 'x'.repeat(2001) });
    } catch (error) {
      expect((error as ValidationError).errors.map((e) => e.path)).toEqual(['decision', 'comment']);
    }
    expect(validateDecision({ decision: 'REJECT', comment: 'Income\r\nnot verified' })).toEqual({ decision: 'REJECT', comment: 'Income\nnot verified' });
    expect(validateDecision({ decision: 'APPROVE', comment: undefined })).toEqual({ decision: 'APPROVE', comment: '' });
  });

  it('refuses a tampered link, another review\'s signature and a changed expiry', async () => {
    const deps = fakeDeps();
    const first = await pendingReview(deps);
    const second = await pendingReview(deps);
    const tampered = { ...linkOf(first.link), sig: `${first.sig.slice(0, -1)}${first.sig.endsWith('A') ? 'B' : 'A'}` };
    const crossed = { ...linkOf(first.link), sig: second.sig, exp: second.exp };
    const later = { ...linkOf(first.link), exp: first.exp + 3600 };
    for (const link of [tampered, crossed, later, { ...linkOf(first.link), sig: undefined }]) {
      await expect(decideReview(deps, link, { decision: 'APPROVE', comment: '' })).rejects.toBeInstanceOf(InvalidReviewLinkError);
    }
    expect(deps.workflow.answers).toHaveLength(0);
  });

  it('refuses a link past its expiry', async () => {
    const deps = fakeDeps();
    const { link } = await pendingReview(deps);
    advance(deps, 121 * HOUR);
    const error = await decideReview(deps, linkOf(link), { decision: 'APPROVE', comment: '' }).catch((e: unknown) => e);
    expect((error as ReviewClosedError).reason).toBe('LINK_EXPIRED');
  });

  it('keeps the decision when the pipeline no longer waits, and delivers it later when the pipeline was unreachable', async () => {
    const deps = fakeDeps();
    const gone = await pendingReview(deps);
    deps.workflow.goneTokens.add(gone.taskToken);
    const first = await decideReview(deps, linkOf(gone.link), { decision: 'APPROVE', comment: '' });
    expect(first.delivery).toBe('gone');
    expect((await deps.reviews.get(gone.reviewId))!.deliveredAt).toBeDefined();

    const unreachable = await pendingReview(deps);
    const send = deps.workflow.sendTaskSuccess.bind(deps.workflow);
    deps.workflow.sendTaskSuccess = async () => {
      throw new Error('Step Functions unavailable');
    };
    expect((await decideReview(deps, linkOf(unreachable.link), { decision: 'REJECT', comment: 'Too much debt.' })).delivery).toBe('pending');
    deps.workflow.sendTaskSuccess = send;
    expect((await runReviewSla(deps)).delivered).toBe(0); // not yet: the decision's own attempt gets its chance first
    advance(deps, 3 * 60_000);
    expect(await runReviewSla(deps)).toMatchObject({ delivered: 1, failed: 0 });
    expect(deps.workflow.answers).toEqual([{ taskToken: unreachable.taskToken, output: expect.objectContaining({ decision: 'REJECT', comment: 'Too much debt.' }) }]);
    expect((await runReviewSla(deps)).delivered).toBe(0);
  });
});

describe('the review SLA', () => {
  it('reminds once after the remind time, with the same link', async () => {
    const deps = fakeDeps();
    const { applicationId, reviewId, link } = await pendingReview(deps);
    advance(deps, 23 * HOUR);
    expect((await runReviewSla(deps)).reminded).toBe(0);
    advance(deps, 1 * HOUR);
    expect(await runReviewSla(deps)).toMatchObject({ reminded: 1, escalated: 0, expired: 0 });
    expect(await runReviewSla(deps)).toMatchObject({ reminded: 0 });
    const emails = reviewEmails(deps);
    expect(emails).toHaveLength(2);
    expect(emails[1]!.subject).toMatch(/^Reminder/);
    expect(emails[1]!.body).toContain(link);
    expect((await deps.reviews.get(reviewId))!.remindedAt).toBe(deps.clock.current.toISOString());
    expect(actions(deps, applicationId)).toContain('review.reminded');
  });

  it('escalates after the escalate time to another reviewer of the level: the old link stops working, the new one works', async () => {
    const deps = fakeDeps();
    const { applicationId, reviewId, taskToken, link } = await pendingReview(deps);
    deps.reviewers.add({ reviewerId: 'R2', email: 'r2@lender.test', openReviews: 2 });
    deps.reviewers.add({ reviewerId: 'R3', level: 2, openReviews: 0 });
    advance(deps, 48 * HOUR);
    expect(await runReviewSla(deps)).toMatchObject({ escalated: 1, reminded: 0 });
    expect(await runReviewSla(deps)).toMatchObject({ escalated: 0, reminded: 0 });

    const old = (await deps.reviews.get(reviewId))!;
    expect(old).toMatchObject({ status: 'ESCALATED' });
    const replacement = (await deps.reviews.get(old.escalatedTo!))!;
    expect(replacement).toMatchObject({ status: 'PENDING', reviewerId: 'R2', taskToken, level: 1, round: 1, escalatedFrom: reviewId, expiresAt: old.expiresAt });
    expect(deps.reviewers.reviewers.get('R1')!.openReviews).toBe(0);
    expect(deps.reviewers.reviewers.get('R2')!.openReviews).toBe(3);
    expect(await deps.reviews.findByTaskToken(taskToken)).toMatchObject({ reviewId: replacement.reviewId });

    const emails = reviewEmails(deps);
    expect(emails.at(-1)).toMatchObject({ to: 'r2@lender.test', attributes: { reviewerId: 'R2' } });
    const newLink = await deps.reviewLinks.linkFor(replacement);
    expect(emails.at(-1)!.body).toContain(newLink);

    const stale = await decideReview(deps, linkOf(link), { decision: 'APPROVE', comment: '' }).catch((e: unknown) => e);
    expect((stale as ReviewClosedError).reason).toBe('ESCALATED');
    await decideReview(deps, linkOf(newLink), { decision: 'APPROVE', comment: '' });
    expect(deps.workflow.answers).toEqual([{ taskToken, output: expect.objectContaining({ reviewerId: 'R2', reviewId: replacement.reviewId }) }]);
    expect(actions(deps, applicationId)).toEqual(expect.arrayContaining(['review.escalated', 'review.decided']));
    expect(verifyChain(deps.applications.audit.get(applicationId)!)).toBe(true);
  });

  it('does not escalate to a reviewer who decided another level; with nobody left it alerts operations once, then expires', async () => {
    const deps = fakeDeps();
    deps.reviewers.add({ reviewerId: 'A', level: 1 });
    deps.reviewers.add({ reviewerId: 'B', level: 2 });
    const level1 = await pendingReview(deps);
    await decideReview(deps, linkOf(level1.link), { decision: 'APPROVE', comment: '' });
    deps.reviewers.reviewers.get('A')!.level = 2; // the level-1 decider is now a level-2 reviewer too
    const taskToken = newToken();
    const { reviewId } = await requestReview(deps, { applicationId: level1.applicationId, level: 2, taskToken });
    expect((await deps.reviews.get(reviewId))!.reviewerId).toBe('B');

    advance(deps, 48 * HOUR);
    expect(await runReviewSla(deps)).toMatchObject({ escalated: 0, escalationBlocked: 1 });
    // The reviewer keeps the review and, never reminded before, is reminded now; then nothing more until the deadline.
    expect(await runReviewSla(deps)).toMatchObject({ escalated: 0, escalationBlocked: 0, reminded: 1 });
    expect(await runReviewSla(deps)).toMatchObject({ escalated: 0, escalationBlocked: 0, reminded: 0 });
    const alerts = deps.notifier.sent.filter((n) => n.topic === 'ops');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.attributes).toMatchObject({ kind: 'review-escalation-blocked', reviewId });

    advance(deps, 72 * HOUR);
    expect(await runReviewSla(deps)).toMatchObject({ expired: 1 });
    expect(deps.workflow.answers.at(-1)).toEqual({ taskToken, error: REVIEW_EXPIRED_ERROR });
    expect(await runReviewSla(deps)).toMatchObject({ expired: 0, delivered: 0 });
    expect(deps.reviewers.reviewers.get('B')!.openReviews).toBe(0);
  });

  it('expires at the deadline: ReviewExpired to the pipeline once, a token already gone ignored', async () => {
    const deps = fakeDeps();
    deps.reviewers.add({ reviewerId: 'R1' });
    const a = await pendingReview(deps);
    const b = await pendingReview(deps);
    deps.workflow.goneTokens.add(b.taskToken); // the state machine's own timeout got there first
    advance(deps, 120 * HOUR);
    // Escalation never happens at the deadline: expiry wins.
    expect(await runReviewSla(deps)).toMatchObject({ expired: 2, escalated: 0, failed: 0 });
    expect(deps.workflow.answers).toEqual([{ taskToken: a.taskToken, error: REVIEW_EXPIRED_ERROR }]);
    for (const { reviewId, applicationId } of [a, b]) {
      expect(await deps.reviews.get(reviewId)).toMatchObject({ status: 'EXPIRED', deliveredAt: expect.any(String) });
      expect(actions(deps, applicationId)).toContain('review.expired');
    }
    expect(await runReviewSla(deps)).toMatchObject({ expired: 0, delivered: 0 });
    const stale = await decideReview(deps, linkOf(a.link), { decision: 'APPROVE', comment: '' }).catch((e: unknown) => e);
    expect((stale as ReviewClosedError).reason).toBe('EXPIRED');
  });

  it('cancels the pending review of an application that ended meanwhile', async () => {
    const deps = fakeDeps();
    const { applicationId, reviewId } = await pendingReview(deps);
    const application = deps.applications.applications.get(applicationId)!;
    await deps.applications.transition({ application, to: 'WITHDRAWN', at: deps.clock.now().toISOString(), by: 'applicant' });
    advance(deps, 24 * HOUR);
    expect(await runReviewSla(deps)).toMatchObject({ cancelled: 1, reminded: 0 });
    expect(await deps.reviews.get(reviewId)).toMatchObject({ status: 'CANCELLED' });
    expect(deps.reviewers.reviewers.get('R1')!.openReviews).toBe(0);
    expect(await runReviewSla(deps)).toMatchObject({ cancelled: 0 });
  });
});

describe('adding reviewers', () => {
  it('stores the reviewer with its subscription, refuses a second one with the same email, completes a half-made one', async () => {
    const deps = fakeDeps();
    const { reviewer, created } = await addReviewer(deps, { email: 'Chen.Jie@lender.test', name: 'Chen Jie', level: 2, language: 'en' });
    expect(created).toBe(true);
    expect(reviewer).toMatchObject({ level: 2, active: true, openReviews: 0, subscriptionArn: `arn:aws:sns:us-east-1:000000000000:review:${reviewer.reviewerId}` });
    expect(deps.subscriptions.subscribed.map((r) => r.reviewerId)).toEqual([reviewer.reviewerId]);
    await expect(addReviewer(deps, { email: 'chen.jie@lender.test', name: 'Chen Jie', level: 2, language: 'en' })).rejects.toThrow(/exists already/);

    deps.subscriptions.failNext = true;
    await expect(addReviewer(deps, { email: 'li.na@lender.test', name: 'Li Na', level: 1, language: 'zh-CN' })).rejects.toThrow('SNS unavailable');
    const retried = await addReviewer(deps, { email: 'li.na@lender.test', name: 'Li Na', level: 1, language: 'zh-CN' });
    expect(retried.created).toBe(false);
    expect(retried.reviewer.subscriptionArn).toBeDefined();
    expect(deps.reviewers.reviewers.size).toBe(2);
  });
});
